internal import GRDB

/// What a demo workspace holds, for the checks that prove it realistic.
public struct DemoCoverage: Sendable {
    public let leadStatuses: [String]
    public let dealStages: [String]
    public let contentStatuses: [String]
    public let roles: [String]
    public let pendingApprovals: Int
    public let failedRuns: Int
    public let hasCJKNames: Bool
    public let hasAccentedNames: Bool
    /// Leads whose `last_action_at` differs from their newest action.
    public let lastActionMismatches: Int
    /// Maintained status counts that differ from a real count.
    public let statusCountMismatches: Int
}

extension StoreReader {
    /// A summary of what the database holds (full scans: for checks, never for a screen).
    public func demoCoverage() throws -> DemoCoverage {
        DemoCoverage(
            leadStatuses: try String.fetchAll(db, sql: "SELECT DISTINCT status FROM leads"),
            dealStages: try String.fetchAll(db, sql: "SELECT DISTINCT stage FROM deals"),
            contentStatuses: try String.fetchAll(db, sql: "SELECT DISTINCT status FROM content"),
            roles: try String.fetchAll(db, sql: "SELECT DISTINCT roles.name FROM users JOIN roles ON roles.id = users.role_id"),
            pendingApprovals: try Int.fetchOne(db, sql: "SELECT count(*) FROM content WHERE status = 'pending_approval'") ?? 0,
            failedRuns: try Int.fetchOne(db, sql: "SELECT count(*) FROM workflow_runs WHERE status = 'failed' AND error IS NOT NULL") ?? 0,
            hasCJKNames: try Bool.fetchOne(db, sql: "SELECT count(*) > 0 FROM leads WHERE name GLOB '*[一-龥]*'") ?? false,
            hasAccentedNames: try Bool.fetchOne(db, sql: "SELECT count(*) > 0 FROM leads WHERE name GLOB '*[À-ž]*'") ?? false,
            lastActionMismatches: try Int.fetchOne(db, sql: """
                SELECT count(*) FROM leads WHERE last_action_at IS NOT
                  (SELECT max(created_at) FROM lead_actions WHERE lead_id = leads.id)
                """) ?? -1,
            statusCountMismatches: try Int.fetchOne(db, sql: """
                SELECT count(*) FROM (SELECT org_id, status, count(*) AS n FROM leads GROUP BY org_id, status) AS real
                LEFT JOIN lead_status_counts AS kept USING (org_id, status) WHERE kept.lead_count IS NOT real.n
                """) ?? -1)
    }

    /// A digest of the demo's leads, deals and content, to compare two builds.
    public func demoFingerprint() throws -> [String] {
        try String.fetchAll(db, sql: """
            SELECT group_concat(id || name || ifnull(email, '') || score || status, '|') FROM (SELECT * FROM leads ORDER BY id LIMIT 500)
            UNION ALL SELECT group_concat(id || title || value || stage, '|') FROM (SELECT * FROM deals ORDER BY id LIMIT 200)
            UNION ALL SELECT group_concat(id || title || status || ifnull(scheduled_at, ''), '|') FROM (SELECT * FROM content ORDER BY id LIMIT 200)
            """)
    }
}
