import Foundation

/// Query parameters numbered as they are added (`$1`, `$2`...): conditions built piece by piece
/// name their values in the order the query sends them.
struct PGArguments {
    private(set) var values: [any PGBindable] = []

    /// The placeholder of a new parameter.
    mutating func add(_ value: any PGBindable) -> String {
        values.append(value)
        return "$\(values.count)"
    }

    /// The placeholders of new parameters, comma-separated.
    mutating func list(_ values: [any PGBindable]) -> String {
        values.map { add($0) }.joined(separator: ", ")
    }
}

/// What a search of leads looks for on PostgreSQL, read from what a person typed as the SQLite
/// store reads it (`LeadSearchTerms`: words with letters as prefixes, words with digits also as
/// typed, digits alone as the start of a phone number), with each word's full-text part a
/// `tsquery` made of the lexemes the database itself makes of it.
///
/// The `tsquery` is never parsed from what was typed: each word's runs of letters and digits are
/// turned into lexemes by `to_tsvector` (the parser and `funnel_unaccent` that made the leads'
/// `search` vectors), and the query is written from those lexemes, each quoted, as `'lexeme':*`.
/// Quotes, `&|!():*`, control characters and NUL are separators or nothing, never syntax.
struct PostgresLeadSearch {
    /// The `tsquery` of the words with a letter not found among attribute values; nil when none.
    var fullText: String?
    /// The words with a digit, as the lead's text must contain them (lower-cased).
    var verbatim: [String]
    /// For a search of digits alone: the digits the lead's phone number may start with.
    var phoneStarts: [String]
    /// The words that text attribute values start with: each matches by its text or by those values.
    var attributed: [PostgresAttributedWord] = []
    /// A word with letters the database makes no lexeme of: no lead can match the search.
    var unmatchable = false

    /// Nothing to look for (only punctuation), or a word nothing can match: matches no lead.
    var isEmpty: Bool { unmatchable || (fullText == nil && phoneStarts.isEmpty && attributed.isEmpty) }

    /// Words matched by the full-text index alone (no digits, no attribute values): its matches are
    /// the search's.
    var isTextOnly: Bool { fullText != nil && verbatim.isEmpty && phoneStarts.isEmpty && attributed.isEmpty && !unmatchable }

    /// The condition on a lead row for the words with digits, their values added to `arguments`.
    func verbatimConditions(_ arguments: inout PGArguments) -> [String] {
        let text = "lower(coalesce(leads.name, '') || ' ' || coalesce(leads.email, '') || ' ' || coalesce(leads.company, '') || ' ' || coalesce(leads.phone_normalized, ''))"
        return verbatim.map { "strpos(\(text), \(arguments.add($0))) > 0" }
    }

    /// The condition on a lead's phone for a search of digits (nil for any other search): for each
    /// reading, the range from `+digits` to the next prefix (`+1415` to `+1416`), or'ed, which
    /// `idx_leads_phone` reads. The upper bound is a prefix with its last digit raised, not `:`
    /// after the digits: a collation other than C may not sort `:` after `9`.
    func phoneCondition(_ arguments: inout PGArguments) -> String? {
        guard !phoneStarts.isEmpty else { return nil }
        let ranges = phoneStarts.map { start -> String in
            let low = "leads.phone_normalized >= \(arguments.add("+" + start))"
            guard let next = Self.nextPrefix(start) else { return "(\(low))" }
            return "(\(low) AND leads.phone_normalized < \(arguments.add("+" + next)))"
        }
        return "(" + ranges.joined(separator: " OR ") + ")"
    }

    /// The smallest string of digits after every string that starts with `digits` (`1415` ->
    /// `1416`, `1299` -> `13`); nil when there is none (`999`).
    static func nextPrefix(_ digits: String) -> String? {
        var bytes = Array(digits.utf8)
        while let last = bytes.last {
            if last < UInt8(ascii: "9") {
                bytes[bytes.count - 1] = last + 1
                return String(decoding: bytes, as: UTF8.self)
            }
            bytes.removeLast()
        }
        return nil
    }

