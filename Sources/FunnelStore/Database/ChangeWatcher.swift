import GRDB

/// Notices commits to the database file made by any connection, this process's or another's.
///
/// It keeps one connection of its own and reads `PRAGMA data_version`, which changes when another
/// connection commits. GRDB's observation sees only this process's writes; this sees them all.
public final class DatabaseChangeWatcher: @unchecked Sendable {
    private let queue: DatabaseQueue
    private var lastVersion: Int?

    /// A watcher for the database at `path`; nil for an in-memory database.
    public init?(database: AppDatabase) {
        guard database.path != ":memory:" else { return nil }
        var config = Configuration()
        config.readonly = true
        config.busyMode = .timeout(1)
        guard let queue = try? DatabaseQueue(path: database.path, configuration: config) else { return nil }
        self.queue = queue
        lastVersion = try? queue.read { db in try Int.fetchOne(db, sql: "PRAGMA data_version") }
    }

    /// Whether something was committed since the last call.
    public func hasChanged() -> Bool {
        guard let version = try? queue.read({ db in try Int.fetchOne(db, sql: "PRAGMA data_version") }) else { return false }
        defer { lastVersion = version }
        return lastVersion != nil && version != lastVersion
    }
}
