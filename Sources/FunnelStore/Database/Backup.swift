import Foundation
internal import GRDB

/// What a backup file holds, read before it is trusted.
public struct BackupSummary: Sendable, Equatable {
    public let path: String
    public let bytes: Int64
    /// `PRAGMA user_version`: the schema version it was written with.
    public let schemaVersion: Int
    public let organizations: Int
    public let leads: Int
    public let deals: Int
}

extension AppDatabase {
    /// Copies the whole database to a new file at `path` with SQLite's online backup, from one read
    /// transaction: a consistent snapshot, while other connections and processes go on reading and
    /// writing (in WAL mode a reader blocks no writer). The copy is written beside `path` and renamed
    /// into place once checked, readable by its owner only; `path` must not exist.
    public func backup(to path: String) throws -> BackupSummary {
        if FileManager.default.fileExists(atPath: path) {
            throw StoreError.cannotOpen(path: path, detail: "a file is already there; choose a new name (a backup never overwrites)")
        }
        let partial = path + ".partial"
        try? FileManager.default.removeItem(atPath: partial)
        try Self.createPrivateFile(at: partial)
        do {
            let destination = try DatabaseQueue(path: partial)
            try writer.backup(to: destination)
            // A file on its own (no -wal or -shm beside it) that opens read-only anywhere.
            try destination.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA journal_mode = DELETE") }
            let check = try destination.read { db in try String.fetchAll(db, sql: "PRAGMA quick_check") }
            try destination.close()
            guard check == ["ok"] else {
                try? FileManager.default.removeItem(atPath: partial)
                throw StoreError.corrupt(path: path, detail: "the copy failed its check: \(check.prefix(3).joined(separator: "; "))")
            }
            try FileManager.default.moveItem(atPath: partial, toPath: path)
        } catch let error as DatabaseError {
            try? FileManager.default.removeItem(atPath: partial)
            throw StoreError(error, path: path)
        } catch {
            try? FileManager.default.removeItem(atPath: partial)
            throw error
        }
        return try Self.inspectBackup(path: path)
    }

    /// Reads a backup file without writing to it: refuses one that is not a Funnel database, is
    /// damaged (`PRAGMA quick_check`), or was written by a newer Funnel.
    public static func inspectBackup(path: String) throws -> BackupSummary {
        guard FileManager.default.fileExists(atPath: path) else { throw StoreError.cannotOpen(path: path, detail: "no such file") }
        let size = ((try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? NSNumber)?.int64Value ?? 0
        if size == 0 { throw StoreError.notAFunnelDatabase(path: path, reason: "the file is empty") }
        try Preflight.check(path: path, size: Int(size), knownMigrations: migrator.migrations, allowEmpty: false)
        let (target, config) = Preflight.lookingConfiguration(path: path, glance: true)
        do {
            let queue = try DatabaseQueue(path: target, configuration: config)
            defer { try? queue.close() }
            return try queue.read { db in
                guard try Int32.fetchOne(db, sql: "PRAGMA application_id") == applicationID else {
                    throw StoreError.notAFunnelDatabase(path: path, reason: "it is an empty SQLite database")
                }
                let check = try String.fetchAll(db, sql: "PRAGMA quick_check")
                guard check == ["ok"] else { throw StoreError.corrupt(path: path, detail: check.prefix(3).joined(separator: "; ")) }
                return BackupSummary(
                    path: path, bytes: size, schemaVersion: try Int.fetchOne(db, sql: "PRAGMA user_version") ?? 0,
                    organizations: try Int.fetchOne(db, sql: "SELECT count(*) FROM organizations") ?? 0,
                    leads: try Int.fetchOne(db, sql: "SELECT count(*) FROM leads") ?? 0,
                    deals: try Int.fetchOne(db, sql: "SELECT count(*) FROM deals") ?? 0)
            }
        } catch let error as DatabaseError {
            throw StoreError(error, path: path)
        }
    }

    /// What this database holds now, in the terms of a backup summary (to confirm a restore).
    public func summary() throws -> BackupSummary {
        let size = ((try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? NSNumber)?.int64Value ?? 0
        return try read { db in
            BackupSummary(
                path: path, bytes: size, schemaVersion: try Int.fetchOne(db, sql: "PRAGMA user_version") ?? 0,
                organizations: try Int.fetchOne(db, sql: "SELECT count(*) FROM organizations") ?? 0,
                leads: try Int.fetchOne(db, sql: "SELECT count(*) FROM leads") ?? 0,
                deals: try Int.fetchOne(db, sql: "SELECT count(*) FROM deals") ?? 0)
        }
    }

    /// Replaces this database's content with the backup at `path` (checked first with
    /// `inspectBackup`), through SQLite's online backup into the open database: processes that have
    /// it open see the restored data on their next read, and nothing is left half-copied. An older
    /// backup is then migrated to the current schema.
    public func restore(from path: String) throws {
        if let readOnlyReason { throw StoreError.readOnly(path: self.path, detail: readOnlyReason) }
        _ = try Self.inspectBackup(path: path)
        var config = Configuration()
        config.readonly = true
        do {
            let source = try DatabaseQueue(path: path, configuration: config)
            defer { try? source.close() }
            try source.backup(to: writer)
            try Self.migrator.migrate(writer)
        } catch let error as DatabaseError {
            throw StoreError(error, path: self.path)
        }
    }
}
