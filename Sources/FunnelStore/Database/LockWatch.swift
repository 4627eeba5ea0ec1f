import Foundation

/// What the database's connections are waiting for, and whether to stop waiting.
///
/// SQLite calls a busy handler while another process holds a lock a statement needs; Funnel's
/// (`AppDatabase.makeConfiguration`) asks this watch before each sleep. So a screen can say that a
/// write is waiting (`waiting(now:)`, read from any thread), and the person can stop it
/// (`stopWaiting()`): the waiting statement then fails before anything is written
/// (`StoreError.stoppedWaiting`), since a write's lock is taken at BEGIN IMMEDIATE.
public final class LockWatch: @unchecked Sendable {
    private let lock = NSLock()
    /// When the current wait began, and when a connection last waited (each sleep of the handler).
    private var since: Date?
    private var last: Date?
    private var stopRequested = false
    /// The longest one wait lasts before the statement fails with SQLITE_BUSY.
    let timeout: TimeInterval

    init(timeout: TimeInterval) {
        self.timeout = timeout
    }

    /// When the database is being waited for (nil when it is not): a connection slept in the busy
    /// handler within the last quarter second.
    public func waiting(now: Date = Date()) -> Date? {
        lock.withLock {
            guard let since, let last, now.timeIntervalSince(last) < 0.25 else { return nil }
            return since
        }
    }

    /// Stops the waits in progress: each fails at its next turn of the busy handler. Nothing is
    /// stopped when nothing waits (a later write waits as usual).
    public func stopWaiting() {
        lock.withLock {
            if let last, Date().timeIntervalSince(last) < 0.25 { stopRequested = true }
        }
    }

    /// Whether a wait was stopped since `beginWrite()` (the failed statement is then reported as stopped).
    var wasStopped: Bool { lock.withLock { stopRequested } }

    /// A write is about to begin: a stop asked for an earlier wait does not apply to it.
    func beginWrite() {
        lock.withLock { stopRequested = false }
    }

    /// SQLite's busy handler: true to sleep and try again, false to fail with SQLITE_BUSY.
    /// `tries` counts from 0 for each statement's wait. Sleeps 1 ms, then up to 20 ms a turn, as
    /// SQLite's own handler does, so a released lock is taken within a few milliseconds.
    func busy(tries: Int) -> Bool {
        let now = Date()
        let keepWaiting: Bool = lock.withLock {
            if tries == 0 || since == nil || last.map({ now.timeIntervalSince($0) > 0.25 }) == true { since = now }
            last = now
            guard !stopRequested, let since, now.timeIntervalSince(since) < timeout else {
                self.last = nil
                return false
            }
            return true
        }
        if keepWaiting { usleep(UInt32(min(20, 1 + tries * 2)) * 1_000) }
        return keepWaiting
    }
}
