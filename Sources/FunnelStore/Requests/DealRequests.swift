import Foundation
internal import GRDB

/// Which deals a board column or the deals table shows.
public struct DealFilter: Sendable, Equatable {
    /// Whose deals.
    public typealias Owner = OwnerFilter

    public var stage: DealStage?
    public var owner: Owner
    public var productId: Int64?
    /// Deals whose close date falls in this month (`YYYY-MM`).
    public var closeMonth: String?
    /// Words to find in the deal's title or its contact's name, email or company (prefix match).
    public var search: String?

    public init(stage: DealStage? = nil, owner: Owner = .anyone, productId: Int64? = nil, closeMonth: String? = nil, search: String? = nil) {
        self.stage = stage
        self.owner = owner
        self.productId = productId
        self.closeMonth = closeMonth
        self.search = search
    }

    /// Whether nothing but the stage narrows the deals (the maintained totals answer for it).
    public var isUnfiltered: Bool {
        owner == .anyone && productId == nil && closeMonth == nil && (search ?? "").isEmpty
    }

    /// The same filter for one stage.
    public func with(stage: DealStage?) -> DealFilter {
        var copy = self
        copy.stage = stage
        return copy
    }
}

/// The orders deals can be listed in; each has an index ending in id, so pages go by key.
public enum DealSort: String, Sendable, CaseIterable {
    /// Close date, soonest first; deals without a date last.
    case closeDate = "close"
    /// Value, largest first.
    case value
    /// Days in the stage, longest first.
    case stageAge = "age"
    /// Title, A to Z.
    case title

    var column: String {
        switch self {
        case .closeDate: return "deals.close_date"
        case .value: return "deals.value"
        case .stageAge: return "deals.stage_changed_at"
        case .title: return "deals.title COLLATE NOCASE"
        }
    }

    var isNullable: Bool { self == .closeDate }

    /// The natural direction: the one a person expects first.
    public var naturalDescending: Bool { self == .value }
}

/// A position in a list of deals: after (or before) the deal with this sort value and id.
public struct DealPageKey: Sendable, Hashable {
    /// The sort column's value: an integer, a text, or nil for a NULL close date.
    public enum Value: Sendable, Hashable {
        case int(Int64)
        case text(String)
        case null
    }

    public let value: Value
    public let id: Int64

    public init(value: Value, id: Int64) {
        self.value = value
        self.id = id
    }
}

/// One deal as lists show it, with the names it points at.
public struct DealListItem: Sendable, Equatable, Identifiable {
    public let deal: Deal
    public let contactName: String?
    public let company: String?
    public let ownerName: String?
    public let productName: String?
    /// When anything last happened to the deal (its newest activity), if ever.
    public let lastActivityAt: Date?

    public init(deal: Deal, contactName: String?, company: String?, ownerName: String?, productName: String?, lastActivityAt: Date?) {
        self.deal = deal
        self.contactName = contactName
        self.company = company
        self.ownerName = ownerName
        self.productName = productName
        self.lastActivityAt = lastActivityAt
    }

    public var id: Int64 { deal.id ?? 0 }

    /// This row's key in a list sorted by `sort`.
    public func pageKey(_ sort: DealSort) -> DealPageKey {
        switch sort {
        case .closeDate: return DealPageKey(value: deal.closeDate.map { .text($0) } ?? .null, id: id)
        case .value: return DealPageKey(value: .int(deal.value), id: id)
        case .stageAge: return DealPageKey(value: .text(DealListItem.timestamp(deal.stageChangedAt)), id: id)
        case .title: return DealPageKey(value: .text(deal.title), id: id)
        }
    }

    /// A date as the database stores it (GRDB's UTC format), to compare with stored timestamps.
    static func timestamp(_ date: Date) -> String {
        String.fromDatabaseValue(date.databaseValue) ?? ""
    }
}

