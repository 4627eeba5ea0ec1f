import Foundation
import FunnelTestSupport
import Testing

/// Hostile data is inert (part 6 of issue 13), run as a user runs the real `funnel` binary:
/// formula-like fields leave every CSV guarded with a `'` and come back whole from an export;
/// control characters in data reach no terminal (every output shows them escaped); a NUL byte in
/// an imported file refuses the import with its file, line and column, and writes nothing.
@Suite struct HostileInputTests {
    static let admin = "admin@acme.test"
    /// Names a spreadsheet would run as formulas, and their neighbours that must stay as they are.
    static let formulaNames = [
        "=cmd|' /C calc'!A0", "@SUM(A1)", "+1+2", "-2+3", "=1+1", "'=already guarded", "''=twice", "'Tis the season", "-5", "12.50",
    ]
    static let escape = "Esc\u{1B}]0;PWNED\u{07}"
    static let c1 = "CSI\u{9B}31mRed"
    static let bidi = "invoice\u{202E}fdp.exe"

    let folder: TemporaryFolder
    let db: String

    init() throws {
        folder = try TemporaryFolder()
        db = folder.file("crm.sqlite")
        let created = try BuiltFunnel.run(["init", "--db", db, "--org", "Acme", "--admin", Self.admin], folder: folder)
        try #require(created.status == 0, "funnel init failed: \(created.standardError)")
    }

    func funnel(_ arguments: [String], db: String? = nil) throws -> ProcessResult {
        try BuiltFunnel.run(arguments + ["--db", db ?? self.db, "--user", Self.admin], folder: folder)
    }

    func sqlite(_ sql: String, db: String? = nil) throws -> String {
        try ProcessRunner.run("/usr/bin/sqlite3", [db ?? self.db, sql]).standardOutput.trimmingCharacters(in: .newlines)
    }

    /// A CSV field, quoted (the test writes its files by hand).
    static func quoted(_ text: String) -> String { "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\"" }

    /// Writes `text` to a file of the folder and returns its path.
    func write(_ name: String, _ text: String) throws -> String {
        let path = folder.file(name)
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        return path
    }

    /// Imports leads named `names` (emails n0@hostile.example, n1@...).
    func importLeads(_ names: [String], file: String = "hostile.csv") throws -> ProcessResult {
        let rows = names.enumerated().map { "\(Self.quoted($1)),n\($0)@hostile.example" }
        let path = try write(file, (["name,email"] + rows).joined(separator: "\n") + "\n")
        return try funnel(["import", "leads", path])
    }

    /// The database file and its WAL, byte for byte (nil for a file that does not exist).
    func files(_ db: String? = nil) -> [Data?] {
        let path = db ?? self.db
        return [path, path + "-wal"].map { FileManager.default.contents(atPath: $0) }
    }

    /// The characters of `text` that a terminal would obey.
    static func controls(in text: String) -> [String] {
        text.unicodeScalars.filter { scalar in
            let value = scalar.value
            return (value < 0x20 && value != 0x0A && value != 0x09) || (0x7F...0x9F).contains(value) || (0x202A...0x202E).contains(value)
                || (0x2066...0x2069).contains(value) || value == 0x200E || value == 0x200F || value == 0x61C
        }.map { "U+" + String($0.value, radix: 16) }
    }

    // MARK: - CSV injection

    @Test func exportsGuardFormulasAndAnExportImportsBackToTheSameNames() throws {
        let imported = try importLeads(Self.formulaNames)
        try #require(imported.status == 0, "\(imported.standardOutput)\(imported.standardError)")
        #expect(try sqlite("SELECT count(*) FROM leads") == "\(Self.formulaNames.count)")

        let export = try funnel(["export", "leads"])
        #expect(export.status == 0, "\(export.standardError)")
        let rows = export.standardOutput.components(separatedBy: "\r\n")
        let names = rows.dropFirst().compactMap { row -> String? in
            guard let comma = row.range(of: #",n[0-9]+@hostile\.example"#, options: .regularExpression) else { return nil }
            return String(row[..<comma.lowerBound])
        }
        // Every field that starts like a formula gets a leading ', a negative number stays a number.
        #expect(Set(names) == [
            "'=cmd|' /C calc'!A0", "'@SUM(A1)", "'+1+2", "'-2+3", "'=1+1", "''=already guarded", "'''=twice", "'Tis the season", "-5", "12.50",
        ], "\(export.standardOutput)")

