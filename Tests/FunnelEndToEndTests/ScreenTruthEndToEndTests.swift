import Foundation
import FunnelTestSupport
import Testing

/// What the screen shows is what the keys act on and what the user sees (issue 13): a change lands
/// on the lead on screen and says which; every list fills the screen at any size; the search
/// prompt echoes what is typed and starts from the current search; a write key the user may not
/// use is refused at the key, before any picker.
@Suite(.serialized) struct ScreenTruthEndToEndTests {
    let fixture = DemoDatabaseFile(leads: 2_000, name: "truth.sqlite")

    func sqlite(_ sql: String) throws -> String {
        try ProcessRunner.run("/usr/bin/sqlite3", [fixture.path, sql]).standardOutput.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    func start(user: String = "manager@northwind.example", readOnly: Bool = false, width: Int = 150, height: Int = 45) throws -> TmuxSession {
        let session = try TmuxSession(
            command: "\(Repository.funnelBinary) --db \(fixture.path) --user \(user)\(readOnly ? " --read-only" : ""); sleep 60", width: width, height: height,
            environment: ["TERM": "xterm-256color", "XDG_CONFIG_HOME": fixture.folder.file("config"), "XDG_STATE_HOME": fixture.folder.file("state")])
        try session.waitForSettled("the leads table") { $0.contains("[1 Leads") && $0.contains("Score") && $0.contains("? help") }
        return session
    }

    /// The id in a detail's title ("Lead #1874").
    func openLead(_ screen: String) throws -> Int64 {
        let range = try #require(screen.range(of: #"Lead #\d+"#, options: .regularExpression), "no lead detail on screen:\n\(screen)")
        return try #require(Int64(screen[range].dropFirst(6)))
    }

    // MARK: - The record acted on is the record on screen

    @Test func changesLandOnTheOpenLeadAndNameIt() throws {
        let rep = "kwame.silva.2@northwind.example"
        let session = try start(user: rep)
        // My new leads; open the first.
        try session.press("o")
        try session.waitFor(text: "owner: mine")
        try session.press("l")
        try session.waitForSettled("my new leads") { $0.contains("[new") }
        try session.press("Enter")
        var screen = try session.waitForSettled("the detail") { $0.contains("Why the score is") }
        let id = try openLead(screen)
        let name = try sqlite("SELECT name FROM leads WHERE id = \(id)")

        // Contacted: it leaves the "new" tab, the cursor moves on behind the detail, which stays on it.
        try session.press("s")
        try session.waitFor(text: "Set the status of #\(id)")
        try session.type("cont")
        try session.press("Enter")
        screen = try session.waitFor(text: "#\(id) \(name) set to contacted")
        #expect(try openLead(screen) == id)
        #expect(try sqlite("SELECT status FROM leads WHERE id = \(id)") == "contacted")

        // A call logged now is logged on the lead the detail shows, and the message names it.
        let actions = try sqlite("SELECT count(*) FROM lead_actions")
        try session.press("L")
        try session.waitFor(text: "Log on #\(id)")
        try session.press("Enter")
        try session.waitFor(text: "Note for the call on #\(id)")
        try session.press("Enter")
        try session.waitFor(text: "Logged a call on #\(id) \(name); score")
        #expect(try sqlite("SELECT count(*) FROM lead_actions") == String(Int(actions)! + 1))
        #expect(try sqlite("SELECT lead_id FROM lead_actions ORDER BY id DESC LIMIT 1") == String(id))

        // Assigning to someone names the lead and the user.
        try session.press("A")
        try session.waitFor(text: "Assign #\(id)")
        try session.type("Amélie")
        try session.press("Enter")
        try session.waitFor(text: "Assigned #\(id) \(name) to Amélie Ødegaard")
        #expect(try sqlite("SELECT u.email FROM leads l JOIN users u ON u.id = l.assigned_to WHERE l.id = \(id)") == "manager@northwind.example")
    }

    // MARK: - Every list fills the screen

    /// Rows of a table still showing "…" (loaded rows never do).
    func placeholderRows(_ screen: String) -> Int {
        screen.split(separator: "\n").filter { line in
            line.range(of: #"^[ ›│]*…\s*[│█]?\s*$"#, options: .regularExpression) != nil
                || line.range(of: #"│[ ›]*…\s+[│█]"#, options: .regularExpression) != nil
        }.count
    }

    @Test func everyListFillsATallOrASmallScreen() throws {
        let session = try start(width: 150, height: 70)
        for size in [(150, 70), (60, 14), (150, 70)] {
            try session.resize(width: size.0, height: size.1)
            try session.press("1")
            var screen = try session.waitForSettled("the leads at \(size)") { $0.contains("[1 Leads") && $0.contains("lead 1/") }
            #expect(placeholderRows(screen) == 0, "leads at \(size):\n\(screen)")
            try session.press("4")
            screen = try session.waitForSettled("the approvals at \(size)") { $0.contains("waiting, oldest first") }
            #expect(placeholderRows(screen) == 0, "approvals at \(size):\n\(screen)")
            try session.press("2")
            try session.waitForSettled("the board at \(size)") { $0.contains("[2 Pipeline") }
            try session.press("v")
            screen = try session.waitForSettled("the table at \(size)") { $0.contains("table ·") || $0.contains("Stage") }
            #expect(placeholderRows(screen) == 0, "the pipeline table at \(size):\n\(screen)")
            try session.press("v")
            try session.press("3")
            screen = try session.waitForSettled("the calendar at \(size)") { $0.contains("[3 Calendar") }
            #expect(placeholderRows(screen) == 0, "the calendar at \(size):\n\(screen)")
        }
    }

    // MARK: - Search

    @Test func searchEchoesWhatIsTypedAndTypingReplacesTheLastSearch() throws {
        let session = try start()
        try session.press("/")
        try session.waitFor(text: "Search")
        try session.type("garc")
        // Each key shows in the field as it is typed.
        try session.waitFor("the typed text in the field") { $0.contains("│garc") }
        try session.type("ia")
        try session.waitFor("the typed text in the field") { $0.contains("│garcia") }
        try session.press("Enter")
        try session.waitForSettled("the search") { $0.contains("search: \"garcia\"") }

        // Again: the field starts from the search, all selected; typing replaces it.
        try session.press("/")
        try session.waitFor("the current search offered") { $0.contains("│garcia") }
        try session.type("silva")
        try session.waitFor("the new text replacing it") { $0.contains("│silva") }
        try session.press("Enter")
        let screen = try session.waitForSettled("the new search") { $0.contains("search: \"") && !$0.contains("Search  (enter") }
        #expect(screen.contains("search: \"silva\""), "the second search is not \"silva\":\n\(screen)")

        // An arrow keeps the text to edit it.
        try session.press("/")
        try session.waitFor("the current search offered") { $0.contains("│silva") }
        try session.press("Right")
        try session.type("s")
        try session.press("Enter")
        try session.waitForSettled("the edited search") { $0.contains("search: \"silvas\"") }
    }

    // MARK: - Refusals at the key

    @Test func aViewersWriteKeysAreRefusedAtTheKeyBeforeAnyPicker() throws {
        let session = try start(user: "viewer@northwind.example")
        let activities = try sqlite("SELECT count(*) FROM activities")
        for (key, permission) in [("s", "leads.edit"), ("L", "leads.edit"), ("A", "leads.assign"), ("a", "leads.assign"), ("x", "leads.edit"),
                                  ("c", "leads.convert"), ("M", "leads.merge"), ("e", "leads.edit"), ("n", "leads.edit")] {
            try session.press(key)
            let screen = try session.waitFor(text: "needs the \(permission) permission")
            #expect(!["┌ Set the status", "┌ Log on", "┌ Assign #", "┌ Edit", "┌ New lead", "┌ Convert", "┌ Merge", "why is"].contains { screen.contains($0) },
                    "\(key) opened a prompt:\n\(screen)")
            try session.press("j")
            try session.waitFor("the message cleared") { !$0.contains("needs the \(permission) permission") }
        }
        try session.press("2")
        try session.waitFor(text: "[2 Pipeline")
        for key in ["W", "X", ">", "e", "n"] {
            try session.press(key)
            let screen = try session.waitFor(text: "needs the deals.edit permission")
            #expect(!screen.contains("Why was") && !screen.contains("┌ Edit") && !screen.contains("┌ New deal"), "\(key) opened a prompt:\n\(screen)")
            try session.press("j")
            try session.waitFor("the message cleared") { !$0.contains("needs the deals.edit permission") }
        }
        try session.press("4")
        try session.waitFor(text: "waiting, oldest first")
        try session.press("r")
        let screen = try session.waitFor(text: "needs the content.approve permission")
        #expect(!screen.contains("Reject #"))
        #expect(try sqlite("SELECT count(*) FROM activities") == activities)
    }

    @Test func aReadOnlySessionRefusesWriteKeysAtTheKey() throws {
        let session = try start(readOnly: true)
        for key in ["s", "L", "A", "a"] {
            try session.press(key)
            let screen = try session.waitFor(text: "is not allowed in read-only mode")
            #expect(!["┌ Set the status", "┌ Log on", "┌ Assign #"].contains { screen.contains($0) }, "\(key) opened a prompt:\n\(screen)")
            try session.press("j")
            try session.waitFor("the message cleared") { !$0.contains("is not allowed in read-only mode") }
        }
        try session.press("2")
        try session.waitFor(text: "[2 Pipeline")
        try session.press("W")
        try session.waitFor(text: "Win the deal is not allowed in read-only mode")
    }
}
