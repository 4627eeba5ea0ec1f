import Foundation

/// A program running inside its own tmux server at a chosen size: type keys, read the screen.
///
/// Tests wait for a condition on the screen (polling `capture-pane`), never for a fixed time.
public final class TmuxSession: @unchecked Sendable {
    public struct Timeout: Error, CustomStringConvertible {
        public let description: String
    }

    let socket: String
    let name = "funnel"
    /// The file Funnel announces each settled frame in (`FUNNEL_IDLE_FILE`), and the count it
    /// held when keys were last sent: a screen is settled once the count moved past it.
    let idleFile: String
    private var idleMark = 0
    private var idlePID: Int?
    /// The announced count read just before the last screen was read.
    private var lastAnnouncedBeforeRead: Int?

    /// Starts `command` (run by /bin/sh) in a detached tmux session of `width` x `height`.
    public init(command: String, width: Int = 120, height: Int = 40, environment: [String: String] = [:]) throws {
        socket = "funnel-e2e-" + UUID().uuidString.prefix(8)
        var environment = environment
        idleFile = environment["FUNNEL_IDLE_FILE"] ?? NSTemporaryDirectory() + socket + ".idle"
        environment["FUNNEL_IDLE_FILE"] = idleFile
        // LINES and COLUMNS would override the window's size in ncurses (a headless test in this
        // process may have set them), so the program never inherits them.
        let exports = "env -u LINES -u COLUMNS " + environment.map { "\($0.key)='\($0.value)'" }.joined(separator: " ") + " "
        let started = try ProcessRunner.run(
            "/usr/bin/tmux", ["-L", socket, "-f", "/dev/null", "new-session", "-d", "-s", name, "-x", "\(width)", "-y", "\(height)", exports + command],
            discardingOutput: true)
        guard started.status == 0 else { throw Timeout(description: "tmux new-session failed with status \(started.status)") }
        // No remain-on-exit: when the program (and whatever follows it in `command`) ends, the
        // session and its server end too, even if this object is never released.
    }

    deinit {
        // The pane's shell waits for its program and the server waits for the pane, so end the
        // pane's whole process group first (the shell leads it), then the server.
        if let shell = try? panePID(), shell > 0 { kill(-shell, SIGKILL) }
        _ = try? ProcessRunner.run("/usr/bin/tmux", ["-L", socket, "kill-server"], discardingOutput: true)
        try? FileManager.default.removeItem(atPath: idleFile)
    }

    /// How many settled frames Funnel has announced (nil before its first, or for another program).
    public func settledFrames() -> Int? { announcement()?.count }

    /// The process that announced and its count (`pid count`).
    func announcement() -> (pid: Int, count: Int)? {
        guard let data = FileManager.default.contents(atPath: idleFile), let text = String(data: data, encoding: .utf8) else { return nil }
        let parts = text.split(separator: " ")
        guard parts.count == 2, let pid = Int(parts[0]), let count = Int(parts[1].trimmingCharacters(in: .whitespacesAndNewlines)) else { return nil }
        return (pid, count)
    }

    /// Notes the announcing process and its count before keys are sent.
    private func markBeforeInput() {
        let now = announcement()
        idleMark = now?.count ?? 0
        idlePID = now?.pid
    }

    @discardableResult
    func tmux(_ arguments: [String]) throws -> String {
        let result = try ProcessRunner.run("/usr/bin/tmux", ["-L", socket] + arguments)
        guard result.status == 0 else {
            throw Timeout(description: "tmux \(arguments.joined(separator: " ")) failed: \(result.standardError)")
        }
        return result.standardOutput
    }

    /// The screen as text, one line per row.
    public func screen() throws -> String {
        try tmux(["capture-pane", "-p", "-t", name])
    }

    /// Sends tmux key names (`Enter`, `Escape`, `C-c`, `Tab`, `BTab`...) or plain characters.
    public func press(_ keys: String...) throws {
        markBeforeInput()
        try tmux(["send-keys", "-t", name] + keys)
    }

    /// Types text literally (no key-name lookup).
    public func type(_ text: String) throws {
        markBeforeInput()
        try tmux(["send-keys", "-t", name, "-l", text])
    }

