import Foundation
import FunnelTestSupport
import Testing

/// Importing a CSV file from the TUI in tmux: the preview (a dry run) writes nothing; `y` imports;
/// a long import shows its progress and Esc stops it with nothing written.
@Suite(.serialized) struct ImportEndToEndTests {
    let fixture = DemoDatabaseFile(leads: 1_000, name: "import.sqlite")

    func sqlite(_ sql: String) throws -> String {
        try ProcessRunner.run("/usr/bin/sqlite3", [fixture.path, sql]).standardOutput.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    func start() throws -> TmuxSession {
        let session = try TmuxSession(
            command: "\(Repository.funnelBinary) --db \(fixture.path) --user manager@northwind.example; sleep 60", width: 120, height: 36,
            environment: ["TERM": "xterm-256color", "XDG_CONFIG_HOME": fixture.folder.file("config"), "XDG_STATE_HOME": fixture.folder.file("state")])
        try session.waitForSettled("the shell") { $0.contains("[1 Leads") && $0.contains("? help") }
        return session
    }

    func openImport(_ session: TmuxSession, file: String) throws {
        try session.press("C-o")
        try session.waitForSettled("the import form") { $0.contains("Import a CSV file") && $0.contains("enter shows its columns, writing nothing") }
        try session.type(file)
        try session.press("Enter")
        let name = (file as NSString).lastPathComponent
        try session.waitForSettled("the columns", timeout: 20) { $0.contains("Columns of \(name): nothing written yet") }
    }

    /// From the columns to the dry run's report.
    func check(_ session: TmuxSession) throws {
        try session.press("Enter")
    }

    @Test func thePreviewWritesNothingAndYImports() throws {
        let file = fixture.folder.file("people.csv")
        try """
            Name;E-mail;Company Name;Phone Number;Lead Source
            Ana Preview;ana.preview@example.com;Initech;+1 415 555 0199;website
            Bad Row;not-an-email;X;;website
            "Zed ""Z"" Preview";zed.preview@example.com;"Globex
            West";;referral

            """.write(toFile: file, atomically: true, encoding: .utf8)
        let before = try sqlite("SELECT count(*) FROM leads")
        let session = try start()
        try openImport(session, file: file)
        try check(session)
        let preview = try session.waitForSettled("the preview") { $0.contains("Preview of people.csv: nothing written yet") }
        #expect(preview.contains("y imports 2 rows now"))
        #expect(preview.contains("line 3: email"))
        #expect(try sqlite("SELECT count(*) FROM leads") == before)
        try session.press("y")
        try session.waitForSettled("the report") { $0.contains("Imported leads from") && $0.contains("import #") }
        #expect(try sqlite("SELECT count(*) FROM leads") == String((Int(before) ?? 0) + 2))
        #expect(try sqlite("SELECT company FROM leads WHERE email = 'zed.preview@example.com'") == "Globex\nWest")
        try session.press("Escape")
        try session.waitForSettled("the leads pane") { !$0.contains("Imported leads from") && $0.contains("[1 Leads") }
    }

    @Test func theColumnsShowTheirFatesAndAChangedFateIsWhatTheImportDoes() throws {
        let file = fixture.folder.file("fates.csv")
        try """
            Name,Email,Plan Code,Notes
            Ana Fate,ana.fate@example.com,100,call back
            Bo Fate,bo.fate@example.com,200,

            """.write(toFile: file, atomically: true, encoding: .utf8)
        let session = try start()
        try openImport(session, file: file)
        let columns = try session.waitForSettled("the samples") { $0.contains("100 · 200") }
        #expect(columns.contains("attribute number*"))
        #expect(columns.contains("field email"))
        #expect(columns.contains("* kind read from all 2 rows"))
        // The unknown column: its kind, read as a number, becomes text.
        try session.press("j", "j", "l")
        try session.waitForSettled("the new fate") { $0.contains("\"Plan Code\" now: attribute text (was attribute number") }
        // Another, from the list: ignored.
        try session.press("j", "f")
        try session.waitForSettled("the list of fates") { $0.contains("What becomes of \"Notes\"") }
        try session.type("ignore")
        try session.press("Enter")
        try session.waitForSettled("the ignored column") { $0.contains("\"Notes\" now: ignored") }
        try check(session)
        let preview = try session.waitForSettled("the preview") { $0.contains("Preview of fates.csv: nothing written yet") }
        #expect(preview.contains("y imports 2 rows now"))
        #expect(preview.contains("Plan Code -> attribute text"))
        try session.press("y")
        try session.waitForSettled("the report") { $0.contains("Imported leads from") }
        #expect(try sqlite("SELECT json_type(attributes, '$.\"Plan Code\"') || ' ' || json_extract(attributes, '$.\"Plan Code\"') FROM leads WHERE email = 'ana.fate@example.com'") == "text 100")
        #expect(try sqlite("SELECT count(*) FROM leads WHERE email = 'ana.fate@example.com' AND json_extract(attributes, '$.Notes') IS NOT NULL") == "0")
        #expect(try sqlite("SELECT group_concat(name || ' ' || kind) FROM lead_attributes WHERE name IN ('Plan Code', 'Notes')") == "Plan Code text")
    }

    @Test func aLongImportShowsProgressAndEscStopsItWithNothingWritten() throws {
        let file = fixture.folder.file("many.csv")
        var text = "name,email,company,source\n"
        for index in 0..<150_000 { text += "Person \(index),person\(index)@bulk.example,Bulk \(index % 97),website\n" }
        try text.write(toFile: file, atomically: true, encoding: .utf8)
        let before = try sqlite("SELECT count(*) FROM leads")
        let session = try start()
        try openImport(session, file: file)
        try check(session)
        try session.waitFor("the preview", timeout: 60) { $0.contains("Preview of many.csv") }
        try session.press("y")
        try session.waitFor("the import's progress", timeout: 20) { $0.contains("Importing many.csv") && $0.contains("rows/s") }
        try session.press("Escape")
        try session.waitForSettled("the stop", timeout: 20) { $0.contains("nothing was written") }
        #expect(try sqlite("SELECT count(*) FROM leads") == before)
        #expect(try sqlite("PRAGMA integrity_check") == "ok")
    }
}

/// Another process holding the write lock past the busy timeout while the TUI writes: the write
/// waits and lands, and the wait is told on the screen as a notice, never as stray text.
@Suite(.serialized) struct LockEndToEndTests {
    let fixture = DemoDatabaseFile(leads: 500, name: "lock.sqlite")

