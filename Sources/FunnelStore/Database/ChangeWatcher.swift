import Foundation
internal import GRDB

/// Notices commits to the database file made by any connection, this process's or another's.
///
/// It keeps one connection of its own and reads `PRAGMA data_version`, which changes when another
/// connection commits. GRDB's observation sees only this process's writes; this sees them all.
final class DatabaseChangeWatcher: @unchecked Sendable {
    private let queue: DatabaseQueue
    private var lastVersion: Int?

    /// A watcher for the database at `path`; nil for an in-memory database.
    init?(database: AppDatabase) {
        guard database.path != ":memory:" else { return nil }
        var config = Configuration()
        config.readonly = true
        config.busyMode = .timeout(1)
        guard let queue = try? DatabaseQueue(path: database.path, configuration: config) else { return nil }
        self.queue = queue
        lastVersion = try? queue.read { db in try Int.fetchOne(db, sql: "PRAGMA data_version") }
    }

    /// Whether something was committed since the last call.
    func hasChanged() -> Bool {
        guard let version = try? queue.read({ db in try Int.fetchOne(db, sql: "PRAGMA data_version") }) else { return false }
        defer { lastVersion = version }
        return lastVersion != nil && version != lastVersion
    }
}

extension AppDatabase {
    /// The file's commits, by any connection, as they happen: `PRAGMA data_version` read every
    /// `interval` on a connection of the sequence's own (no table is read). An in-memory
    /// database, which nothing else can write, never yields.
    public func changes(every interval: Duration) -> StoreChanges {
        guard let watcher = DatabaseChangeWatcher(database: self) else { return .none }
        let (stream, continuation) = AsyncStream.makeStream(of: StoreChange.self, bufferingPolicy: .bufferingNewest(1))
        // A thread of its own, not a task: a busy cooperative pool (a long synchronous pass, a
        // test suite) would otherwise delay the news of a change by as long as it is busy.
        let stopped = StopFlag()
        let thread = Thread {
            var count = 0
            while !stopped.isSet {
                Thread.sleep(forTimeInterval: Double(interval.components.seconds) + Double(interval.components.attoseconds) / 1e18)
                if !stopped.isSet, watcher.hasChanged() {
                    count += 1
                    continuation.yield(StoreChange(sequence: count))
                }
            }
            continuation.finish()
        }
        thread.name = "funnel.changes"
        thread.start()
        continuation.onTermination = { _ in stopped.set() }
        return StoreChanges(stream)
    }
}

/// A flag one thread sets and another reads.
final class StopFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var value = false
    var isSet: Bool { lock.withLock { value } }
    func set() { lock.withLock { value = true } }
}
