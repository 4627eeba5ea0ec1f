// The sixth version of the schema: leads, deals and content carry a version.
//
// A screen acts on a record as it showed it; an undo puts back what one change did. Both are
// wrong when someone else changed the record in between (a teammate, an import, a script,
// `sqlite3`): the change would silently overwrite theirs. Each of these tables gets a `version`,
// read with the record, that a trigger raises whenever a field a person can change is written
// with another value, whoever writes it and however. A service compares the version it was given
// with the one in the database inside its write transaction and refuses a stale one, naming who
// changed what (from the audit trail).
//
// The triggers fire only on a change of the listed columns (not on a score, a last-action time or
// a counter the schema maintains), and only when the writer did not set the version itself, so a
// rescoring pass over a million leads does not touch them. A write that would lower a version (made
// from a stale copy of the record) is aborted. `ALTER TABLE ... ADD COLUMN` with a
// constant default rewrites no row: existing records start at version 1.

enum SchemaV6 {
    /// The columns whose change raises a record's version, per table.
    static let versionedColumns: [(table: String, columns: [String])] = [
        ("leads", ["product_id", "name", "company", "email", "phone", "source", "status", "status_reason", "assigned_to"]),
        ("deals", ["contact_id", "product_id", "owner_id", "title", "value", "stage", "probability", "probability_is_manual",
                   "close_date", "lost_reason"]),
        ("content", ["product_id", "title", "body", "type", "status", "scheduled_at", "submitted_at"]),
    ]

    static var statements: [String] {
        versionedColumns.flatMap { table, columns in
            let changed = columns.map { "NEW.\($0) IS NOT OLD.\($0)" }.joined(separator: " OR ")
            return [
                "ALTER TABLE \(table) ADD COLUMN version INTEGER NOT NULL DEFAULT 1 CHECK (version >= 1)",
                """
                CREATE TRIGGER \(table)_version AFTER UPDATE OF \(columns.joined(separator: ", ")) ON \(table)
                WHEN NEW.version = OLD.version AND (\(changed))
                BEGIN
                    UPDATE \(table) SET version = OLD.version + 1 WHERE id = NEW.id;
                END
                """,
                // A write made from a stale copy of the record would put an older version back.
                """
                CREATE TRIGGER \(table)_version_forward BEFORE UPDATE OF version ON \(table)
                WHEN NEW.version < OLD.version
                BEGIN
                    SELECT RAISE(ABORT, 'stale version: \(table) changed since it was read');
                END
                """,
            ]
        }
    }
}
