import Foundation
import FunnelTestSupport
import Testing

/// The Leads pane in tmux on the demo database: triage by keyboard, checked on screen and in sqlite3.
@Suite(.serialized) struct LeadsEndToEndTests {
    let fixture = LeadsFixture(leads: 2_000, name: "leads.sqlite")

    func sqlite(_ sql: String) throws -> String {
        try ProcessRunner.run("/usr/bin/sqlite3", [fixture.database, sql]).standardOutput.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    func start(user: String = "manager@northwind.example", width: Int = 140, height: Int = 40) throws -> TmuxSession {
        let session = try TmuxSession(
            command: "\(Repository.funnelBinary) --db \(fixture.database) --user \(user); sleep 60", width: width, height: height,
            environment: ["TERM": "xterm-256color", "XDG_CONFIG_HOME": fixture.folder.file("config"), "XDG_STATE_HOME": fixture.folder.file("state")])
        try session.waitForSettled("the leads table") { $0.contains("[1 Leads") && $0.contains("Score") && $0.contains("? help") }
        return session
    }

    /// The id of the lead on the selected row (the table's last column).
    func selectedLeadID(_ screen: String) throws -> Int64 {
        let row = try #require(screen.split(separator: "\n").first { $0.hasPrefix("›") })
        let cells = row.replacingOccurrences(of: "█", with: " ").replacingOccurrences(of: "│", with: " ").split(separator: " ")
        return try #require(cells.last.flatMap { Int64($0) }, "no id on the selected row: \(row)")
    }

    @Test func leadsAppearBestScoreFirst() throws {
        let session = try start()
        let screen = try session.screen()
        let best = try sqlite("SELECT max(score) FROM leads WHERE org_id = 1")
        let firstRow = try #require(screen.split(separator: "\n").first { $0.hasPrefix("›") })
        #expect(firstRow.contains(" \(best) "), "the first row is not the best score \(best): \(firstRow)")
    }

    @Test func assignToMeAndSetStatusThenUndo() throws {
        let session = try start(width: 200)
        // The "new" tab, unassigned leads only.
        try session.press("l")
        try session.waitFor(text: "[new ")
        try session.press("o")
        try session.waitFor(text: "owner: mine")
        try session.press("o")
        var screen = try session.waitForSettled("the unassigned new leads") { $0.contains("owner: unassigned") }
        let id = try selectedLeadID(screen)
        #expect(id > 0)
        #expect(try sqlite("SELECT ifnull(assigned_to, 'none') FROM leads WHERE id = \(id)") == "none")
        let name = try sqlite("SELECT name FROM leads WHERE id = \(id)")

        try session.press("a")
        screen = try session.waitFor(text: "Assigned #\(id) \(name) to Amélie Ødegaard")
        let manager = try sqlite("SELECT id FROM users WHERE email = 'manager@northwind.example'")
        #expect(try sqlite("SELECT assigned_to FROM leads WHERE id = \(id)") == manager)
        #expect(try sqlite("SELECT action || ' by ' || user_id FROM activities WHERE entity_type = 'lead' AND entity_id = \(id) ORDER BY id DESC LIMIT 1") == "assigned by \(manager)")

        try session.press("u")
        try session.waitFor(text: "Undone: Assigned #\(id) \(name)")
        #expect(try sqlite("SELECT ifnull(assigned_to, 'none') FROM leads WHERE id = \(id)") == "none")
        #expect(try sqlite("SELECT action FROM activities WHERE entity_type = 'lead' AND entity_id = \(id) ORDER BY id DESC LIMIT 1") == "undone")

        // Set the status of the same lead (it is selected again after the undo) to contacted.
        screen = try session.waitFor("the lead back on the cursor") { (try? self.selectedLeadID($0)) == id }
        try session.press("s")
        try session.waitFor(text: "Set the status of #\(id) \(name)")
        try session.type("contac")
        try session.press("Enter")
        try session.waitFor(text: "#\(id) \(name) set to contacted")
        #expect(try sqlite("SELECT status FROM leads WHERE id = \(id)") == "contacted")
        try session.press("u")
        try session.waitFor(text: "Undone: #\(id) \(name) set to contacted")
        #expect(try sqlite("SELECT status FROM leads WHERE id = \(id)") == "new")
    }

    @Test func searchByAnEmailWithDigitsThenByAPhoneNumber() throws {
        let session = try start(width: 200)
        // An email with digits after the name ("ana.garcia87@…"): the search keeps the digits.
        let lead = try sqlite("SELECT id || '|' || email || '|' || substr(phone_normalized, 2, 7) FROM leads WHERE org_id = 1 AND email GLOB '*[0-9]@*' AND phone_normalized IS NOT NULL ORDER BY id LIMIT 1")
            .split(separator: "|").map(String.init)
        let (id, email, phone) = (lead[0], lead[1], lead[2])
        // Leads whose email holds it as typed, starting at a word's start (the index matches words:
        // "ana.garcia87@…" is in "diana.garcia87@…" as text, not as words).
        let sameEmail = try sqlite("""
            SELECT count(*) FROM (SELECT lower(email) AS e, instr(lower(email), lower('\(email)')) AS at FROM leads WHERE org_id = 1)
            WHERE at = 1 OR (at > 1 AND substr(e, at - 1, 1) NOT GLOB '[a-z]')
            """)
        try session.press("/")
        try session.waitFor(text: "Search")
        try session.type(email)
        try session.press("Enter")
        var screen = try session.waitForSettled("the leads with that email") { $0.contains("search: \"\(email)\"") && $0.contains("lead 1/\(sameEmail)") }
        #expect(screen.contains(" \(id)"), "lead #\(id) is not listed for \(email)")
        try session.press("Escape")
        try session.waitForSettled("the search cleared") { !$0.contains("search: ") }

        // Digits alone: the leads whose phone number starts with them (country code first).
        // Typed without its "+", the digits are also read as a North American number's start.
        let samePhone = try sqlite("""
            SELECT count(*) FROM leads WHERE org_id = 1
            AND (phone_normalized LIKE '+\(phone)%' OR ('\(phone)' NOT LIKE '1%' AND phone_normalized LIKE '+1\(phone)%'))
            """)
        try session.press("/")
        try session.waitFor(text: "Search")
        try session.type(phone)
        try session.press("Enter")
        screen = try session.waitForSettled("the leads with that phone") { $0.contains("search: \"\(phone)\"") && $0.contains("lead 1/\(samePhone)") }
        let selected = try selectedLeadID(screen)
        #expect(try sqlite("SELECT substr(phone_normalized, 2, 7) FROM leads WHERE id = \(selected)") == phone)
    }

    @Test func aViewerIsRefusedAndNothingChanges() throws {
        let session = try start(user: "viewer@northwind.example")
        let screen = try session.screen()
        let id = try selectedLeadID(screen)
        let before = try sqlite("SELECT ifnull(assigned_to, 'none') || status FROM leads WHERE id = \(id)")
        let activities = try sqlite("SELECT count(*) FROM activities")
        try session.press("a")
        try session.waitFor(text: "needs the leads.assign permission")
        #expect(try sqlite("SELECT ifnull(assigned_to, 'none') || status FROM leads WHERE id = \(id)") == before)
        #expect(try sqlite("SELECT count(*) FROM activities") == activities)
    }

    @Test func detailExplainsTheScore() throws {
        let session = try start()
        try session.press("Enter")
        // Read the detail once its frame is fully drawn (tmux can show a frame half painted).
        let screen = try session.waitForSettled("the detail") { $0.contains("Why the score is") }
        #expect(screen.contains("Source:"))
        #expect(screen.contains("Timeline (newest first):"))
        try session.press("Escape")
        try session.waitFor("the detail closed") { !$0.contains("Why the score is") }
    }

    @Test func anotherOrganizationsLeadsNeverShow() throws {
        let session = try start(user: "admin@cafe-lumiere.example")
        let screen = try session.screen()
        #expect(screen.contains("Café Lumière Studio"))
        let count = try sqlite("SELECT count(*) FROM leads WHERE org_id = 2")
        #expect(screen.contains("[all \(Int(count)!.formatted(.number.locale(Locale(identifier: "en_US"))))]"))
    }
}

/// A small demo database for one test (each test gets its own, so changes do not leak).
typealias LeadsFixture = DemoDatabaseFile

extension DemoDatabaseFile {
    var database: String { path }
}
