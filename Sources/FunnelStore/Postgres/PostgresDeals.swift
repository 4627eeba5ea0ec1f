import Foundation

// The deals domain on PostgreSQL (the contract's `DealReading`): the same pages, orders, filters
// and totals as the SQLite store (DealRequests.swift, Overview.swift, ImportRequests.swift),
// through the indexes of schema.sql (`idx_deals_org_stage`, `idx_deals_org_value`,
// `idx_deals_org_close`, `idx_deals_org_stage_changed`, `idx_deals_org_title` on `lower(title)`).

/// A query's parameters, numbered as they are added (`$1`, `$2`...).
struct PGArgumentList {
    private(set) var values: [PGValue] = []

    init(_ values: [any PGBindable] = []) { self.values = values.map(\.pgValue) }

    /// Adds a value; its placeholder.
    mutating func add(_ value: any PGBindable) -> String {
        values.append(value.pgValue)
        return "$\(values.count)"
    }
}

/// Full-text matching on PostgreSQL as the SQLite store's FTS5 prefix queries match.
enum PGFullText {
    /// A `tsquery` expression matching every word of the text in `placeholder` as a prefix
    /// (accents and case aside, as the `search` columns are built): each lexeme quoted, so no
    /// character typed is query syntax. NULL (matching nothing) when the text holds no word.
    static func prefixQuery(_ placeholder: String) -> String {
        """
        (SELECT to_tsquery('simple', string_agg('''' || replace(lexeme, '''', '''''') || ''':*', ' & '))
         FROM unnest(to_tsvector('simple', funnel_unaccent(\(placeholder)))))
        """
    }

    /// The words of a search as the SQLite store reads them (nil when there are none).
    static func words(_ text: String?) -> String? {
        guard let text else { return nil }
        let words = FullTextQuery.words(text)
        return words.isEmpty ? nil : words.joined(separator: " ")
    }
}

extension PostgresReader: DealReading {
    // MARK: Pages

    func deals(orgId: Int64, filter: DealFilter, sort: DealSort, descending: Bool, after key: DealPageKey?, limit: Int) throws -> [DealListItem] {
        try dealPage(orgId: orgId, filter: filter, sort: sort, descending: descending, key: key, limit: limit)
    }

    func deals(orgId: Int64, filter: DealFilter, sort: DealSort, descending: Bool, before key: DealPageKey?, limit: Int) throws -> [DealListItem] {
        try dealPage(orgId: orgId, filter: filter, sort: sort, descending: !descending, key: key, limit: limit).reversed()
    }

    func dealItem(id: Int64, orgId: Int64) throws -> DealListItem? {
        try one("\(try dealSelect()) WHERE deals.id = $1 AND deals.org_id = $2", [id, orgId], Self.dealItem)
    }

    func deals(contactId: Int64, orgId: Int64, limit: Int) throws -> [DealListItem] {
        try all("\(try dealSelect()) WHERE deals.contact_id = $1 AND deals.org_id = $2 ORDER BY deals.created_at DESC, deals.id DESC LIMIT $3",
                [contactId, orgId, limit], Self.dealItem)
    }

    func dealPosition(orgId: Int64, filter: DealFilter, sort: DealSort, descending: Bool, key: DealPageKey) throws -> Int {
        var count = 0
        for part in Self.dealParts(sort: sort, descending: !descending, key: key) {
            var arguments = PGArgumentList()
            let conditions = Self.dealConditions(orgId: orgId, filter: filter, &arguments) + part.conditions(&arguments)
            count += Int(try scalar(Int64.self, "SELECT count(*) FROM deals WHERE \(conditions.joined(separator: " AND "))", arguments.values) ?? 0)
        }
        return count
    }

    // MARK: Totals and forecast

    func dealStageTotals(orgId: Int64) throws -> [DealStage: StageTotals] {
        var totals: [DealStage: StageTotals] = [:]
        for (stage, totalsOfStage) in try all("SELECT stage, deal_count, total_value, weighted_value FROM deal_stage_totals WHERE org_id = $1", [orgId], {
            (try $0.string(0), StageTotals(deals: Int(try $0.int(1)), value: try $0.int(2), weightedValue: try $0.int(3)))
        }) {
            if let stage = DealStage(rawValue: stage) { totals[stage] = totalsOfStage }
        }
        return totals
    }

