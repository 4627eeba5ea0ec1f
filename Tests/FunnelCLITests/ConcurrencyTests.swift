import Foundation
import FunnelTestSupport
import Testing

/// Two Funnel processes on one database: nobody sees "database is locked", and no write is lost.
@Suite struct ConcurrencyTests {
    static let admin = "admin@acme.test"

    func sqlite(_ db: String, _ sql: String) throws -> String {
        try ProcessRunner.run("/usr/bin/sqlite3", [db, sql]).standardOutput.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    func freshDatabase(_ folder: TemporaryFolder) throws -> String {
        let db = folder.file("crm.sqlite")
        let created = try BuiltFunnel.run(["init", "--db", db, "--org", "Acme", "--admin", Self.admin], folder: folder)
        try #require(created.status == 0, "\(created.standardError)")
        try "email,name\none@example.com,One\ntwo@example.com,Two\n".write(toFile: folder.file("two.csv"), atomically: true, encoding: .utf8)
        let imported = try BuiltFunnel.run(["import", "leads", folder.file("two.csv"), "--db", db, "--user", Self.admin], folder: folder)
        try #require(imported.status == 0, "\(imported.standardError)")
        return db
    }

    /// Two writers log actions on two leads, one process after another, for ten seconds each while
    /// an import of 30,000 leads holds the write lock for seconds of it: every command succeeds and
    /// every action is there afterwards.
    @Test func twoProcessesWritingForTenSecondsLoseNothing() throws {
        let folder = try TemporaryFolder()
        let db = try freshDatabase(folder)
        var text = "email,name\n"
        for index in 0..<30_000 { text += "bulk\(index)@example.com,Bulk \(index)\n" }
        try text.write(toFile: folder.file("bulk.csv"), atomically: true, encoding: .utf8)

        final class Tally: @unchecked Sendable {
            let lock = NSLock()
            var written: [Int: Int] = [:]
            var failures: [String] = []
            func record(_ lead: Int, _ result: ProcessResult?) {
                lock.lock()
                defer { lock.unlock() }
                if let result, result.status == 0 { written[lead, default: 0] += 1 } else { failures.append(result?.standardError ?? "could not start") }
            }
        }
        let tally = Tally()
        let deadline = Date().addingTimeInterval(10)
        let group = DispatchGroup()
        for lead in [1, 2] {
            group.enter()
            DispatchQueue.global().async {
                defer { group.leave() }
                var index = 0
                while Date() < deadline {
                    index += 1
                    let result = try? BuiltFunnel.run(["leads", "log", String(lead), "--type", "note", "--note", "writer \(lead) #\(index)",
                                                       "--db", db, "--user", Self.admin], folder: folder)
                    tally.record(lead, result)
                }
            }
        }
        group.enter()
        DispatchQueue.global().async {
            defer { group.leave() }
            let result = try? BuiltFunnel.run(["import", "leads", folder.file("bulk.csv"), "--db", db, "--user", Self.admin], folder: folder)
            tally.record(0, result)
        }
        group.wait()
        #expect(tally.failures.isEmpty, "\(tally.failures.prefix(3))")
        #expect(!tally.failures.contains { $0.contains("database is locked") })
        let first = tally.written[1] ?? 0
        let second = tally.written[2] ?? 0
        #expect(first > 5 && second > 5, "\(first) and \(second) writes")
        #expect(tally.written[0] == 1, "the import")
        #expect(try sqlite(db, "SELECT count(*) FROM lead_actions WHERE lead_id = 1") == String(first))
        #expect(try sqlite(db, "SELECT count(*) FROM lead_actions WHERE lead_id = 2") == String(second))
        #expect(try sqlite(db, "SELECT count(*) FROM leads") == "30002")
        #expect(try sqlite(db, "PRAGMA integrity_check") == "ok")
        for lead in [1, 2] {
            let notes = try sqlite(db, "SELECT json_extract(metadata, '$.note') FROM lead_actions WHERE lead_id = \(lead) ORDER BY id")
            let expected = (1...(tally.written[lead] ?? 0)).map { "writer \(lead) #\($0)" }.joined(separator: "\n")
            #expect(notes == expected, "writer \(lead)'s notes, in order")
        }
    }

    /// Another process holds the write lock past the 5 s busy timeout: the command says so on
    /// standard error, waits again, and its change lands once the lock is released.
    @Test func aLockHeldPastTheBusyTimeoutIsReportedAndWaitedFor() throws {
        let folder = try TemporaryFolder()
        let db = try freshDatabase(folder)
        // The holder: a Python sqlite3 connection in BEGIN IMMEDIATE until it reads a line.
        let holder = Process()
        holder.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        holder.arguments = ["python3", "-u", "-c", """
            import sqlite3, sys
            db = sqlite3.connect(sys.argv[1], isolation_level=None)
            db.execute('BEGIN IMMEDIATE')
            print('locked', flush=True)
            sys.stdin.readline()
            db.execute('COMMIT')
            print('released', flush=True)
            """, db]
        let holderInput = Pipe()
        let holderOutput = Pipe()
        holder.standardInput = holderInput
        holder.standardOutput = holderOutput
        try holder.run()
        var said = ""
        while !said.contains("locked") {
            let chunk = holderOutput.fileHandleForReading.availableData
            try #require(!chunk.isEmpty, "the holder ended: \(said)")
            said += String(decoding: chunk, as: UTF8.self)
        }

        let writer = Process()
        writer.executableURL = URL(fileURLWithPath: BuiltFunnel.path)
        writer.arguments = ["leads", "log", "1", "--type", "call", "--note", "waited", "--db", db, "--user", Self.admin]
        var environment = ProcessInfo.processInfo.environment
        environment["XDG_CONFIG_HOME"] = folder.file("config")
        writer.environment = environment
        let errors = Pipe()
        writer.standardError = errors
        writer.standardOutput = FileHandle.nullDevice
        try writer.run()
        var message = ""
        while !message.contains("waiting again") {
            let chunk = errors.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            message += String(decoding: chunk, as: UTF8.self)
        }
        #expect(message.contains("crm.sqlite is locked by another process"), "\(message)")
        #expect(message.contains("waited 5 s, waiting again (attempt 2 of 3)"), "\(message)")
        #expect(try sqlite(db, "SELECT count(*) FROM lead_actions") == "0")
        holderInput.fileHandleForWriting.write(Data("go\n".utf8))
        holder.waitUntilExit()
        writer.waitUntilExit()
        #expect(writer.terminationStatus == 0)
        #expect(try sqlite(db, "SELECT json_extract(metadata, '$.note') FROM lead_actions") == "waited")
    }
}