        // The same writer for every --format csv.
        let list = try funnel(["leads", "list", "--format", "csv"])
        #expect(list.status == 0, "\(list.standardError)")
        for guarded in ["'=cmd|' /C calc'!A0", "'@SUM(A1)", "'+1+2", "'-2+3", ",-5,"] {
            #expect(list.standardOutput.contains(guarded), "\(guarded) in \(list.standardOutput)")
        }
        for line in list.standardOutput.split(separator: "\n") {
            for field in line.split(separator: ",", omittingEmptySubsequences: false) {
                guard let first = field.first else { continue }
                #expect(!"=+@\t\r".contains(first) && !(first == "-" && Double(field) == nil), "unguarded field \(field)")
            }
        }

        // Export -> import into another database: the same names, and the same export again.
        let other = folder.file("other.sqlite")
        let created = try BuiltFunnel.run(["init", "--db", other, "--org", "Acme", "--admin", Self.admin], folder: folder)
        try #require(created.status == 0, "\(created.standardError)")
        let exportFile = try write("export.csv", export.standardOutput)
        let back = try funnel(["import", "leads", exportFile, "--strict"], db: other)
        #expect(back.status == 0, "\(back.standardOutput)\(back.standardError)")
        let query = "SELECT name FROM leads ORDER BY email"
        #expect(try sqlite(query, db: other) == (try sqlite(query)))
        #expect(try sqlite(query, db: other).contains("=cmd|' /C calc'!A0\n@SUM(A1)\n+1+2"))
        let again = try funnel(["export", "leads"], db: other)
        #expect(again.standardOutput == export.standardOutput)

