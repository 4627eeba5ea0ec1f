// The fourth version of the schema: the import log, so that a CSV import can be listed and undone.
//
// - imports: one row per CSV import of leads, contacts or deals: who ran it, when, the file, the
//   mode, its counts (a JSON object), and whether it was undone (when and by whom). Its `number`
//   is the import's number in the organization, shared with the `import` activities (an import of
//   the Maven CRM dataset takes a number too, but has no row here: it cannot be undone).
// - import_rows: every row an import created or updated, with the row's earlier values (a JSON
//   object of its columns) for an update and NULL for a creation, so undoing an import deletes
//   what it created and restores what it changed. Keyed by (import_id, row_id), WITHOUT ROWID.

enum SchemaV4 {
    static let entities = ["leads", "contacts", "deals"]
    static let modes = ["create", "update", "upsert"]
    static let statuses = ["done", "undone"]

    static var statements: [String] {
        [
            """
            CREATE TABLE imports (
              id INTEGER PRIMARY KEY,
              org_id INTEGER NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
              number INTEGER NOT NULL CONSTRAINT "number must be 1 or more" CHECK (number >= 1),
              user_id INTEGER REFERENCES users(id) ON DELETE SET NULL,
              \(SchemaV1.oneOf("entity", entities)),
              \(SchemaV1.oneOf("mode", modes)),
              file TEXT NOT NULL CONSTRAINT "file must be 1 to 4096 characters" CHECK (length(file) BETWEEN 1 AND 4096),
              \(SchemaV1.json("counts", type: "object")),
              \(SchemaV1.oneOf("status", statuses)),
              \(SchemaV1.timestamp("created_at")),
              \(SchemaV1.timestamp("undone_at", nullable: true)),
              undone_by INTEGER REFERENCES users(id) ON DELETE SET NULL,
              CONSTRAINT "an undone import needs undone_at" CHECK (status <> 'undone' OR undone_at IS NOT NULL)
            ) STRICT
            """,
            "CREATE UNIQUE INDEX idx_imports_org_number ON imports(org_id, number)",
            "CREATE INDEX idx_imports_user ON imports(user_id) WHERE user_id IS NOT NULL",
            "CREATE INDEX idx_imports_undone_by ON imports(undone_by) WHERE undone_by IS NOT NULL",
            """
            CREATE TABLE import_rows (
              import_id INTEGER NOT NULL REFERENCES imports(id) ON DELETE CASCADE,
              row_id INTEGER NOT NULL,
              line INTEGER NOT NULL CONSTRAINT "line must be 1 or more" CHECK (line >= 1),
              \(SchemaV1.json("before", type: "object", nullable: true)),
              PRIMARY KEY (import_id, row_id)
            ) STRICT, WITHOUT ROWID
            """,
        ] + SchemaV1.sameOrganization(table: "imports", column: "user_id", parent: "users")
            + SchemaV1.sameOrganization(table: "imports", column: "undone_by", parent: "users")
    }
}
