import Foundation
import FunnelStore
import FunnelTestSupport
import GRDB
import Testing

/// Opening refuses files Funnel must not write to, and writes nothing to them.
@Suite struct OpeningTests {
    func fingerprint(_ path: String) throws -> Data {
        try Data(contentsOf: URL(fileURLWithPath: path))
    }

    @Test func aNewerSchemaIsRefusedAndLeftUnchanged() throws {
        let folder = try TemporaryFolder()
        let path = folder.file("newer.sqlite")
        _ = try AppDatabase.open(path: path)
        let queue = try DatabaseQueue(path: path)
        try queue.write { db in try db.execute(sql: "INSERT INTO grdb_migrations(identifier) VALUES ('v99 from the future')") }
        try queue.close()
        let before = try fingerprint(path)
        #expect(throws: StoreError.newerSchema(path: path, unknownMigrations: ["v99 from the future"])) {
            try AppDatabase.open(path: path)
        }
        #expect(try fingerprint(path) == before)
        let message = StoreError.newerSchema(path: path, unknownMigrations: ["v99 from the future"]).description
        #expect(message.contains("newer version of Funnel"))
    }

    @Test func aTruncatedDatabaseIsNamedAsDamagedAndLeftUnchanged() throws {
        let folder = try TemporaryFolder()
        let path = folder.file("cut.sqlite")
        do {
            _ = try TestWorkspace.make(database: try AppDatabase.open(path: path))
        }
        // Fill a few pages, checkpoint into the main file, then cut it in half.
        let queue = try DatabaseQueue(path: path)
        try queue.write { db in
            for index in 0..<2_000 {
                try db.execute(sql: "INSERT INTO leads(org_id, email, source, status, created_at, updated_at) VALUES (1, ?, 'import', 'new', '2026-01-01 00:00:00.000', '2026-01-01 00:00:00.000')",
                               arguments: ["cut\(index)@example.com"])
            }
        }
        try queue.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA wal_checkpoint(TRUNCATE); PRAGMA journal_mode = DELETE") }
        try queue.close()
        let size = try #require(try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int)
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        try handle.truncate(atOffset: UInt64(size / 2))
        try handle.close()
        let before = try fingerprint(path)
        do {
            let database = try AppDatabase.open(path: path)
            _ = try database.diagnose()
            Issue.record("a truncated file was opened and read")
        } catch let error as StoreError {
            guard case .corrupt(let named, _) = error else {
                Issue.record("expected .corrupt, got \(error)")
                return
            }
            #expect(named == path)
            #expect(error.description.contains("is damaged"))
            #expect(error.description.contains("nothing was written to it"))
        }
        #expect(try fingerprint(path) == before)
    }

    @Test func anotherProgramsDatabaseIsRefused() throws {
        let folder = try TemporaryFolder()
        let path = folder.file("other.sqlite")
        let queue = try DatabaseQueue(path: path)
        try queue.write { db in try db.execute(sql: "CREATE TABLE notes(id INTEGER PRIMARY KEY, body TEXT)") }
        try queue.close()
        let before = try fingerprint(path)
        do {
            _ = try AppDatabase.open(path: path)
            Issue.record("opened another program's database")
        } catch let error as StoreError {
            #expect(error.description.contains("is not a Funnel database"))
        }
        #expect(try fingerprint(path) == before)
    }

    @Test func aFileThatIsNotSQLiteIsRefused() throws {
        let folder = try TemporaryFolder()
        let path = folder.file("notes.txt")
        let text = Data(String(repeating: "these are not the rows you are looking for\n", count: 200).utf8)
        try text.write(to: URL(fileURLWithPath: path))
        do {
            _ = try AppDatabase.open(path: path)
            Issue.record("opened a text file")
        } catch let error as StoreError {
            #expect(error.description.contains("not a Funnel database") || error.description.contains("not a SQLite database"))
        }
        #expect(try fingerprint(path) == text)
        #expect(!FileManager.default.fileExists(atPath: path + "-wal"))
    }

    @Test func aReadOnlyFileIsRefusedForWriting() throws {
        let folder = try TemporaryFolder()
        let path = folder.file("ro.sqlite")
        _ = try AppDatabase.open(path: path)
        try FileManager.default.setAttributes([.posixPermissions: 0o400], ofItemAtPath: path)
        defer { try? FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: path) }
        if getuid() == 0 {
            // root may write any file: the permission check cannot be observed; read-only mode still refuses writes.
            let database = try AppDatabase.open(path: path, readOnly: true)
            #expect(database.isReadOnly)
            #expect(throws: StoreError.self) { try database.transaction { _ in } }
            return
        }
        // A file that cannot be written opens read-only, saying why; a write is refused with that reason.
        let database = try AppDatabase.open(path: path)
        #expect(database.isReadOnly)
        #expect(database.readOnlyReason == "the file is not writable by you")
        #expect(throws: StoreError.readOnly(path: path, detail: "the file is not writable by you")) { try database.transaction { _ in } }
    }

    @Test func readOnlyModeRefusesEveryWrite() throws {
        let folder = try TemporaryFolder()
        let path = folder.file("ro-mode.sqlite")
        _ = try TestWorkspace.make(database: try AppDatabase.open(path: path))
        let database = try AppDatabase.open(path: path, readOnly: true)
        do {
            try database.transaction { tx in
                var lead = Lead(orgId: 1, email: "x@y.example", source: .website, createdAt: TestWorkspace.now, updatedAt: TestWorkspace.now)
                try tx.insert(&lead)
            }
            Issue.record("a write went through in read-only mode")
        } catch let error as StoreError {
            #expect(error.description.contains("read-only"))
        }
    }
}