/// One month of the forecast: deals closing in it, by outcome.
public struct ForecastMonth: Sendable, Equatable {
    /// `YYYY-MM`.
    public let month: String
    public var openDeals: Int = 0
    /// Open deals' value, in cents.
    public var openValue: Int64 = 0
    /// Open deals' value x probability, in cents.
    public var weightedValue: Int64 = 0
    public var wonDeals: Int = 0
    public var wonValue: Int64 = 0
    public var lostDeals: Int = 0
    public var lostValue: Int64 = 0

    public init(month: String) { self.month = month }
}

extension StoreReader {
    /// A page of deals after `key` (or from the start) in the order `sort` (reversed when `descending`).
    ///
    /// Keyset paging through an index that ends in id (`idx_deals_org_stage` for a board column,
    /// `idx_deals_org_value`, `idx_deals_org_close`... for the table): a page costs the same
    /// at row 10 and at row 90,000.
    public func deals(orgId: Int64, filter: DealFilter, sort: DealSort, descending: Bool, after key: DealPageKey?, limit: Int = 50) throws -> [DealListItem] {
        try dealPage(orgId: orgId, filter: filter, sort: sort, descending: descending, key: key, limit: limit)
    }

    /// The page of deals just before `key` (the last page when nil), in display order.
    public func deals(orgId: Int64, filter: DealFilter, sort: DealSort, descending: Bool, before key: DealPageKey?, limit: Int = 50) throws -> [DealListItem] {
        try dealPage(orgId: orgId, filter: filter, sort: sort, descending: !descending, key: key, limit: limit).reversed()
    }

    /// One deal of the organization with the names it points at.
    public func dealItem(id: Int64, orgId: Int64) throws -> DealListItem? {
        try Row.fetchOne(db, sql: "\(Self.dealSelect) WHERE deals.id = ? AND deals.org_id = ?", arguments: [id, orgId]).map(Self.dealItem)
    }

    /// Deals, value and weighted value per stage for a filter: the maintained totals when
    /// unfiltered, else summed over the matching deals (through the filter's index).
    public func dealStageTotals(orgId: Int64, filter: DealFilter) throws -> [DealStage: StageTotals] {
        if filter.isUnfiltered {
            let all = try dealStageTotals(orgId: orgId)
            guard let stage = filter.stage else { return all }
            return all[stage].map { [stage: $0] } ?? [:]
        }
        let (conditions, arguments) = dealConditions(orgId: orgId, filter: filter)
        var totals: [DealStage: StageTotals] = [:]
        for row in try Row.fetchAll(db, sql: """
            SELECT stage, count(*) AS n, sum(value) AS v, sum(value * probability / 100) AS w FROM deals
            WHERE \(conditions.joined(separator: " AND ")) GROUP BY stage
            """, arguments: StatementArguments(arguments)) {
            if let stage = DealStage(rawValue: row["stage"]) {
                totals[stage] = StageTotals(deals: row["n"], value: row["v"], weightedValue: row["w"])
            }
        }
        return totals
    }

    /// The forecast for `months` months from `firstMonth` (`YYYY-MM`): the maintained month
    /// totals when unfiltered, else summed over the matching deals closing in those months.
    public func dealForecast(orgId: Int64, filter: DealFilter, firstMonth: String, months: Int) throws -> [ForecastMonth] {
        let names = Self.monthNames(from: firstMonth, count: months)
        guard let first = names.first, let last = names.last else { return [] }
        var byMonth = Dictionary(uniqueKeysWithValues: names.map { ($0, ForecastMonth(month: $0)) })
        let rows: [Row]
        if filter.isUnfiltered && filter.stage == nil {
            rows = try Row.fetchAll(db, sql: """
                SELECT month, stage, deal_count AS n, total_value AS v, weighted_value AS w FROM deal_month_totals
                WHERE org_id = ? AND month BETWEEN ? AND ?
                """, arguments: [orgId, first, last])
        } else {
            var (conditions, arguments) = dealConditions(orgId: orgId, filter: filter)
            conditions.append("deals.close_date >= ? AND deals.close_date < ?")
            arguments += [first + "-01", Self.monthNames(from: last, count: 2)[1] + "-01"]
            rows = try Row.fetchAll(db, sql: """
                SELECT substr(close_date, 1, 7) AS month, stage, count(*) AS n, sum(value) AS v, sum(value * probability / 100) AS w
                FROM deals WHERE \(conditions.joined(separator: " AND ")) GROUP BY month, stage
                """, arguments: StatementArguments(arguments))
        }
        for row in rows {
            let month: String = row["month"]
            guard var entry = byMonth[month], let stage = DealStage(rawValue: row["stage"]) else { continue }
            let count: Int = row["n"], value: Int64 = row["v"], weighted: Int64 = row["w"]
            switch stage {
            case .won: entry.wonDeals += count; entry.wonValue += value
            case .lost: entry.lostDeals += count; entry.lostValue += value
            default: entry.openDeals += count; entry.openValue += value; entry.weightedValue += weighted
            }
            byMonth[month] = entry
        }
        return names.compactMap { byMonth[$0] }
    }

