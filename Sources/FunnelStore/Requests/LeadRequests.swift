import Foundation
internal import GRDB
internal import GRDBSQLite

/// Whose records a list shows (a lead's assignee, a deal's owner).
public enum OwnerFilter: Sendable, Equatable {
    case anyone
    case user(Int64)
    case unassigned
}

extension Dictionary where Key == LeadStatus, Value == Int {
    /// Of counts by status: one status's count, or every lead's when `status` is nil (the "all" tab).
    public func total(for status: LeadStatus?) -> Int { status.map { self[$0] ?? 0 } ?? values.reduce(0, +) }
}

/// Which leads a list shows.
public struct LeadFilter: Sendable, Equatable {
    /// A search's matches are counted up to this many ("300+" on screen); below it, a search's
    /// pages are read from its matches, above it by walking the ranking.
    public static let searchCountCap = 300

    /// Whose leads.
    public typealias Owner = OwnerFilter

    public var status: LeadStatus?
    public var owner: Owner
    public var source: LeadSource?
    public var productId: Int64?
    /// Words to find in name, email or company (prefix match, diacritics ignored; a word with
    /// digits must appear as typed, and digits alone find the start of a phone number).
    public var search: String?
    /// Only leads whose attribute holds this value (schema v7).
    public var attribute: AttributeFilter?

    /// Whether it narrows by status alone (or not at all): counted from the maintained counts.
    public var isStatusOnly: Bool {
        owner == .anyone && source == nil && productId == nil && (search ?? "").isEmpty && attribute == nil
    }

    public init(status: LeadStatus? = nil, owner: Owner = .anyone, source: LeadSource? = nil, productId: Int64? = nil, search: String? = nil,
                attribute: AttributeFilter? = nil) {
        self.status = status
        self.owner = owner
        self.source = source
        self.productId = productId
        self.search = search
        self.attribute = attribute
    }
}

/// Where a page of leads ranked by score starts: after this (score, id).
public struct LeadPageKey: Sendable, Equatable, Hashable {
    public let score: Int
    public let id: Int64

    public init(score: Int, id: Int64) {
        self.score = score
        self.id = id
    }
}

/// One row of a leads list: the lead and the names it points at.
public struct LeadListItem: Sendable, Equatable, Identifiable {
    public let lead: Lead
    public let ownerName: String?
    public let productName: String?

    public init(lead: Lead, ownerName: String?, productName: String?) {
        self.lead = lead
        self.ownerName = ownerName
        self.productName = productName
    }

    public var id: Int64 { lead.id ?? 0 }
    /// The key of this row in the ranking (for the next page).
    public var pageKey: LeadPageKey { LeadPageKey(score: lead.score, id: id) }
}

extension StoreReader {
    /// A page of an organization's leads, best score first, after `key` (or from the top).
    ///
    /// Keyset paging on `(score DESC, id)` through `idx_leads_org_score`, `idx_leads_org_status`
    /// or `idx_leads_org_owner_score`: a page costs the same at row 10 and at row 900,000.
    /// With `search`, only full-text matches (still ranked by score).
    public func leads(orgId: Int64, filter: LeadFilter, after key: LeadPageKey? = nil, limit: Int = 50) throws -> [LeadListItem] {
        try leads(orgId: orgId, filter: filter, key: key, forward: true, limit: limit)
    }

    /// The page of leads just before `key` in the ranking (or the last page when nil), best first.
    public func leads(orgId: Int64, filter: LeadFilter, before key: LeadPageKey?, limit: Int = 50) throws -> [LeadListItem] {
        try leads(orgId: orgId, filter: filter, key: key, forward: false, limit: limit).reversed()
    }

    /// How many leads match a filter, counting at most `cap` (the answer is then "cap or more").
    public func leadCount(orgId: Int64, filter: LeadFilter, cap: Int = 10_000) throws -> Int {
        try leadCount(orgId: orgId, filter: filter, cap: cap, plan: .sized)
    }

