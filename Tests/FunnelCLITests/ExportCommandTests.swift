import Foundation
import FunnelTestSupport
import Testing

/// `funnel export`, and exporting then importing into an empty database.
@Suite struct ExportCommandTests {
    static let manager = "manager@northwind.example"

    func sqlite(_ db: String, _ sql: String) throws -> String {
        try ProcessRunner.run("/usr/bin/sqlite3", [db, sql]).standardOutput.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    func funnel(_ arguments: [String], db: String, user: String = manager, folder: TemporaryFolder) throws -> ProcessResult {
        try BuiltFunnel.run(arguments + ["--db", db, "--user", user], folder: folder)
    }

    /// A demo workspace's leads, contacts and deals (CJK and accented names, duplicate leads, contacts
    /// without email, deals without a contact) exported, imported into a copy emptied of them, and
    /// exported again: the two exports are the same, byte for byte.
    @Test func exportThenImportIntoAnEmptyDatabaseGivesTheSameRows() throws {
        let folder = try TemporaryFolder()
        let source = folder.file("source.sqlite")
        let demo = try BuiltFunnel.run(["demo", "--db", source, "--leads", "1500", "--no-open"], folder: folder)
        try #require(demo.status == 0, "\(demo.standardError)")
        let target = folder.file("target.sqlite")
        try FileManager.default.copyItem(atPath: source, toPath: target)
        _ = try sqlite(target, "DELETE FROM deals; DELETE FROM contacts; DELETE FROM leads; DELETE FROM activities;")
        #expect(try sqlite(target, "SELECT (SELECT count(*) FROM leads) + (SELECT count(*) FROM contacts) + (SELECT count(*) FROM deals)") == "0")

        for entity in ["contacts", "deals", "leads"] {
            let export = try funnel(["export", entity, "--output", folder.file("a-\(entity).csv")], db: source, folder: folder)
            #expect(export.status == 0, "\(export.standardError)")
            #expect(export.standardError.contains("Exported"))
            var arguments = ["import", entity, folder.file("a-\(entity).csv"), "--strict"]
            if entity != "deals" { arguments.append("--keep-duplicates") }
            let imported = try funnel(arguments, db: target, folder: folder)
            #expect(imported.status == 0, "\(imported.standardOutput)\(imported.standardError)")
            #expect(imported.standardOutput.contains("bad rows:   0"), "\(imported.standardOutput)")
        }
        for entity in ["contacts", "deals", "leads"] {
            let again = try funnel(["export", entity], db: target, folder: folder)
            let first = try String(contentsOfFile: folder.file("a-\(entity).csv"), encoding: .utf8)
            #expect(again.standardOutput == first, "\(entity) differ after the round trip")
            #expect(first.split(separator: "\r\n").count > 100)
        }
        let mode = try FileManager.default.attributesOfItem(atPath: folder.file("a-leads.csv"))[.posixPermissions] as? Int
        #expect(mode == 0o600)
    }

    @Test func jsonExportsAreArraysOfObjectsAndNeedThePermission() throws {
        let folder = try TemporaryFolder()
        let db = folder.file("demo.sqlite")
        let demo = try BuiltFunnel.run(["demo", "--db", db, "--leads", "500", "--no-open"], folder: folder)
        try #require(demo.status == 0, "\(demo.standardError)")
        for entity in ["leads", "contacts", "deals", "content"] {
            let result = try funnel(["export", entity, "--format", "json"], db: db, folder: folder)
            #expect(result.status == 0, "\(result.standardError)")
            let rows = try JSONSerialization.jsonObject(with: Data(result.standardOutput.utf8)) as? [[String: Any]]
            let table = entity == "content" ? "content" : entity
            let count = try sqlite(db, "SELECT count(*) FROM \(table) WHERE org_id = (SELECT org_id FROM users WHERE email = '\(Self.manager)')")
            #expect(rows?.count == Int(count), "\(entity)")
        }
        let leads = try funnel(["export", "leads", "--format", "json"], db: db, folder: folder)
        let first = try #require((try JSONSerialization.jsonObject(with: Data(leads.standardOutput.utf8)) as? [[String: Any]])?.first)
        #expect(first["score"] is NSNumber)
        #expect(Set(first.keys) == ["name", "email", "phone", "company", "source", "status", "status_reason", "score", "owner", "product", "created_at",
                                    "external_id"])
        let rep = try sqlite(db, "SELECT u.email FROM users u JOIN roles r ON r.id = u.role_id WHERE r.name = 'sales_rep' LIMIT 1")
        let refused = try funnel(["export", "leads"], db: db, user: rep, folder: folder)
        #expect(refused.status == 1)
        #expect(refused.standardError.contains("data.export"))
    }
}
