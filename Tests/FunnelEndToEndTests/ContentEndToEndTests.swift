import Foundation
import FunnelTestSupport
import Testing

/// The Calendar and Approvals panes in tmux on the demo database (in UTC): an item rescheduled
/// on the grid and in sqlite3, a body edited in $EDITOR, the oldest pending item approved and
/// found on the calendar, and the refusals (a sales rep; an author on their own item).
@Suite(.serialized) struct ContentEndToEndTests {
    let fixture = DemoDatabaseFile(leads: 4_000, name: "content.sqlite")

    func sqlite(_ sql: String) throws -> String {
        try ProcessRunner.run("/usr/bin/sqlite3", [fixture.path, sql]).standardOutput.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    var northwind: String { "(SELECT id FROM organizations WHERE slug = 'northwind')" }

    func start(user: String, pane: String, environment: [String: String] = [:]) throws -> TmuxSession {
        let session = try TmuxSession(
            command: "\(Repository.funnelBinary) --db \(fixture.path) --user \(user); sleep 60", width: 140, height: 42,
            environment: ["TERM": "xterm-256color", "TZ": "UTC", "XDG_CONFIG_HOME": fixture.folder.file("config"),
                          "XDG_STATE_HOME": fixture.folder.file("state")].merging(environment) { $1 })
        try session.waitForSettled("the shell") { $0.contains("[1 Leads") && $0.contains("? help") }
        try session.press(pane)
        return session
    }

    func openCalendar(user: String, environment: [String: String] = [:]) throws -> TmuxSession {
        let session = try start(user: user, pane: "3", environment: environment)
        try session.waitForSettled("the month") { $0.contains("[3 Calendar") && $0.contains("· t today") && $0.contains("J/K item") }
        return session
    }

    /// Selects day `date` (`YYYY-MM-DD`, after today) and the item `id` in its agenda.
    func select(_ id: Int64, on date: String, in session: TmuxSession) throws {
        let days = Int(try sqlite("SELECT CAST(julianday('\(date)') - julianday(date('now')) AS INTEGER)")) ?? 0
        if days > 0 { try session.type(String(repeating: "l", count: days)) }
        let heading = try sqlite("SELECT strftime('%d', '\(date)')")
        try session.waitForSettled("the day \(date)") { $0.contains(" \(Int(heading) ?? 0) \(Self.monthName(date))") }
        let before = Int(try sqlite("""
            SELECT count(*) FROM content WHERE org_id = \(northwind) AND scheduled_at >= '\(date)' AND
              (scheduled_at, id) < (SELECT scheduled_at, id FROM content WHERE id = \(id))
            """)) ?? 0
        if before > 0 { try session.type(String(repeating: "J", count: before)) }
        let title = try sqlite("SELECT title FROM content WHERE id = \(id)")
        try session.press("Enter")
        try session.waitForSettled("item #\(id) open") { $0.contains("Content #\(id)") && $0.contains(String(title.prefix(20))) }
        try session.press("Escape")
        try session.waitForSettled("the item closed") { !$0.contains("Content #\(id)") }
    }

    static func monthName(_ date: String) -> String {
        let month = Int(date.split(separator: "-")[1]) ?? 1
        return ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"][month - 1]
    }

    @Test func rescheduleMovesTheItemOnTheGridAndInTheDatabase() throws {
        // The next movable item after today.
        let row = try sqlite("""
            SELECT id || '|' || date(scheduled_at) || '|' || title FROM content WHERE org_id = \(northwind)
              AND status IN ('draft', 'approved', 'scheduled', 'pending_approval') AND scheduled_at >= date('now', '+1 day')
            ORDER BY scheduled_at, id LIMIT 1
            """).split(separator: "|").map(String.init)
        let id = try #require(Int64(row[0]))
        let day = row[1]
        let title = row[2]
        let session = try openCalendar(user: "manager@northwind.example")
        try select(id, on: day, in: session)
        let next = try sqlite("SELECT date('\(day)', '+1 day')")
        let nextCountBefore = Int(try sqlite("SELECT count(*) FROM content WHERE org_id = \(northwind) AND date(scheduled_at) = '\(next)'")) ?? 0
        try session.press("r")
        try session.waitForSettled("the reschedule prompt") { $0.contains("(your time zone)") }
        try session.type("+1d 10:30")
        try session.press("Enter")
        let screen = try session.waitForSettled("the move") { $0.contains("Moved #\(id)") }
        // The selection followed the item to its new day; the agenda lists it at 10:30.
        let nextDay = Int(next.suffix(2)) ?? 0
        #expect(screen.contains("\(nextDay) \(Self.monthName(next)) \(next.prefix(4)) · \(nextCountBefore + 1) item"))
        #expect(screen.contains("10:30") && screen.contains(String(title.prefix(20))))
        #expect(try sqlite("SELECT scheduled_at FROM content WHERE id = \(id)") == "\(next) 10:30:00.000")
        #expect(try sqlite("SELECT action FROM activities WHERE entity_type = 'content' AND entity_id = \(id) ORDER BY id DESC LIMIT 1") == "rescheduled")
        // A typo is named and moves nothing.
        try session.press("r")
        try session.type("tomorow 9am")
        try session.press("Enter")
        try session.waitForSettled("the typo named") { $0.contains("did not understand \"tomorow\"") }
        try session.press("Escape")
        try session.waitForSettled("the prompt closed") { !$0.contains("Move to:") }
        #expect(try sqlite("SELECT scheduled_at FROM content WHERE id = \(id)") == "\(next) 10:30:00.000")
        // Undo puts it back.
        try session.press("u")
        try session.waitForSettled("the undo") { $0.contains("Undone: Moved #\(id)") }
        #expect(try sqlite("SELECT date(scheduled_at) FROM content WHERE id = \(id)") == day)
    }

    @Test func theBodyIsEditedInTheEditorAndTheScreenComesBack() throws {
        let editor = fixture.folder.file("editor.sh")
        try "#!/bin/sh\nprintf '\\nEdited in the editor.\\n' >> \"$1\"\n".write(toFile: editor, atomically: true, encoding: .utf8)
        chmod(editor, 0o755)
        let row = try sqlite("""
            SELECT id || '|' || date(scheduled_at) FROM content WHERE org_id = \(northwind) AND status = 'draft'
              AND scheduled_at >= date('now', '+1 day') ORDER BY scheduled_at, id LIMIT 1
            """).split(separator: "|").map(String.init)
        let id = try #require(Int64(row[0]))
        let session = try openCalendar(user: "olivia.zhang.5@northwind.example", environment: ["EDITOR": editor, "VISUAL": ""])
        try select(id, on: row[1], in: session)
        try session.press("e")
        let screen = try session.waitForSettled("the save") { $0.contains("Saved #\(id)") }
        // Fully repainted: the tab bar, the grid and the agenda are back.
        #expect(screen.contains("[3 Calendar") && screen.contains("J/K item") && screen.contains("? help"))
        #expect(try sqlite("SELECT body LIKE '%Edited in the editor.%' FROM content WHERE id = \(id)") == "1")
        #expect(try sqlite("SELECT action FROM activities WHERE entity_type = 'content' AND entity_id = \(id) ORDER BY id DESC LIMIT 1") == "edited")
        // Submitted from the calendar, it waits for approval.
        try session.press("s")
        try session.waitForSettled("the submission") { $0.contains("Submitted #\(id)") }
        #expect(try sqlite("SELECT status FROM content WHERE id = \(id)") == "pending_approval")
    }

    @Test func approvingTheOldestRemovesItFromTheQueueAndShowsItOnTheCalendar() throws {
        let oldest = try sqlite("""
            SELECT id || '|' || date(scheduled_at) || '|' || title FROM content WHERE org_id = \(northwind) AND status = 'pending_approval'
            ORDER BY submitted_at, id LIMIT 1
            """).split(separator: "|").map(String.init)
        let id = try #require(Int64(oldest[0]))
        let waiting = Int(try sqlite("SELECT count(*) FROM content WHERE org_id = \(northwind) AND status = 'pending_approval'")) ?? 0
        let session = try start(user: "admin@northwind.example", pane: "4")
        var screen = try session.waitForSettled("the queue") { $0.contains("\(waiting) waiting, oldest first") }
        #expect(screen.contains(String(oldest[2].prefix(18))))
        try session.press("a")
        screen = try session.waitForSettled("the approval") { $0.contains("Approved #\(id)") && $0.contains("\(waiting - 1) waiting") }
        // Dated in the future: scheduled (approved, had its time already passed).
        let status = try sqlite("SELECT status FROM content WHERE id = \(id)")
        #expect(status == "scheduled" || status == "approved")
        #expect(try sqlite("""
            SELECT action || ' ' || user_id FROM activities WHERE entity_type = 'content' AND entity_id = \(id) ORDER BY id DESC LIMIT 1
            """) == "approved \(try sqlite("SELECT id FROM users WHERE email = 'admin@northwind.example'"))")
        // On the calendar, on its day, as scheduled.
        try session.press("3")
        try session.waitForSettled("the month") { $0.contains("[3 Calendar") && $0.contains("J/K item") }
        try select(id, on: oldest[1], in: session)
        screen = try session.screen()
        #expect(screen.contains(status == "scheduled" ? "◷ Scheduled" : "✓ Approved"))
    }

    @Test func aSalesRepIsRefusedAndAnAuthorCannotApproveTheirOwn() throws {
        let rep = try sqlite("""
            SELECT users.email FROM users JOIN roles ON roles.id = users.role_id
            WHERE roles.name = 'sales_rep' AND users.org_id = \(northwind) AND users.is_active = 1 LIMIT 1
            """)
        var session = try start(user: rep, pane: "4")
        try session.waitForSettled("the queue") { $0.contains("waiting, oldest first") && $0.contains("you may look, not decide") }
        try session.press("a")
        try session.waitForSettled("the refusal") { $0.contains("needs the content.approve permission") }

        // The manager's own pending item: its place in the queue, then the refusal.
        let manager = "manager@northwind.example"
        let own = try sqlite("""
            SELECT content.id FROM content JOIN users ON users.id = content.created_by
            WHERE content.org_id = \(northwind) AND content.status = 'pending_approval' AND users.email = '\(manager)'
            ORDER BY submitted_at, content.id LIMIT 1
            """)
        let ownID = try #require(Int64(own))
        let position = Int(try sqlite("""
            SELECT count(*) FROM content WHERE org_id = \(northwind) AND status = 'pending_approval'
              AND (submitted_at, id) < (SELECT submitted_at, id FROM content WHERE id = \(ownID))
            """)) ?? 0
        session = try start(user: manager, pane: "4")
        try session.waitForSettled("the queue") { $0.contains("waiting, oldest first") }
        if position > 0 { try session.type(String(repeating: "j", count: position)) }
        try session.waitForSettled("the manager's own item") { $0.contains("· \(position + 1)/") && $0.contains("you wrote") }
        try session.press("a")
        try session.waitForSettled("the refusal") { $0.contains("someone else with content.approve must decide on it") }
        #expect(try sqlite("SELECT status FROM content WHERE id = \(ownID)") == "pending_approval")
    }
}
