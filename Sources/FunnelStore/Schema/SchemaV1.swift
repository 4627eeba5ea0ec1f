// The first version of Funnel's schema: every table of the platform's schema document.
//
// Migrations name tables and columns as strings and are never edited once shipped:
// a change is a new migration. docs/schema.md lists every column Funnel adds to the
// document's and why, and maps the document's indexing strategy onto the indexes below.

/// SQL fragments shared by the statements of the first migration.
enum SchemaV1 {
    /// A CHECK that a column holds a UTC timestamp as GRDB writes them: `YYYY-MM-DD HH:MM:SS[.SSS]`.
    static func timestamp(_ column: String, nullable: Bool = false) -> String {
        let shape = "\(column) GLOB '[12][0-9][0-9][0-9]-[01][0-9]-[0-3][0-9] [0-2][0-9]:[0-5][0-9]:[0-5][0-9]*'"
        let name = "CONSTRAINT \"\(column) must be a UTC time like 2026-02-10 09:30:00\""
        return nullable
            ? "\(column) TEXT \(name) CHECK (\(column) IS NULL OR \(shape))"
            : "\(column) TEXT NOT NULL \(name) CHECK (\(shape))"
    }

    /// A JSON column: valid JSON, and of the given JSON type (`object` or `array`).
    static func json(_ column: String, type: String, nullable: Bool = false) -> String {
        let empty = type == "array" ? "'[]'" : "'{}'"
        let rule = "json_valid(\(column)) AND json_type(\(column)) = '\(type)'"
        let name = "CONSTRAINT \"\(column) must be a JSON \(type) (json_valid)\""
        return nullable
            ? "\(column) TEXT \(name) CHECK (\(column) IS NULL OR (\(rule)))"
            : "\(column) TEXT NOT NULL DEFAULT \(empty) \(name) CHECK (\(rule))"
    }

    /// A CHECK that a column holds one of the listed values.
    ///
    /// The check is a CASE rather than `IN (...)`: SQLite builds an ephemeral table for an IN
    /// list on every row a CHECK tests, which made bulk inserts several times slower. The
    /// constraint's name lists the values, so SQLite's error message says what is allowed.
    static func oneOf(_ column: String, _ values: [String], nullable: Bool = false) -> String {
        let cases = values.map { "WHEN '\($0)' THEN 1" }.joined(separator: " ")
        let name = "CONSTRAINT \"\(column) must be one of: \(values.joined(separator: ", "))\""
        return nullable
            ? "\(column) TEXT \(name) CHECK (\(column) IS NULL OR CASE \(column) \(cases) ELSE 0 END)"
            : "\(column) TEXT NOT NULL \(name) CHECK (CASE \(column) \(cases) ELSE 0 END)"
    }

    /// A boolean flag stored as 0 or 1.
    static func flag(_ column: String, default value: Int) -> String {
        "\(column) INTEGER NOT NULL DEFAULT \(value) CHECK (\(column) IN (0, 1))"
    }

    /// An email address: trimmed, lower-case, one `@`, a dot in the domain, at most 254 characters.
    static func emailShape(_ column: String) -> String {
        "(\(column) = lower(trim(\(column))) AND \(column) LIKE '%_@_%._%' AND \(column) NOT LIKE '%@%@%' AND \(column) NOT GLOB '*[ ,;<>]*' AND length(\(column)) <= 254)"
    }

    /// Triggers that refuse a reference to a row of another organization.
    ///
    /// Foreign keys prove the parent exists; these prove it belongs to the same organization,
    /// so that no row of one tenant can point at another tenant's data.
    static func sameOrganization(table: String, column: String, parent: String, parentOrg: String = "org_id") -> [String] {
        let message = "\(table).\(column) refers to a \(parent) row of another organization"
        let condition = "NEW.\(column) IS NOT NULL AND (SELECT \(parentOrg) FROM \(parent) WHERE id = NEW.\(column)) <> NEW.org_id"
        return [
            """
            CREATE TRIGGER \(table)_\(column)_same_org_insert BEFORE INSERT ON \(table)
            WHEN \(condition)
            BEGIN SELECT RAISE(ABORT, '\(message)'); END
            """,
            """
            CREATE TRIGGER \(table)_\(column)_same_org_update BEFORE UPDATE OF \(column), org_id ON \(table)
            WHEN \(condition)
            BEGIN SELECT RAISE(ABORT, '\(message)'); END
            """,
        ]
    }

