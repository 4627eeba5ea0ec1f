import Foundation
import FunnelStore
import Testing

/// `--db` names a location: a SQLite file, or a PostgreSQL server (the team mode's, refused here).
@Suite struct StoreLocationTests {
    @Test func aPathIsAFileAndAPostgresURLIsAServer() throws {
        #expect(StoreLocation("crm.sqlite") == .file("crm.sqlite"))
        #expect(StoreLocation("postgres:/not-a-server.sqlite").path == "postgres:/not-a-server.sqlite")
        let server = StoreLocation("postgresql://alice:s3cret@db.example:5432/funnel")
        guard case .server = server else {
            Issue.record("not a server: \(server)")
            return
        }
        let url = try #require(URLComponents(string: server.description))
        #expect(url.host == "db.example" && url.port == 5432)
        #expect(server.description == "postgresql://alice:***@db.example:5432/funnel")
        #expect(server.displayName == "db.example/funnel")
        // Too malformed for a URL parser: still a server, refused as one, its password hidden.
        let malformed = StoreLocation("postgres://bob:p#ss w@rd@db.example/funnel")
        #expect(malformed.path == nil)
        #expect(!malformed.description.contains("p#ss") && malformed.description.hasPrefix("postgres://bob:***@"), "\(malformed)")
    }

    @Test func aServerThatCannotBeReachedIsSaidWithoutItsPassword() throws {
        // Port 1 of this machine: nothing listens there.
        let error = #expect(throws: StoreError.self) { try StoreLocation("postgres://alice:s3cret@127.0.0.1:1/funnel").openStore() }
        let text = "\(error.map { "\($0)" } ?? "")"
        #expect(text.contains("cannot open postgres://alice:***@127.0.0.1:1/funnel") && !text.contains("s3cret"), "\(text)")
        // A file-only operation refuses a server, saying so.
        let fileOnly = #expect(throws: StoreError.self) { try AppDatabase.open(at: StoreLocation("postgres://alice:s3cret@db.example/funnel")) }
        #expect("\(fileOnly.map { "\($0)" } ?? "")".contains("works on a SQLite file only"))
    }

    @Test func aFileOpensAsBefore() throws {
        let folder = NSTemporaryDirectory() + "funnel-location-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let database = try AppDatabase.open(at: StoreLocation(folder + "/a.sqlite"))
        #expect(database.location == .file(folder + "/a.sqlite"))
        #expect(database.location.displayName == "a.sqlite")
        #expect(try database.schemaVersion() > 0)
    }
}