    func leadCount(orgId: Int64, filter: LeadFilter, cap: Int, plan: AttributePlan) throws -> Int {
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
        let searchDriven = matches.map { $0 < Self.searchDrivenLimit } ?? false
        if let attribute = filter.attribute, !searchDriven, try attributeMatchCount(attribute, orgId: orgId, cap: plan.setLimit) < plan.setLimit {
            // Few leads hold the value: counted from its index, each tested on its lead row.
            var unattributed = filter
            unattributed.attribute = nil
            let (conditions, arguments) = leadConditions(orgId: orgId, filter: unattributed, terms: terms, searchDriven: false)
            return try Int.fetchOne(db, sql: """
                SELECT count(*) FROM (SELECT 1 FROM lead_attribute_values v CROSS JOIN leads ON leads.id = v.lead_id
                WHERE v.attribute_id = ? AND v.value = ? AND \(conditions.joined(separator: " AND ")) LIMIT ?)
                """, arguments: StatementArguments([attribute.attributeId, attribute.value.databaseValue] + arguments + [cap])) ?? 0
        }
        let (conditions, arguments) = leadConditions(orgId: orgId, filter: filter, terms: terms, searchDriven: searchDriven)
        return try Int.fetchOne(db, sql: "SELECT count(*) FROM (SELECT 1 FROM leads WHERE \(conditions.joined(separator: " AND ")) LIMIT ?)",
                                arguments: StatementArguments(arguments + [cap])) ?? 0
    }

    /// The conditions of a filter on `leads`. `terms` is the filter's search as `searchTerms` read
    /// it (its words found among attribute values); nil: read again, by name, email, company and phone only.
    func leadConditions(orgId: Int64, filter: LeadFilter, terms: LeadSearchTerms? = nil, searchDriven: Bool = false) -> ([String], [any DatabaseValueConvertible]) {
        var conditions = ["leads.org_id = ?"]
        var arguments: [any DatabaseValueConvertible] = [orgId]
        if let attribute = filter.attribute {
            let (condition, values) = attributeCondition(attribute)
            conditions.append(condition)
            arguments += values
        }
        if let status = filter.status {
            conditions.append("leads.status = ?")
            arguments.append(status.rawValue)
        }
        switch filter.owner {
        case .anyone: break
        case .user(let id):
            conditions.append("leads.assigned_to = ?")
            arguments.append(id)
        case .unassigned:
            conditions.append("leads.assigned_to IS NULL")
        }
        if let source = filter.source {
            conditions.append("leads.source = ?")
            arguments.append(source.rawValue)
        }
        if let product = filter.productId {
            conditions.append("leads.product_id = ?")
            arguments.append(product)
        }
        if let search = filter.search {
            let terms = terms ?? LeadSearchTerms(search)
            // The unary + keeps SQLite from driving the query from the matches: it walks the
            // ranking's index and tests each lead, which stops after a page. For a search with few
            // matches the caller drives from the matches instead (`searchDriven`).
            let plus = searchDriven ? "" : "+"
            if terms.isEmpty { conditions.append("0") }
            if let fullText = terms.fullText {
                conditions.append("\(plus)leads.id IN (SELECT rowid FROM leads_fts WHERE leads_fts MATCH ?)")
                arguments.append(fullText)
            }
            if let (condition, phoneArguments) = terms.phoneCondition(plus: plus) {
                conditions.append(condition)
                arguments += phoneArguments
            }
            let (verbatim, words) = terms.verbatimConditions()
            conditions += verbatim
            arguments += words
            // A word some attribute values start with: driven from its few matches, or tested on each lead.
            for word in terms.attributed {
                let (condition, values) = searchDriven && word.isSmall ? word.drivenCondition() : word.testCondition()
                conditions.append(condition)
                arguments += values
            }
        }
        return (conditions, arguments)
    }

    /// How many of the leads matching a search are in each status, when it has fewer than `cap`
    /// matches; nil when it has more. One query, driven by the matches, that stops at `cap` of them.
    public func searchStatusCounts(orgId: Int64, search: String, cap: Int) throws -> [LeadStatus: Int]? {
        let (conditions, arguments) = leadConditions(orgId: orgId, filter: LeadFilter(search: search), terms: try searchTerms(search, orgId: orgId),
                                                     searchDriven: true)
        var counts: [LeadStatus: Int] = [:]
        for row in try Row.fetchAll(db, sql: """
            SELECT status, count(*) FROM (SELECT leads.status FROM leads WHERE \(conditions.joined(separator: " AND ")) LIMIT ?) GROUP BY status
            """, arguments: StatementArguments(arguments + [cap])) {
            if let status = LeadStatus(rawValue: row[0]) { counts[status] = row[1] }
        }
        return counts.values.reduce(0, +) < cap ? counts : nil
    }

    /// How many of an organization's leads match a search, counting at most `cap`.
    public func searchMatchCount(orgId: Int64, search: String, cap: Int) throws -> Int {
        try searchMatchCount(orgId: orgId, terms: searchTerms(search, orgId: orgId), cap: cap)
    }

