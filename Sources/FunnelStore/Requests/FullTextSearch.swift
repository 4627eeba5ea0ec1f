internal import GRDB
internal import GRDBSQLite

extension StoreTransaction {
    /// Runs raw SQL: only the store's own tests use it, to write what the typed API cannot.
    public func rawExecuteForTests(_ sql: String, _ arguments: Int64...) throws {
        try db.execute(sql: sql, arguments: StatementArguments(arguments))
    }
}

extension StoreReader {
    /// The ids of an organization's leads matching a search: best match first for words, by id
    /// for a search of digits alone (a phone number).
    public func searchLeadIDs(_ text: String, orgId: Int64, limit: Int = 200) throws -> [Int64] {
        let terms = LeadSearchTerms(text)
        if let (condition, arguments) = terms.phoneCondition() {
            return try Int64.fetchAll(db, sql: "SELECT id FROM leads WHERE leads.org_id = ? AND \(condition) ORDER BY id LIMIT ?",
                                      arguments: StatementArguments([orgId] + arguments + [limit]))
        }
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

    /// The words typed: control characters (a NUL would end the query early where SQLite reads
    /// it as C text, an escape sequence is nobody's word) separate words as spaces do.
    static func words(_ text: String) -> [Substring] {
        text.split(whereSeparator: { $0.isWhitespace || $0.unicodeScalars.contains { $0.properties.generalCategory == .control } })
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
/// A search of digits alone looks up the start of the phone number (`+1415…` for `1415`; a part
/// typed without its country code is also read as North American: `212 555` finds `+1 212 555…`).
struct LeadSearchTerms: Equatable {
    /// The FTS5 query of the words with a letter, each a quoted prefix; nil when none has one.
    var fullText: String?
    /// The words with a digit, as the lead's text must contain them.
    var verbatim: [String]
    /// For a search of digits alone: the digits the lead's phone number may start with (after
    /// its `+`), one or two readings of what was typed.
    var phoneStarts: [String]
    /// The words with a letter, as typed.
    var lettered: [String]
    /// The words that text attribute values start with (`resolveAttributes`): each matches a lead
    /// by its text or by those values, and is not in `fullText`.
    var attributed: [AttributedWord] = []

    init(_ text: String) {
        let words = FullTextQuery.words(text)
        let lettered = words.filter { $0.contains(where: \.isLetter) }
        self.lettered = lettered.map(String.init)
        fullText = lettered.isEmpty ? nil : lettered.map(FullTextQuery.quotedPrefix).joined(separator: " ")
        if lettered.isEmpty {
            phoneStarts = Self.phoneStarts(text)
            verbatim = []
        } else {
            phoneStarts = []
            verbatim = words.filter { $0.contains(where: { Self.digits.contains($0) }) }.flatMap(Self.verbatimParts)
        }
    }

    static let digits = Set("0123456789")
    /// What people put between a phone number's digits: `(415) 555-0124`, `415.555.0124`, `+41`.
    static let phonePunctuation = Set("+-./()")

    /// What a word with digits must match in the lead's text (lower-cased, as SQLite's lower()).
    ///
    /// A word of digits and phone punctuation ("555-0124", "(415)") is a piece of a phone number:
    /// its digits are looked for, since phone numbers are kept as `+` and digits. SQLite's lower()
    /// folds ASCII only, so a word with other letters keeps only its digit runs.
    static func verbatimParts(_ word: Substring) -> [String] {
        if word.allSatisfy({ digits.contains($0) || phonePunctuation.contains($0) }) {
            let onlyDigits = String(word.filter { digits.contains($0) })
            return onlyDigits.isEmpty ? [] : [onlyDigits]
        }
        return word.allSatisfy(\.isASCII) ? [word.lowercased()]
            : word.split(whereSeparator: { !digits.contains($0) }).map(String.init)
    }

    /// The digits a phone number may start with, for a search of digits alone.
    ///
    /// A whole number is read as the store reads one (`PhoneNumber.normalized`: `00` for `+`, ten
    /// digits as North American), so "415 555 0124" finds `+14155550124`. A part of one typed with
    /// its country code (`+33 1`, `0033 1`) is the start of that international form; a part typed
    /// without one is read both ways, as the start of the international form and, as the store
    /// reads ten digits, of a North American number: "212 555" finds `+1 212 555…` (and `+212 555…`).
    static func phoneStarts(_ text: String) -> [String] {
        if let whole = PhoneNumber.normalized(text) { return [String(whole.dropFirst())] }
        let trimmed = text.drop(while: { $0.isWhitespace })
        var typed = String(text.filter { digits.contains($0) })
        if trimmed.hasPrefix("+") { return typed.isEmpty ? [] : [typed] }
        if typed.hasPrefix("00") {
            typed.removeFirst(2)
            return typed.isEmpty ? [] : [typed]
        }
        if typed.isEmpty { return [] }
        return typed.hasPrefix("1") ? [typed] : [typed, "1" + typed]
    }

    /// Nothing to look for (only punctuation): matches no lead.
    var isEmpty: Bool { fullText == nil && phoneStarts.isEmpty && attributed.isEmpty }

    /// The conditions on a lead row for the words with digits.
    func verbatimConditions() -> ([String], [any DatabaseValueConvertible]) {
        let text = "lower(coalesce(leads.name, '') || ' ' || coalesce(leads.email, '') || ' ' || coalesce(leads.company, '') || ' ' || coalesce(leads.phone_normalized, ''))"
        return (verbatim.map { _ in "instr(\(text), ?) > 0" }, verbatim)
    }

    /// The condition on a lead's phone for a search of digits (nil for any other search): for each
    /// reading, the range from "+digits" to just past its last number (':' sorts right after '9'),
    /// or'ed (SQLite reads each range of `idx_leads_phone`). `plus` is "+" to test it on each lead
    /// of a walk instead.
    func phoneCondition(plus: String = "") -> (String, [any DatabaseValueConvertible])? {
        guard !phoneStarts.isEmpty else { return nil }
        let range = "(\(plus)leads.phone_normalized >= ? AND \(plus)leads.phone_normalized < ?)"
        return ("(" + Array(repeating: range, count: phoneStarts.count).joined(separator: " OR ") + ")",
                phoneStarts.flatMap { ["+" + $0, "+" + $0 + ":"] as [any DatabaseValueConvertible] })
    }
}

/// The ids of a full-text search's matches: read once, then asked about many times.
///
/// The full-text index holds every organization's leads, and its rowids come in ascending order:
/// the matches are kept as a sorted list (8 bytes a match), or as one bit per id when that is
/// smaller (a common word among dense ids), so memory follows the matches, never the largest id.
struct LeadMatchSet {
    private enum Storage {
        case sorted([Int64])
        case bits(base: Int64, words: [UInt64])
    }
    private let storage: Storage
    /// How many ids it holds.
    let count: Int

    /// Reads every match of `fullText` in the leads' index. The index is shared by the
    /// organizations, and asking each match's organization would cost a row lookup per match (as
    /// much again as the read): the ids are only ever asked about by the caller's walk over one
    /// organization's leads, and the rows it keeps are read with `org_id = ?`.
    init(_ db: Database, fullText: String) throws {
        try self.init(db, sql: "SELECT rowid FROM leads_fts WHERE leads_fts MATCH ? ORDER BY rowid", arguments: [fullText])
    }

    /// Reads the ids a query gives, in ascending order (the query's `ORDER BY`).
    init(_ db: Database, sql: String, arguments: StatementArguments) throws {
        let statement = try db.makeStatement(sql: sql)
        try statement.setArguments(arguments)
        var ids: [Int64] = []
        try statement.forEachRawRow(in: db) { handle in
            ids.append(sqlite3_column_int64(handle, 0))
            return true
        }
        count = ids.count
        guard let first = ids.first, let last = ids.last, case let (span, overflow) = last.subtractingReportingOverflow(first),
              !overflow, span / 64 + 1 < Int64(ids.count) else {
            storage = .sorted(ids)
            return
        }
        var words = [UInt64](repeating: 0, count: Int(span / 64 + 1))
        for id in ids {
            let offset = id - first
            words[Int(offset >> 6)] |= 1 << UInt64(offset & 63)
        }
        storage = .bits(base: first, words: words)
    }

    func contains(_ id: Int64) -> Bool {
        switch storage {
        case .bits(let base, let words):
            let offset = id - base
            return offset >= 0 && Int(offset >> 6) < words.count && words[Int(offset >> 6)] & (1 << UInt64(offset & 63)) != 0
        case .sorted(let ids):
            var low = 0, high = ids.count
            while low < high {
                let middle = (low + high) / 2
                if ids[middle] < id { low = middle + 1 } else { high = middle }
            }
            return low < ids.count && ids[low] == id
        }
    }
}