    func dealStageTotals(orgId: Int64, filter: DealFilter) throws -> [DealStage: StageTotals] {
        if filter.isUnfiltered {
            let all = try dealStageTotals(orgId: orgId)
            guard let stage = filter.stage else { return all }
            return all[stage].map { [stage: $0] } ?? [:]
        }
        var arguments = PGArgumentList()
        let conditions = Self.dealConditions(orgId: orgId, filter: filter, &arguments)
        var totals: [DealStage: StageTotals] = [:]
        for (stage, totalsOfStage) in try all("""
            SELECT stage, count(*), sum(value)::bigint, sum(value * probability / 100)::bigint FROM deals
            WHERE \(conditions.joined(separator: " AND ")) GROUP BY stage
            """, arguments.values, { (try $0.string(0), StageTotals(deals: Int(try $0.int(1)), value: try $0.int(2), weightedValue: try $0.int(3))) }) {
            if let stage = DealStage(rawValue: stage) { totals[stage] = totalsOfStage }
        }
        return totals
    }

    /// The forecast, summed over the deals closing in the months (through `idx_deals_org_close`,
    /// or the filter's index): the PostgreSQL schema keeps no month totals.
    func dealForecast(orgId: Int64, filter: DealFilter, firstMonth: String, months: Int) throws -> [ForecastMonth] {
        let names = StoreReader.monthNames(from: firstMonth, count: months)
        guard let first = names.first, let last = names.last else { return [] }
        var byMonth = Dictionary(uniqueKeysWithValues: names.map { ($0, ForecastMonth(month: $0)) })
        var arguments = PGArgumentList()
        var conditions = Self.dealConditions(orgId: orgId, filter: filter, &arguments)
        let end = StoreReader.monthNames(from: last, count: 2)[1]
        conditions.append("deals.close_date >= \(arguments.add(first + "-01"))::date AND deals.close_date < \(arguments.add(end + "-01"))::date")
        let rows = try all("""
            SELECT to_char(close_date, 'YYYY-MM') AS month, stage, count(*), sum(value)::bigint, sum(value * probability / 100)::bigint
            FROM deals WHERE \(conditions.joined(separator: " AND ")) GROUP BY 1, 2
            """, arguments.values) { (try $0.string(0), try $0.string(1), Int(try $0.int(2)), try $0.int(3), try $0.int(4)) }
        for (month, stageText, count, value, weighted) in rows {
            guard var entry = byMonth[month], let stage = DealStage(rawValue: stageText) else { continue }
            switch stage {
            case .won: entry.wonDeals += count; entry.wonValue += value
            case .lost: entry.lostDeals += count; entry.lostValue += value
            default: entry.openDeals += count; entry.openValue += value; entry.weightedValue += weighted
            }
            byMonth[month] = entry
        }
        return names.compactMap { byMonth[$0] }
    }

    // MARK: Contacts and imported deals

    func searchContacts(_ text: String, orgId: Int64, limit: Int) throws -> [Contact] {
        guard let words = PGFullText.words(text) else { return [] }
        return try records(Contact.self, "WHERE org_id = $1 AND search @@ \(PGFullText.prefixQuery("$2")) ORDER BY name, id LIMIT $3",
                           [orgId, words, limit])
    }

    func deal(externalRef: String, orgId: Int64) throws -> Deal? {
        try record(Deal.self, "WHERE org_id = $1 AND external_ref = $2", [orgId, externalRef])
    }

    func contact(name: String, company: String, orgId: Int64) throws -> Contact? {
        try record(Contact.self, "WHERE org_id = $1 AND name = $2 AND company = $3 ORDER BY id", [orgId, name, company])
    }

    // MARK: - Building the queries

    /// A deal with the names it points at and its newest activity's time.
    func dealSelect() throws -> String {
        """
        SELECT \(try catalog.selectList("deals", prefix: "deals.")), contacts.name AS contact_name, contacts.company AS contact_company,
          users.name AS owner_name, products.name AS product_name,
          (SELECT max(created_at) FROM activities WHERE entity_type = 'deal' AND entity_id = deals.id) AS last_activity_at
        FROM deals
        LEFT JOIN contacts ON contacts.id = deals.contact_id
        LEFT JOIN users ON users.id = deals.owner_id
        LEFT JOIN products ON products.id = deals.product_id
        """
    }

    static func dealItem(_ row: PGRow) throws -> DealListItem {
        DealListItem(deal: try PGRecordDecoder.decode(Deal.self, from: row), contactName: try row.decode(String?.self, "contact_name"),
                     company: try row.decode(String?.self, "contact_company"), ownerName: try row.decode(String?.self, "owner_name"),
                     productName: try row.decode(String?.self, "product_name"), lastActivityAt: try row.decode(Date?.self, "last_activity_at"))
    }

