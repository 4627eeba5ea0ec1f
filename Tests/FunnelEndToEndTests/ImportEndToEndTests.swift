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

/// Another process holding the write lock while the TUI writes (issue 16): the write waits off the
/// main thread, the screen says so at once and stays live, Esc stops the wait (nothing written),
/// q and SIGTERM end Funnel at once; a write not stopped lands when the lock is released.
@Suite(.serialized) struct LockEndToEndTests {
    let fixture = DemoDatabaseFile(leads: 500, name: "lock.sqlite")

    func sqlite(_ sql: String) throws -> String {
        try ProcessRunner.run("/usr/bin/sqlite3", [fixture.path, sql]).standardOutput.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    func start(_ command: String? = nil) throws -> TmuxSession {
        let session = try TmuxSession(
            command: command ?? "\(Repository.funnelBinary) --db \(fixture.path) --user manager@northwind.example; sleep 60", width: 150, height: 30,
            environment: ["TERM": "xterm-256color", "XDG_CONFIG_HOME": fixture.folder.file("config"), "XDG_STATE_HOME": fixture.folder.file("state")])
        try session.waitForSettled("the leads") { $0.contains("[1 Leads") && $0.contains("? help") }
        return session
    }

    func holdLock(_ mode: String, seconds: Int) throws -> LockHolder {
        try LockHolder(path: fixture.path, mode: mode, seconds: seconds)
    }

    /// The id at the end of the selected row (the `›` line), and the whole line.
    func selectedRow(_ screen: String) throws -> (id: Int64, line: String) {
        let line = try #require(screen.split(separator: "\n").first { $0.contains("›") }.map(String.init), "no selected row:\n\(screen)" as Comment)
        let digits = line.reversed().drop { !$0.isNumber }.prefix { $0.isNumber }
        return (try #require(Int64(String(digits.reversed())), Comment(rawValue: line)), line)
    }

    @Test func aWriteWaitingForALockLeavesTheScreenLiveAndEscStopsIt() throws {
        let session = try start()
        let screen = try session.screen()
        let (id, _) = try selectedRow(screen)
        let before = try sqlite("SELECT coalesce(assigned_to, 'none') || ' v' || version FROM leads WHERE id = \(id)")
        let activities = try sqlite("SELECT count(*) FROM activities")
        let holder = try holdLock("EXCLUSIVE", seconds: 8)
        defer { holder.release() }
        // `a` assigns the selected lead: the notice names it within a second.
        let pressed = Date()
        try session.press("a")
        var shown = try session.waitFor("the waiting notice", timeout: 5) {
            $0.contains("Waiting for the database: lock.sqlite is locked by another process") && $0.contains("esc stops assigning #\(id)")
        }
        #expect(Date().timeIntervalSince(pressed) < 1, "the notice took \(Date().timeIntervalSince(pressed)) s")
        // Keys still move while the write waits.
        try session.press("j")
        shown = try session.waitFor("the cursor on the next row") { (try? self.selectedRow($0).id) != id }
        #expect(shown.contains("Waiting for the database"), "the write still waits:\n\(shown)")
        // Esc stops the wait: nothing is written, and the message names the lead.
        try session.press("Escape")
        shown = try session.waitFor("the write stopped") { $0.contains("Stopped assigning #\(id)") }
        #expect(shown.contains("nothing was written"), Comment(rawValue: shown))
        holder.release()
        #expect(try sqlite("SELECT coalesce(assigned_to, 'none') || ' v' || version FROM leads WHERE id = \(id)") == before)
        #expect(try sqlite("SELECT count(*) FROM activities") == activities)
        // The lock released, the same key writes at once.
        try session.press("k")
        try session.waitFor("the cursor back") { (try? self.selectedRow($0).id) == id }
        try session.press("a")
        try session.waitFor(text: "Assigned #\(id)")
        #expect(try sqlite("SELECT assigned_to FROM leads WHERE id = \(id)") == "2")
    }

    @Test func aWriteNotStoppedLandsWhenTheLockIsReleased() throws {
        let session = try start()
        let activities = Int(try sqlite("SELECT count(*) FROM activities")) ?? 0
        let holder = try holdLock("IMMEDIATE", seconds: 2)
        defer { holder.release() }
        try session.press("j", "a")
        let screen = try session.waitFor("the notice") { $0.contains("is locked by another process") }
        #expect(!screen.contains("funnel: "), "no stray standard-error line on the screen")
        try session.waitFor("the write landed", timeout: 20) { $0.contains("Assigned #") && !$0.contains("Waiting for the database") }
        #expect(Int(try sqlite("SELECT count(*) FROM activities")) ?? 0 > activities)
    }

    @Test(arguments: ["q", "TERM"])
    func funnelEndsAtOnceWhileAWriteWaits(how: String) throws {
        // The shell writes Funnel's status to a file the moment it ends.
        let status = fixture.folder.file("status-\(how)")
        let session = try start("\(Repository.funnelBinary) --db \(fixture.path) --user manager@northwind.example; echo $? > \(status); sleep 60")
        let shell = try session.panePID()
        let child = try ProcessRunner.run("/usr/bin/pgrep", ["-P", "\(shell)", "funnel"]).standardOutput.split(separator: "\n").first
        let pid = try #require(Int32(child ?? ""), "no funnel under the pane's shell \(shell)")
        let assigned = try sqlite("SELECT group_concat(coalesce(assigned_to, 0) || ':' || version) FROM leads")
        let holder = try holdLock("EXCLUSIVE", seconds: 8)
        defer { holder.release() }
        try session.press("a")
        try session.waitFor("the notice") { $0.contains("Waiting for the database") }
        let asked = Date()
        if how == "q" { try session.press("q") } else { kill(pid, SIGTERM) }
        while !FileManager.default.fileExists(atPath: status), Date().timeIntervalSince(asked) < 10 { usleep(10_000) }
        let took = Date().timeIntervalSince(asked)
        #expect(took < 1, "\(how) took \(took) s to end Funnel")
        let code = (try? String(contentsOfFile: status, encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(code == (how == "q" ? "0" : "143"))
        holder.release()
        #expect(try sqlite("SELECT group_concat(coalesce(assigned_to, 0) || ':' || version) FROM leads") == assigned, "nothing was written")
    }
}
