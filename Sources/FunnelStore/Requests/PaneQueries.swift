/// The main queries of each pane, as the panes run them.
///
/// `funnel doctor` explains each one and fails when one would scan a whole table, so a pane
/// can never silently degrade to a full scan as data grows.
public struct PaneQuery: Sendable {
    /// A short name: `pane.purpose`.
    public let name: String
    let sql: String
    /// Arguments that stand in for real ones when the plan is explained.
    let sampleArguments: [any Sendable]
}

enum PaneQueries {
    static let leadColumns = """
        leads.id, leads.name, leads.company, leads.email, leads.source, leads.status, leads.score,
        leads.assigned_to, leads.product_id, leads.created_at, leads.last_action_at
        """

    /// Leads ranked by score, best first, one page after a (score, id) key.
    static let leadsRanked = PaneQuery(
        name: "leads.ranked",
        sql: "SELECT \(leadColumns) FROM leads WHERE org_id = ? AND score < ? ORDER BY score DESC, id LIMIT ?",
        sampleArguments: [1, 101, 50])

    /// The rest of the page key's score, by id (a page starts here, then reads the lower scores).
    static let leadsSameScore = PaneQuery(
        name: "leads.ranked-same-score",
        sql: "SELECT \(leadColumns) FROM leads WHERE org_id = ? AND score = ? AND id > ? ORDER BY id LIMIT ?",
        sampleArguments: [1, 50, 0, 50])

    /// One status tab of the leads pane, ranked by score.
    static let leadsByStatus = PaneQuery(
        name: "leads.status-tab",
        sql: "SELECT \(leadColumns) FROM leads WHERE org_id = ? AND status = ? AND score < ? ORDER BY score DESC, id LIMIT ?",
        sampleArguments: [1, "new", 101, 50])

    /// The signed-in user's leads ("mine"), ranked by score.
    static let leadsByOwner = PaneQuery(
        name: "leads.mine",
        sql: "SELECT \(leadColumns) FROM leads WHERE org_id = ? AND assigned_to = ? AND score < ? ORDER BY score DESC, id LIMIT ?",
        sampleArguments: [1, 1, 101, 50])

    /// The status tab counts.
    static let leadCounts = PaneQuery(
        name: "leads.counts",
        sql: "SELECT status, lead_count FROM lead_status_counts WHERE org_id = ?",
        sampleArguments: [1])

    /// A search with many matches: every match's id, read once into a bitmap; then the ranking
    /// (`leads.ranked`) is walked, keeping the matches.
    static let leadsSearch = PaneQuery(
        name: "leads.search",
        sql: "SELECT rowid FROM leads_fts WHERE leads_fts MATCH ?",
        sampleArguments: ["\"acme\"*"])

    /// A search with few matches: driven from the matches, then ranked.
    static let leadsSearchFew = PaneQuery(
        name: "leads.search-few",
        sql: "SELECT \(leadColumns) FROM leads WHERE leads.org_id = ? AND leads.id IN (SELECT rowid FROM leads_fts WHERE leads_fts MATCH ?) ORDER BY leads.score DESC, leads.id LIMIT ?",
        sampleArguments: [1, "\"acme\"*", 50])

    /// A search of digits: the leads whose phone number starts with them (typed without a country
    /// code: read as international and as North American, two ranges of the phone index).
    static let leadsSearchPhone = PaneQuery(
        name: "leads.search-phone",
        sql: "SELECT \(leadColumns) FROM leads WHERE leads.org_id = ? AND \(samplePhone.condition) ORDER BY leads.score DESC, leads.id LIMIT ?",
        sampleArguments: [1] + samplePhone.arguments + [50])

    /// The condition a search of "212 555" puts on the phone, as the search builds it.
    static let samplePhone: (condition: String, arguments: [any Sendable]) = {
        let (condition, arguments) = LeadSearchTerms("212 555").phoneCondition()!
        return (condition, arguments.map { "\($0)" })  // the bounds are strings
    }()

    /// Leads sharing a normalized email address (duplicates).
    static let leadDuplicatesByEmail = PaneQuery(
        name: "leads.duplicates-email",
        sql: "SELECT id FROM leads WHERE org_id = ? AND email_normalized = ? AND id <> ?",
        sampleArguments: [1, "a@example.com", 0])

    /// Leads sharing a normalized phone number (duplicates).
    static let leadDuplicatesByPhone = PaneQuery(
        name: "leads.duplicates-phone",
        sql: "SELECT id FROM leads WHERE org_id = ? AND phone_normalized = ? AND id <> ?",
        sampleArguments: [1, "+14155550100", 0])