    /// `count` month names (`YYYY-MM`) from `first` on.
    static func monthNames(from first: String, count: Int) -> [String] {
        let parts = first.split(separator: "-").compactMap { Int($0) }
        guard parts.count == 2, count > 0 else { return [] }
        var (year, month) = (parts[0], parts[1])
        var names: [String] = []
        for _ in 0..<count {
            names.append(String(format: "%04d-%02d", year, month))
            month += 1
            if month > 12 { month = 1; year += 1 }
        }
        return names
    }

    /// The deals of one contact, newest first.
    public func deals(contactId: Int64, orgId: Int64, limit: Int = 50) throws -> [DealListItem] {
        try Row.fetchAll(db, sql: "\(Self.dealSelect) WHERE deals.contact_id = ? AND deals.org_id = ? ORDER BY deals.created_at DESC, deals.id DESC LIMIT ?",
                         arguments: [contactId, orgId, limit]).map(Self.dealItem)
    }

    /// Contacts of the organization matching words (name, email, company; prefix match), by name.
    public func searchContacts(_ text: String, orgId: Int64, limit: Int = 20) throws -> [Contact] {
        let query = FullTextQuery.prefixQuery(text)
        if query.isEmpty { return [] }
        return try RecordRow<Contact>.fetchAll(db, sql: """
            SELECT contacts.* FROM contacts WHERE contacts.org_id = ?
              AND contacts.id IN (SELECT rowid FROM contacts_fts WHERE contacts_fts MATCH ?)
            ORDER BY contacts.name LIMIT ?
            """, arguments: [orgId, query, limit]).map(\.value)
    }

    // MARK: - Building the queries

    static let dealSelect = """
        SELECT deals.*, contacts.name AS contact_name, contacts.company AS contact_company,
          users.name AS owner_name, products.name AS product_name,
          (SELECT max(created_at) FROM activities WHERE entity_type = 'deal' AND entity_id = deals.id) AS last_activity_at
        FROM deals
        LEFT JOIN contacts ON contacts.id = deals.contact_id
        LEFT JOIN users ON users.id = deals.owner_id
        LEFT JOIN products ON products.id = deals.product_id
        """

    static func dealItem(_ row: Row) throws -> DealListItem {
        DealListItem(deal: try Deal(row: row), contactName: row["contact_name"], company: row["contact_company"],
                     ownerName: row["owner_name"], productName: row["product_name"], lastActivityAt: row["last_activity_at"])
    }

    func dealConditions(orgId: Int64, filter: DealFilter) -> ([String], [any DatabaseValueConvertible]) {
        var conditions = ["deals.org_id = ?"]
        var arguments: [any DatabaseValueConvertible] = [orgId]
        switch filter.owner {
        case .anyone: break
        case .user(let id): conditions.append("deals.owner_id = ?"); arguments.append(id)
        case .unassigned: conditions.append("deals.owner_id IS NULL")
        }
        if let stage = filter.stage {
            conditions.append("deals.stage = ?")
            arguments.append(stage.rawValue)
        }
        if let product = filter.productId {
            conditions.append("deals.product_id = ?")
            arguments.append(product)
        }
        if let month = filter.closeMonth {
            conditions.append("deals.close_date >= ? AND deals.close_date < ?")
            arguments += [month + "-01", month + "-32"]
        }
        if let search = filter.search.map(FullTextQuery.prefixQuery), !search.isEmpty {
            conditions.append("""
                (+deals.id IN (SELECT rowid FROM deals_fts WHERE deals_fts MATCH ?)
                 OR +deals.contact_id IN (SELECT rowid FROM contacts_fts WHERE contacts_fts MATCH ?))
                """)
            arguments += [search, search]
        }
        return (conditions, arguments)
    }

