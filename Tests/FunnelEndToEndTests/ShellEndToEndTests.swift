import Foundation
import FunnelTestSupport
import Testing

/// The real `funnel` binary in tmux: keys in, screen out.
@Suite(.serialized) struct ShellEndToEndTests {
    static let workspace = DemoFixture.shared

    /// The command that runs Funnel, then reports how it ended and the terminal's modes.
    func command(_ extra: String = "", user: String = "manager@northwind.example") -> String {
        let fixture = Self.workspace
        return "\(Repository.funnelBinary) --db \(fixture.database) --user \(user) \(extra); status=$?; echo \"modes: $(stty -a | tr ' ' '\\n' | grep -E '^-?(echo|icanon)$' | tr '\\n' ' ') exit=$status\"; sleep 60"
    }

    func environment(term: String = "xterm-256color", extra: [String: String] = [:]) -> [String: String] {
        let fixture = Self.workspace
        return ["TERM": term, "XDG_CONFIG_HOME": fixture.folder.file("config"), "XDG_STATE_HOME": fixture.folder.file("state"),
                "XDG_DATA_HOME": fixture.folder.file("data")].merging(extra) { $1 }
    }

    func expectRestoredShell(_ session: TmuxSession) throws {
        let screen = try session.waitFor(text: "exit=0")
        let modes = Set(screen.split(whereSeparator: \.isWhitespace).map(String.init))
        #expect(modes.contains("echo") && modes.contains("icanon") && !modes.contains("-echo") && !modes.contains("-icanon"),
                "the terminal was not restored:\n\(screen)")
        #expect(!screen.contains("Leads"), "the UI was left on the screen")
    }

    @Test(arguments: [(120, 40), (80, 24)])
    func tabsHelpPaletteThemeAndQuit(width: Int, height: Int) throws {
        let session = try TmuxSession(command: command(), width: width, height: height, environment: environment())
        var screen = try session.waitFor("the whole first frame") { $0.contains("[1 Leads") && $0.contains("? help") && $0.contains("Score") }
        #expect(screen.contains("2 Pipeline"))
        #expect(screen.contains("4 Approvals"))
        #expect(screen.contains("Northwind Analytics"))
        #expect(screen.contains("(manager)"))
        #expect(screen.contains("? help"))

        try session.press("?")
        screen = try session.waitFor("the help overlay") { $0.contains("Keys") && $0.contains("Next lead") && $0.contains("Assign to me") }
        try session.press("C-d")
        // A page further down: the shell's keys (below the pane's) come into view.
        try session.waitFor("the help scrolled") { $0.contains("Quit Funnel") || $0.contains("Open the Approvals pane") }
        try session.press("Escape")
        try session.waitFor("help closed") { !$0.contains("Keys  (") }

        try session.press(":")
        try session.waitFor(text: "Next lead")
        try session.type("lght")
        screen = try session.waitFor(text: "switch to light")
        try session.press("Enter")
        try session.waitFor(text: "Theme: light")

        try session.press("2")
        try session.waitFor("the pipeline pane") { $0.contains("[2 Pipeline") && $0.contains("NEGOTIATION") }
        try session.press("Tab")
        try session.waitFor(text: "[3 Calendar")
        try session.press("BTab")
        try session.waitFor(text: "[2 Pipeline")

        try session.press("q")
        try expectRestoredShell(session)
    }

    @Test(arguments: ["xterm-256color", "screen-256color", "tmux-256color", "linux", "vt100", "NO_COLOR"])
    func worksOnEveryTerminalType(term: String) throws {
        let env = term == "NO_COLOR" ? environment(extra: ["NO_COLOR": "1"]) : environment(term: term)
        let session = try TmuxSession(command: command(), width: 100, height: 30, environment: env)
        try session.waitFor("the whole first frame") { $0.contains("[1 Leads") && $0.contains("? help") && $0.contains("Score") }
        try session.press("3")
        try session.waitFor(text: "[3 Calendar")
        try session.press("C-c")
        try expectRestoredShell(session)
    }

    @Test func eachSettledFrameIsAnnouncedForTheHarness() throws {
        let session = try TmuxSession(command: command(), width: 120, height: 40, environment: environment())
        try session.waitForSettled("the first frame") { $0.contains("[1 Leads") && $0.contains("Score") }
        let first = try #require(session.settledFrames(), "FUNNEL_IDLE_FILE was never written")
        // A key's frame is announced once drawn: the screen read after it is the key's.
        try session.press("j")
        try session.waitForSettled("the frame after j") { _ in true }
        let afterKey = try #require(session.settledFrames())
        #expect(afterKey > first)
        try session.press("q")
        try expectRestoredShell(session)
    }

    @Test func resizingToATinyTerminalAndBack() throws {
        let session = try TmuxSession(command: command(), width: 120, height: 40, environment: environment())
        try session.waitFor("the whole first frame") { $0.contains("[1 Leads") && $0.contains("? help") && $0.contains("Score") }
        try session.resize(width: 20, height: 6)
        let tiny = try session.waitForSettled("the too-small screen") { $0.contains("too small") }
        #expect(tiny.contains("20×6"))
        try session.resize(width: 120, height: 40)
        try session.waitFor("the whole first frame") { $0.contains("[1 Leads") && $0.contains("? help") && $0.contains("Score") }
        try session.press("q")
        try expectRestoredShell(session)
    }

    @Test func anotherProcessesWriteShowsWithinASecond() throws {
        let fixture = Self.workspace
        let session = try TmuxSession(command: command(), width: 120, height: 40, environment: environment())
        let before = try session.waitFor("the whole first frame") { $0.contains("[1 Leads") && $0.contains("? help") && $0.contains("Score") }
        let counts = try ProcessRunner.run("/usr/bin/sqlite3", [fixture.database, "SELECT lead_count FROM lead_status_counts WHERE org_id = 1 AND status = 'lost'"])
        let lost = Int(counts.standardOutput.trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0
        #expect(before.contains(Self.grouped(lost)))
        let update = try ProcessRunner.run("/usr/bin/sqlite3", [fixture.database,
            "UPDATE leads SET status = 'lost', status_reason = 'e2e' WHERE id IN (SELECT id FROM leads WHERE org_id = 1 AND status = 'new' LIMIT 7)"])
        #expect(update.status == 0, "\(update.standardError)")
        try session.waitFor("the lost count to go up by 7", timeout: 1.5) { screen in
            screen.split(separator: "\n").contains { $0.contains("lost") && $0.contains(Self.grouped(lost + 7)) }
        }
        try session.press("q")
        try expectRestoredShell(session)
    }

    @Test func readOnlyModeAndAWideCharacterName() throws {
        let session = try TmuxSession(command: command("--read-only", user: DemoFixture.cjkUser), width: 100, height: 30, environment: environment())
        let screen = try session.waitForSettled("the read-only status bar") { $0.contains("READ-ONLY") }
        let statusLine = screen.split(separator: "\n").last { $0.contains("READ-ONLY") } ?? ""
        #expect(statusLine.contains("(sales_rep)"))
        try session.press("q")
        try expectRestoredShell(session)
    }

    @Test func sigtermRestoresTheTerminal() throws {
        let session = try TmuxSession(command: command(), width: 100, height: 30, environment: environment())
        try session.waitFor("the whole first frame") { $0.contains("[1 Leads") && $0.contains("? help") && $0.contains("Score") }
        let shell = try session.panePID()
        let child = try ProcessRunner.run("/usr/bin/pgrep", ["-P", "\(shell)", "funnel"])
        let pid = Int32(child.standardOutput.split(separator: "\n").first ?? "") ?? 0
        #expect(pid > 0)
        kill(pid, SIGTERM)
        let screen = try session.waitFor(text: "exit=143")
        let modes = Set(screen.split(whereSeparator: \.isWhitespace).map(String.init))
        #expect(modes.contains("echo") && modes.contains("icanon") && !modes.contains("-echo"))
    }

    @Test func ctrlZSuspendsAndFgResumes() throws {
        let fixture = Self.workspace
        let session = try TmuxSession(command: "bash --norc --noprofile -i", width: 100, height: 30, environment: environment().merging(["PS1": "ready> "]) { $1 })
        try session.waitFor(text: "ready>")
        try session.type("\(Repository.funnelBinary) --db \(fixture.database) --user manager@northwind.example")
        try session.press("Enter")
        try session.waitFor("the whole first frame") { $0.contains("[1 Leads") && $0.contains("? help") && $0.contains("Score") }
        try session.press("C-z")
        let stopped = try session.waitFor(text: "Stopped")
        #expect(!stopped.contains("[1 Leads"))
        try session.type("fg")
        try session.press("Enter")
        try session.waitFor("the whole first frame") { $0.contains("[1 Leads") && $0.contains("? help") && $0.contains("Score") }
        try session.press("2")
        try session.waitFor(text: "[2 Pipeline")
        try session.press("q")
        try session.waitFor("the prompt after quitting") { screen in
            screen.split(separator: "\n").last { !$0.trimmingCharacters(in: .whitespaces).isEmpty }?.hasPrefix("ready>") == true
        }
    }

    @Test func aBrokenConfigFileIsNamedAndFunnelStartsAnyway() throws {
        let fixture = Self.workspace
        let config = TemporaryFolderPath(fixture.folder.file("broken-config/funnel"))
        try "theme = \"light\"\nmouse = maybe\n".write(toFile: config.path + "/config.toml", atomically: true, encoding: .utf8)
        let session = try TmuxSession(command: command(), width: 120, height: 40,
                                      environment: environment(extra: ["XDG_CONFIG_HOME": fixture.folder.file("broken-config")]))
        let screen = try session.waitFor("the whole first frame") { $0.contains("[1 Leads") && $0.contains("? help") && $0.contains("Score") }
        let warning = try session.waitFor(text: "config.toml")
        #expect(warning.contains("line 2") || warning.contains(":2"), "the warning does not name the line:\n\(warning)")
        _ = screen
        try session.press("q")
        try expectRestoredShell(session)
    }

    static func grouped(_ value: Int) -> String {
        let formatter = NumberFormatter()
        formatter.numberStyle = .decimal
        formatter.locale = Locale(identifier: "en_US")
        return formatter.string(from: NSNumber(value: value)) ?? "\(value)"
    }
}

/// One demo database shared by the end-to-end tests, with a sales rep whose name is in CJK.
final class DemoFixture: Sendable {
    static let shared = DemoFixture()
    /// A sales rep whose name has CJK characters, for the wide-character checks.
    static let cjkUser = "rep.cjk@northwind.example"

    let file = DemoDatabaseFile(leads: 3_000)
    var folder: TemporaryFolder { file.folder }
    var database: String { file.path }

    init() {
        let add = try! ProcessRunner.run(Repository.funnelBinary, [
            "users", "add", "--db", file.path, "--user", "admin@northwind.example",
            "--email", Self.cjkUser, "--name", "王小明", "--role", "sales_rep",
        ])
        precondition(add.status == 0, "users add failed: \(add.standardError)")
    }
}

/// A folder created (with its parents) for a test.
struct TemporaryFolderPath {
    let path: String
    init(_ path: String) {
        self.path = path
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }
}