    func searchMatchCount(orgId: Int64, terms: LeadSearchTerms, cap: Int) throws -> Int {
        if terms.isEmpty { return 0 }
        if let fullText = terms.fullText, terms.attributed.isEmpty {
            // Driven by the full-text index, which stops after `cap` matches of the organization.
            // CROSS JOIN keeps that order on a file never analyzed: otherwise SQLite may walk the
            // organization's leads and ask the index about each one.
            let (verbatim, words) = terms.verbatimConditions()
            return try Int.fetchOne(db, sql: """
                SELECT count(*) FROM (SELECT 1 FROM leads_fts CROSS JOIN leads ON leads.id = leads_fts.rowid
                WHERE leads_fts MATCH ? AND leads.org_id = ?\(verbatim.map { " AND " + $0 }.joined()) LIMIT ?)
                """, arguments: StatementArguments([fullText, orgId] + words + [cap])) ?? 0
        }
        // Digits alone (a phone number), or words found among attribute values: each small set of
        // matches drives, the others are tested on its leads.
        let (conditions, arguments) = leadConditions(orgId: orgId, filter: LeadFilter(search: ""), terms: terms, searchDriven: true)
        return try Int.fetchOne(db, sql: "SELECT count(*) FROM (SELECT 1 FROM leads WHERE \(conditions.joined(separator: " AND ")) LIMIT ?)",
                                arguments: StatementArguments(arguments + [cap])) ?? 0
    }

    /// Below this many matches a search is driven from the full-text matches; above, from the ranking.
    static var searchDrivenLimit: Int { LeadFilter.searchCountCap }

    func leads(orgId: Int64, filter: LeadFilter, key: LeadPageKey?, forward: Bool, limit: Int, plan: AttributePlan = .sized) throws -> [LeadListItem] {
        let terms = try filter.search.map { try searchTerms($0, orgId: orgId) }
        let searchDriven = try terms.map { terms in
            try PlanHints.searchMatches(hints, orgId: orgId, search: filter.search ?? "") {
                try searchMatchCount(orgId: orgId, terms: terms, cap: Self.searchDrivenLimit)
            } < Self.searchDrivenLimit
        } ?? false
        // An attribute value held by few leads is read from its index, then ranked (`AttributePlan`);
        // by more, its leads' ids are read into a set the ranking's walk asks; a common one is tested
        // lead by lead down the ranking, which stops after a page.
        let attributeMatches = try filter.attribute.map { try attributeMatchCount($0, orgId: orgId, cap: plan.setLimit) } ?? Int.max
        if let attribute = filter.attribute, !searchDriven, attributeMatches < plan.drivenLimit {
            return try leadsDrivenByAttribute(orgId: orgId, filter: filter, attribute: attribute, terms: terms, key: key, forward: forward, limit: limit)
        }
        let walkSearch = !searchDriven && terms.map { $0.fullText != nil || !$0.attributed.isEmpty } == true
        if walkSearch || (!searchDriven && attributeMatches < plan.setLimit) {
            return try leadsWalkingMatches(orgId: orgId, filter: filter, terms: walkSearch ? terms : nil,
                                           attributeSet: attributeMatches < plan.setLimit, key: key, forward: forward, limit: limit)
        }
        let (conditions, arguments) = leadConditions(orgId: orgId, filter: filter, terms: terms, searchDriven: searchDriven)
        var found: [LeadListItem] = []
        for segment in Self.segments(after: key, forward: forward) where found.count < limit {
            found += try leadItems(where: conditions + segment.conditions, arguments: arguments + segment.arguments + [limit - found.count],
                                   order: segment.order + " LIMIT ?")
        }
        return found
    }

    /// How a page filtered by an attribute value is read, by how many leads hold the value.
    struct AttributePlan {
        /// Below this many holders the page is read from the value index (every holder's row, then
        /// ranked); at 1,000,000 leads, 259 holders take about 7 ms, where walking the ranking for
        /// them would read most of it.
        var drivenLimit: Int
        /// Below this many the holders' ids are read into a `LeadMatchSet` for the ranking's walk
        /// (3,333 ids at 1,000,000 leads: a page in 3.4 ms, where testing each walked lead took 11);
        /// from this many on (1 lead in 100 at 1,000,000) a point lookup of the value index per walked
        /// lead finds a page as soon as reading the set would (12,768 holders: 4.6 ms a page either way,
        /// with a longer tail reading the set).
        var setLimit: Int

        static let sized = AttributePlan(drivenLimit: 1_000, setLimit: 10_000)
    }

