import Foundation
import GRDB

/// Looks at an existing file, read-only, before Funnel opens it for writing.
enum Preflight {
    /// Throws a clear error when the file is not a Funnel database, is damaged, or is newer.
    static func check(path: String, knownMigrations: [String]) throws {
        let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
        if size == 0 { return }  // an empty file, as `createPrivateFile` leaves it: a new database
        var config = Configuration()
        config.readonly = true
        config.busyMode = .timeout(AppDatabase.busyTimeout)
        do {
            let queue = try DatabaseQueue(path: path, configuration: config)
            defer { try? queue.close() }
            try queue.read { db in
                let applicationID = try Int32.fetchOne(db, sql: "PRAGMA application_id") ?? 0
                let tableCount = try Int.fetchOne(db, sql: "SELECT count(*) FROM sqlite_master") ?? 0
                if applicationID != AppDatabase.applicationID {
                    if tableCount == 0 && applicationID == 0 { return }  // an empty SQLite database
                    throw StoreError.notAFunnelDatabase(
                        path: path,
                        reason: applicationID == 0
                            ? "it is a SQLite database of another program (\(tableCount) schema objects)"
                            : String(format: "it is a SQLite database of another program (application id 0x%08X)", applicationID))
                }
                guard try db.tableExists("grdb_migrations") else {
                    throw StoreError.notAFunnelDatabase(path: path, reason: "its migration history is missing")
                }
                let applied = try String.fetchAll(db, sql: "SELECT identifier FROM grdb_migrations")
                let unknown = applied.filter { !knownMigrations.contains($0) }
                if !unknown.isEmpty {
                    throw StoreError.newerSchema(path: path, unknownMigrations: unknown)
                }
            }
        } catch let error as DatabaseError {
            throw StoreError(error, path: path)
        }
    }
}