    /// An FTS5 index over some text columns of a table, kept in sync by triggers.
    static func fullTextSearch(table: String, columns: [String], tokenizer: String = "unicode61 remove_diacritics 2") -> [String] {
        let fts = "\(table)_fts"
        let list = columns.joined(separator: ", ")
        let newValues = columns.map { "new.\($0)" }.joined(separator: ", ")
        let oldValues = columns.map { "old.\($0)" }.joined(separator: ", ")
        return [
            """
            CREATE VIRTUAL TABLE \(fts) USING fts5(\(list), content='\(table)', content_rowid='id', \
            tokenize="\(tokenizer)")
            """,
            """
            CREATE TRIGGER \(fts)_insert AFTER INSERT ON \(table) BEGIN
              INSERT INTO \(fts)(rowid, \(list)) VALUES (new.id, \(newValues));
            END
            """,
            """
            CREATE TRIGGER \(fts)_delete AFTER DELETE ON \(table) BEGIN
              INSERT INTO \(fts)(\(fts), rowid, \(list)) VALUES ('delete', old.id, \(oldValues));
            END
            """,
            """
            CREATE TRIGGER \(fts)_update AFTER UPDATE OF \(list) ON \(table) BEGIN
              INSERT INTO \(fts)(\(fts), rowid, \(list)) VALUES ('delete', old.id, \(oldValues));
              INSERT INTO \(fts)(rowid, \(list)) VALUES (new.id, \(newValues));
            END
            """,
        ]
    }

    static let leadStatuses = ["new", "contacted", "qualified", "unqualified", "converted", "lost"]
    static let leadSources = [
        "website", "referral", "social", "email", "event", "paid_ads", "organic_search",
        "partner", "cold_outreach", "import", "other",
    ]
    static let contentTypes = ["blog", "email", "social", "landing_page", "video", "whitepaper"]
    static let contentStatuses = ["draft", "pending_approval", "approved", "scheduled", "published", "archived"]
    static let dealStages = ["prospecting", "qualification", "proposal", "negotiation", "won", "lost"]
    static let lostReasons = ["pricing", "competition", "budget", "timing", "no_decision", "other"]
    static let socialPlatforms = ["twitter", "linkedin", "facebook", "instagram", "tiktok", "youtube", "threads", "mastodon"]
    static let socialStatuses = ["draft", "scheduled", "published", "failed", "deleted"]
    static let campaignStatuses = ["draft", "scheduled", "sending", "sent", "paused", "cancelled"]
    static let leadActionTypes = [
        "email_sent", "email_open", "email_click", "page_visit", "form_submit", "content_download",
        "webinar", "demo_request", "reply", "call", "meeting", "note", "unsubscribe", "bounce",
    ]
    static let productTypes = ["software", "hardware", "service", "subscription", "other"]
    static let agentTypes = ["lead_scorer", "content_writer", "email_responder", "social_publisher", "researcher", "assistant"]
    static let triggerTypes = [
        "manual", "schedule", "lead_created", "lead_status_changed", "form_submitted",
        "content_published", "deal_stage_changed", "webhook",
    ]
    static let runStatuses = ["pending", "running", "succeeded", "failed", "cancelled"]
    static let entityTypes = [
        "organization", "user", "role", "product", "content", "lead", "social_post", "email_campaign",
        "lead_action", "ai_agent", "workflow", "workflow_run", "contact", "deal", "import",
    ]
}

extension SchemaV1 {
    /// Statements that derive the full-text indexes and maintained counts from the rows,
    /// after a bulk load that set their triggers aside.
    static var rebuildDerivedData: [String] {
        [
            "INSERT INTO leads_fts(leads_fts) VALUES ('rebuild')",
            "INSERT INTO contacts_fts(contacts_fts) VALUES ('rebuild')",
            "INSERT INTO deals_fts(deals_fts) VALUES ('rebuild')",
            "INSERT INTO content_fts(content_fts) VALUES ('rebuild')",
            "DELETE FROM lead_status_counts",
            "INSERT INTO lead_status_counts(org_id, status, lead_count) SELECT org_id, status, count(*) FROM leads GROUP BY org_id, status",
            "DELETE FROM deal_stage_totals",
            """
            INSERT INTO deal_stage_totals(org_id, stage, deal_count, total_value, weighted_value)
            SELECT org_id, stage, count(*), sum(value), sum(value * probability / 100) FROM deals GROUP BY org_id, stage
            """,
            "DELETE FROM content_status_counts",
            "INSERT INTO content_status_counts(org_id, status, content_count) SELECT org_id, status, count(*) FROM content GROUP BY org_id, status",
        ]
    }
}
