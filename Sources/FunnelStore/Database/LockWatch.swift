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
    /// The busy handler gave up on a stop (until the failed write reads it, or settles).
    private var stopped = false
    /// How recently a connection must have slept in the busy handler to count as waiting. The
    /// handler sleeps at most 20 ms a turn, but a loaded machine may not wake it for a while; a
    /// wait that has ended is cleared sooner anyway (its write settles and is no longer pending).
    static let recent: TimeInterval = 1

    /// The longest one wait lasts before the statement fails with SQLITE_BUSY.
    let timeout: TimeInterval

    init(timeout: TimeInterval) {
        self.timeout = timeout
    }

    /// When the database is being waited for (nil when it is not): a connection slept in the busy
    /// handler within the last second (`recent`).
    public func waiting(now: Date = Date()) -> Date? {
        lock.withLock {
            guard let since, let last, now.timeIntervalSince(last) < Self.recent else { return nil }
            return since
        }
    }

    /// Stops the wait in progress: it fails at its next turn of the busy handler, which uses the
    /// stop up. False (nothing asked) when nothing waits: a later write waits as usual.
    @discardableResult
    public func stopWaiting() -> Bool {
        lock.withLock {
            guard let last, Date().timeIntervalSince(last) < Self.recent else { return false }
            stopRequested = true
            return true
        }
    }

    /// Whether the busy handler gave up because it was stopped (read once: the failed statement
    /// is then reported as stopped, not as locked).
    func takeStopped() -> Bool {
        lock.withLock {
            defer { stopped = false }
            return stopped
        }
    }

    /// A write ended (done, failed or stopped): it no longer waits, and a stop asked too late for
    /// it applies to nothing.
    func settled() {
        lock.withLock {
            since = nil
            last = nil
            stopRequested = false
            stopped = false
        }
    }

    /// SQLite's busy handler: true to sleep and try again, false to fail with SQLITE_BUSY.
    /// `tries` counts from 0 for each statement's wait. Sleeps 1 ms, then up to 20 ms a turn, as
    /// SQLite's own handler does, so a released lock is taken within a few milliseconds.
    func busy(tries: Int) -> Bool {
        let now = Date()
        let keepWaiting: Bool = lock.withLock {
            if tries == 0 || since == nil { since = now }
            last = now
            if stopRequested {
                (stopRequested, stopped, last) = (false, true, nil)
                return false
            }
            guard let since, now.timeIntervalSince(since) < timeout else {
                self.last = nil
                return false
            }
            return true
        }
        if keepWaiting { usleep(UInt32(min(20, 1 + tries * 2)) * 1_000) }
        return keepWaiting
    }
}
