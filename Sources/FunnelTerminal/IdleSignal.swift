import Foundation

/// Announces each settled frame by writing a counter to a file (`FUNNEL_IDLE_FILE`): the tmux
/// harness reads the screen once the counter moved past what it was when keys were sent, instead
/// of comparing screens taken some milliseconds apart. Off unless the variable names a file.
final class IdleSignal {
    private let descriptor: Int32
    private var count = 0

    init?(path: String?) {
        guard let path, !path.isEmpty else { return nil }
        let descriptor = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { return nil }
        self.descriptor = descriptor
    }

    deinit { close(descriptor) }

    /// Writes the next count (fixed width, in one write at the start of the file).
    func announce() {
        count += 1
        let text = String(format: "%012d\n", count)
        _ = text.withCString { pwrite(descriptor, $0, 13, 0) }
    }
}