        // A file that is not a Funnel export (another header) keeps its apostrophes.
        let foreign = try write("foreign.csv", "Name,E-mail\n'=kept,kept@hostile.example\n")
        #expect(try funnel(["import", "leads", foreign]).status == 0)
        #expect(try sqlite("SELECT name FROM leads WHERE email = 'kept@hostile.example'") == "'=kept")
    }

    // MARK: - Control characters

    @Test func controlCharactersInDataAreShownEscapedByEveryOutput() throws {
        let imported = try importLeads([Self.escape, Self.c1, Self.bidi, "Line\rOver", "Tab\tIn\u{7F}Name"])
        try #require(imported.status == 0, "\(imported.standardOutput)\(imported.standardError)")
        // Stored as given (the data is kept; only its display is escaped).
        #expect(try sqlite("SELECT hex(name) FROM leads WHERE email = 'n0@hostile.example'") == "457363" + "1B5D303B50574E454407")
        let id = try sqlite("SELECT id FROM leads WHERE email = 'n0@hostile.example'")

        func check(_ arguments: [String], shows expected: [String] = [], _ location: SourceLocation = #_sourceLocation) throws {
            let result = try funnel(arguments)
            #expect(result.status == 0, "\(arguments): \(result.standardError)", sourceLocation: location)
            let output = result.standardOutput + result.standardError
            #expect(Self.controls(in: output) == [], "\(arguments) printed \(Self.controls(in: output)):\n\(output)", sourceLocation: location)
            for text in expected {
                #expect(output.contains(text), "\(arguments) should show \(text):\n\(output)", sourceLocation: location)
            }
        }
        try check(["leads", "list"], shows: ["Esc\\e]0;PWNED\\x07", "CSI\\u009b31mRed", "invoice\\u202efdp.exe", "Line\\rOver", "Tab\\tIn\\u007fName"])
        try check(["leads", "list", "--format", "csv"], shows: ["Esc\\e]0;PWNED\\x07"])
        try check(["leads", "show", id], shows: ["Esc\\e]0;PWNED\\x07  #\(id)"])

        // JSON is valid, escapes C1 and bidirectional characters too, and reads back as the data.
        for arguments in [["leads", "list", "--format", "json"], ["leads", "show", id, "--format", "json"], ["export", "leads", "--format", "json"]] {
            let json = try funnel(arguments)
            #expect(Self.controls(in: json.standardOutput) == [], "\(arguments)")
            let object = try JSONSerialization.jsonObject(with: Data(json.standardOutput.utf8))
            let records = (object as? [[String: Any]]) ?? [(object as? [String: Any]) ?? [:]]
            let names = Set(records.compactMap { $0["name"] as? String })
            #expect(names.contains(Self.escape) && (names.count == 1 || names.isSuperset(of: [Self.c1, Self.bidi])), "\(arguments): \(names)")
        }

        // A status reason typed on the command line, shown by leads show.
        #expect(try funnel(["leads", "status", "lost", id, "--reason", "gone\u{1B}[2J"]).status == 0)
        try check(["leads", "show", id], shows: ["gone\\e[2J"])

        // Import reports (a bad row quotes its value; the file's name) and the import log.
        let evilFile = "leads\u{1B}]0;X\u{07}.csv"
        let path = try write(evilFile, "name,email,source\nBad,bad@hostile.example,\(Self.quoted("\u{1B}[31mweb"))\nGood,good@hostile.example,website\n")
        let report = try funnel(["import", "leads", path])
        #expect(report.status == 0, "\(report.standardError)")
        #expect(Self.controls(in: report.standardOutput) == [], "\(report.standardOutput)")
        #expect(report.standardOutput.contains("source \"\\e[31mweb\" -> other"), "\(report.standardOutput)")
        #expect(report.standardOutput.contains("leads\\e]0;X\\x07.csv"), "\(report.standardOutput)")
        try check(["import", "list"], shows: ["leads\\e]0;X\\x07.csv"])

        // Error messages (standard error) too: a header of control characters.
        let header = try write("header.csv", "\u{1B}[2J,\u{9B}H\nx,y\n")
        let refused = try funnel(["import", "leads", header])
        #expect(refused.status == 1)
        #expect(Self.controls(in: refused.standardError) == [], "\(refused.standardError)")
        #expect(refused.standardError.contains("\\e[2J"), "\(refused.standardError)")

        // Users and deals print through the same path.
        #expect(try funnel(["users", "add", "--email", "eve@acme.test", "--name", "Eve\u{1B}]0;X\u{07}", "--role", "viewer"]).status == 0)
        try check(["users", "list"], shows: ["Eve\\e]0;X\\x07"])
        let deals = try write("deals.csv", "title,value,external_ref\n\(Self.quoted("Deal\u{1B}[5m\u{9B}1m")),1000,D-1\n")
        #expect(try funnel(["import", "deals", deals]).status == 0)
        let dealId = try sqlite("SELECT id FROM deals WHERE external_ref = 'D-1'")
        try check(["deals", "list"], shows: ["Deal\\e[5m\\u009b1m"])
        try check(["deals", "show", dealId], shows: ["Deal\\e[5m\\u009b1m"])
    }

    /// `funnel export` to a terminal (not a file or a pipe) shows the control characters escaped
    /// too: the window's title is not changed and the screen shows the escapes.
    @Test func anExportShownOnATerminalIsEscaped() throws {
        let imported = try importLeads([Self.escape])
        try #require(imported.status == 0, "\(imported.standardError)")
        let command = "'\(BuiltFunnel.path)' export leads --db '\(db)' --user \(Self.admin); echo EXPORT-DONE; sleep 30"
        let session = try TmuxSession(command: command, width: 120, height: 10, environment: [
            "XDG_DATA_HOME": folder.file("data"), "XDG_CONFIG_HOME": folder.file("config"), "XDG_STATE_HOME": folder.file("state"),
        ])
        let screen = try session.waitFor("the export") { $0.contains("EXPORT-DONE") }
        #expect(screen.contains("\"Esc\\e]0;PWNED\\x07\",n0@hostile.example"), "\(screen)")
    }

    // MARK: - NUL

    @Test func aNULByteRefusesTheImportWithFileLineAndColumnAndWritesNothing() throws {
        let seeded = try importLeads(["Before"], file: "seed.csv")
        try #require(seeded.status == 0, "\(seeded.standardError)")
        // Another program keeps the database open (as the TUI would), so its WAL stays: opening a
        // pool on a file without one writes (GRDB creates the -wal by creating and dropping a
        // table), which would change the file whatever the command does.
        let holder = try HeldOpen(db)
        defer { holder.close() }
        #expect(try funnel(["import", "list"]).status == 0)
        let before = files()
        #expect(before[1] != nil)
        let leads = try sqlite("SELECT count(*) FROM leads")

        func refused(_ name: String, _ bytes: [UInt8], entity: String = "leads", extra: [String] = [], says expected: String,
                     _ location: SourceLocation = #_sourceLocation) throws {
            let path = folder.file(name)
            try Data(bytes).write(to: URL(fileURLWithPath: path))
            let result = try funnel(["import", entity, path] + extra)
            #expect(result.status == 1, "\(name) \(extra): \(result.standardOutput)", sourceLocation: location)
            #expect(result.standardError.contains(expected), "\(name) \(extra): \(result.standardError)", sourceLocation: location)
            #expect(result.standardError.contains("nothing was imported"), sourceLocation: location)
            #expect(files() == before, "\(name) \(extra) changed the database or its WAL", sourceLocation: location)
        }
        let text = Array("name,email\nAda,ada@hostile.example\nNul,n\0l@hostile.example\nEve,eve@hostile.example\n".utf8)
        try refused("nul.csv", text, says: "nul.csv: line 3, column 2 (email): a NUL byte")
        try refused("nul.csv", text, extra: ["--dry-run"], says: "nul.csv: line 3, column 2 (email): a NUL byte")
        try refused("nul.csv", text, extra: ["--mode", "upsert"], says: "nul.csv: line 3, column 2 (email): a NUL byte")
        // In a quoted field over several lines: the line of the byte itself.
        try refused("multiline.csv", Array("name,email\n\"Two\nlines\0\",x@hostile.example\n".utf8), says: "multiline.csv: line 3, column 1 (name)")
        // In the header, and a UTF-16 file (a NUL after every ASCII letter).
        try refused("header.csv", Array("name,em\0ail\nAda,ada@hostile.example\n".utf8), says: "header.csv: line 1, column 2")
        try refused("utf16.csv", Array("name,email\n".utf16.flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] }), says: "utf16.csv: line 1, column 1: a NUL byte")
        try refused("deals.csv", Array("title,external_ref\nDeal\0,D-9\n".utf8), entity: "deals", says: "deals.csv: line 2, column 1 (title)")
        #expect(try sqlite("SELECT count(*) FROM leads") == leads)
        #expect(try sqlite("SELECT count(*) FROM imports") == "1")
        #expect(try sqlite("SELECT count(*) FROM leads WHERE instr(name, char(0)) > 0 OR instr(email, char(0)) > 0") == "0")
    }

    // MARK: - The one way out

    /// Every output of the command line goes through the escaping `print` of OutputFormat.swift: no
    /// other file of FunnelCLI writes to standard output by itself.
    @Test func onlyTheOutputSupportWritesToStandardOutput() throws {
        let root = Repository.root + "/Sources/FunnelCLI"
        let files = try #require(FileManager.default.enumerator(atPath: root)?.compactMap { $0 as? String }.filter { $0.hasSuffix(".swift") })
        #expect(files.count > 10)
        // OutputFormat escapes; CommandContext is where the escaped text leaves (the process's standard output).
        for file in files where !file.hasSuffix("Support/OutputFormat.swift") && !file.hasSuffix("Support/CommandContext.swift") {
            let source = try String(contentsOfFile: root + "/" + file, encoding: .utf8)
            for bypass in ["Swift.print(", "FileHandle.standardOutput", "fputs(", "putchar(", "FileHandle(fileDescriptor: 1", "fwrite("] {
                #expect(!source.contains(bypass), "\(file) uses \(bypass)")
            }
            if source.contains("STDOUT_FILENO") {
                #expect(file.hasSuffix("ExportCommand.swift") && source.contains("TerminalText.escaped"), "\(file) writes standard output directly")
            }
        }
    }
}

/// `sqlite3` holding a read transaction on a database until closed.
final class HeldOpen {
    let process = Process()
    let input = Pipe()
    let output = Pipe()

    init(_ path: String) throws {
        process.executableURL = URL(fileURLWithPath: "/usr/bin/sqlite3")
        process.arguments = [path]
        process.standardInput = input
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        input.fileHandleForWriting.write(Data("BEGIN; SELECT 'held', count(*) FROM leads;\n".utf8))
        // Wait until the read transaction has begun.
        var seen = ""
        while !seen.contains("held") {
            let chunk = output.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            seen += String(decoding: chunk, as: UTF8.self)
        }
    }

    func close() {
        try? input.fileHandleForWriting.close()
        process.waitUntilExit()
    }
}
