internal import GRDB

// The seventh version of the schema: real lead data comes in whole.
//
// - `leads.external_id`: the lead's id in the system it came from (`--key COLUMN`), unique per
//   organization. A lead needs an email, a phone or an external id (a marketing export may have
//   none of the first two).
// - `leads.attributes`: everything else a file says about a lead, as a JSON object from the
//   attribute's name to its typed value (a string, a number, a `YYYY-MM-DD` date, true or false).
// - `lead_attributes`: the organization's attributes, each with its kind and whether learning a
//   score may use it.
// - `lead_attribute_values`: one entry per (attribute, value, lead) of the attributes that are
//   `indexed` (those with few distinct values: categories, yes/no, small counts), the index that
//   filters the Leads pane by a value and counts a column's most common values. Triggers on `leads`
//   keep it, whoever writes (an import, its undo, a merge, `sqlite3`). `CROSS JOIN` makes SQLite
//   read the lead's JSON once (a plain join parsed it once per attribute: 5 times slower).
// - `imports.entity` may be `actions` (`funnel import actions`).
//
// docs/schema.md says why the attributes are a JSON column with an index table (measured against
// a table of (lead, attribute, value) rows and against an expression index per attribute).
//
// Two CHECK constraints are loosened in place (the lead's key, the import's entity): SQLite cannot
// alter a constraint, and rebuilding `leads` would copy a million rows and make again its nine
// indexes and fifteen triggers. SQLite documents editing the table's text in `sqlite_schema` for
// exactly this (https://www.sqlite.org/lang_altertable.html, "removing CHECK constraints"); every
// row that met the old constraint meets the new one, and nothing on disk changes.

enum SchemaV7 {
    static let attributeKinds = ["text", "number", "date", "yes_no"]

    static let oldLeadKey = """
        CONSTRAINT "a lead needs an email or a phone (email IS NOT NULL OR phone IS NOT NULL)" CHECK (email IS NOT NULL OR phone IS NOT NULL)
        """
    static let newLeadKey = """
        CONSTRAINT "a lead needs an email, a phone or an external id (email IS NOT NULL OR phone IS NOT NULL OR external_id IS NOT NULL)" CHECK (email IS NOT NULL OR phone IS NOT NULL OR external_id IS NOT NULL)
        """

