import Foundation
import FunnelTestSupport
import Testing

/// `funnel backup` while another process writes, and `funnel restore`'s checks and confirmation.
@Suite struct BackupCommandTests {
    static let admin = "admin@acme.test"

    func sqlite(_ db: String, _ sql: String) throws -> String {
        try ProcessRunner.run("/usr/bin/sqlite3", [db, sql]).standardOutput.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    func freshDatabase(_ folder: TemporaryFolder, leads: Int) throws -> String {
        let db = folder.file("crm.sqlite")
        let created = try BuiltFunnel.run(["init", "--db", db, "--org", "Acme", "--admin", Self.admin], folder: folder)
        try #require(created.status == 0, "\(created.standardError)")
        var text = "email,name\n"
        for index in 0..<leads { text += "lead\(index)@example.com,Lead \(index)\n" }
        try text.write(toFile: folder.file("leads-\(leads).csv"), atomically: true, encoding: .utf8)
        let imported = try BuiltFunnel.run(["import", "leads", folder.file("leads-\(leads).csv"), "--db", db, "--user", Self.admin], folder: folder)
        try #require(imported.status == 0, "\(imported.standardError)")
        return db
    }

    /// A backup taken while an import of 100,000 leads is half-way holds the database as it was
    /// before the import (one consistent snapshot), and neither process waits for the other.
    @Test func aBackupIsTakenWhileAnotherProcessKeepsWriting() throws {
        let folder = try TemporaryFolder()
        let db = try freshDatabase(folder, leads: 3)
        var text = "email,name\n"
        for index in 0..<100_000 { text += "big\(index)@example.com,Big \(index)\n" }
        try text.write(toFile: folder.file("big.csv"), atomically: true, encoding: .utf8)

        let importer = Process()
        importer.executableURL = URL(fileURLWithPath: BuiltFunnel.path)
        importer.arguments = ["import", "leads", folder.file("big.csv"), "--progress", "--db", db, "--user", Self.admin]
        var environment = ProcessInfo.processInfo.environment
        environment["XDG_CONFIG_HOME"] = folder.file("config")
        importer.environment = environment
        let errors = Pipe()
        importer.standardError = errors
        importer.standardOutput = FileHandle.nullDevice
        try importer.run()
        var seen = ""
        var halfway = false
        while !halfway {
            let chunk = errors.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            seen += String(decoding: chunk, as: UTF8.self)
            halfway = seen.split(separator: "\n").contains { line in
                line.hasPrefix("importing: ") && (Int(line.dropFirst("importing: ".count).prefix { $0.isNumber }) ?? 0) >= 10
            }
        }
        try #require(halfway, "the import was not seen under way: \(seen)")
        let backup = try BuiltFunnel.run(["backup", folder.file("snapshot.sqlite"), "--db", db], folder: folder)
        #expect(backup.status == 0, "\(backup.standardError)")
        #expect(backup.standardOutput.contains("3 leads"), "\(backup.standardOutput)")
        importer.waitUntilExit()
        #expect(importer.terminationStatus == 0, "\(seen)")
        #expect(try sqlite(db, "SELECT count(*) FROM leads") == "100003")
        #expect(try sqlite(folder.file("snapshot.sqlite"), "PRAGMA integrity_check; SELECT count(*) FROM leads") == "ok\n3")
        let mode = try FileManager.default.attributesOfItem(atPath: folder.file("snapshot.sqlite"))[.posixPermissions] as? Int
        #expect(mode == 0o600)
        let again = try BuiltFunnel.run(["backup", folder.file("snapshot.sqlite"), "--db", db], folder: folder)
        #expect(again.status == 1)
        #expect(again.standardError.contains("a backup never overwrites"))
    }

    @Test func restoreChecksTheBackupAndAsksBeforeReplacing() throws {
        let folder = try TemporaryFolder()
        let db = try freshDatabase(folder, leads: 5)
        let backup = try BuiltFunnel.run(["backup", folder.file("five.sqlite"), "--db", db], folder: folder)
        try #require(backup.status == 0, "\(backup.standardError)")
        try "email\nsix@example.com\n".write(toFile: folder.file("six.csv"), atomically: true, encoding: .utf8)
        #expect(try BuiltFunnel.run(["import", "leads", folder.file("six.csv"), "--db", db, "--user", Self.admin], folder: folder).status == 0)
        #expect(try sqlite(db, "SELECT count(*) FROM leads") == "6")

        // No terminal and no --yes: refused, nothing changed.
        let unconfirmed = try BuiltFunnel.run(["restore", folder.file("five.sqlite"), "--db", db], input: "yes\n", folder: folder)
        #expect(unconfirmed.status == 1)
        #expect(unconfirmed.standardError.contains("give --yes to confirm. Nothing was changed."), "\(unconfirmed.standardError)")
        #expect(try sqlite(db, "SELECT count(*) FROM leads") == "6")

        // Not a Funnel database, or a damaged one: refused before anything is written.
        try Data(repeating: 0x41, count: 8192).write(to: URL(fileURLWithPath: folder.file("junk.sqlite")))
        let junk = try BuiltFunnel.run(["restore", folder.file("junk.sqlite"), "--db", db, "--yes"], folder: folder)
        #expect(junk.status == 1)
        #expect(junk.standardError.contains("junk.sqlite is not a Funnel database"), "\(junk.standardError)")
        try FileManager.default.copyItem(atPath: folder.file("five.sqlite"), toPath: folder.file("cut.sqlite"))
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: folder.file("cut.sqlite")))
        try handle.truncate(atOffset: 8192)
        try handle.close()
        let cut = try BuiltFunnel.run(["restore", folder.file("cut.sqlite"), "--db", db, "--yes"], folder: folder)
        #expect(cut.status == 1)
        #expect(cut.standardError.contains("cut.sqlite is damaged"), "\(cut.standardError)")
        #expect(try sqlite(db, "SELECT count(*) FROM leads") == "6")

        let restored = try BuiltFunnel.run(["restore", folder.file("five.sqlite"), "--db", db, "--yes"], folder: folder)
        #expect(restored.status == 0, "\(restored.standardError)")
        #expect(restored.standardOutput.contains("5 leads"))
        #expect(try sqlite(db, "PRAGMA integrity_check; PRAGMA journal_mode; SELECT count(*) FROM leads") == "ok\nwal\n5")
        let list = try BuiltFunnel.run(["leads", "list", "--format", "json", "--db", db, "--user", Self.admin], folder: folder)
        #expect(list.status == 0, "\(list.standardError)")
    }
}
