import Foundation
import FunnelTestSupport
import Testing

/// Signals sent to the running `funnel` in an interactive shell in tmux: each one that ends it
/// leaves a normal shell behind (out of the alternate screen, echo and line mode on, no backtrace);
/// SIGPIPE is ignored.
@Suite(.serialized) struct SignalEndToEndTests {
    static let workspace = DemoFixture.shared

    /// An interactive bash with a known prompt, in a pane of its own.
    func shell() throws -> TmuxSession {
        let fixture = Self.workspace
        let session = try TmuxSession(
            command: "bash --norc --noprofile -i", width: 100, height: 30,
            environment: ["TERM": "xterm-256color", "PS1": "ready> ", "XDG_CONFIG_HOME": fixture.folder.file("config"),
                          "XDG_STATE_HOME": fixture.folder.file("state"), "XDG_DATA_HOME": fixture.folder.file("data")])
        try session.waitFor(text: "ready>")
        return session
    }

    /// Starts Funnel at the prompt and waits for its first whole frame; returns its process id.
    func startFunnel(in session: TmuxSession) throws -> Int32 {
        try session.type("\(Repository.funnelBinary) --db \(Self.workspace.database) --user manager@northwind.example")
        try session.press("Enter")
        try session.waitFor("the whole first frame") { $0.contains("[1 Leads") && $0.contains("? help") && $0.contains("Score") }
        try waitForPane(session, "the alternate screen", "#{alternate_on}", "1")
        let shell = try session.panePID()
        let child = try ProcessRunner.run("/usr/bin/pgrep", ["-P", "\(shell)", "funnel"])
        let pid = Int32(child.standardOutput.split(separator: "\n").first ?? "") ?? 0
        try #require(pid > 0, "no funnel process under the shell \(shell)")
        return pid
    }

    func waitForPane(_ session: TmuxSession, _ what: String, _ format: String, _ expected: String, timeout: TimeInterval = 30) throws {
        let deadline = Date().addingTimeInterval(timeout)
        var value = ""
        while Date() < deadline {
            value = try session.paneValue(format)
            if value == expected { return }
            usleep(20_000)
        }
        Issue.record("timed out waiting for \(what): \(format) is \(value), not \(expected); the screen was:\n\(try session.screen())")
    }

    /// The last line with text on the screen.
    static func lastLine(_ screen: String) -> String {
        screen.split(separator: "\n").last { !$0.trimmingCharacters(in: .whitespaces).isEmpty }.map(String.init) ?? ""
    }

    /// After Funnel ended: the prompt is back, out of the alternate screen, no backtrace; a command
    /// typed at the prompt runs and sees the terminal in echo and line mode. Returns Funnel's status.
    func expectNormalShell(_ session: TmuxSession, after what: String) throws -> Int? {
        try session.waitFor("the prompt after \(what)") { Self.lastLine($0).hasPrefix("ready>") && !$0.contains("[1 Leads") }
        try waitForPane(session, "the normal screen after \(what)", "#{alternate_on}", "0")
        // `$?` is Funnel's status; stty shows the modes Funnel left (bash's line editor restores
        // them before it runs a command). E''ND is not found in the typed line, only in the output.
        try session.type("echo \"exit=$?\"; stty -a | tr ' ;' '\\n\\n' | grep -xE -- '-?(echo|icanon|icrnl|opost)' | tr '\\n' ' '; echo E''ND")
        try session.press("Enter")
        let screen = try session.waitFor("the command's output after \(what)") { $0.contains(" END") || $0.contains("\nEND") }
        let modes = Set(screen.split(whereSeparator: \.isWhitespace).map(String.init))
        for mode in ["echo", "icanon", "icrnl", "opost"] {
            #expect(modes.contains(mode) && !modes.contains("-" + mode), "\(what): \(mode) was not restored:\n\(screen)")
        }
        for trace in ["crashed", "Backtrace", "Thread 0", "Fatal error", "core dumped", "Quit", "User defined signal", "Alarm clock"] {
            #expect(!screen.contains(trace), "\(what): \"\(trace)\" on the screen:\n\(screen)")
        }
        let status = screen.split(whereSeparator: \.isWhitespace).first { $0.hasPrefix("exit=") }.flatMap { Int($0.dropFirst(5)) }
        return status
    }

    static let ending: [(String, Int32)] = [
        ("QUIT", SIGQUIT), ("USR1", SIGUSR1), ("USR2", SIGUSR2), ("ALRM", SIGALRM), ("TERM", SIGTERM), ("HUP", SIGHUP), ("INT", SIGINT),
    ]

    @Test(arguments: Self.ending.map(\.0))
    func aSignalThatEndsFunnelLeavesANormalShell(name: String) throws {
        let number = try #require(Self.ending.first { $0.0 == name }?.1)
        let session = try shell()
        let pid = try startFunnel(in: session)
        #expect(kill(pid, number) == 0)
        let status = try expectNormalShell(session, after: "SIG\(name)")
        #expect(status == 128 + Int(number), "SIG\(name): exit status \(status.map(String.init) ?? "unknown")")
    }

    @Test func sigtstpSuspendsAndFgResumes() throws {
        let session = try shell()
        let pid = try startFunnel(in: session)
        #expect(kill(pid, SIGTSTP) == 0)
        try session.waitFor(text: "Stopped")
        try waitForPane(session, "the normal screen while stopped", "#{alternate_on}", "0")
        try session.type("fg")
        try session.press("Enter")
        try session.waitFor("the frame repainted") { $0.contains("[1 Leads") && $0.contains("? help") && $0.contains("Score") }
        try waitForPane(session, "the alternate screen again", "#{alternate_on}", "1")
        try session.press("q")
        #expect(try expectNormalShell(session, after: "SIGTSTP, fg and q") == 0)
    }

    @Test func sigpipeIsIgnored() throws {
        let session = try shell()
        let pid = try startFunnel(in: session)
        #expect(kill(pid, SIGPIPE) == 0)
        // Funnel goes on: it answers keys and keeps the alternate screen.
        try session.press("2")
        try session.waitFor(text: "[2 Pipeline")
        #expect(try session.paneValue("#{alternate_on}") == "1")
        try session.press("q")
        #expect(try expectNormalShell(session, after: "SIGPIPE and q") == 0)
    }
}
