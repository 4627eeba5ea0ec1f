import Foundation

// The Leads domain on PostgreSQL: the same answers, in the same order, as the SQLite store's
// (`LeadRequests.swift`, `FullTextSearch.swift`, `AttributeRequests.swift`), every query scoped by
// organization. Search is the leads' `search` vector (`PostgresLeadSearch`); pages are keyset pages
// on `(score DESC, id)` through the ranking's indexes, or, for a search or an attribute value with
// few matches, read from the matches and ranked.

extension PostgresReader: LeadReading {
    func leadStatusCounts(orgId: Int64) throws -> [LeadStatus: Int] {
        var counts: [LeadStatus: Int] = [:]
        for (status, count) in try all("SELECT status, lead_count FROM lead_status_counts WHERE org_id = $1", [orgId],
                                       { (try $0.string(0), try $0.int(1)) }) {
            if let status = LeadStatus(rawValue: status) { counts[status] = Int(count) }
        }
        return counts
    }

    // MARK: Attributes

    static let leadAttributeColumns = "a.id, a.org_id, a.name, a.kind, a.scoring, a.position, a.indexed"

    /// A lead attribute from the columns `leadAttributeColumns` names, from position 0.
    static func leadAttribute(_ row: PGRow) throws -> LeadAttribute {
        LeadAttribute(id: try row.int(0), orgId: try row.int(1), name: try row.string(2), kind: AttributeKind(rawValue: try row.string(3)) ?? .text,
                      scoring: try row.bool(4), position: Int(try row.int(5)), indexed: try row.bool(6))
    }

    func leadAttributes(orgId: Int64) throws -> [LeadAttribute] {
        try all("SELECT \(Self.leadAttributeColumns) FROM lead_attributes a WHERE a.org_id = $1 ORDER BY a.position, a.id", [orgId],
                Self.leadAttribute)
    }

    func attributes(ofLead id: Int64, orgId: Int64) throws -> LeadAttributeValues {
        let rows = try all("""
            SELECT \(Self.leadAttributeColumns), jsonb_typeof(j.value), j.value #>> '{}'
            FROM leads l CROSS JOIN LATERAL jsonb_each(l.attributes) AS j
            JOIN lead_attributes a ON a.org_id = l.org_id AND a.name = j.key
            WHERE l.id = $1 AND l.org_id = $2 ORDER BY a.position, a.id
            """, [id, orgId]) { row -> (LeadAttribute, AttributeValue?) in
            let attribute = try Self.leadAttribute(row)
            return (attribute, Self.attributeValue(type: try row.string(7), text: try row.optionalString(8), kind: attribute.kind))
        }
        return rows.compactMap { attribute, value in value.map { (attribute: attribute, value: $0) } }
    }

    /// A `jsonb` value (its type and its text, `#>> '{}'`) as an attribute of `kind` holds it, read
    /// as the SQLite store reads the same JSON (`AttributeValue.read` of `json_each`'s value): a
    /// whole number as an integer, true and false as 1 and 0, an object or an array as its JSON text.
    static func attributeValue(type: String, text: String?, kind: AttributeKind) -> AttributeValue? {
        guard let text else { return nil }
        func integer(_ number: Int64) -> AttributeValue {
            kind == .yesNo ? .yesNo(number != 0) : kind == .number ? .number(Double(number)) : .text(String(number))
        }
        switch type {
        case "null": return nil
        case "boolean": return integer(text == "true" ? 1 : 0)
        case "number":
            if !text.contains(where: { $0 == "." || $0 == "e" || $0 == "E" }), let number = Int64(text) { return integer(number) }
            guard let number = Double(text) else { return nil }
            return kind == .number ? .number(number) : .text(AttributeValue.numberText(number))
        default:
            return kind == .date ? .date(text) : .text(text)
        }
    }