    /// A lead's timeline of actions, newest first.
    static let leadTimeline = PaneQuery(
        name: "leads.timeline",
        sql: "SELECT id, action_type, created_at, metadata FROM lead_actions WHERE lead_id = ? ORDER BY created_at DESC LIMIT ?",
        sampleArguments: [1, 100])

    /// A record's history in the audit trail.
    static let entityHistory = PaneQuery(
        name: "activities.history",
        sql: "SELECT id, action, user_id, metadata, created_at FROM activities WHERE entity_type = ? AND entity_id = ? AND org_id = ? ORDER BY created_at DESC LIMIT ?",
        sampleArguments: ["lead", 1, 1, 100])

    /// One column of the pipeline board.
    static let dealsByStage = PaneQuery(
        name: "pipeline.column",
        sql: """
            SELECT id, title, value, probability, close_date, owner_id, stage_changed_at FROM deals
            WHERE org_id = ? AND stage = ? AND close_date IS NOT NULL AND (close_date, id) > (?, ?) ORDER BY close_date, id LIMIT ?
            """,
        sampleArguments: [1, "proposal", "2026-01-01", 0, 50])

    /// The deals table sorted by value, largest first, one page before a (value, id) key.
    static let dealsByValue = PaneQuery(
        name: "pipeline.table-value",
        sql: "SELECT id, title, value, stage FROM deals WHERE org_id = ? AND (value, id) < (?, ?) ORDER BY value DESC, id DESC LIMIT ?",
        sampleArguments: [1, 1_000_000, 0, 50])

    /// The pipeline column headers (maintained totals).
    static let dealTotals = PaneQuery(
        name: "pipeline.totals",
        sql: "SELECT stage, deal_count, total_value, weighted_value FROM deal_stage_totals WHERE org_id = ?",
        sampleArguments: [1])

    /// The forecast: deals closing in a range of months.
    static let dealsForecast = PaneQuery(
        name: "pipeline.forecast",
        sql: "SELECT month, stage, deal_count, total_value, weighted_value FROM deal_month_totals WHERE org_id = ? AND month BETWEEN ? AND ?",
        sampleArguments: [1, "2026-01", "2026-08"])

    /// How many items a calendar day holds (one per shown day), from the covering index alone.
    static let calendarDayCount = PaneQuery(
        name: "calendar.day-count",
        sql: """
            SELECT count(*) FROM content INDEXED BY idx_content_scheduled
            WHERE content.org_id = ? AND content.scheduled_at >= ? AND content.scheduled_at < ? AND content.type = ?
            """,
        sampleArguments: [1, "2026-02-10 00:00:00", "2026-02-11 00:00:00", "blog"])

    /// A calendar day's first items (or the agenda's next page), in index order.
    static let calendarDayItems = PaneQuery(
        name: "calendar.day-items",
        sql: """
            SELECT content.id, content.title, users.name FROM content JOIN users ON users.id = content.created_by
            WHERE content.org_id = ? AND content.scheduled_at >= ? AND content.scheduled_at < ? AND (content.scheduled_at, content.id) > (?, ?)
            ORDER BY content.scheduled_at, content.id LIMIT ?
            """,
        sampleArguments: [1, "2026-02-10 00:00:00", "2026-02-11 00:00:00", "2026-02-10 09:00:00", 0, 4])

    /// The approvals queue, oldest submission first, one page after a (submitted_at, id) key.
    static let approvalsQueue = PaneQuery(
        name: "approvals.queue",
        sql: """
            SELECT content.id, content.title, users.name FROM content JOIN users ON users.id = content.created_by
            WHERE content.org_id = ? AND content.status = 'pending_approval' AND (content.submitted_at, content.id) > (?, ?)
            ORDER BY content.submitted_at, content.id LIMIT ?
            """,
        sampleArguments: [1, "2026-02-01 00:00:00", 0, 50])

    /// Every pane query, for `funnel doctor`.
    static let all: [PaneQuery] = [
        leadsRanked, leadsSameScore, leadsByStatus, leadsByOwner, leadCounts, leadsSearch, leadsSearchFew, leadsSearchPhone,
        leadsSearchAttributeValues, leadsSearchAttributeFew, leadsSearchAttribute, leadDuplicatesByEmail,
        leadDuplicatesByPhone, leadTimeline, entityHistory, dealsByStage, dealsByValue, dealTotals, dealsForecast,
        calendarDayCount, calendarDayItems, approvalsQueue,
    ]
}
