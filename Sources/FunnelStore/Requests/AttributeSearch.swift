import Foundation
internal import GRDB

/// A search word that text attribute values start with (case and diacritics ignored): it matches
/// a lead by its name, email or company as any word does, or by one of those values.
struct AttributedWord: Equatable {
    /// The word as a quoted FTS5 prefix (its match by name, email or company).
    var fullText: String
    /// The values it matches, by attribute: exact values of `lead_attribute_values`.
    var values: [(attributeId: Int64, values: [String])]
    /// Whether its matches (by text and by value) are few (`AttributeSearch.smallLimit`): then they
    /// are read from the indexes (to drive a query, or into a set); else each lead is tested.
    var isSmall: Bool

    static func == (lhs: AttributedWord, rhs: AttributedWord) -> Bool {
        lhs.fullText == rhs.fullText && lhs.isSmall == rhs.isSmall
            && lhs.values.map(\.attributeId) == rhs.values.map(\.attributeId) && lhs.values.map(\.values) == rhs.values.map(\.values)
    }

    /// `SELECT lead_id ... UNION ALL ...`: the leads holding one of the values.
    func valueLeads() -> (String, [any DatabaseValueConvertible]) {
        var parts: [String] = []
        var arguments: [any DatabaseValueConvertible] = []
        for (attribute, texts) in values {
            parts.append("SELECT lead_id FROM lead_attribute_values WHERE attribute_id = ? AND value IN (\(Self.placeholders(texts.count)))")
            arguments.append(attribute)
            arguments += texts
        }
        return (parts.joined(separator: " UNION ALL "), arguments)
    }

    /// The condition that drives a query from the word's matches: the full-text matches and the
    /// leads holding a value, read from their indexes (few: `isSmall`).
    func drivenCondition() -> (String, [any DatabaseValueConvertible]) {
        let (leads, arguments) = valueLeads()
        return ("leads.id IN (SELECT rowid FROM leads_fts WHERE leads_fts MATCH ? UNION ALL \(leads))", [fullText] + arguments)
    }

    /// The condition that tests one lead: its full-text match (the matches read once per query), or
    /// a point lookup in the value index per value (never the value's whole list of leads).
    func testCondition() -> (String, [any DatabaseValueConvertible]) {
        var parts = ["+leads.id IN (SELECT rowid FROM leads_fts WHERE leads_fts MATCH ?)"]
        var arguments: [any DatabaseValueConvertible] = [fullText]
        for (attribute, texts) in values {
            parts.append("EXISTS (SELECT 1 FROM lead_attribute_values v WHERE v.attribute_id = ? AND v.value IN (\(Self.placeholders(texts.count))) AND v.lead_id = leads.id)")
            arguments.append(attribute)
            arguments += texts
        }
        return ("(" + parts.joined(separator: " OR ") + ")", arguments)
    }

    static func placeholders(_ count: Int) -> String {
        Array(repeating: "?", count: count).joined(separator: ", ")
    }
}

/// How `/` finds leads by their text attributes.
///
/// A search word (with a letter and no digit) matches a lead whose text attribute value starts with
/// it, case and diacritics ignored: `management` finds job = Management. Only the attributes in
/// the value index are searched (`LeadAttribute.indexed`: few distinct values, as categories
/// have; a free-text column is kept and shown, not searched). The value index
/// (`lead_attribute_values`, ordered by attribute and value) holds values as they were given, so
/// the values matching a word are found by walking an attribute's distinct values (a skip-scan:
/// one seek a value, never the leads holding them) and comparing them folded, in Swift. An
/// attribute with more than `distinctLimit` distinct values is looked up by
/// the ranges of the word as typed, lower-cased, capitalized and upper-cased instead (so there a
/// value with other accents or mixed case is not found), at most `rangeLimit` values each.
enum AttributeSearch {
    /// An attribute with at most this many distinct values has them all compared.
    static let distinctLimit = 256
    /// At most this many values of a free-text attribute per spelling of a word.
    static let rangeLimit = 64
    /// A word's matches below this count are read whole; above, each lead is tested.
    static let smallLimit = 10_000

    /// The text folded as a search compares it: case and diacritics ignored.
    static func folded(_ text: String) -> String {
        text.folding(options: [.caseInsensitive, .diacriticInsensitive], locale: nil)
    }

    /// Whether a word is looked for among attribute values: it has a letter and no digit (a word
    /// with digits must appear as typed in a lead's text, `LeadSearchTerms.verbatim`).
    static func isCandidate(_ word: Substring) -> Bool {
        word.contains(where: \.isLetter) && !word.contains(where: { LeadSearchTerms.digits.contains($0) })
    }

    /// The spellings of a word a case-sensitive range may find values by.
    static func spellings(_ word: String) -> [String] {
        var seen = Set<String>()
        return [word, word.lowercased(), word.prefix(1).uppercased() + word.dropFirst().lowercased(), word.uppercased()]
            .filter { seen.insert($0).inserted }
    }

