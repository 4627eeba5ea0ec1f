import Dispatch
import Foundation
import FunnelServices
import FunnelStore

/// The panes' writes, one at a time, run off the main thread so the screen stays live while one waits.
///
/// A write the database takes at once (the usual case: a few milliseconds) settles before the key's
/// frame is drawn, exactly as if it ran on the main thread. One that takes longer (another process
/// holds the lock: an import, a script) is left `pending`: the screen says what it waits for, keys
/// still move, `stop()` (Esc) makes the store give up waiting (nothing is written), and `q` or a
/// signal ends Funnel without waiting for it. When it settles, its result is applied on the main
/// actor and `revision` moves (the screen redraws on its next tick).
///
/// `onCaller` runs each write on the calling thread (view-model tests that read the state right
/// after an intent; the same services and database either way).
@MainActor
public final class DatabaseWrites {
    /// A write not settled yet: what it does (naming its records) and since when.
    public struct Pending: Equatable, Sendable {
        public let what: String
        public let since: Date
    }

    let database: any Store
    let offMainThread: Bool
    /// How long a key's frame waits for its write before drawing with the write pending.
    let settleWithin: DispatchTimeInterval
    private let queue = DispatchQueue(label: "funnel.writes", qos: .userInitiated)
    public private(set) var pending: Pending?
    /// Moves when a pending write settles.
    public private(set) var revision = 0

    public init(database: any Store, offMainThread: Bool, settleWithin: DispatchTimeInterval = .milliseconds(40)) {
        self.database = database
        self.offMainThread = offMainThread
        self.settleWithin = settleWithin
    }

    /// Writes for view-model tests: each runs on the caller's thread.
    public static func onCaller(_ database: any Store) -> DatabaseWrites {
        DatabaseWrites(database: database, offMainThread: false)
    }

    /// Runs `call` (a service's write) and then `settle` on the main actor with its result. Refused
    /// (false, nothing run) while another write is pending.
    @discardableResult
    public func run<T: Sendable>(_ what: String, _ call: @escaping @Sendable () throws -> T,
                                 settle: @escaping @MainActor (Result<T, any Error>) -> Void) -> Bool {
        guard pending == nil else { return false }
        guard offMainThread else {
            settle(Result { try call() })
            return true
        }
        let handoff = Handoff<T>()
        queue.async {
            let result = Result { try call() }
            // Delivered on the main queue only when the key's frame stopped waiting for it.
            if handoff.deliver(result) {
                DispatchQueue.main.async {
                    MainActor.assumeIsolated { [weak self] in
                        self?.pending = nil
                        self?.revision += 1
                        settle(result)
                    }
                }
            }
        }
        if let result = handoff.wait(settleWithin) {
            settle(result)
        } else {
            pending = Pending(what: what, since: Date())
        }
        return true
    }

    /// Since when the pending write has waited for another process's lock (nil: it is not waiting).
    public func waitingForLock(now: Date = Date()) -> Date? {
        pending == nil ? nil : database.lockWatch.waiting(now: now)
    }

    /// Stops waiting for the lock: the pending write fails with "nothing was written". True when a
    /// write was waiting.
    @discardableResult
    public func stop() -> Bool {
        pending != nil && database.lockWatch.stopWaiting()
    }

    /// The status line while a write is pending: what it does, and what it waits for.
    public func notice(now: Date = Date()) -> String? {
        guard let pending else { return nil }
        guard waitingForLock(now: now) != nil else { return "\(pending.what)…" }
        let name = database.location.displayName
        // Since the key: the store's own waits restart at each of its retries.
        let seconds = Int(now.timeIntervalSince(pending.since))
        return "Waiting for the database: \(name) is locked by another process (\(seconds) s) · esc stops \(pending.what.lowercasedFirst)"
    }
}

/// A write's result, handed from the write queue to the main thread: taken by the key's frame when
/// it came in time, else delivered later on the main queue (never both).
private final class Handoff<T: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private let done = DispatchSemaphore(value: 0)
    private var result: Result<T, any Error>?
    private var detached = false

    /// Called once by the write queue; true when the waiting frame gave up (deliver on the main queue).
    func deliver(_ value: Result<T, any Error>) -> Bool {
        lock.withLock {
            if detached { return true }
            result = value
            done.signal()
            return false
        }
    }

    /// Waits up to `interval`; nil (and detached) when the write has not finished by then.
    func wait(_ interval: DispatchTimeInterval) -> Result<T, any Error>? {
        _ = done.wait(timeout: .now() + interval)
        return lock.withLock {
            if let result { return result }
            detached = true
            return nil
        }
    }
}

extension String {
    /// "Assign #12 …" → "assign #12 …" (for a message that goes on after a comma).
    var lowercasedFirst: String { prefix(1).lowercased() + dropFirst() }
}

/// A pane's view-model whose writes go through the shared `DatabaseWrites`.
@MainActor
protocol WritesThroughQueue: PaneMessage {
    var writes: DatabaseWrites { get }
}

extension WritesThroughQueue {
    /// Runs a service's write (`call`, off the main thread in the TUI), then `then` with its result on
    /// the main actor; a refusal or failure becomes the message. While another write is pending,
    /// this one is not run, and the message says so. True when the write succeeded, or is pending
    /// (its result comes later); false when it failed or was not run.
    @discardableResult
    func write<T: Sendable>(_ what: String, _ call: @escaping @Sendable () throws -> T,
                            then: @escaping @MainActor (T) throws -> Void) -> Bool {
        write(what, call, settling: { result in try then(result.get()) })
    }

    /// `write` whose settling step sees the failure too (an undo ends its entry on a refusal).
    /// A write that never began (stopped, or the lock held too long) is said naming it, whatever
    /// the settling step did.
    @discardableResult
    func write<T: Sendable>(_ what: String, _ call: @escaping @Sendable () throws -> T,
                            settling: @escaping @MainActor (Result<T, any Error>) throws -> Void) -> Bool {
        let succeeded = Flag()
        let accepted = writes.run(what, call) { [weak self] result in
            guard let self else { return }
            // It was written: the caller's form closes even if what follows (a reread) fails.
            if case .success = result { succeeded.value = true }
            self.perform { try settling(result) }
            if case .failure(let error) = result, let text = Self.lockFailure(error, what: what) { self.message = text }
        }
        if !accepted, let pending = writes.pending {
            message = "Not done: \(what.lowercasedFirst) waits until \(pending.what.lowercasedFirst) is written (esc stops that)"
            return false
        }
        return succeeded.value || writes.pending != nil
    }
}

extension WritesThroughQueue {
    /// A write that never began, named: "Stopped assigning #1147 Ingrid Schäfer: crm.sqlite is
    /// locked by another process; nothing was written" (nil for other failures).
    static func lockFailure(_ error: any Error, what: String) -> String? {
        let store: StoreError
        switch error {
        case let error as StoreError: store = error
        case ServiceError.store(let error): store = error
        default: return nil
        }
        switch store {
        case .stoppedWaiting(let path):
            return "Stopped \(what.lowercasedFirst): \((path as NSString).lastPathComponent) is locked by another process; nothing was written"
        case .locked:
            return "Not done, \(what.lowercasedFirst): \(store)"
        default:
            return nil
        }
    }
}

/// A flag set by a write's settling closure.
@MainActor
private final class Flag {
    var value = false
}