    @Test func aLongLockIsToldAsANoticeAndTheWriteLands() throws {
        let session = try TmuxSession(
            command: "\(Repository.funnelBinary) --db \(fixture.path) --user manager@northwind.example; sleep 60", width: 120, height: 30,
            environment: ["TERM": "xterm-256color", "XDG_CONFIG_HOME": fixture.folder.file("config"), "XDG_STATE_HOME": fixture.folder.file("state")])
        try session.waitForSettled("the leads") { $0.contains("[1 Leads") && $0.contains("? help") }
        let holder = Process()
        holder.executableURL = URL(fileURLWithPath: "/bin/sh")
        holder.arguments = ["-c", "printf 'BEGIN IMMEDIATE;\\n.shell sleep 7\\nCOMMIT;\\n' | sqlite3 \(fixture.path)"]
        try holder.run()
        defer { holder.waitUntilExit() }
        // Wait until the other process holds the lock.
        let deadline = Date().addingTimeInterval(10)
        while Date() < deadline {
            let probe = try ProcessRunner.run("/usr/bin/sqlite3", [fixture.path, "BEGIN IMMEDIATE; ROLLBACK;"])
            if probe.standardError.contains("locked") { break }
            usleep(50_000)
        }
        let before = try ProcessRunner.run("/usr/bin/sqlite3", [fixture.path, "SELECT count(*) FROM activities"]).standardOutput
        try session.press("a")
        let screen = try session.waitFor("the notice", timeout: 20) { $0.contains("is locked by another process") }
        #expect(!screen.contains("funnel: "), "no stray standard-error line on the screen")
        let after = try ProcessRunner.run("/usr/bin/sqlite3", [fixture.path, "SELECT count(*) FROM activities"]).standardOutput
        #expect(Int(after.trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0 > Int(before.trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0)
    }
}
