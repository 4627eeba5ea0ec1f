import Foundation
import FunnelTestSupport
import Testing

/// The Pipeline pane in tmux on the demo database: deals moved, won and lost by keyboard,
/// checked on the board and in sqlite3, and undone.
@Suite(.serialized) struct PipelineEndToEndTests {
    let fixture = DemoDatabaseFile(leads: 2_000, name: "pipeline.sqlite")

    func sqlite(_ sql: String) throws -> String {
        try ProcessRunner.run("/usr/bin/sqlite3", [fixture.path, sql]).standardOutput.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    func start(user: String = "manager@northwind.example", width: Int = 140, height: Int = 40) throws -> TmuxSession {
        let session = try TmuxSession(
            command: "\(Repository.funnelBinary) --db \(fixture.path) --user \(user); sleep 60", width: width, height: height,
            environment: ["TERM": "xterm-256color", "XDG_CONFIG_HOME": fixture.folder.file("config"), "XDG_STATE_HOME": fixture.folder.file("state")])
        try session.waitForSettled("the shell") { $0.contains("[1 Leads") && $0.contains("? help") }
        try session.press("2")
        try session.waitForSettled("the board") { $0.contains("PROSPECTING") && $0.contains("weighted") }
        return session
    }

    /// The selected deal's id, read from its detail box.
    func selectedDealID(_ session: TmuxSession) throws -> Int64 {
        try session.press("Enter")
        let screen = try session.waitForSettled("the deal's detail") { $0.contains("Deal #") && $0.contains("Timeline") }
        let title = try #require(screen.components(separatedBy: "Deal #").dropFirst().first)
        try session.press("Escape")
        try session.waitForSettled("the board again") { !$0.contains("Timeline") }
        return try #require(Int64(title.prefix { $0.isNumber }))
    }

    /// The count a column's header shows.
    func columnCount(_ stage: String, _ screen: String) -> Int? {
        guard let range = screen.range(of: stage.uppercased() + " ") else { return nil }
        return Int(screen[range.upperBound...].prefix { $0.isNumber || $0 == "," }.replacingOccurrences(of: ",", with: ""))
    }

    @Test func moveRightThenLeftWinAndLoseEachVisibleAndInTheDatabaseAndUndone() throws {
        let session = try start()
        let id = try selectedDealID(session)
        let before = try session.screen()
        let prospecting = try #require(columnCount("prospecting", before))
        let qualification = try #require(columnCount("qualification", before))
        #expect(try sqlite("SELECT stage FROM deals WHERE id = \(id)") == "prospecting")

        // Right: the card moves to Qualification, the counts follow, the selection follows the card.
        try session.press(">")
        var screen = try session.waitForSettled("the move") { $0.contains("Moved #\(id) ") && $0.contains(" to qualification") }
        #expect(columnCount("qualification", screen) == qualification + 1)
        #expect(columnCount("prospecting", screen) == prospecting - 1)
        #expect(try sqlite("SELECT stage || ' ' || probability FROM deals WHERE id = \(id)") == "qualification 25")
        #expect(try sqlite("SELECT action FROM activities WHERE entity_type = 'deal' AND entity_id = \(id) ORDER BY id DESC LIMIT 1") == "stage_changed")
        #expect(try selectedDealID(session) == id)

        // Left: back to Prospecting.
        try session.press("<")
        screen = try session.waitForSettled("the move back") { $0.contains("Moved #\(id) ") && $0.contains(" to prospecting") }
        #expect(columnCount("prospecting", screen) == prospecting)
        #expect(try sqlite("SELECT stage || ' ' || probability FROM deals WHERE id = \(id)") == "prospecting 10")

        // Win, then undo.
        let won = try #require(columnCount("won", screen))
        try session.press("W")
        screen = try session.waitForSettled("the win") { $0.contains("Won #\(id)") }
        #expect(columnCount("won", screen) == won + 1)
        #expect(try sqlite("SELECT stage || ' ' || probability FROM deals WHERE id = \(id)") == "won 100")
        #expect(try sqlite("SELECT action FROM activities WHERE entity_type = 'deal' AND entity_id = \(id) ORDER BY id DESC LIMIT 1") == "won")
        try session.press("u")
        screen = try session.waitForSettled("the undo") { $0.contains("Undone: Won #\(id)") }
        #expect(columnCount("won", screen) == won)
        #expect(try sqlite("SELECT stage FROM deals WHERE id = \(id)") == "prospecting")
        #expect(try sqlite("SELECT action FROM activities WHERE entity_type = 'deal' AND entity_id = \(id) ORDER BY id DESC LIMIT 1") == "undone")

        // Lose, with a reason from the list and a note.
        let lost = try #require(columnCount("lost", screen))
        try session.press("X")
        try session.waitForSettled("the reasons") { $0.contains("Why was #\(id) ") && $0.contains("no decision") }
        try session.type("compet")
        try session.press("Enter")
        try session.waitForSettled("the note") { $0.contains("lost (competition): a note") }
        try session.type("went with a rival")
        try session.press("Enter")
        screen = try session.waitForSettled("the loss") { $0.contains("Lost #\(id)") && $0.contains(": competition") }
        #expect(columnCount("lost", screen) == lost + 1)
        #expect(try sqlite("SELECT stage || ' ' || lost_reason FROM deals WHERE id = \(id)") == "lost competition")
        #expect(try sqlite("SELECT json_extract(metadata, '$.note') FROM activities WHERE entity_type = 'deal' AND entity_id = \(id) ORDER BY id DESC LIMIT 1") == "went with a rival")
        try session.press("u")
        try session.waitForSettled("the undo of the loss") { $0.contains("Undone: Lost #\(id)") }
        #expect(try sqlite("SELECT stage || ' ' || ifnull(lost_reason, 'none') FROM deals WHERE id = \(id)") == "prospecting none")
    }

    @Test func aViewerIsRefusedByTheServiceAndTheTableAndForecastOpen() throws {
        let session = try start(user: "viewer@northwind.example")
        try session.press("W")
        try session.waitFor(text: "needs the deals.edit permission")
        try session.press("v")
        try session.waitForSettled("the table") { $0.contains("table · close date") && $0.contains("Weighted") }
        try session.press("F")
        try session.waitForSettled("the forecast") { $0.contains("Forecast by close month") && $0.contains("total") }
    }
}