    static var statements: [String] {
        [
            """
            ALTER TABLE leads ADD COLUMN external_id TEXT
              CONSTRAINT "external_id must be 1 to 200 characters" CHECK (external_id IS NULL OR length(external_id) BETWEEN 1 AND 200)
            """,
            "ALTER TABLE leads ADD COLUMN \(SchemaV1.json("attributes", type: "object", nullable: true))",
            "CREATE UNIQUE INDEX idx_leads_external_id ON leads(org_id, external_id) WHERE external_id IS NOT NULL",
            """
            CREATE TABLE lead_attributes (
              id INTEGER PRIMARY KEY,
              org_id INTEGER NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
              name TEXT NOT NULL CONSTRAINT "an attribute's name must be 1 to 200 characters" CHECK (length(name) BETWEEN 1 AND 200),
              \(SchemaV1.oneOf("kind", attributeKinds)),
              scoring INTEGER NOT NULL DEFAULT 1 CONSTRAINT "scoring must be 0 or 1" CHECK (scoring IN (0, 1)),
              indexed INTEGER NOT NULL DEFAULT 1 CONSTRAINT "indexed must be 0 or 1" CHECK (indexed IN (0, 1)),
              position INTEGER NOT NULL DEFAULT 0,
              \(SchemaV1.timestamp("created_at")),
              UNIQUE (org_id, name)
            ) STRICT
            """,
            """
            CREATE TABLE lead_attribute_values (
              attribute_id INTEGER NOT NULL REFERENCES lead_attributes(id) ON DELETE CASCADE,
              value ANY NOT NULL,
              lead_id INTEGER NOT NULL,
              PRIMARY KEY (attribute_id, value, lead_id)
            ) STRICT, WITHOUT ROWID
            """,
            """
            CREATE TRIGGER leads_attributes_insert AFTER INSERT ON leads WHEN NEW.attributes IS NOT NULL BEGIN
              INSERT INTO lead_attribute_values(attribute_id, value, lead_id)
              SELECT a.id, j.value, NEW.id FROM json_each(NEW.attributes) j
              CROSS JOIN lead_attributes a ON a.org_id = NEW.org_id AND a.name = j.key
              WHERE a.indexed = 1 AND j.value IS NOT NULL AND j.type <> 'object' AND j.type <> 'array';
            END
            """,
            """
            CREATE TRIGGER leads_attributes_delete AFTER DELETE ON leads WHEN OLD.attributes IS NOT NULL BEGIN
              DELETE FROM lead_attribute_values WHERE lead_id = OLD.id AND (attribute_id, value) IN (
                SELECT a.id, j.value FROM json_each(OLD.attributes) j
                CROSS JOIN lead_attributes a ON a.org_id = OLD.org_id AND a.name = j.key WHERE a.indexed = 1);
            END
            """,
            """
            CREATE TRIGGER leads_attributes_update AFTER UPDATE OF attributes, org_id ON leads
            WHEN OLD.attributes IS NOT NEW.attributes OR OLD.org_id IS NOT NEW.org_id BEGIN
              DELETE FROM lead_attribute_values WHERE lead_id = OLD.id AND (attribute_id, value) IN (
                SELECT a.id, j.value FROM json_each(OLD.attributes) j
                CROSS JOIN lead_attributes a ON a.org_id = OLD.org_id AND a.name = j.key WHERE a.indexed = 1);
              INSERT INTO lead_attribute_values(attribute_id, value, lead_id)
              SELECT a.id, j.value, NEW.id FROM json_each(NEW.attributes) j
              CROSS JOIN lead_attributes a ON a.org_id = NEW.org_id AND a.name = j.key
              WHERE a.indexed = 1 AND j.value IS NOT NULL AND j.type <> 'object' AND j.type <> 'array';
            END
            """,
        ]
    }

    /// Applies the version: the statements, then the two loosened constraints.
    static func migrate(_ db: Database) throws {
        for statement in statements {
            try db.execute(sql: statement)
        }
        try loosen(db, table: "leads", from: oldLeadKey, to: newLeadKey)
        let entities = SchemaV1.oneOf("entity", SchemaV4.entities)
        let widened = SchemaV1.oneOf("entity", SchemaV4.entities + ["actions"])
        try loosen(db, table: "imports", from: String(entities.dropFirst("entity TEXT NOT NULL ".count)),
                   to: String(widened.dropFirst("entity TEXT NOT NULL ".count)))
    }

    /// Replaces a constraint in a table's definition with a looser one that every row already
    /// meets (SQLite's documented procedure: the text in `sqlite_schema`, then a new schema version).
    static func loosen(_ db: Database, table: String, from old: String, to new: String) throws {
        guard let sql = try String.fetchOne(db, sql: "SELECT sql FROM sqlite_schema WHERE type = 'table' AND name = ?", arguments: [table]),
              sql.components(separatedBy: old).count == 2 else {
            throw StoreError.constraint("the schema of \(table) is not the one this migration knows (its constraint \(old.prefix(60))... is missing)")
        }
        let version = try Int.fetchOne(db, sql: "PRAGMA schema_version") ?? 0
        try db.execute(sql: "PRAGMA writable_schema = ON")
        defer { try? db.execute(sql: "PRAGMA writable_schema = OFF") }
        try db.execute(sql: "UPDATE sqlite_schema SET sql = ? WHERE type = 'table' AND name = ?",
                       arguments: [sql.replacingOccurrences(of: old, with: new), table])
        try db.execute(sql: "PRAGMA schema_version = \(version + 1)")
    }
}
