import Foundation
import GRDB

/// Whose records a list shows (a lead's assignee, a deal's owner).
public enum OwnerFilter: Sendable, Equatable {
    case anyone
    case user(Int64)
    case unassigned
}

/// Which leads a list shows.
public struct LeadFilter: Sendable, Equatable {
    /// Whose leads.
    public typealias Owner = OwnerFilter

    public var status: LeadStatus?
    public var owner: Owner
    public var source: LeadSource?
    public var productId: Int64?
    /// Words to find in name, email or company (prefix match, diacritics ignored).
    public var search: String?
    /// How many leads of the organization the search matched when last counted (capped), if known:
    /// lets a page query pick its plan without counting the matches again.
    public var searchMatches: Int?

    public init(status: LeadStatus? = nil, owner: Owner = .anyone, source: LeadSource? = nil, productId: Int64? = nil, search: String? = nil) {
        self.status = status
        self.owner = owner
        self.source = source
        self.productId = productId
        self.search = search
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
    public func leads(orgId: Int64, filter: LeadFilter, after key: LeadPageKey? = nil, limit: Int = 50, searchLimit: Int = 1_000) throws -> [LeadListItem] {
        try leads(orgId: orgId, filter: filter, key: key, forward: true, limit: limit, searchLimit: searchLimit)
    }

    /// The page of leads just before `key` in the ranking (or the last page when nil), best first.
    public func leads(orgId: Int64, filter: LeadFilter, before key: LeadPageKey?, limit: Int = 50, searchLimit: Int = 1_000) throws -> [LeadListItem] {
        try leads(orgId: orgId, filter: filter, key: key, forward: false, limit: limit, searchLimit: searchLimit).reversed()
    }

    /// How many leads match a filter, counting at most `cap` (the answer is then "cap or more").
    public func leadCount(orgId: Int64, filter: LeadFilter, cap: Int = 10_000) throws -> Int {
        if filter.owner == .anyone && filter.source == nil && filter.productId == nil && (filter.search ?? "").isEmpty {
            let counts = try leadStatusCounts(orgId: orgId)
            return filter.status.map { counts[$0] ?? 0 } ?? counts.values.reduce(0, +)
        }
        let matches = try filter.search.map { try searchMatchCount(orgId: orgId, search: $0, cap: max(cap, Self.searchDrivenLimit)) }
        if let matches, filter.status == nil, filter.owner == .anyone, filter.source == nil, filter.productId == nil {
            return min(matches, cap)  // a search alone: the match count is the answer
        }
        let searchDriven = matches.map { $0 < Self.searchDrivenLimit } ?? false
        let (conditions, arguments) = leadConditions(orgId: orgId, filter: filter, searchLimit: cap, searchDriven: searchDriven)
        return try Int.fetchOne(db, sql: "SELECT count(*) FROM (SELECT 1 FROM leads WHERE \(conditions.joined(separator: " AND ")) LIMIT ?)",
                                arguments: StatementArguments(arguments + [cap])) ?? 0
    }

    func leadConditions(orgId: Int64, filter: LeadFilter, searchLimit: Int, searchDriven: Bool = false) -> ([String], [any DatabaseValueConvertible]) {
        var conditions = ["leads.org_id = ?"]
        var arguments: [any DatabaseValueConvertible] = [orgId]
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
        if let search = filter.search.map(FullTextQuery.prefixQuery), !search.isEmpty {
            // The unary + keeps SQLite from driving the query by rowid through every match: it walks
            // the ranking's index and tests membership in the match set, which stops after a page.
            // For a word with few matches the caller drives from the matches instead (`searchDriven`).
            conditions.append(searchDriven ? "leads.id IN (SELECT rowid FROM leads_fts WHERE leads_fts MATCH ?)"
                                           : "+leads.id IN (SELECT rowid FROM leads_fts WHERE leads_fts MATCH ?)")
            arguments.append(search)
        }
        return (conditions, arguments)
    }

    /// How many of an organization's leads match a full-text query, counting at most `cap`.
    public func searchMatchCount(orgId: Int64, search: String, cap: Int) throws -> Int {
        let query = FullTextQuery.prefixQuery(search)
        guard !query.isEmpty else { return 0 }
        return try Int.fetchOne(db, sql: """
            SELECT count(*) FROM (SELECT 1 FROM leads_fts JOIN leads ON leads.id = leads_fts.rowid
            WHERE leads_fts MATCH ? AND leads.org_id = ? LIMIT ?)
            """, arguments: [query, orgId, cap]) ?? 0
    }

    /// Below this many matches a search is driven from the full-text matches; above, from the ranking.
    static var searchDrivenLimit: Int { 300 }

    func leads(orgId: Int64, filter: LeadFilter, key: LeadPageKey?, forward: Bool, limit: Int, searchLimit: Int) throws -> [LeadListItem] {
        let searchDriven = try filter.search.map { search in
            try (filter.searchMatches ?? searchMatchCount(orgId: orgId, search: search, cap: Self.searchDrivenLimit)) < Self.searchDrivenLimit
        } ?? false
        var (conditions, arguments) = leadConditions(orgId: orgId, filter: filter, searchLimit: searchLimit, searchDriven: searchDriven)
        if let key {
            conditions.append(forward
                ? "(leads.score < ? OR (leads.score = ? AND leads.id > ?))"
                : "(leads.score > ? OR (leads.score = ? AND leads.id < ?))")
            arguments += [key.score, key.score, key.id]
        }
        arguments.append(limit)
        let sql = """
            SELECT leads.*, users.name AS owner_name, products.name AS product_name
            FROM leads
            LEFT JOIN users ON users.id = leads.assigned_to
            LEFT JOIN products ON products.id = leads.product_id
            WHERE \(conditions.joined(separator: " AND "))
            ORDER BY \(forward ? "leads.score DESC, leads.id" : "leads.score, leads.id DESC")
            LIMIT ?
            """
        return try Row.fetchAll(db, sql: sql, arguments: StatementArguments(arguments)).map { row in
            LeadListItem(lead: try Lead(row: row), ownerName: row["owner_name"], productName: row["product_name"])
        }
    }

    /// A lead's actions, newest first.
    public func leadActions(leadId: Int64, limit: Int = 200) throws -> [LeadAction] {
        try LeadAction.filter(Column("lead_id") == leadId)
            .order(Column("created_at").desc, Column("id").desc)
            .limit(limit)
            .fetchAll(db)
    }

    /// Every action of a lead (for scoring one lead).
    public func allLeadActions(leadId: Int64) throws -> [LeadAction] {
        try LeadAction.filter(Column("lead_id") == leadId).fetchAll(db)
    }

    /// Other leads of the organization with the same normalized email or phone.
    public func duplicates(of lead: Lead) throws -> [Lead] {
        guard let id = lead.id else { return [] }
        var found: [Lead] = []
        if let email = lead.emailNormalized {
            found += try Lead.filter(sql: "org_id = ? AND email_normalized = ? AND id <> ?", arguments: [lead.orgId, email, id]).fetchAll(db)
        }
        if let phone = lead.phoneNormalized {
            found += try Lead.filter(sql: "org_id = ? AND phone_normalized = ? AND id <> ?", arguments: [lead.orgId, phone, id]).fetchAll(db)
        }
        var seen = Set<Int64>()
        return found.filter { seen.insert($0.id ?? 0).inserted }
    }

    /// The name of a user of the organization.
    public func userName(id: Int64, orgId: Int64) throws -> String? {
        try String.fetchOne(db, sql: "SELECT name FROM users WHERE id = ? AND org_id = ?", arguments: [id, orgId])
    }

    /// The products of an organization, by name.
    public func products(orgId: Int64) throws -> [Product] {
        try Product.filter(Column("org_id") == orgId).order(Column("name")).fetchAll(db)
    }
}
