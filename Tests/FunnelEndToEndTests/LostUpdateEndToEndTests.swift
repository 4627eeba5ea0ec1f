import Foundation
import FunnelTestSupport
import Testing

/// No lost updates, in tmux against the real binary: a rep's undo does not overwrite a manager's
/// later change made from the command line, and the refusal says who changed what; a merge undoes.
@Suite(.serialized) struct LostUpdateEndToEndTests {
    let fixture = DemoDatabaseFile(leads: 2_000, name: "lost-updates.sqlite")

    func sqlite(_ sql: String) throws -> String {
        try ProcessRunner.run("/usr/bin/sqlite3", [fixture.path, sql]).standardOutput.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    func start(user: String, width: Int = 200, height: Int = 40) throws -> TmuxSession {
        let session = try TmuxSession(
            command: "\(Repository.funnelBinary) --db \(fixture.path) --user \(user); sleep 60", width: width, height: height,
            environment: ["TERM": "xterm-256color", "XDG_CONFIG_HOME": fixture.folder.file("config"), "XDG_STATE_HOME": fixture.folder.file("state"),
                          "TZ": "UTC"])
        try session.waitForSettled("the leads table") { $0.contains("[1 Leads") && $0.contains("Score") && $0.contains("? help") }
        return session
    }

    /// The id of the lead on the selected row (the table's last column).
    func selectedLeadID(_ screen: String) throws -> Int64 {
        let row = try #require(screen.split(separator: "\n").first { $0.hasPrefix("›") })
        let cells = row.replacingOccurrences(of: "█", with: " ").replacingOccurrences(of: "│", with: " ").split(separator: " ")
        return try #require(cells.last.flatMap { Int64($0) }, "no id on the selected row: \(row)")
    }

    @Test func aRepsUndoDoesNotOverwriteTheManagersLaterChange() throws {
        let rep = try sqlite("SELECT users.email FROM users JOIN roles ON roles.id = users.role_id WHERE roles.name = 'sales_rep' AND users.org_id = 1 AND users.is_active ORDER BY users.id LIMIT 1")
        let session = try start(user: rep)
        // The rep's new leads.
        try session.press("l")
        try session.waitFor(text: "[new ")
        try session.press("o")
        let screen = try session.waitForSettled("the rep's new leads") { $0.contains("owner: mine") }
        let id = try selectedLeadID(screen)
        let name = try sqlite("SELECT name FROM leads WHERE id = \(id)")

        try session.press("s")
        try session.waitFor(text: "Set the status of #\(id) \(name)")
        try session.type("cont")
        try session.press("Enter")
        try session.waitFor(text: "#\(id) \(name) set to contacted")
        #expect(try sqlite("SELECT status FROM leads WHERE id = \(id)") == "contacted")

        // The manager, from the command line, sets it lost with a reason.
        let manager = try ProcessRunner.run(Repository.funnelBinary, ["leads", "status", "lost", "\(id)", "--reason", "went with a competitor",
                                                                        "--db", fixture.path, "--user", "manager@northwind.example"])
        #expect(manager.status == 0, "\(manager.standardError)")

        // The rep's undo is refused, naming the lead, who changed what, and when.
        try session.press("u")
        let refused = try session.waitFor(text: "not undone")
        #expect(refused.contains("#\(id) \(name) was set to lost by Amélie Ødegaard"), "\(refused)")
        #expect(try sqlite("SELECT status || '|' || status_reason FROM leads WHERE id = \(id)") == "lost|went with a competitor")
        #expect(try sqlite("SELECT count(*) FROM activities WHERE entity_type = 'lead' AND entity_id = \(id) AND action = 'undone'") == "0")
    }

    @Test func aMergeSaysItCanBeUndoneAndUndoes() throws {
        // Two leads of the demo that share an email address: the lower id is the duplicate.
        let pair = try sqlite("""
            SELECT a.id || '|' || b.id || '|' || a.email FROM leads a JOIN leads b ON a.org_id = b.org_id AND a.email = b.email AND a.id < b.id
            WHERE a.org_id = 1 AND a.status <> 'converted' AND b.status <> 'converted' ORDER BY a.id LIMIT 1
            """).split(separator: "|").map(String.init)
        try #require(pair.count == 3, "the demo has no duplicates by email")
        let (first, second, email) = (pair[0], pair[1], pair[2])
        let session = try start(user: "manager@northwind.example")
        try session.press("/")
        try session.waitFor(text: "Search")
        try session.type(email)
        try session.press("Enter")
        let screen = try session.waitForSettled("the two duplicates") { $0.contains("lead 1/2") }
        let survivor = try selectedLeadID(screen)
        let merged = String(survivor) == first ? second : first

        try session.press("M")
        try session.waitFor(text: "Merge duplicates")
        try session.press("y")
        let done = try session.waitFor(text: "(u undoes)")
        #expect(done.contains("into #\(survivor)"), "\(done)")
        #expect(try sqlite("SELECT count(*) FROM leads WHERE id = \(merged)") == "0")

        try session.press("u")
        try session.waitFor(text: "Undone")
        #expect(try sqlite("SELECT count(*) FROM leads WHERE id = \(merged)") == "1")
        #expect(try sqlite("SELECT email FROM leads WHERE id = \(merged)") == email)
    }
}