    /// The value as `lead_attribute_values.value` holds it, as JSON (for `$n::jsonb`): a number as
    /// the JSON writer writes it (`jsonb` compares numbers by value), yes/no as true or false; nil
    /// for a value no stored one can equal (a number that is not finite, a text with a NUL).
    static func attributeJSON(_ value: AttributeValue) -> String? {
        switch value {
        case .text(let text), .date(let text): return jsonText(text)
        case .number(let number): return number.isFinite ? AttributeValue.numberText(number) : nil
        case .yesNo(let yes): return yes ? "true" : "false"
        }
    }

    func attributeValueCounts(orgId: Int64, attributeId: Int64, limit: Int) throws -> (values: [AttributeValueCount], leads: Int) {
        guard let kindText = try scalar(String.self, "SELECT kind FROM lead_attributes WHERE id = $1 AND org_id = $2", [attributeId, orgId]),
              let kind = AttributeKind(rawValue: kindText) else { return ([], 0) }
        var total = 0
        var counts: [AttributeValueCount] = []
        for (type, text, count) in try all("""
            SELECT jsonb_typeof(value), value #>> '{}', count(*) FROM lead_attribute_values WHERE attribute_id = $1 GROUP BY value
            """, [attributeId], { (try $0.string(0), try $0.optionalString(1), Int(try $0.int(2))) }) {
            total += count
            if let value = Self.attributeValue(type: type, text: text, kind: kind) { counts.append(AttributeValueCount(value: value, count: count)) }
        }
        counts.sort { $0.count != $1.count ? $0.count > $1.count : $0.value < $1.value }
        return (Array(counts.prefix(limit)), total)
    }

    func attributeMatchCount(_ filter: AttributeFilter, orgId: Int64, cap: Int) throws -> Int {
        guard let json = Self.attributeJSON(filter.value) else { return 0 }
        // The attribute must be the organization's own (an id of another's counts nothing, even
        // for the owner, whom row-level security does not hold).
        return Int(try scalar(Int64.self, """
            SELECT count(*) FROM (SELECT 1 FROM lead_attribute_values v JOIN lead_attributes a ON a.id = v.attribute_id AND a.org_id = $4
            WHERE v.attribute_id = $1 AND v.value = $2::jsonb LIMIT $3) AS matches
            """, [filter.attributeId, json, cap, orgId]) ?? 0)
    }

    /// The condition that keeps the leads having the filter's value, tested on each lead (a lookup
    /// in the value index); the pages of rarer values are read from the index instead.
    func attributeCondition(_ filter: AttributeFilter, _ arguments: inout PGArguments) -> String {
        guard let json = Self.attributeJSON(filter.value) else { return "false" }
        return "EXISTS (SELECT 1 FROM lead_attribute_values v WHERE v.attribute_id = \(arguments.add(filter.attributeId)) AND v.value = \(arguments.add(json))::jsonb AND v.lead_id = leads.id)"
    }

    // MARK: Search

    func searchLeadIDs(_ text: String, orgId: Int64, limit: Int) throws -> [Int64] {
        let terms = try searchTerms(text, orgId: orgId, attributes: false)
        if !terms.phoneStarts.isEmpty {
            var arguments = PGArguments()
            let org = arguments.add(orgId)
            guard let phone = terms.phoneCondition(&arguments) else { return [] }
            return try all("SELECT id FROM leads WHERE leads.org_id = \(org) AND \(phone) ORDER BY id LIMIT \(arguments.add(limit))",
                           arguments.values) { try $0.int(0) }
        }
        guard !terms.isEmpty, let fullText = terms.fullText else { return [] }
        var arguments = PGArguments()
        let matches = textMatches(fullText, orgId: orgId, cap: nil, &arguments)
        let query = arguments.add(fullText)
        let org = arguments.add(orgId)
        let verbatim = terms.verbatimConditions(&arguments)
        // Best match first (ts_rank, as FTS5's rank orders SQLite's), then by id.
        return try all("""
            SELECT leads.id FROM leads WHERE leads.id IN (\(matches)) AND leads.org_id = \(org)\(verbatim.map { " AND " + $0 }.joined())
            ORDER BY ts_rank(leads.search, \(query)::tsquery) DESC, leads.id LIMIT \(arguments.add(limit))
            """, arguments.values) { try $0.int(0) }
    }

