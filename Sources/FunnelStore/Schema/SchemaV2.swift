// The second version of the schema: what the Pipeline pane and the CRM import need.
//
// - deals.external_ref: the id a deal has in the system it was imported from, unique per
//   organization, so importing the same file twice updates instead of duplicating.
// - users.manager_id and users.team: who a sales rep reports to and the team (regional office)
//   they work in, as a CRM export carries them.
// - indexes for the deals table view's sorts (value, close date, days in stage, title), each
//   ending in id for keyset paging; the board's owner and product filters page a column by key.
// - deal_month_totals: deals, value and weighted value per close month and stage, maintained by
//   triggers, so the forecast reads a few rows instead of summing every open deal.

enum SchemaV2 {
    static var statements: [String] {
        [
            """
            ALTER TABLE deals ADD COLUMN external_ref TEXT
              CONSTRAINT "external_ref must be 1 to 100 characters" CHECK (external_ref IS NULL OR length(external_ref) BETWEEN 1 AND 100)
            """,
            "ALTER TABLE users ADD COLUMN manager_id INTEGER REFERENCES users(id) ON DELETE SET NULL",
            """
            ALTER TABLE users ADD COLUMN team TEXT
              CONSTRAINT "team must be 1 to 100 characters" CHECK (team IS NULL OR length(trim(team)) BETWEEN 1 AND 100)
            """,
            "CREATE UNIQUE INDEX idx_deals_org_external_ref ON deals(org_id, external_ref) WHERE external_ref IS NOT NULL",
            "CREATE INDEX idx_users_manager ON users(manager_id) WHERE manager_id IS NOT NULL",
            // The forecast and the table's close-date sort: every deal, dated or not, in key order.
            "DROP INDEX idx_deals_org_close",
            "CREATE INDEX idx_deals_org_close ON deals(org_id, close_date, id)",
            // A board column filtered by owner or product, in the column's own order.
            "DROP INDEX idx_deals_org_owner",
            "CREATE INDEX idx_deals_org_owner ON deals(org_id, owner_id, stage, close_date, id)",
            "DROP INDEX idx_deals_org_product_stage",
            "CREATE INDEX idx_deals_org_product_stage ON deals(org_id, product_id, stage, close_date, id)",
            // The table view's sorts.
            "CREATE INDEX idx_deals_org_value ON deals(org_id, value, id)",
            "CREATE INDEX idx_deals_org_stage_changed ON deals(org_id, stage_changed_at, id)",
            "CREATE INDEX idx_deals_org_title ON deals(org_id, title COLLATE NOCASE, id)",
            """
            CREATE TABLE deal_month_totals (
              org_id INTEGER NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
              month TEXT NOT NULL,
              stage TEXT NOT NULL,
              deal_count INTEGER NOT NULL DEFAULT 0 CHECK (deal_count >= 0),
              total_value INTEGER NOT NULL DEFAULT 0,
              weighted_value INTEGER NOT NULL DEFAULT 0,
              PRIMARY KEY (org_id, month, stage)
            ) STRICT, WITHOUT ROWID
            """,
            """
            CREATE TRIGGER deal_month_totals_insert AFTER INSERT ON deals WHEN NEW.close_date IS NOT NULL BEGIN
              \(addMonth("NEW"))
            END
            """,
            """
            CREATE TRIGGER deal_month_totals_delete AFTER DELETE ON deals WHEN OLD.close_date IS NOT NULL BEGIN
              \(subtractMonth("OLD"))
            END
            """,
            """
            CREATE TRIGGER deal_month_totals_update AFTER UPDATE OF stage, value, probability, close_date, org_id ON deals BEGIN
              \(subtractMonth("OLD"))
              \(addMonth("NEW"))
            END
            """,
        ] + SchemaV1.sameOrganization(table: "users", column: "manager_id", parent: "users")
            + [rebuildMonthTotals[1]]
    }

    /// Adds a deal's row to its month (nothing when it has no close date).
    static func addMonth(_ row: String) -> String {
        """
        INSERT INTO deal_month_totals(org_id, month, stage, deal_count, total_value, weighted_value)
              SELECT \(row).org_id, substr(\(row).close_date, 1, 7), \(row).stage, 1, \(row).value, \(row).value * \(row).probability / 100
              WHERE \(row).close_date IS NOT NULL
              ON CONFLICT(org_id, month, stage) DO UPDATE SET deal_count = deal_count + 1,
                total_value = total_value + excluded.total_value, weighted_value = weighted_value + excluded.weighted_value;
        """
    }

    /// Takes a deal's row out of its month (nothing when it had no close date).
    static func subtractMonth(_ row: String) -> String {
        """
        UPDATE deal_month_totals SET deal_count = deal_count - 1, total_value = total_value - \(row).value,
                weighted_value = weighted_value - \(row).value * \(row).probability / 100
              WHERE org_id = \(row).org_id AND month = substr(\(row).close_date, 1, 7) AND stage = \(row).stage;
        """
    }

    /// Derives the month totals from the deals (after a bulk load that set the triggers aside).
    static let rebuildMonthTotals = [
        "DELETE FROM deal_month_totals",
        """
        INSERT INTO deal_month_totals(org_id, month, stage, deal_count, total_value, weighted_value)
        SELECT org_id, substr(close_date, 1, 7), stage, count(*), sum(value), sum(value * probability / 100)
        FROM deals WHERE close_date IS NOT NULL GROUP BY org_id, substr(close_date, 1, 7), stage
        """,
    ]
}
