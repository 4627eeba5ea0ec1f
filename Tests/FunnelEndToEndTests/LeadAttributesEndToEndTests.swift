import Foundation
import FunnelTestSupport
import Testing

/// The Leads pane in tmux with lead attributes: `f` filters by an attribute's common value, the
/// detail shows the attributes, `/` finds a value.
@Suite(.serialized) struct LeadAttributesEndToEndTests {
    let fixture = DemoDatabaseFile(leads: 2_000, name: "attributes.sqlite")

    func sqlite(_ sql: String) throws -> String {
        try ProcessRunner.run("/usr/bin/sqlite3", [fixture.path, sql]).standardOutput.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// The first organization's leads get a job (by id: management, technician, retired, admin.)
    /// and a number of visits, as an import leaves them; one lead an external id.
    init() throws {
        _ = try sqlite("""
            INSERT INTO lead_attributes(org_id, name, kind, scoring, position, created_at) VALUES
              (1, 'job', 'text', 1, 0, '2026-01-01 00:00:00'), (1, 'visits', 'number', 1, 1, '2026-01-01 00:00:00');
            UPDATE leads SET attributes = json_object('job', CASE id % 4 WHEN 0 THEN 'management' WHEN 1 THEN 'technician'
              WHEN 2 THEN 'retired' ELSE 'admin.' END, 'visits', id % 7) WHERE org_id = 1;
            UPDATE leads SET external_id = 'CRM-' || id WHERE org_id = 1 AND id % 4 = 2;
            """)
    }

    func start(width: Int = 160, height: Int = 40) throws -> TmuxSession {
        let session = try TmuxSession(
            command: "\(Repository.funnelBinary) --db \(fixture.path) --user manager@northwind.example; sleep 60", width: width, height: height,
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

    @Test func filterByAnAttributesValueThenOpenTheLeadThenClear() throws {
        let session = try start()
        let retired = try sqlite("SELECT count(*) FROM leads WHERE org_id = 1 AND id % 4 = 2")
        let all = try sqlite("SELECT count(*) FROM leads WHERE org_id = 1")
        try session.press("f")
        try session.waitForSettled("the filter list") { $0.contains("Filter by source or attribute") && $0.contains("job (text)…") }
        try session.type("job")
        try session.press("Enter")
        let values = try session.waitForSettled("the job's values") { $0.contains("Filter by job: most common values") }
        #expect(values.contains("retired  ·  \(Self.grouped(retired)) leads"), "\(values)")
        try session.type("retired")
        try session.press("Enter")
        var screen = try session.waitForSettled("the retired leads") { $0.contains("job = retired (f)") && $0.contains("lead 1/\(Self.grouped(retired))") }
        let id = try selectedLeadID(screen)
        #expect(try sqlite("SELECT attributes ->> '$.job' FROM leads WHERE id = \(id)") == "retired")

        // The detail lists the attributes in their order, and the external id.
        try session.press("Enter")
        screen = try session.waitForSettled("the detail") { $0.contains("Why the score is") && $0.contains("Attributes:") }
        #expect(screen.contains("External id CRM-\(id)"), "\(screen)")
        let lines = screen.split(separator: "\n").map(String.init)
        let job = try #require(lines.firstIndex { $0.contains(" job     retired") }, "\(screen)")
        #expect(lines[job + 1].contains(" visits  \(id % 7)"), "\(lines[job + 1])")
        try session.press("Escape")
        try session.waitForSettled("the detail closed") { !$0.contains("Why the score is") }

        // Cleared from the same list, as a source is.
        try session.press("f")
        try session.waitForSettled("the filter list") { $0.contains("every lead (no attribute filter)") }
        try session.type("every lead")
        try session.press("Enter")
        try session.waitForSettled("every lead again") { !$0.contains("job = ") && $0.contains("lead 1/\(Self.grouped(all))") }
    }

    @Test func searchFindsALeadByItsAttributeValue() throws {
        let session = try start()
        let technicians = try sqlite("SELECT count(*) FROM leads WHERE org_id = 1 AND id % 4 = 1")
        try session.press("/")
        try session.waitFor(text: "Search")
        try session.type("TECHNIC")
        try session.press("Enter")
        let screen = try session.waitForSettled("the technicians") { $0.contains("search: \"TECHNIC\"") && ($0.contains("lead 1/300+") || $0.contains("lead 1/\(technicians)")) }
        let id = try selectedLeadID(screen)
        #expect(try sqlite("SELECT attributes ->> '$.job' FROM leads WHERE id = \(id)") == "technician")
    }

    static func grouped(_ text: String) -> String {
        let formatter = NumberFormatter()
        formatter.numberStyle = .decimal
        formatter.locale = Locale(identifier: "en_US")
        return formatter.string(from: NSNumber(value: Int(text) ?? 0)) ?? text
    }
}
