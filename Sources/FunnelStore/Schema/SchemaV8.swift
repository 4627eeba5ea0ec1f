// The eighth version of the schema: an import may touch records of other tables than its own.
//
// - `import_linked_rows`: the records of another table that an import created or changed along
//   with its own rows, so that undoing it undoes them too. A deals import that links a deal to its
//   lead converts the lead (its earlier values kept in `before`) and creates the lead's contact
//   (`before` NULL). `import_rows` cannot hold them: it is keyed by `(import_id, row_id)`, and a
//   lead, a contact and a deal of one import may share an id. Keyed by `(import_id, row_table,
//   row_id)`, WITHOUT ROWID, as `import_rows` is; a new table rather than a rebuilt `import_rows`,
//   so that opening an older file copies no row.

enum SchemaV8 {
    /// The tables whose records an import may touch besides its own.
    static let linkedTables = ["leads", "contacts"]

    static var statements: [String] {
        [
            """
            CREATE TABLE import_linked_rows (
              import_id INTEGER NOT NULL REFERENCES imports(id) ON DELETE CASCADE,
              \(SchemaV1.oneOf("row_table", linkedTables)),
              row_id INTEGER NOT NULL,
              line INTEGER NOT NULL CONSTRAINT "line must be 1 or more" CHECK (line >= 1),
              \(SchemaV1.json("before", type: "object", nullable: true)),
              PRIMARY KEY (import_id, row_table, row_id)
            ) STRICT, WITHOUT ROWID
            """,
        ]
    }
}
