import Foundation

/// Long blocking work (learning a model, rescoring every lead) runs on a thread of its own, never on
/// Swift's cooperative pool: that pool has one thread a core, and a thread held there for seconds
/// starves every other task waiting to run (on two cores, one learning run and one busy task stall
/// the rest until the run ends).
enum BlockingWork {
    /// Runs `work` on a new thread and returns its result; cancelling the awaiting task calls `onCancel`
    /// (the work's own stop flag), since `Task.isCancelled` means nothing on that thread.
    static func run<T: Sendable>(
        named name: String,
        onCancel: @escaping @Sendable () -> Void,
        _ work: @escaping @Sendable () -> T
    ) async -> T {
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<T, Never>) in
                let thread = Thread { continuation.resume(returning: work()) }
                thread.name = name
                thread.qualityOfService = .userInitiated
                thread.start()
            }
        } onCancel: {
            onCancel()
        }
    }
}