    /// `'lexeme':*`, quoted as `tsquery` text quotes (a quote doubled, a backslash escaped).
    static func prefixOperand(_ lexeme: String) -> String {
        "'" + lexeme.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "'", with: "''") + "':*"
    }
}

/// A search word that text attribute values start with (case and diacritics ignored): it matches
/// a lead by its name, email or company as any word does, or by one of those values
/// (`AttributedWord` on SQLite).
struct PostgresAttributedWord {
    /// The word's `tsquery` (its match by name, email or company).
    var fullText: String
    /// The values it matches, by attribute: exact text values of `lead_attribute_values`.
    var values: [(attributeId: Int64, values: [String])]
    /// Whether its matches (by text and by value) are few (`AttributeSearch.smallLimit`).
    var isSmall: Bool

    /// `SELECT lead_id ... UNION ALL ...`: the leads holding one of the values.
    func valueLeads(_ arguments: inout PGArguments) -> String {
        values.map { attribute, texts in
            "SELECT lead_id FROM lead_attribute_values WHERE attribute_id = \(arguments.add(attribute)) AND value IN (\(PostgresReader.jsonTexts(texts, &arguments)))"
        }.joined(separator: " UNION ALL ")
    }

    /// The condition that drives a query from the word's matches: its full-text matches and the
    /// leads holding a value, read from their indexes (few: `isSmall`). `textMatches` is the
    /// reader's `textMatches(_:orgId:cap:)`.
    func drivenCondition(_ arguments: inout PGArguments, textMatches: (String, inout PGArguments) -> String) -> String {
        let byText = textMatches(fullText, &arguments)
        return "leads.id IN (\(byText) UNION ALL \(valueLeads(&arguments)))"
    }

    /// The condition that tests one lead: its full-text match, or a lookup in the value index per
    /// attribute (never the value's whole list of leads).
    func testCondition(_ arguments: inout PGArguments) -> String {
        var parts = ["leads.search @@ \(arguments.add(fullText))::tsquery"]
        for (attribute, texts) in values {
            parts.append("EXISTS (SELECT 1 FROM lead_attribute_values v WHERE v.attribute_id = \(arguments.add(attribute)) AND v.value IN (\(PostgresReader.jsonTexts(texts, &arguments))) AND v.lead_id = leads.id)")
        }
        return "(" + parts.joined(separator: " OR ") + ")"
    }
}

extension PostgresReader {
    /// What a search looks for (`PostgresLeadSearch`); its words that text attribute values start
    /// with resolved against the organization's attributes when `attributes`.
    func searchTerms(_ text: String, orgId: Int64, attributes: Bool = true) throws -> PostgresLeadSearch {
        let typed = LeadSearchTerms(text)
        var terms = PostgresLeadSearch(fullText: nil, verbatim: typed.verbatim, phoneStarts: typed.phoneStarts)
        let queries = try wordQueries(typed.lettered)
        guard !queries.contains(where: { $0 == nil }) else {
            terms.unmatchable = true
            return terms
        }
        var plain = Array(zip(typed.lettered, queries.map { $0 ?? "" }))
        if attributes {
            let resolved = try resolveAttributes(plain, orgId: orgId)
            terms.attributed = resolved.attributed
            plain = resolved.plain
        }
        terms.fullText = plain.isEmpty ? nil : plain.map(\.1).joined(separator: " & ")
        return terms
    }

    /// Each word's `tsquery` (its lexemes as prefixes, and'ed), in one query for the words the
    /// store has not asked about before (`PlanHints.wordQuery`); nil for a word the database makes
    /// no lexeme of.
    func wordQueries(_ words: [String]) throws -> [String?] {
        guard !words.isEmpty else { return [] }
        if let hints {
            let known = words.compactMap { hints.wordQuery($0) }
            if known.count == words.count { return known }
            let asked = try askWordQueries(words)
            for (word, query) in zip(words, asked) { hints.record(wordQuery: query, for: word) }
            return asked
        }
        return try askWordQueries(words)
    }