    /// How many deals come before `key` in the order (its row number), counted through the index.
    public func dealPosition(orgId: Int64, filter: DealFilter, sort: DealSort, descending: Bool, key: DealPageKey) throws -> Int {
        let (base, baseArguments) = dealConditions(orgId: orgId, filter: filter)
        var count = 0
        for part in dealParts(sort: sort, descending: !descending, key: key) {
            count += try Int.fetchOne(db, sql: "SELECT count(*) FROM deals WHERE \((base + part.conditions).joined(separator: " AND "))",
                                      arguments: StatementArguments(baseArguments + part.arguments)) ?? 0
        }
        return count
    }

    /// One page in display order: `descending` is the order to walk (NULL close dates count as
    /// later than every date), `key` the row to start after.
    func dealPage(orgId: Int64, filter: DealFilter, sort: DealSort, descending: Bool, key: DealPageKey?, limit: Int) throws -> [DealListItem] {
        let (base, baseArguments) = dealConditions(orgId: orgId, filter: filter)
        var items: [DealListItem] = []
        for part in dealParts(sort: sort, descending: descending, key: key) where items.count < limit {
            items += try Row.fetchAll(db, sql: """
                \(Self.dealSelect) WHERE \((base + part.conditions).joined(separator: " AND ")) ORDER BY \(part.orderBy) LIMIT ?
                """, arguments: StatementArguments(baseArguments + part.arguments + [limit - items.count])).map(Self.dealItem)
        }
        return items
    }

    /// The index ranges that make up the rows after `key`, in order.
    ///
    /// A nullable sort is walked in two ranges, the dated deals and the undated ones (which
    /// count as later than every date), so each part is a plain range scan of the sort's index.
    func dealParts(sort: DealSort, descending: Bool, key: DealPageKey?) -> [(conditions: [String], arguments: [any DatabaseValueConvertible], orderBy: String)] {
        let direction = descending ? "DESC" : "ASC"
        let comparison = descending ? "<" : ">"
        func dated(after key: DealPageKey?) -> ([String], [any DatabaseValueConvertible], String) {
            var conditions: [String] = []
            var arguments: [any DatabaseValueConvertible] = []
            if sort.isNullable { conditions.append("\(sort.column) IS NOT NULL") }
            if let key {
                let value: (any DatabaseValueConvertible)?
                switch key.value {
                case .int(let number): value = number
                case .text(let text): value = text
                case .null: value = nil
                }
                if let value {
                    // A row value, not `a > ? OR (a = ? AND id > ?)`: with bound arguments SQLite turns only
                    // the row value into a range of the index; the OR form walked it from one end.
                    conditions.append("(\(sort.column), deals.id) \(comparison) (?, ?)")
                    arguments += [value, key.id]
                }
            }
            return (conditions, arguments, "\(sort.column) \(direction), deals.id \(direction)")
        }
        func undated(after id: Int64?) -> ([String], [any DatabaseValueConvertible], String) {
            var conditions = ["\(sort.column) IS NULL"]
            var arguments: [any DatabaseValueConvertible] = []
            if let id {
                conditions.append("deals.id \(comparison) ?")
                arguments.append(id)
            }
            return (conditions, arguments, "deals.id \(direction)")
        }
        guard sort.isNullable else { return [dated(after: key)] }
        let keyIsNull = key?.value == .null
        if !descending {
            if keyIsNull { return [undated(after: key?.id)] }
            return [dated(after: key), undated(after: nil)]
        }
        if let key, !keyIsNull { return [dated(after: key)] }
        return [undated(after: key?.id), dated(after: nil)]
    }
}
