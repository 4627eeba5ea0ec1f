import GRDB
import GRDBSQLite

extension StoreTransaction {
    /// Runs raw SQL: only the store's own tests use it, to write what the typed API cannot.
    public func rawExecuteForTests(_ sql: String, _ arguments: Int64...) throws {
        try db.execute(sql: sql, arguments: StatementArguments(arguments))
    }
}

extension StoreReader {
    /// The ids of an organization's leads matching a search, best match first.
    public func searchLeadIDs(_ text: String, orgId: Int64, limit: Int = 200) throws -> [Int64] {
        let terms = LeadSearchTerms(text)
        guard let fullText = terms.fullText else { return [] }
        let (verbatim, arguments) = terms.verbatimConditions()
        return try Int64.fetchAll(db, sql: """
            SELECT leads.id FROM leads_fts CROSS JOIN leads ON leads.id = leads_fts.rowid
            WHERE leads_fts MATCH ? AND leads.org_id = ?\(verbatim.map { " AND " + $0 }.joined())
            ORDER BY leads_fts.rank LIMIT ?
            """, arguments: StatementArguments([fullText, orgId] + arguments + [limit]))
    }
}

/// Turns what a person types into a safe FTS5 query.
public enum FullTextQuery {
    /// Each word quoted (so FTS5 syntax characters are plain text) and matched as a prefix.
    public static func prefixQuery(_ text: String) -> String {
        words(text).map(quotedPrefix).joined(separator: " ")
    }

    static func words(_ text: String) -> [Substring] {
        text.split(whereSeparator: { $0.isWhitespace })
    }

    static func quotedPrefix(_ word: Substring) -> String {
        "\"" + word.replacingOccurrences(of: "\"", with: "\"\"") + "\"*"
    }
}

/// What a search of leads looks for, read from what a person typed.
///
/// The leads' full-text index reads digits as separators (schema v5): "garcia87" is indexed as
/// "garcia". So a word with letters is looked up in the index by its letters, and a word with
/// digits must also appear as typed (lower-cased) in the lead's name, email, company or phone.
/// A search of digits alone looks up the start of the phone number (`+1415…` for `1415`).
struct LeadSearchTerms: Equatable {
    /// The FTS5 query of the words with a letter, each a quoted prefix; nil when none has one.
    var fullText: String?
    /// The words with a digit, as the lead's text must contain them.
    var verbatim: [String]
    /// For a search of digits alone: the digits the lead's phone number starts with.
    var phoneDigits: String?

    init(_ text: String) {
        let words = FullTextQuery.words(text)
        let lettered = words.filter { $0.contains(where: \.isLetter) }
        fullText = lettered.isEmpty ? nil : lettered.map(FullTextQuery.quotedPrefix).joined(separator: " ")
        let digits = Set("0123456789")
        if lettered.isEmpty {
            let phone = String(text.filter { digits.contains($0) })
            phoneDigits = phone.isEmpty ? nil : phone
            verbatim = []
        } else {
            phoneDigits = nil
            // SQLite's lower() folds ASCII only: a word with other letters keeps its digit runs.
            verbatim = words.filter { $0.contains(where: { digits.contains($0) }) }.flatMap { word -> [String] in
                word.allSatisfy(\.isASCII) ? [word.lowercased()]
                    : word.split(whereSeparator: { !digits.contains($0) }).map(String.init)
            }
        }
    }

    /// Nothing to look for (only punctuation): matches no lead.
    var isEmpty: Bool { fullText == nil && phoneDigits == nil }

    /// The conditions on a lead row for the words with digits.
    func verbatimConditions() -> ([String], [any DatabaseValueConvertible]) {
        let text = "lower(coalesce(leads.name, '') || ' ' || coalesce(leads.email, '') || ' ' || coalesce(leads.company, '') || ' ' || coalesce(leads.phone_normalized, ''))"
        return (verbatim.map { _ in "instr(\(text), ?) > 0" }, verbatim)
    }

    /// The phone numbers' range for a search of digits: from "+digits" to just past its last number.
    var phoneRange: (String, String)? {
        phoneDigits.map { ("+" + $0, "+" + $0 + ":") }  // ':' sorts right after '9'
    }
}

/// The ids of a full-text search's matches, one bit each: read once, then asked about many times.
struct LeadIDBitmap {
    private let words: [UInt64]
    /// How many ids it holds.
    let count: Int

    /// Reads every match of `fullText` in the leads' index (every organization's: the caller's
    /// walk over one organization's leads asks only about its ids).
    init(_ db: Database, fullText: String) throws {
        let statement = try db.makeStatement(sql: "SELECT rowid FROM leads_fts WHERE leads_fts MATCH ?")
        try statement.setArguments([fullText])
        var words: [UInt64] = []
        var count = 0
        try statement.forEachRawRow(in: db) { handle in
            let id = sqlite3_column_int64(handle, 0)
            guard id >= 0 else { return true }
            let word = Int(id >> 6)
            if word >= words.count { words += repeatElement(0, count: word - words.count + 1) }
            words[word] |= 1 << UInt64(id & 63)
            count += 1
            return true
        }
        self.words = words
        self.count = count
    }

    func contains(_ id: Int64) -> Bool {
        let word = Int(id >> 6)
        return id >= 0 && word < words.count && words[word] & (1 << UInt64(id & 63)) != 0
    }
}