    /// Resizes the window.
    public func resize(width: Int, height: Int) throws {
        try tmux(["resize-window", "-t", name, "-x", "\(width)", "-y", "\(height)"])
    }

    /// Waits until `condition` holds for the screen, and returns that screen.
    @discardableResult
    public func waitFor(_ what: String, timeout: TimeInterval = 30, _ condition: (String) -> Bool) throws -> String {
        let deadline = Date().addingTimeInterval(timeout)
        var last = ""
        while Date() < deadline {
            lastAnnouncedBeforeRead = settledFrames()
            last = try screen()
            if condition(last) { return last }
            usleep(20_000)
        }
        throw Timeout(description: "timed out after \(timeout) s waiting for \(what); the screen was:\n\(last)")
    }

    /// Waits until `condition` holds on a settled frame: one Funnel announced (its idle signal)
    /// after the last keys sent, with no frame announced while the screen was read, and the same
    /// screen read twice (tmux has drawn all of it). For a program that announces nothing, until
    /// the screen stopped changing between two reads.
    @discardableResult
    public func waitForSettled(_ what: String, timeout: TimeInterval = 30, _ condition: (String) -> Bool) throws -> String {
        var previous = ""
        return try waitFor(what + " (settled)", timeout: timeout) { screen in
            defer { previous = screen }
            guard condition(screen) else { return false }
            guard let now = announcement() else { return screen == previous }
            // A frame announced after the keys (by the process that had them, or by a new one),
            // none while the screen was read (the count read before it is the same), and tmux
            // done drawing it: the announcement comes when Funnel has written the frame, which
            // tmux may still be reading, so the screen must also read the same twice.
            let afterKeys = now.pid != idlePID || now.count > idleMark
            return afterKeys && now.count == lastAnnouncedBeforeRead && screen == previous
        }
    }

    /// Waits until the screen contains `text`.
    @discardableResult
    public func waitFor(text: String, timeout: TimeInterval = 30) throws -> String {
        try waitFor("\"\(text)\"", timeout: timeout) { $0.contains(text) }
    }

    /// The process id of the pane's shell.
    public func panePID() throws -> Int32 {
        Int32(try tmux(["display-message", "-p", "-t", name, "#{pane_pid}"]).trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0
    }

    /// A tmux format expanded for the pane (`#{alternate_on}`: 1 while the program is in the alternate screen).
    public func paneValue(_ format: String) throws -> String {
        try tmux(["display-message", "-p", "-t", name, format]).trimmingCharacters(in: .whitespacesAndNewlines)
    }

}

/// A demo database built by the real `funnel demo`, in a temporary folder of its own.
///
/// Each size is built once per test process and copied for each fixture (a copy of a closed,
/// checkpointed file is the same database): every test still writes to a file of its own.
public final class DemoDatabaseFile: Sendable {
    public let folder: TemporaryFolder
    public let path: String

    public init(leads: Int, name: String = "demo.sqlite") {
        folder = try! TemporaryFolder()
        path = folder.file(name)
        try! FileManager.default.copyItem(atPath: Self.template(leads: leads), toPath: path)
    }

    private static let templates = TemplateCache()

    /// The file `funnel demo --leads N` built, once per process.
    static func template(leads: Int) -> String {
        templates.path(for: leads) { path in
            let demo = try! ProcessRunner.run(Repository.funnelBinary, ["demo", "--db", path, "--leads", "\(leads)", "--no-open"])
            precondition(demo.status == 0, "funnel demo failed: \(demo.standardError)")
            precondition(!FileManager.default.fileExists(atPath: path + "-wal") || ((try? FileManager.default.attributesOfItem(atPath: path + "-wal")[.size] as? Int) ?? 0) == 0,
                         "the demo left a -wal file: a copy of the main file alone would miss its last writes")
        }
    }
}

/// Demo files built once per process, by size (kept for the process's life).
private final class TemplateCache: @unchecked Sendable {
    private let lock = NSLock()
    private var built: [Int: String] = [:]
    private let folder = try! TemporaryFolder()

    func path(for leads: Int, build: (String) -> Void) -> String {
        lock.withLock {
            if let path = built[leads] { return path }
            let path = folder.file("template-\(leads).sqlite")
            build(path)
            built[leads] = path
            return path
        }
    }
}
