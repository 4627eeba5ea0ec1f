import Foundation

/// Edits text in the user's editor (`$VISUAL`, `$EDITOR`, else `vi`) on the terminal.
///
/// Called while the terminal is released (out of curses mode); the caller repaints after.
enum ExternalEditor {
    enum Outcome: Equatable {
        case changed(String)
        case unchanged
        case failed(String)
    }

    /// The command that will be run, for messages.
    static var command: String {
        let environment = ProcessInfo.processInfo.environment
        for name in ["VISUAL", "EDITOR"] {
            if let value = environment[name], !value.trimmingCharacters(in: .whitespaces).isEmpty { return value }
        }
        return "vi"
    }

    /// Writes `text` to a private temporary file, runs the editor on it with the terminal as its
    /// input and output, waits, and reads the file back.
    static func edit(_ text: String, name: String) -> Outcome {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("funnel-edit-\(getpid())", isDirectory: true)
        let file = folder.appendingPathComponent(name)
        do {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            try Data(text.utf8).write(to: file, options: .atomic)
        } catch {
            return .failed("could not write \(file.path): \(error.localizedDescription)")
        }
        defer { try? FileManager.default.removeItem(at: folder) }
        // The shell splits the editor command ("code --wait", "vim -u NONE"); the file is "$1".
        let script = "exec \(command) \"$1\" </dev/tty >/dev/tty"
        let status = run("/bin/sh", ["-c", script, "funnel-editor", file.path])
        guard status == 0 else { return .failed("the editor (\(command)) exited with status \(status); nothing was saved") }
        guard let data = FileManager.default.contents(atPath: file.path) else { return .failed("\(file.path) disappeared; nothing was saved") }
        guard let edited = String(data: data, encoding: .utf8) else { return .failed("the edited text is not UTF-8; nothing was saved") }
        return edited == text ? .unchanged : .changed(edited)
    }

    /// Spawns a program with this process's terminal and waits for it.
    static func run(_ executable: String, _ arguments: [String]) -> Int32 {
        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var pid: pid_t = 0
        let code = posix_spawn(&pid, executable, nil, nil, argv, environ)
        guard code == 0 else { return 127 }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        return (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
    }
}