    func searchStatusCounts(orgId: Int64, search: String, cap: Int) throws -> [LeadStatus: Int]? {
        let terms = try searchTerms(search, orgId: orgId)
        // Few matches (as the list's count found, else counted now): read from the full-text index.
        let few = try PlanHints.searchMatches(hints, orgId: orgId, search: search) {
            try searchMatchCount(orgId: orgId, terms: terms, cap: Self.searchDrivenLimit)
        } < Self.searchDrivenLimit
        var arguments = PGArguments()
        let conditions = leadConditions(orgId: orgId, filter: LeadFilter(search: search), terms: terms, driven: true, textByIndex: few, &arguments)
        var counts: [LeadStatus: Int] = [:]
        for (status, count) in try all("""
            SELECT status, count(*) FROM (SELECT leads.status FROM leads WHERE \(conditions.joined(separator: " AND ")) LIMIT \(arguments.add(cap))) AS matches
            GROUP BY status
            """, arguments.values, { (try $0.string(0), Int(try $0.int(1))) }) {
            if let status = LeadStatus(rawValue: status) { counts[status] = count }
        }
        return counts.values.reduce(0, +) < cap ? counts : nil
    }

    func searchMatchCount(orgId: Int64, search: String, cap: Int) throws -> Int {
        try searchMatchCount(orgId: orgId, terms: searchTerms(search, orgId: orgId), cap: cap)
    }

    /// How many of the organization's leads match a search's terms, counting at most `cap`.
    func searchMatchCount(orgId: Int64, terms: PostgresLeadSearch, cap: Int) throws -> Int {
        if terms.isEmpty { return 0 }
        if terms.isTextOnly, let fullText = terms.fullText { return try textMatchCount(fullText, orgId: orgId, cap: cap) }
        var arguments = PGArguments()
        let conditions = leadConditions(orgId: orgId, filter: LeadFilter(search: ""), terms: terms, driven: true, &arguments)
        return Int(try scalar(Int64.self, """
            SELECT count(*) FROM (SELECT 1 FROM leads WHERE \(conditions.joined(separator: " AND ")) LIMIT \(arguments.add(cap))) AS matches
            """, arguments.values) ?? 0)
    }

    /// Below this many matches a search's pages are read from its matches; above, by walking the ranking.
    static var searchDrivenLimit: Int { LeadFilter.searchCountCap }
    /// Below this many holders an attribute value's pages are read from the value index (every
    /// holder's row, then ranked), as the SQLite store's `AttributePlan.sized` does.
    static let attributeDrivenLimit = 1_000
    /// Below this many holders a count with other filters is read from the value index.
    static let attributeCountLimit = 10_000

    // MARK: Pages and counts

    /// The conditions of a filter on `leads`, their values added to `arguments`. `terms` is the
    /// filter's search as `searchTerms` read it; `driven`: the search has few matches, and its
    /// words found among attribute values are read from their indexes rather than tested;
    /// `textByIndex`: its full-text words are few enough to read all their matches from the
    /// full-text index (`textMatches`) rather than test each lead.
    func leadConditions(orgId: Int64, filter: LeadFilter, terms: PostgresLeadSearch?, driven: Bool, textByIndex: Bool = false,
                        _ arguments: inout PGArguments) -> [String] {
        var conditions = ["leads.org_id = \(arguments.add(orgId))"]
        if let attribute = filter.attribute { conditions.append(attributeCondition(attribute, &arguments)) }
        if let status = filter.status { conditions.append("leads.status = \(arguments.add(status.rawValue))") }
        switch filter.owner {
        case .anyone: break
        case .user(let id): conditions.append("leads.assigned_to = \(arguments.add(id))")
        case .unassigned: conditions.append("leads.assigned_to IS NULL")
        }
        if let source = filter.source { conditions.append("leads.source = \(arguments.add(source.rawValue))") }
        if let product = filter.productId { conditions.append("leads.product_id = \(arguments.add(product))") }
        if filter.search != nil, let terms {
            if terms.isEmpty { return conditions + ["false"] }
            if let fullText = terms.fullText {
                conditions.append(textByIndex ? "leads.id IN (\(textMatches(fullText, orgId: orgId, cap: nil, &arguments)))"
                                              : "leads.search @@ \(arguments.add(fullText))::tsquery")
            }
            if let phone = terms.phoneCondition(&arguments) { conditions.append(phone) }
            conditions += terms.verbatimConditions(&arguments)
            for word in terms.attributed {
                guard driven && word.isSmall else { conditions.append(word.testCondition(&arguments)); continue }
                conditions.append(word.drivenCondition(&arguments) { query, arguments in textMatches(query, orgId: orgId, cap: nil, &arguments) })
            }
        }
        return conditions
    }