    /// Each word's `tsquery`, as the server makes its lexemes: one query for all the words.
    func askWordQueries(_ words: [String]) throws -> [String?] {
        // Only runs of letters and digits are sent, a word a line: nothing typed is ever syntax.
        let lines = words.map { word in
            word.split(whereSeparator: { !($0.isLetter || $0.isNumber) }).joined(separator: " ")
        }
        var lexemes = Array(repeating: [String](), count: words.count)
        let rows = try all("""
            SELECT w.n, l.lexeme FROM regexp_split_to_table($1, chr(10)) WITH ORDINALITY AS w(word, n)
            CROSS JOIN LATERAL unnest(to_tsvector('simple', funnel_unaccent(w.word))) AS l
            """, [lines.joined(separator: "\n")]) { (Int(try $0.int(0)), try $0.string(1)) }
        for (line, lexeme) in rows where line >= 1 && line <= words.count {
            lexemes[line - 1].append(lexeme)
        }
        return lexemes.map { found in
            found.isEmpty ? nil : found.sorted().map(PostgresLeadSearch.prefixOperand).joined(separator: " & ")
        }
    }

    /// The words (with their `tsquery`) that values of the organization's indexed text attributes
    /// start with, case and diacritics ignored (`AttributeSearch`), and the others.
    func resolveAttributes(_ words: [(String, String)], orgId: Int64) throws
        -> (attributed: [PostgresAttributedWord], plain: [(String, String)]) {
        let candidates = words.filter { AttributeSearch.isCandidate(Substring($0.0)) }
        guard !candidates.isEmpty else { return ([], words) }
        let attributes = try all("SELECT id FROM lead_attributes WHERE org_id = $1 AND kind = 'text' AND indexed ORDER BY position, id",
                                 [orgId]) { try $0.int(0) }
        guard !attributes.isEmpty else { return ([], words) }
        let folded = candidates.map { ($0.0, AttributeSearch.folded($0.0)) }
        var found: [String: [(attributeId: Int64, values: [String])]] = [:]
        for attribute in attributes {
            let every = try distinctTextValues(attributeId: attribute, from: "", below: nil, limit: AttributeSearch.distinctLimit + 1)
            if every.count <= AttributeSearch.distinctLimit {
                let foldedValues = every.map { ($0, AttributeSearch.folded($0)) }
                for (word, key) in folded {
                    let values = foldedValues.filter { $0.1.hasPrefix(key) }.map(\.0)
                    if !values.isEmpty { found[word, default: []].append((attribute, values)) }
                }
            } else {
                for (word, key) in folded {
                    var values: [String] = []
                    for spelling in AttributeSearch.spellings(word) {
                        values += try distinctTextValues(attributeId: attribute, from: spelling, below: spelling + "\u{10FFFF}",
                                                         limit: AttributeSearch.rangeLimit)
                            .filter { AttributeSearch.folded($0).hasPrefix(key) }
                    }
                    var seen = Set<String>()
                    values = values.filter { seen.insert($0).inserted }
                    if !values.isEmpty { found[word, default: []].append((attribute, values)) }
                }
            }
        }
        guard !found.isEmpty else { return ([], words) }
        var plain: [(String, String)] = []
        var attributed: [PostgresAttributedWord] = []
        for (word, query) in words {
            guard let values = found[word] else { plain.append((word, query)); continue }
            guard !attributed.contains(where: { $0.fullText == query }) else { continue }
            var item = PostgresAttributedWord(fullText: query, values: values, isSmall: false)
            item.isSmall = try matchCount(item, orgId: orgId, cap: AttributeSearch.smallLimit) < AttributeSearch.smallLimit
            attributed.append(item)
        }
        return (attributed, plain)
    }

