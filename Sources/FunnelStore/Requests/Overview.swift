internal import GRDB

/// The maintained totals of one pipeline stage.
public struct StageTotals: Sendable, Equatable {
    public var deals: Int
    /// The sum of the deals' values, in cents.
    public var value: Int64
    /// The sum of value x probability, in cents.
    public var weightedValue: Int64

    public init(deals: Int = 0, value: Int64 = 0, weightedValue: Int64 = 0) {
        self.deals = deals
        self.value = value
        self.weightedValue = weightedValue
    }
}

extension StoreReader {
    /// Deals, value and weighted value per stage (maintained by the schema, not summed).
    public func dealStageTotals(orgId: Int64) throws -> [DealStage: StageTotals] {
        var totals: [DealStage: StageTotals] = [:]
        for row in try Row.fetchAll(db, sql: "SELECT stage, deal_count, total_value, weighted_value FROM deal_stage_totals WHERE org_id = ?", arguments: [orgId]) {
            if let stage = DealStage(rawValue: row["stage"]) {
                totals[stage] = StageTotals(deals: row["deal_count"], value: row["total_value"], weightedValue: row["weighted_value"])
            }
        }
        return totals
    }

    /// How many content items an organization has in each status (maintained by the schema).
    public func contentStatusCounts(orgId: Int64) throws -> [ContentStatus: Int] {
        var counts: [ContentStatus: Int] = [:]
        for row in try Row.fetchAll(db, sql: "SELECT status, content_count FROM content_status_counts WHERE org_id = ?", arguments: [orgId]) {
            if let status = ContentStatus(rawValue: row["status"]) { counts[status] = row["content_count"] }
        }
        return counts
    }
}