    func leads(orgId: Int64, filter: LeadFilter, after key: LeadPageKey?, limit: Int) throws -> [LeadListItem] {
        try leadPage(orgId: orgId, filter: filter, key: key, forward: true, limit: limit)
    }

    func leads(orgId: Int64, filter: LeadFilter, before key: LeadPageKey?, limit: Int) throws -> [LeadListItem] {
        try leadPage(orgId: orgId, filter: filter, key: key, forward: false, limit: limit).reversed()
    }

    /// A page of leads in the walk's order (best first forward, worst first backward) after `key`.
    ///
    /// A search with fewer than `searchDrivenLimit` matches, or an attribute value held by fewer
    /// than `attributeDrivenLimit` leads, is read from its matches (their ids and scores through
    /// the full-text or value index), ranked and cut here: walking the ranking for a few matches
    /// would read most of it. Otherwise the ranking's index is walked from the key, each lead
    /// tested, which stops after a page.
    func leadPage(orgId: Int64, filter: LeadFilter, key: LeadPageKey?, forward: Bool, limit: Int) throws -> [LeadListItem] {
        guard limit > 0 else { return [] }
        let terms = try filter.search.map { try searchTerms($0, orgId: orgId) }
        if let terms, terms.isEmpty { return [] }
        // Only the plan depends on the count the list left (`PlanHints`), never the rows.
        let searchDriven = try terms.map { terms in
            try PlanHints.searchMatches(hints, orgId: orgId, search: filter.search ?? "") {
                try searchMatchCount(orgId: orgId, terms: terms, cap: Self.searchDrivenLimit)
            } < Self.searchDrivenLimit
        } ?? false
        var attributeDriven = false
        if !searchDriven, let attribute = filter.attribute {
            attributeDriven = try attributeMatchCount(attribute, orgId: orgId, cap: Self.attributeDrivenLimit) < Self.attributeDrivenLimit
        }
        if searchDriven || attributeDriven {
            var arguments = PGArguments()
            let source: String
            var conditions: [String]
            if attributeDriven, let attribute = filter.attribute {
                guard let json = Self.attributeJSON(attribute.value) else { return [] }
                var unattributed = filter
                unattributed.attribute = nil
                source = "lead_attribute_values v JOIN leads ON leads.id = v.lead_id"
                conditions = ["v.attribute_id = \(arguments.add(attribute.attributeId))", "v.value = \(arguments.add(json))::jsonb"]
                conditions += leadConditions(orgId: orgId, filter: unattributed, terms: terms, driven: false, &arguments)
            } else {
                source = "leads"
                conditions = leadConditions(orgId: orgId, filter: filter, terms: terms, driven: true, textByIndex: true, &arguments)
            }
            let matches = try all("SELECT leads.id, leads.score FROM \(source) WHERE \(conditions.joined(separator: " AND "))", arguments.values) {
                LeadPageKey(score: Int(try $0.int(1)), id: try $0.int(0))
            }
            let page = Self.ranked(matches, after: key, forward: forward, limit: limit)
            return try leadItems(ids: page.map(\.id), orgId: orgId)
        }
        var base = PGArguments()
        let conditions = leadConditions(orgId: orgId, filter: filter, terms: terms, driven: false, &base)
        var found: [LeadListItem] = []
        for segment in Self.segments(after: key, forward: forward) where found.count < limit {
            var arguments = base
            let bounds = segment.conditions(&arguments)
            found += try leadItems(where: conditions + bounds, order: segment.order, limit: limit - found.count, &arguments)
        }
        return found
    }