    /// Distinct text values of an attribute in `[low, high)` (high nil: every text value), in
    /// order, at most `limit`: a skip-scan of the value index (a recursive query, one index seek
    /// per value, never the leads holding them). Every number sorts after every string in
    /// `jsonb`'s order, so `0` bounds "every text value".
    func distinctTextValues(attributeId: Int64, from low: String, below high: String?, limit: Int) throws -> [String] {
        guard let lowJSON = Self.jsonText(low) else { return [] }
        let highJSON = high.map { Self.jsonText($0) ?? "0" } ?? "0"
        return try all("""
            WITH RECURSIVE found(value) AS (
              (SELECT value FROM lead_attribute_values WHERE attribute_id = $1 AND value >= $2::jsonb AND value < $3::jsonb ORDER BY value LIMIT 1)
              UNION ALL
              SELECT (SELECT v.value FROM lead_attribute_values v WHERE v.attribute_id = $1 AND v.value > found.value AND v.value < $3::jsonb
                      ORDER BY v.value LIMIT 1)
              FROM found WHERE found.value IS NOT NULL
            )
            SELECT value #>> '{}' FROM found WHERE value IS NOT NULL AND jsonb_typeof(value) = 'string' LIMIT $4
            """, [attributeId, lowJSON, highJSON, limit]) { try $0.string(0) }
    }

    /// `SELECT id ...`: the organization's leads matching a `tsquery`, at most `cap` (nil: all),
    /// through `funnel_lead_matches`: as a user, row-level security would test `@@` (which is not
    /// leakproof) on every row the policy lets through instead of reading the full-text index, so
    /// a word no lead has read every lead. A database without the function reads them directly.
    func textMatches(_ fullText: String, orgId: Int64, cap: Int?, _ arguments: inout PGArguments) -> String {
        let (org, query) = (arguments.add(orgId), arguments.add(fullText))
        let limit = cap.map { arguments.add($0) } ?? "NULL"
        return catalog.hasLeadMatches
            ? "SELECT funnel_lead_matches(\(org), \(query)::tsquery, \(limit)::integer)"
            : "SELECT id FROM leads WHERE org_id = \(org) AND search @@ \(query)::tsquery LIMIT \(limit)::integer"
    }

    /// How many of the organization's leads match a `tsquery`, counting at most `cap`.
    func textMatchCount(_ fullText: String, orgId: Int64, cap: Int) throws -> Int {
        var arguments = PGArguments()
        let matches = textMatches(fullText, orgId: orgId, cap: cap, &arguments)
        return Int(try scalar(Int64.self, "SELECT count(*) FROM (\(matches)) AS matches", arguments.values) ?? 0)
    }

    /// At most `cap`: the word's full-text matches in the organization plus its leads by value.
    func matchCount(_ word: PostgresAttributedWord, orgId: Int64, cap: Int) throws -> Int {
        let byText = try textMatchCount(word.fullText, orgId: orgId, cap: cap)
        guard byText < cap else { return cap }
        var arguments = PGArguments()
        let leads = word.valueLeads(&arguments)
        let byValue = Int(try scalar(Int64.self, "SELECT count(*) FROM (\(leads) LIMIT \(arguments.add(cap - byText))) AS matches",
                                     arguments.values) ?? 0)
        return byText + byValue
    }

    /// A text as a `jsonb` string's JSON; nil for a text `jsonb` cannot hold (a NUL), which no
    /// stored value can equal.
    static func jsonText(_ text: String) -> String? {
        guard !text.contains("\u{0}") else { return nil }
        var json = ""
        AttributeJSON.appendString(text, to: &json)
        return json
    }

    /// Placeholders of texts as `jsonb` strings (a text no value can equal becomes `null`, which
    /// the value index never holds).
    static func jsonTexts(_ texts: [String], _ arguments: inout PGArguments) -> String {
        texts.map { "\(arguments.add(jsonText($0) ?? "null"))::jsonb" }.joined(separator: ", ")
    }
}