    /// A page of the leads holding a rare attribute value: every holder read through the value
    /// index (`CROSS JOIN` keeps SQLite from walking the ranking against the list), ranked, cut.
    func leadsDrivenByAttribute(orgId: Int64, filter: LeadFilter, attribute: AttributeFilter, terms: LeadSearchTerms?, key: LeadPageKey?,
                                forward: Bool, limit: Int) throws -> [LeadListItem] {
        var unattributed = filter
        unattributed.attribute = nil
        let (conditions, arguments) = leadConditions(orgId: orgId, filter: unattributed, terms: terms, searchDriven: false)
        var found: [LeadListItem] = []
        for segment in Self.segments(after: key, forward: forward) where found.count < limit {
            found += try leadItems(from: "lead_attribute_values v CROSS JOIN leads ON leads.id = v.lead_id",
                                   where: ["v.attribute_id = ?", "v.value = ?"] + conditions + segment.conditions,
                                   arguments: [attribute.attributeId, attribute.value.databaseValue] + arguments + segment.arguments + [limit - found.count],
                                   order: segment.order + " LIMIT ?")
        }
        return found
    }

    /// The parts of the ranking after (or before) a key, each read with its own seek.
    ///
    /// One condition `(score < ? OR (score = ? AND id > ?))` is planned as the range `score <= ?`:
    /// SQLite then walks every lead of the key's score that comes before the key (17,000 of them
    /// per score at 1,000,000 leads). Two ranges, the rest of the key's score by id and then the
    /// lower scores, each start at their first row.
    static func segments(after key: LeadPageKey?, forward: Bool) -> [(conditions: [String], arguments: [any DatabaseValueConvertible], order: String)] {
        guard let key else { return [([], [], order(forward: forward))] }
        return forward
            ? [(["leads.score = ?", "leads.id > ?"], [key.score, key.id], "leads.id"),
               (["leads.score < ?"], [key.score], order(forward: true))]
            : [(["leads.score = ?", "leads.id < ?"], [key.score, key.id], "leads.id DESC"),
               (["leads.score > ?"], [key.score], order(forward: false))]
    }