    /// The matches after (or before) `key` in the ranking, in the walk's order, at most `limit`.
    static func ranked(_ matches: [LeadPageKey], after key: LeadPageKey?, forward: Bool, limit: Int) -> [LeadPageKey] {
        let kept = matches.filter { match in
            guard let key else { return true }
            return forward ? match.score < key.score || (match.score == key.score && match.id > key.id)
                : match.score > key.score || (match.score == key.score && match.id < key.id)
        }
        let sorted = kept.sorted { a, b in
            a.score != b.score ? (forward ? a.score > b.score : a.score < b.score) : (forward ? a.id < b.id : a.id > b.id)
        }
        return Array(sorted.prefix(limit))
    }

    /// One part of the ranking after (or before) a key, read with its own seek.
    struct PageSegment {
        let conditions: (inout PGArguments) -> [String]
        let order: String
    }

    /// The parts of the ranking after (or before) a key: the rest of the key's score by id, then
    /// the lower (higher) scores, each an index range that starts at its first row. One condition
    /// `(score < k OR (score = k AND id > i))` cannot be one range of an index on `score DESC, id`.
    static func segments(after key: LeadPageKey?, forward: Bool) -> [PageSegment] {
        let order = forward ? "leads.score DESC, leads.id" : "leads.score, leads.id DESC"
        guard let key else { return [PageSegment(conditions: { _ in [] }, order: order)] }
        return forward
            ? [PageSegment(conditions: { ["leads.score = \($0.add(key.score))", "leads.id > \($0.add(key.id))"] }, order: "leads.id"),
               PageSegment(conditions: { ["leads.score < \($0.add(key.score))"] }, order: order)]
            : [PageSegment(conditions: { ["leads.score = \($0.add(key.score))", "leads.id < \($0.add(key.id))"] }, order: "leads.id DESC"),
               PageSegment(conditions: { ["leads.score > \($0.add(key.score))"] }, order: order)]
    }

    /// What a lead list reads: the lead's columns and the names it points at.
    func leadItemSelect() throws -> String {
        """
        SELECT \(try catalog.selectList("leads", prefix: "leads.")), owner.name AS owner_name, product.name AS product_name
        FROM leads LEFT JOIN users owner ON owner.id = leads.assigned_to LEFT JOIN products product ON product.id = leads.product_id
        """
    }

    static func leadItem(_ row: PGRow) throws -> LeadListItem {
        LeadListItem(lead: try PGRecordDecoder.decode(Lead.self, from: row), ownerName: try row.decode(String?.self, "owner_name"),
                     productName: try row.decode(String?.self, "product_name"))
    }

    /// Leads with their owner's and product's names, in the order given, at most `limit`.
    func leadItems(where conditions: [String], order: String, limit: Int, _ arguments: inout PGArguments) throws -> [LeadListItem] {
        let sql = "\(try leadItemSelect()) WHERE \(conditions.joined(separator: " AND ")) ORDER BY \(order) LIMIT \(arguments.add(limit))"
        return try all(sql, arguments.values, Self.leadItem)
    }

