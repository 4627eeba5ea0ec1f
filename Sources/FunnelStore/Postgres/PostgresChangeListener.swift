import Foundation
internal import PostgresNIO

/// The store's changes on a server, as they happen: a connection of its own LISTENs on the
/// channels of the organizations the signed-in role may read (`organizations.notify_channel`,
/// announced by the schema's statement triggers once per table and transaction). No table is
/// polled. When the connection is lost (the server restarting), it connects again every `retry`
/// and announces one change once back, since anything may have changed meanwhile.
enum PostgresChangeListener {
    static func stream(address: PostgresAddress, shownLocation: String, retry: Duration) -> AsyncStream<StoreChange> {
        let state = State()
        // The sequence begins once the channels are listened to (or the first try failed): a
        // commit made after `changes` returns is announced.
        let listening = DispatchSemaphore(value: 0)
        let stream = AsyncStream<StoreChange> { continuation in
            continuation.onTermination = { _ in state.stop() }
            let thread = Thread {
                var lostBefore = false
                while !state.isStopped {
                    do {
                        let session = try PostgresSession(address, shownLocation: shownLocation)
                        guard state.attach(session) else { return }
                        let channels = try session.rows("SELECT notify_channel FROM organizations").map { try PGRow($0).string(0) }
                        for channel in channels {
                            session.connection.addListener(channel: channel) { _, _ in
                                continuation.yield(StoreChange(sequence: state.next()))
                            }
                            try session.execute("LISTEN \"\(channel.replacingOccurrences(of: "\"", with: "\"\""))\"")
                        }
                        // Listening again after a loss, or only after `changes` stopped waiting for
                        // it: anything may have changed meanwhile.
                        if lostBefore || state.gaveUpWaiting { continuation.yield(StoreChange(sequence: state.next())) }
                        state.signalOnce(listening)
                        try? session.connection.closeFuture.wait()
                        lostBefore = true
                    } catch {
                        lostBefore = true
                        state.signalOnce(listening)
                    }
                    if state.isStopped { break }
                    Thread.sleep(forTimeInterval: max(0.2, Double(retry.components.seconds) + Double(retry.components.attoseconds) / 1e18))
                }
                continuation.finish()
            }
            thread.name = "funnel.postgres.listen"
            thread.start()
        }
        if listening.wait(timeout: .now() + 10) == .timedOut { state.giveUpWaiting() }
        return stream
    }

    final class State: @unchecked Sendable {
        private let lock = NSLock()
        private var stopped = false
        private var sequence = 0
        private var session: PostgresSession?

        private var signalled = false
        private var gaveUp = false

        /// Whether `changes` returned before the first listen (it is then announced as a change).
        var gaveUpWaiting: Bool { lock.withLock { gaveUp } }
        func giveUpWaiting() { lock.withLock { gaveUp = true } }

        var isStopped: Bool { lock.withLock { stopped } }

        /// Signals the first listen (once).
        func signalOnce(_ semaphore: DispatchSemaphore) {
            let first: Bool = lock.withLock {
                defer { signalled = true }
                return !signalled
            }
            if first { semaphore.signal() }
        }

        func next() -> Int { lock.withLock { sequence += 1; return sequence } }

        /// Keeps the listening connection (to close it on stop); false once stopped.
        func attach(_ session: PostgresSession) -> Bool {
            lock.withLock {
                if stopped { return false }
                self.session = session
                return true
            }
        }

        func stop() {
            let session: PostgresSession? = lock.withLock {
                stopped = true
                return self.session
            }
            session?.connection.close().whenComplete { _ in }
        }
    }
}