    /// The filter's conditions (the organization's first), their values added to `arguments`.
    static func dealConditions(orgId: Int64, filter: DealFilter, _ arguments: inout PGArgumentList) -> [String] {
        var conditions = ["deals.org_id = \(arguments.add(orgId))"]
        switch filter.owner {
        case .anyone: break
        case .user(let id): conditions.append("deals.owner_id = \(arguments.add(id))")
        case .unassigned: conditions.append("deals.owner_id IS NULL")
        }
        if let stage = filter.stage { conditions.append("deals.stage = \(arguments.add(stage.rawValue))") }
        if let product = filter.productId { conditions.append("deals.product_id = \(arguments.add(product))") }
        if let month = filter.closeMonth {
            // As the SQLite store compares texts: from the month's first day to its 32nd.
            let next = StoreReader.monthNames(from: month, count: 2).last.map { $0 + "-01" }
            conditions.append("deals.close_date >= \(arguments.add(month + "-01"))::date")
            if let next {
                conditions.append("deals.close_date < \(arguments.add(next))::date")
            } else {
                conditions.append("false")
            }
        }
        if let words = PGFullText.words(filter.search) {
            let query = arguments.add(words)
            conditions.append("""
                (deals.search @@ \(PGFullText.prefixQuery(query))
                 OR deals.contact_id IN (SELECT id FROM contacts WHERE contacts.org_id = deals.org_id AND contacts.search @@ \(PGFullText.prefixQuery(query))))
                """)
        }
        return conditions
    }

    /// One page in display order: `descending` is the order to walk (NULL close dates count as
    /// later than every date), `key` the row to start after.
    func dealPage(orgId: Int64, filter: DealFilter, sort: DealSort, descending: Bool, key: DealPageKey?, limit: Int) throws -> [DealListItem] {
        var items: [DealListItem] = []
        let select = try dealSelect()
        for part in Self.dealParts(sort: sort, descending: descending, key: key) where items.count < limit {
            var arguments = PGArgumentList()
            let conditions = Self.dealConditions(orgId: orgId, filter: filter, &arguments) + part.conditions(&arguments)
            let limitPlaceholder = arguments.add(limit - items.count)
            items += try all("\(select) WHERE \(conditions.joined(separator: " AND ")) ORDER BY \(part.orderBy) LIMIT \(limitPlaceholder)",
                             arguments.values, Self.dealItem)
        }
        return items
    }

    /// The sort's column as its index holds it, and how a key's value is compared with it.
    static func dealSortColumn(_ sort: DealSort) -> String {
        switch sort {
        case .closeDate: return "deals.close_date"
        case .value: return "deals.value"
        case .stageAge: return "deals.stage_changed_at"
        case .title: return "lower(deals.title)"
        }
    }

    /// A key's value as a parameter of the sort column's type (nil for a NULL close date).
    static func dealKeyValue(_ sort: DealSort, _ value: DealPageKey.Value, _ arguments: inout PGArgumentList) -> String? {
        switch value {
        case .null: return nil
        case .int(let number): return arguments.add(number)
        case .text(let text):
            switch sort {
            case .closeDate: return "\(arguments.add(text))::date"
            // `DealListItem.timestamp`: UTC, to the millisecond.
            case .stageAge: return "(\(arguments.add(text))::timestamp AT TIME ZONE 'UTC')"
            case .title: return "lower(\(arguments.add(text)))"
            case .value: return "\(arguments.add(text))::bigint"
            }
        }
    }

    /// One index range of a page: its conditions (after the filter's) and its order.
    struct DealPart {
        let conditions: (inout PGArgumentList) -> [String]
        let orderBy: String
    }

    /// The index ranges that make up the rows after `key`, in order (as `StoreReader.dealParts`):
    /// a nullable sort is walked in two ranges, the dated deals and the undated ones (which count
    /// as later than every date), so each part is a plain range scan of the sort's index.
    static func dealParts(sort: DealSort, descending: Bool, key: DealPageKey?) -> [DealPart] {
        let direction = descending ? "DESC" : "ASC"
        let comparison = descending ? "<" : ">"
        let column = dealSortColumn(sort)
        func dated(after key: DealPageKey?) -> DealPart {
            DealPart(conditions: { arguments in
                var conditions: [String] = []
                if sort.isNullable { conditions.append("\(column) IS NOT NULL") }
                if let key, let value = dealKeyValue(sort, key.value, &arguments) {
                    conditions.append("(\(column), deals.id) \(comparison) (\(value), \(arguments.add(key.id)))")
                }
                return conditions
            }, orderBy: "\(column) \(direction), deals.id \(direction)")
        }
        func undated(after id: Int64?) -> DealPart {
            DealPart(conditions: { arguments in
                var conditions = ["\(column) IS NULL"]
                if let id { conditions.append("deals.id \(comparison) \(arguments.add(id))") }
                return conditions
            }, orderBy: "deals.id \(direction)")
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