    /// Distinct text values of an attribute in `[low, high)` (high nil: every text value), in
    /// order, at most `limit`: a skip-scan of the value index, one seek per value.
    static func distinctValues(_ db: Database, attributeId: Int64, from low: String, below high: String?, limit: Int) throws -> [String] {
        // Every text sorts before any blob: an empty blob bounds "every text value".
        let upper: any DatabaseValueConvertible = high ?? Data()
        // One seek a value: the next distinct value after one (a skip-scan, never the leads holding them).
        let first = try db.cachedStatement(sql: "SELECT min(value) FROM lead_attribute_values WHERE attribute_id = ? AND value >= ? AND value < ?")
        let next = try db.cachedStatement(sql: "SELECT min(value) FROM lead_attribute_values WHERE attribute_id = ? AND value > ? AND value < ?")
        var values: [String] = []
        var value = try String.fetchOne(first, arguments: [attributeId, low, upper])
        while let found = value, values.count < limit {
            values.append(found)
            value = try String.fetchOne(next, arguments: [attributeId, found, upper])
        }
        return values
    }
}

extension LeadSearchTerms {
    /// The search's words that text attribute values start with, moved from `fullText` into
    /// `attributed` (resolved against the organization's attributes).
    mutating func resolveAttributes(_ db: Database, orgId: Int64) throws {
        let candidates = lettered.filter { AttributeSearch.isCandidate(Substring($0)) }
        guard !candidates.isEmpty else { return }
        let attributes = try Int64.fetchAll(db, sql: "SELECT id FROM lead_attributes WHERE org_id = ? AND kind = 'text' AND indexed = 1 ORDER BY position, id",
                                            arguments: [orgId])
        guard !attributes.isEmpty else { return }
        let words = candidates.map { ($0, AttributeSearch.folded($0)) }
        var found: [String: [(attributeId: Int64, values: [String])]] = [:]
        for attribute in attributes {
            let all = try AttributeSearch.distinctValues(db, attributeId: attribute, from: "", below: nil, limit: AttributeSearch.distinctLimit + 1)
            if all.count <= AttributeSearch.distinctLimit {
                let folded = all.map { ($0, AttributeSearch.folded($0)) }
                for (word, key) in words {
                    let values = folded.filter { $0.1.hasPrefix(key) }.map(\.0)
                    if !values.isEmpty { found[word, default: []].append((attribute, values)) }
                }
            } else {
                for (word, key) in words {
                    var values: [String] = []
                    for spelling in AttributeSearch.spellings(word) {
                        values += try AttributeSearch.distinctValues(db, attributeId: attribute, from: spelling, below: spelling + "\u{10FFFF}",
                                                                     limit: AttributeSearch.rangeLimit)
                            .filter { AttributeSearch.folded($0).hasPrefix(key) }
                    }
                    var seen = Set<String>()
                    values = values.filter { seen.insert($0).inserted }
                    if !values.isEmpty { found[word, default: []].append((attribute, values)) }
                }
            }
        }
        guard !found.isEmpty else { return }
        var plain: [String] = []
        for word in lettered {
            guard let values = found[word] else { plain.append(word); continue }
            guard !attributed.contains(where: { $0.fullText == FullTextQuery.quotedPrefix(Substring(word)) }) else { continue }
            var item = AttributedWord(fullText: FullTextQuery.quotedPrefix(Substring(word)), values: values, isSmall: false)
            item.isSmall = try Self.matchCount(item, db: db, orgId: orgId, cap: AttributeSearch.smallLimit) < AttributeSearch.smallLimit
            attributed.append(item)
        }
        fullText = plain.isEmpty ? nil : plain.map { FullTextQuery.quotedPrefix(Substring($0)) }.joined(separator: " ")
    }

    /// At most `cap`: the word's full-text matches in the organization plus its leads by value
    /// (both read from their indexes, stopping at the cap).
    static func matchCount(_ word: AttributedWord, db: Database, orgId: Int64, cap: Int) throws -> Int {
        let byText = try Int.fetchOne(db, sql: """
            SELECT count(*) FROM (SELECT 1 FROM leads_fts CROSS JOIN leads ON leads.id = leads_fts.rowid
            WHERE leads_fts MATCH ? AND leads.org_id = ? LIMIT ?)
            """, arguments: [word.fullText, orgId, cap]) ?? 0
        guard byText < cap else { return cap }
        let (leads, arguments) = word.valueLeads()
        let byValue = try Int.fetchOne(db, sql: "SELECT count(*) FROM (\(leads) LIMIT ?)",
                                       arguments: StatementArguments(arguments + [cap - byText])) ?? 0
        return byText + byValue
    }
}

extension StoreReader {
    /// What a search looks for, with its words that text attribute values start with resolved
    /// against the organization's attributes.
    func searchTerms(_ search: String, orgId: Int64) throws -> LeadSearchTerms {
        var terms = LeadSearchTerms(search)
        try terms.resolveAttributes(db, orgId: orgId)
        return terms
    }
}
