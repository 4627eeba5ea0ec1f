import Foundation
import FunnelTestSupport
import Testing

/// `funnel import leads|contacts|deals`, `import undo` and `import list`, run as a script runs them.
@Suite struct CSVImportCommandTests {
    static let admin = "admin@acme.test"

    func freshDatabase(_ folder: TemporaryFolder) throws -> String {
        let db = folder.file("crm.sqlite")
        let created = try BuiltFunnel.run(["init", "--db", db, "--org", "Acme", "--admin", Self.admin], folder: folder)
        try #require(created.status == 0, "funnel init failed: \(created.standardError)")
        return db
    }

    func funnel(_ arguments: [String], db: String, folder: TemporaryFolder) throws -> ProcessResult {
        try BuiltFunnel.run(arguments + ["--db", db, "--user", Self.admin], folder: folder)
    }

    func sqlite(_ db: String, _ sql: String) throws -> String {
        try ProcessRunner.run("/usr/bin/sqlite3", [db, sql]).standardOutput.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Everything an import can touch, as text: the leads, their maintained counts and full-text index.
    func leadState(_ db: String) throws -> String {
        try sqlite(db, """
            SELECT id, org_id, product_id, name, company, email, phone, phone_normalized, source, status, status_reason, score,
                   assigned_to, last_action_at, created_at, updated_at FROM leads ORDER BY id;
            SELECT * FROM lead_status_counts WHERE lead_count > 0 ORDER BY status;
            SELECT rowid, name, email, company FROM leads_fts ORDER BY rowid;
            INSERT INTO leads_fts(leads_fts) VALUES ('integrity-check');
            PRAGMA integrity_check;
            """)
    }

    @Test func importThenUndoLeavesTheDatabaseAsItWasUpdatesIncluded() throws {
        let folder = try TemporaryFolder()
        let db = try freshDatabase(folder)
        try "name,email,phone,company,source\nAna Lima,ana@example.com,+1 415 555 0101,Initech,website\nBob Stone,bob@example.com,,Globex,referral\nCleo Park,,+44 20 7946 0001,,event\n"
            .write(toFile: folder.file("base.csv"), atomically: true, encoding: .utf8)
        let base = try funnel(["import", "leads", folder.file("base.csv")], db: db, folder: folder)
        #expect(base.status == 0, "\(base.standardError)")
        #expect(base.standardOutput.contains("import #1"))
        let before = try leadState(db)

        try "E-mail;Phone Number;Full Name;Lead Status;Score\nANA@example.com;;Ana L.;qualified;90\n;0044 20 7946 0001;Cleo P.;contacted;\nnew@example.com;;New One;;\n"
            .write(toFile: folder.file("update.csv"), atomically: true, encoding: .utf8)
        let update = try funnel(["import", "leads", folder.file("update.csv"), "--mode", "upsert"], db: db, folder: folder)
        #expect(update.status == 0, "\(update.standardError)")
        #expect(update.standardOutput.contains("create: 1"), "\(update.standardOutput)")
        #expect(update.standardOutput.contains("update: 2"), "\(update.standardOutput)")
        #expect(try leadState(db) != before)

        let list = try funnel(["import", "list", "--format", "json"], db: db, folder: folder)
        #expect(list.standardOutput.contains("\"mode\" : \"upsert\""), "\(list.standardOutput)")

        let undo = try funnel(["import", "undo", "2"], db: db, folder: folder)
        #expect(undo.status == 0, "\(undo.standardError)")
        #expect(undo.standardOutput.contains("1 created leads deleted, 2 updated leads restored"), "\(undo.standardOutput)")
        #expect(try leadState(db) == before)
        #expect(try sqlite(db, "SELECT status FROM imports WHERE number = 2") == "undone")
        #expect(try sqlite(db, "SELECT action FROM activities WHERE entity_type = 'import' AND entity_id = 2 ORDER BY id") == "imported\nundone")
    }

    @Test func aStrictImportWithABadRowIsRefusedWithExitStatusOne() throws {
        let folder = try TemporaryFolder()
        let db = try freshDatabase(folder)
        try "email,created_at\nok@example.com,2026-01-01\nbad@example.com,31/31/2026\n".write(toFile: folder.file("s.csv"), atomically: true, encoding: .utf8)
        let result = try funnel(["import", "leads", folder.file("s.csv"), "--strict", "--date-format", "dmy"], db: db, folder: folder)
        #expect(result.status == 1)
        #expect(result.standardOutput.contains("line 3: created_at: \"31/31/2026\": month 31 is not a month (D-M-YYYY)"), "\(result.standardOutput)")
        #expect(try sqlite(db, "SELECT count(*) FROM leads") == "0")
        #expect(try sqlite(db, "SELECT count(*) FROM imports") == "0")

        let empty = folder.file("empty.csv")
        _ = FileManager.default.createFile(atPath: empty, contents: Data())
        let refused = try funnel(["import", "contacts", empty], db: db, folder: folder)
        #expect(refused.status == 1)
        #expect(refused.standardError.contains("empty.csv: line 1: the file is empty"), "\(refused.standardError)")
    }

    /// Kills an import of 200,000 leads with SIGKILL once its progress passes 30%, and finds the
    /// database as it was and passing `PRAGMA integrity_check`.
    @Test func anImportKilledHalfwayLeavesTheDatabaseUnchanged() throws {
        let folder = try TemporaryFolder()
        let db = try freshDatabase(folder)
        try "email,name\nfirst@example.com,First\nsecond@example.com,Second\n".write(toFile: folder.file("small.csv"), atomically: true, encoding: .utf8)
        #expect(try funnel(["import", "leads", folder.file("small.csv")], db: db, folder: folder).status == 0)
        let before = try leadState(db)

        var text = "email,name,phone,company,source\n"
        text.reserveCapacity(14_000_000)
        for index in 0..<200_000 {
            text += "lead\(index)@example.com,Lead \(index),+1 415 \(String(format: "%07d", index)),Company \(index % 997),website\n"
        }
        try text.write(toFile: folder.file("big.csv"), atomically: true, encoding: .utf8)

        let process = Process()
        process.executableURL = URL(fileURLWithPath: BuiltFunnel.path)
        process.arguments = ["import", "leads", folder.file("big.csv"), "--progress", "--db", db, "--user", Self.admin]
        var environment = ProcessInfo.processInfo.environment
        environment["XDG_CONFIG_HOME"] = folder.file("config")
        environment["XDG_STATE_HOME"] = folder.file("state")
        process.environment = environment
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        // Wait for a progress line of 30% or more (each says "importing: NN% ..."), then kill.
        var seen = ""
        var killedAt: Int?
        while killedAt == nil {
            let chunk = errors.fileHandleForReading.availableData
            if chunk.isEmpty { break }  // the import ended before it could be killed
            seen += String(decoding: chunk, as: UTF8.self)
            for line in seen.split(separator: "\n") where line.hasPrefix("importing: ") {
                if let percent = Int(line.dropFirst("importing: ".count).prefix { $0.isNumber }), percent >= 30, percent < 95 {
                    kill(process.processIdentifier, SIGKILL)
                    killedAt = percent
                    break
                }
            }
        }
        process.waitUntilExit()
        try #require(killedAt != nil, "the import was not seen half-way: \(seen)")
        #expect(process.terminationReason == .uncaughtSignal)
        #expect(process.terminationStatus == SIGKILL)

        #expect(try leadState(db) == before)
        #expect(try sqlite(db, "PRAGMA integrity_check") == "ok")
        #expect(try sqlite(db, "SELECT count(*) FROM imports") == "1")
        #expect(try sqlite(db, "SELECT count(*) FROM leads") == "2")
        // The database goes on working: the killed import's first rows import now.
        try text.prefix(20_000).split(separator: "\n").dropLast().joined(separator: "\n").write(toFile: folder.file("again.csv"), atomically: true, encoding: .utf8)
        let again = try funnel(["import", "leads", folder.file("again.csv")], db: db, folder: folder)
        #expect(again.status == 0, "\(again.standardError)")
        #expect(try sqlite(db, "SELECT count(*) FROM imports") == "2")
    }
}
