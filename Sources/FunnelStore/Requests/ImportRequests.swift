import Foundation
internal import GRDB

// What importers need from the store: finding what an earlier import created (a deal by its
// external id, a user by name, an account's contact), numbering imports, and dry runs.

extension StoreReader {
    /// The organization's deal with this id in the system it was imported from (`idx_deals_org_external_ref`).
    public func deal(externalRef: String, orgId: Int64) throws -> Deal? {
        try Deal.rows.filter(Column("org_id") == orgId && Column("external_ref") == externalRef).fetchOne(db)?.value
    }

    /// The organization's users with this name (case-insensitive), lowest id first.
    public func users(named name: String, orgId: Int64) throws -> [User] {
        try RecordRow<User>.fetchAll(db, sql: "SELECT * FROM users WHERE org_id = ? AND name = ? COLLATE NOCASE ORDER BY id",
                          arguments: [orgId, name]).map(\.value)
    }

    /// The organization's contact with this name and company (an imported account), lowest id first.
    public func contact(name: String, company: String, orgId: Int64) throws -> Contact? {
        try RecordRow<Contact>.fetchOne(db, sql: "SELECT * FROM contacts WHERE org_id = ? AND name = ? AND company = ? ORDER BY id LIMIT 1",
                             arguments: [orgId, name, company])?.value
    }

    /// The highest number an import of the organization was recorded under (0 when none was).
    public func lastImportNumber(orgId: Int64) throws -> Int64 {
        try Int64.fetchOne(db, sql: "SELECT max(entity_id) FROM activities WHERE org_id = ? AND entity_type = 'import'", arguments: [orgId]) ?? 0
    }
}

extension AppDatabase {
    /// Runs `body` in one write transaction that is always rolled back: a dry run sees exactly
    /// what the real run would (constraints, triggers, ids), and nothing is written.
    public func rehearsal<T>(_ body: (any StoreWriting) throws -> T) throws -> T {
        if isReadOnly { throw StoreError.readOnly(path: path, detail: "Funnel is in read-only mode") }
        return try retryingLocks { started in
            var result: T?
            try writer.writeWithoutTransaction { db in
                try db.inTransaction(.immediate) {
                    started = true
                    result = try body(StoreTransaction(db: db))
                    return .rollback
                }
            }
            guard let result else { throw StoreError.failed(path: path, detail: "the rehearsal returned nothing") }
            return result
        }
    }
}