    /// The organization's leads with these ids, with the names they point at, in the ids' order.
    func leadItems(ids: [Int64], orgId: Int64) throws -> [LeadListItem] {
        guard !ids.isEmpty else { return [] }
        var arguments = PGArguments()
        let sql = "\(try leadItemSelect()) WHERE leads.org_id = \(arguments.add(orgId)) AND leads.id IN (\(arguments.list(ids)))"
        let byID = Dictionary(try all(sql, arguments.values, Self.leadItem).map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        return ids.compactMap { byID[$0] }
    }

    func leadCount(orgId: Int64, filter: LeadFilter, cap: Int) throws -> Int {
        if filter.isStatusOnly {
            return try leadStatusCounts(orgId: orgId).total(for: filter.status)
        }
        if let attribute = filter.attribute, filter.status == nil, filter.owner == .anyone, filter.source == nil, filter.productId == nil,
           (filter.search ?? "").isEmpty {
            // An attribute value alone: counted on its index (an attribute belongs to one organization).
            return try attributeMatchCount(attribute, orgId: orgId, cap: cap)
        }
        let terms = try filter.search.map { try searchTerms($0, orgId: orgId) }
        let matches = try terms.map { terms in
            let count = try searchMatchCount(orgId: orgId, terms: terms, cap: max(cap, Self.searchDrivenLimit))
            if let search = filter.search { hints?.record(searchMatches: count, orgId: orgId, search: search) }
            return count
        }
        if let matches, filter.status == nil, filter.owner == .anyone, filter.source == nil, filter.productId == nil, filter.attribute == nil {
            return min(matches, cap)  // a search alone: the match count is the answer
        }
        if matches == 0 { return 0 }
        let searchDriven = matches.map { $0 < Self.searchDrivenLimit } ?? false
        var arguments = PGArguments()
        if let attribute = filter.attribute, !searchDriven,
           try attributeMatchCount(attribute, orgId: orgId, cap: Self.attributeCountLimit) < Self.attributeCountLimit {
            // Few leads hold the value: counted from its index, each tested on its lead row.
            guard let json = Self.attributeJSON(attribute.value) else { return 0 }
            var unattributed = filter
            unattributed.attribute = nil
            let values = ["v.attribute_id = \(arguments.add(attribute.attributeId))", "v.value = \(arguments.add(json))::jsonb"]
            let conditions = values + leadConditions(orgId: orgId, filter: unattributed, terms: terms, driven: false, &arguments)
            return Int(try scalar(Int64.self, """
                SELECT count(*) FROM (SELECT 1 FROM lead_attribute_values v JOIN leads ON leads.id = v.lead_id
                WHERE \(conditions.joined(separator: " AND ")) LIMIT \(arguments.add(cap))) AS matches
                """, arguments.values) ?? 0)
        }
        let conditions = leadConditions(orgId: orgId, filter: filter, terms: terms, driven: searchDriven, textByIndex: searchDriven, &arguments)
        return Int(try scalar(Int64.self, """
            SELECT count(*) FROM (SELECT 1 FROM leads WHERE \(conditions.joined(separator: " AND ")) LIMIT \(arguments.add(cap))) AS matches
            """, arguments.values) ?? 0)
    }

    // MARK: Actions and duplicates

    func leadActions(leadId: Int64, orgId: Int64, limit: Int) throws -> [LeadAction] {
        try records(LeadAction.self, """
            WHERE lead_id = $1 AND lead_id IN (SELECT id FROM leads WHERE id = $1 AND org_id = $2) ORDER BY created_at DESC, id DESC LIMIT $3
            """, [leadId, orgId, limit])
    }

    func allLeadActions(leadId: Int64, orgId: Int64) throws -> [LeadAction] {
        try records(LeadAction.self, """
            WHERE lead_id = $1 AND lead_id IN (SELECT id FROM leads WHERE id = $1 AND org_id = $2) ORDER BY created_at DESC, id DESC
            """, [leadId, orgId])
    }

    func duplicates(of lead: Lead) throws -> [Lead] {
        guard let id = lead.id else { return [] }
        var found: [Lead] = []
        if let email = lead.emailNormalized {
            found += try records(Lead.self, "WHERE org_id = $1 AND email_normalized = $2 AND id <> $3 ORDER BY id", [lead.orgId, email, id])
        }
        if let phone = lead.phoneNormalized {
            found += try records(Lead.self, "WHERE org_id = $1 AND phone_normalized = $2 AND id <> $3 ORDER BY id", [lead.orgId, phone, id])
        }
        var seen = Set<Int64>()
        return found.filter { seen.insert($0.id ?? 0).inserted }
    }
}
