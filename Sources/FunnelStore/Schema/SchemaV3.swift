// The third version of the schema: what the Calendar and Approvals panes need.
//
// - idx_content_calendar: scheduled content by time with its type, status and product, so a
//   calendar day is counted, filtered or not, from the index alone (no table rows read), and a
//   month of 50,000 items draws in a few milliseconds. It replaces idx_content_scheduled, whose
//   columns it starts with (the rowid ends every index), so the partial index the schema
//   document asks for is still there under its name.

enum SchemaV3 {
    static var statements: [String] {
        [
            "DROP INDEX idx_content_scheduled",
            """
            CREATE INDEX idx_content_scheduled ON content(org_id, scheduled_at, id, type, status, product_id)
              WHERE scheduled_at IS NOT NULL
            """,
        ]
    }
}
