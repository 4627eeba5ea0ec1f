import Foundation
import FunnelTestSupport
import Testing

/// Hostile and broken files given to the real `funnel`: each is refused with a message naming the
/// path and the cause, and nothing is written to it (the file and its -wal are byte for byte the same).
@Suite struct DamagedFileTests {
    static let admin = "admin@acme.test"

    /// The bytes of a database and of its -wal (nil when there is none).
    struct Fingerprint: Equatable {
        let file: Data?
        let wal: Data?
        let mode: Int?

        init(_ path: String) {
            file = FileManager.default.contents(atPath: path)
            // An empty -wal holds nothing: the same as none (the last connection to close removes it).
            wal = FileManager.default.contents(atPath: path + "-wal").flatMap { $0.isEmpty ? nil : $0 }
            mode = (try? FileManager.default.attributesOfItem(atPath: path))?[.posixPermissions] as? Int
        }
    }

    func sqlite(_ db: String, _ sql: String) throws -> String {
        try ProcessRunner.run("/usr/bin/sqlite3", [db, sql]).standardOutput.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// A database made by `funnel init` with `leads` imported leads.
    func workspace(_ folder: TemporaryFolder, leads: Int = 5_000, name: String = "crm.sqlite") throws -> String {
        let db = folder.file(name)
        let created = try BuiltFunnel.run(["init", "--db", db, "--org", "Acme", "--admin", Self.admin], folder: folder)
        try #require(created.status == 0, "\(created.standardError)")
        guard leads > 0 else { return db }
        var text = "email,name,company\n"
        for index in 0..<leads { text += "lead\(index)@example.com,Lead Number \(index),Company \(index % 97)\n" }
        try text.write(toFile: folder.file("leads.csv"), atomically: true, encoding: .utf8)
        let imported = try BuiltFunnel.run(["import", "leads", folder.file("leads.csv"), "--db", db, "--user", Self.admin], folder: folder)
        try #require(imported.status == 0, "\(imported.standardError)")
        return db
    }

    /// Overwrites `count` pages of the leads table with garbage, as `dd` would: the leaves that hold
    /// the last leads, far from the leads 1, 2 and 3 that the write below changes.
    func damage(_ db: String, pages count: Int) throws {
        let pageSize = try #require(Int(try sqlite(db, "PRAGMA page_size")))
        let pages = try sqlite(db, "SELECT pageno FROM dbstat WHERE name = 'leads' AND pagetype = 'leaf' ORDER BY pageno DESC LIMIT \(count)")
            .split(separator: "\n").compactMap { Int($0) }
        try #require(pages.count == count, "the leads table has too few pages: \(pages)")
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: db))
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        for page in pages {
            var garbage = Data(capacity: pageSize)
            for _ in 0..<pageSize {
                state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
                garbage.append(UInt8(truncatingIfNeeded: state >> 33))
            }
            try handle.seek(toOffset: UInt64((page - 1) * pageSize))
            handle.write(garbage)
        }
        try handle.close()
    }

    /// The reproduction: 20 pages overwritten, then `funnel leads assign --to me 1 2 3`.
    /// Before, it exited 0 and committed; now the check before the first write refuses it.
    @Test func aWriteToADamagedFileIsRefusedAndWritesNothing() throws {
        let folder = try TemporaryFolder()
        let db = try workspace(folder)
        try damage(db, pages: 20)
        #expect(try sqlite(db, "PRAGMA integrity_check") != "ok")
        let before = Fingerprint(db)
        let result = try BuiltFunnel.run(["leads", "assign", "--to", "me", "1", "2", "3", "--db", db, "--user", Self.admin], folder: folder)
        #expect(result.status != 0, "a write to a damaged file succeeded: \(result.standardOutput)")
        #expect(result.standardError.contains("\(db) is damaged"), "\(result.standardError)")
        #expect(result.standardError.contains("nothing was written"), "\(result.standardError)")
        #expect(result.standardError.contains("funnel doctor") && result.standardError.contains("funnel restore"), "\(result.standardError)")
        #expect(Fingerprint(db) == before, "the damaged file was written")

        // Reading still works (what can be read), and `funnel doctor` names the damage and the way back.
        let doctor = try BuiltFunnel.run(["doctor", "--db", db], folder: folder)
        #expect(doctor.status == 1)
        #expect(doctor.standardOutput.contains("funnel restore"), "\(doctor.standardOutput)")
        #expect(Fingerprint(db) == before)
    }

    /// The way back the refusals point to: `funnel restore` replaces a damaged file with a backup.
    @Test func aBackupRestoresADamagedFile() throws {
        let folder = try TemporaryFolder()
        let db = try workspace(folder)
        let backup = try BuiltFunnel.run(["backup", folder.file("good.sqlite"), "--db", db], folder: folder)
        try #require(backup.status == 0, "\(backup.standardError)")
        try damage(db, pages: 20)
        #expect(try sqlite(db, "PRAGMA integrity_check") != "ok")
        let restore = try BuiltFunnel.run(["restore", folder.file("good.sqlite"), "--db", db, "--yes"], folder: folder)
        #expect(restore.status == 0, "\(restore.standardError)")
        #expect(try sqlite(db, "PRAGMA integrity_check") == "ok")
        #expect(try sqlite(db, "SELECT count(*) FROM leads") == "5000")
        let write = try BuiltFunnel.run(["leads", "assign", "--to", "me", "1", "--db", db, "--user", Self.admin], folder: folder)
        #expect(write.status == 0, "\(write.standardError)")
    }

    /// An empty file given to a read command stays empty (it became a 450 KB database, mode 0644).
    @Test func anEmptyFileIsNotMadeADatabaseByAReadCommand() throws {
        let folder = try TemporaryFolder()
        _ = try workspace(folder, leads: 0, name: "real.sqlite")
        let empty = folder.file("empty.sqlite")
        try #require(FileManager.default.createFile(atPath: empty, contents: Data(), attributes: [.posixPermissions: 0o644]))
        for arguments in [["leads", "list", "--user", Self.admin], ["leads", "list", "--read-only", "--user", Self.admin],
                          ["users", "list", "--user", Self.admin], ["doctor"]] {
            let result = try BuiltFunnel.run(arguments + ["--db", empty], folder: folder)
            #expect(result.status != 0, "\(arguments) succeeded on an empty file")
            #expect(result.standardError.contains("\(empty) is not a Funnel database: it is an empty file"), "\(arguments): \(result.standardError)")
            let attributes = try FileManager.default.attributesOfItem(atPath: empty)
            #expect(attributes[.size] as? Int == 0, "\(arguments) wrote into the empty file")
            #expect(attributes[.posixPermissions] as? Int == 0o644)
            #expect(!FileManager.default.fileExists(atPath: empty + "-wal"))
        }
        // `funnel init` may still make a database in it.
        let created = try BuiltFunnel.run(["init", "--db", empty, "--org", "Acme", "--admin", Self.admin], folder: folder)
        #expect(created.status == 0, "\(created.standardError)")
    }

    /// A folder given as --db is named as a folder (it was "disk I/O error").
    @Test func aFolderIsNamedAsAFolder() throws {
        let folder = try TemporaryFolder()
        let directory = folder.file("a-folder")
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        for arguments in [["leads", "list"], ["leads", "list", "--read-only"], ["leads", "assign", "--to", "me", "1"]] {
            let result = try BuiltFunnel.run(arguments + ["--db", directory, "--user", Self.admin], folder: folder)
            #expect(result.status != 0)
            #expect(result.standardError.contains("\(directory): it is a folder, not a database file"), "\(arguments): \(result.standardError)")
            #expect(try FileManager.default.contentsOfDirectory(atPath: directory).isEmpty, "something was written into the folder")
        }
    }

    /// A file written by a newer Funnel (a larger user_version) is refused, by reads and writes.
    @Test func aNewerSchemaVersionIsRefused() throws {
        let folder = try TemporaryFolder()
        let db = try workspace(folder, leads: 10)
        _ = try sqlite(db, "PRAGMA user_version = 99")
        let before = Fingerprint(db)
        for arguments in [["leads", "list"], ["leads", "list", "--read-only"], ["leads", "assign", "--to", "me", "1"]] {
            let result = try BuiltFunnel.run(arguments + ["--db", db, "--user", Self.admin], folder: folder)
            #expect(result.status != 0, "\(arguments) accepted user_version 99")
            #expect(result.standardError.contains("\(db) was written by a newer version of Funnel"), "\(arguments): \(result.standardError)")
            #expect(result.standardError.contains("schema version 99"), "\(result.standardError)")
            #expect(Fingerprint(db) == before)
        }
    }

    /// A missing file for a read command is named, and not created.
    @Test func aMissingFileIsNotCreatedByAReadCommand() throws {
        let folder = try TemporaryFolder()
        let missing = folder.file("nothing-here.sqlite")
        for arguments in [["leads", "list", "--user", Self.admin], ["leads", "list", "--read-only", "--user", Self.admin], ["doctor"]] {
            let result = try BuiltFunnel.run(arguments + ["--db", missing], folder: folder)
            #expect(result.status != 0)
            #expect(result.standardError.contains(missing), "\(arguments): \(result.standardError)")
            #expect(!FileManager.default.fileExists(atPath: missing))
        }
    }

    /// A database in a read-only folder (where SQLite cannot make its -wal and -shm) is read, with or
    /// without --read-only (it said "attempt to write a readonly database"); a write says why it cannot.
    @Test func aDatabaseInAReadOnlyFolderIsReadAndNotWritten() throws {
        let folder = try TemporaryFolder()
        let shelf = folder.file("shelf")
        try FileManager.default.createDirectory(atPath: shelf, withIntermediateDirectories: true)
        let db = try workspace(folder, leads: 10, name: "shelf/crm.sqlite")
        try #require(!FileManager.default.fileExists(atPath: db + "-wal"))
        try FileManager.default.setAttributes([.posixPermissions: 0o666], ofItemAtPath: db)
        try FileManager.default.setAttributes([.posixPermissions: 0o555], ofItemAtPath: shelf)
        defer { try? FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: shelf) }
        // root may write anywhere: run Funnel as nobody, so the folder is read-only for it.
        let home = folder.file("nobody")
        try FileManager.default.createDirectory(atPath: home, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o777])
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: folder.path)
        func run(_ arguments: [String]) throws -> ProcessResult {
            let environment = ["XDG_DATA_HOME": home + "/data", "XDG_CONFIG_HOME": home + "/config", "XDG_STATE_HOME": home + "/state",
                               "FUNNEL_DB": "", "FUNNEL_USER": "", "HOME": home]
            if getuid() == 0 {
                return try ProcessRunner.run("/usr/bin/setpriv", ["--reuid=65534", "--regid=65534", "--clear-groups", BuiltFunnel.path] + arguments,
                                             environment: environment)
            }
            return try ProcessRunner.run(BuiltFunnel.path, arguments, environment: environment)
        }
        let before = Fingerprint(db)
        for flags in [[], ["--read-only"]] {
            let list = try run(["leads", "list", "--db", db, "--user", Self.admin] + flags)
            #expect(list.status == 0, "\(flags): \(list.standardError)")
            #expect(list.standardOutput.contains("Lead Number 3"), "\(list.standardOutput)")
            #expect(!list.standardError.contains("readonly database"), "\(list.standardError)")
        }
        let write = try run(["leads", "assign", "--to", "me", "1", "--db", db, "--user", Self.admin])
        #expect(write.status != 0)
        #expect(write.standardError.contains("\(db) cannot be written (its folder \(shelf) is not writable"), "\(write.standardError)")
        #expect(Fingerprint(db) == before)
        #expect(try FileManager.default.contentsOfDirectory(atPath: shelf) == ["crm.sqlite"])
    }

    /// `funnel demo` replaces a demo, but not a database made by `funnel init` nor any other file,
    /// unless given --force (it erased an init'ed database without asking).
    @Test func theDemoReplacesOnlyADemo() throws {
        let folder = try TemporaryFolder()
        let db = try workspace(folder, leads: 10)
        let before = Fingerprint(db)
        let refused = try BuiltFunnel.run(["demo", "--db", db, "--leads", "30", "--no-open"], folder: folder)
        #expect(refused.status != 0)
        #expect(refused.standardError.contains("\(db) is a Funnel database that is not a demo (organizations: acme)"), "\(refused.standardError)")
        #expect(refused.standardError.contains("--force"))
        #expect(Fingerprint(db) == before)

        let notes = folder.file("notes.txt")
        try Data("my notes\n".utf8).write(to: URL(fileURLWithPath: notes))
        let text = try BuiltFunnel.run(["demo", "--db", notes, "--leads", "30", "--no-open"], folder: folder)
        #expect(text.status != 0)
        #expect(text.standardError.contains("\(notes) is a file that is not a demo"), "\(text.standardError)")
        #expect(FileManager.default.contents(atPath: notes) == Data("my notes\n".utf8))

        // A demo may be replaced by a demo, and --force replaces anything.
        let demo = folder.file("demo.sqlite")
        for _ in 0..<2 {
            let built = try BuiltFunnel.run(["demo", "--db", demo, "--leads", "30", "--no-open"], folder: folder)
            #expect(built.status == 0, "\(built.standardError)")
        }
        let forced = try BuiltFunnel.run(["demo", "--db", db, "--leads", "30", "--no-open", "--force"], folder: folder)
        #expect(forced.status == 0, "\(forced.standardError)")
        #expect(try sqlite(db, "SELECT slug FROM organizations ORDER BY id") == "northwind\ncafe-lumiere\ntokyo-marketing")
    }
}
