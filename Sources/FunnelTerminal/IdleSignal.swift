import Foundation

/// Announces each settled frame by writing a counter to a file (`FUNNEL_IDLE_FILE`): the tmux
/// harness reads the screen once the counter moved past what it was when keys were sent, instead
/// of comparing screens taken some milliseconds apart. Off unless the variable names a file.
final class IdleSignal {
    private let path: String
    private let temporary: String
    private var count = 0

    init?(path: String?) {
        guard let path, !path.isEmpty else { return nil }
        self.path = path
        temporary = path + ".\(getpid())"
        // A new process starts from 0: the count is this process's (`pid count`).
        unlink(path)
    }

    /// Writes `pid count` whole: to a file beside it, renamed over it (a reader never sees half).
    func announce() {
        count += 1
        let text = "\(getpid()) \(count)\n"
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { return }
        _ = text.withCString { write(descriptor, $0, strlen($0)) }
        close(descriptor)
        rename(temporary, path)
    }
}