    /// A page of a search with many matches (a common name or company).
    ///
    /// The matches' ids are read once from the full-text index into a `LeadMatchSet`; then the ranking's
    /// index is walked in order, keeping the ids the set holds, until a page is found. SQLite's
    /// own plan for `+id IN (SELECT rowid ...)` builds a b-tree of every match first (30,000 for a
    /// common surname at 1,000,000 leads, about 3 ms) for the same answer.
    ///
    /// A word found among attribute values (`LeadSearchTerms.attributed`) with few matches is read
    /// into a set of its own (its full-text matches and its leads by value); one with many is tested
    /// on each lead of the walk (a point lookup in the value index per value), which finds a page soon.
    ///
    /// `attributeSet`: the filter's attribute value is held by few enough leads to be read into a set
    /// too (from the value index, in id order); otherwise it is tested on each walked lead.
    func leadsWalkingMatches(orgId: Int64, filter: LeadFilter, terms: LeadSearchTerms?, attributeSet: Bool = false, key: LeadPageKey?,
                             forward: Bool, limit: Int) throws -> [LeadListItem] {
        guard limit > 0 else { return [] }
        var sets: [LeadMatchSet] = []
        if let fullText = terms?.fullText { sets.append(try LeadMatchSet(db, fullText: fullText)) }
        var unsearched = filter
        unsearched.search = nil
        if attributeSet, let attribute = filter.attribute {
            unsearched.attribute = nil
            sets.append(try LeadMatchSet(db, sql: "SELECT lead_id FROM lead_attribute_values WHERE attribute_id = ? AND value = ? ORDER BY lead_id",
                                         arguments: [attribute.attributeId, attribute.value.databaseValue]))
        }
        var (conditions, arguments) = leadConditions(orgId: orgId, filter: unsearched)
        for word in terms?.attributed ?? [] {
            if word.isSmall {
                let (leads, values) = word.valueLeads()
                let union = leads.replacingOccurrences(of: " UNION ALL ", with: " UNION ")
                sets.append(try LeadMatchSet(db, sql: "SELECT rowid FROM leads_fts WHERE leads_fts MATCH ? UNION \(union) ORDER BY 1",
                                             arguments: StatementArguments([word.fullText] + values)))
            } else {
                let (condition, values) = word.testCondition()
                conditions.append(condition)
                arguments += values
            }
        }
        let (verbatim, words) = terms?.verbatimConditions() ?? ([], [])
        var found: [LeadListItem] = []
        var batch: [Int64] = []
        func take() throws {
            guard !batch.isEmpty else { return }
            // Rows come back in any order: put them in the walk's. The unary + keeps SQLite, on a
            // file never analyzed, from reading the organization's index against the ids.
            let rows = try leadItems(where: ["+leads.org_id = ?", "leads.id IN (\(batch.map(String.init).joined(separator: ",")))"] + verbatim,
                                     arguments: [orgId] + words, order: nil)
            let byID = Dictionary(rows.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
            found += batch.compactMap { byID[$0] }
            batch.removeAll(keepingCapacity: true)
        }
        for segment in Self.segments(after: key, forward: forward) where found.count < limit {
            let walk = try db.makeStatement(sql: """
                SELECT leads.id FROM leads WHERE \((conditions + segment.conditions).joined(separator: " AND ")) ORDER BY \(segment.order)
                """)
            try walk.setArguments(StatementArguments(arguments + segment.arguments))
            try walk.forEachRawRow(in: db) { handle in
                let id = sqlite3_column_int64(handle, 0)
                if sets.allSatisfy({ $0.contains(id) }) {
                    batch.append(id)
                    if found.count + batch.count == limit { try take() }
                }
                return found.count < limit
            }
            try take()
        }
        try take()
        return Array(found.prefix(limit))
    }

    static func order(forward: Bool) -> String {
        forward ? "leads.score DESC, leads.id" : "leads.score, leads.id DESC"
    }

    /// Leads with their owner's and product's names.
    func leadItems(from table: String = "leads", where conditions: [String], arguments: [any DatabaseValueConvertible], order: String?) throws -> [LeadListItem] {
        let sql = """
            SELECT \(Lead.orderedColumns), users.name, products.name
            FROM \(table)
            LEFT JOIN users ON users.id = leads.assigned_to
            LEFT JOIN products ON products.id = leads.product_id
            WHERE \(conditions.joined(separator: " AND "))
            \(order.map { "ORDER BY " + $0 } ?? "")
            """
        let names = Lead.orderedColumnCount
        return try Row.fetchAll(db, sql: sql, arguments: StatementArguments(arguments)).map { row in
            LeadListItem(lead: try Lead(orderedRow: row), ownerName: row[names], productName: row[names + 1])
        }
    }

    /// A lead's actions, newest first.
    public func leadActions(leadId: Int64, orgId: Int64, limit: Int = 200) throws -> [LeadAction] {
        try LeadAction.rows.filter(Column("lead_id") == leadId)
            .filter(sql: "lead_id IN (SELECT id FROM leads WHERE id = ? AND org_id = ?)", arguments: [leadId, orgId])
            .order(Column("created_at").desc, Column("id").desc)
            .limit(limit)
            .fetchAll(db).map(\.value)
    }

    /// Every action of a lead (for scoring one lead).
    public func allLeadActions(leadId: Int64, orgId: Int64) throws -> [LeadAction] {
        try LeadAction.rows.filter(Column("lead_id") == leadId)
            .filter(sql: "lead_id IN (SELECT id FROM leads WHERE id = ? AND org_id = ?)", arguments: [leadId, orgId])
            .fetchAll(db).map(\.value)
    }

    /// Other leads of the organization with the same normalized email or phone.
    public func duplicates(of lead: Lead) throws -> [Lead] {
        guard let id = lead.id else { return [] }
        var found: [Lead] = []
        if let email = lead.emailNormalized {
            found += try Lead.rows.filter(sql: "org_id = ? AND email_normalized = ? AND id <> ?", arguments: [lead.orgId, email, id]).fetchAll(db).map(\.value)
        }
        if let phone = lead.phoneNormalized {
            found += try Lead.rows.filter(sql: "org_id = ? AND phone_normalized = ? AND id <> ?", arguments: [lead.orgId, phone, id]).fetchAll(db).map(\.value)
        }
        var seen = Set<Int64>()
        return found.filter { seen.insert($0.id ?? 0).inserted }
    }

    /// The name of a user of the organization.
    public func userName(id: Int64, orgId: Int64) throws -> String? {
        try String.fetchOne(db, sql: "SELECT name FROM users WHERE id = ? AND org_id = ?", arguments: [id, orgId])
    }

    /// The names of an organization's users by id (for telling who did what in a timeline).
    public func userNames(orgId: Int64) throws -> [Int64: String] {
        var names: [Int64: String] = [:]
        for row in try Row.fetchAll(db, sql: "SELECT id, name FROM users WHERE org_id = ?", arguments: [orgId]) { names[row[0]] = row[1] }
        return names
    }

    /// The products of an organization, by name.
    public func products(orgId: Int64) throws -> [Product] {
        try Product.rows.filter(Column("org_id") == orgId).order(Column("name")).fetchAll(db).map(\.value)
    }

    /// A file signs in no one: whoever may open it chooses the user (`--user`).
    public func serverSignIn() throws -> String? { nil }
}
