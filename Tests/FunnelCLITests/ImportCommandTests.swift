import Foundation
import FunnelTestSupport
import Testing

/// `funnel import maven-crm DIR` on a fresh `funnel init` database.
@Suite struct ImportCommandTests {
    /// The Maven CRM dataset: `shared/data/maven-crm` in the repository root's parent folder.
    static func dataFolder(_ file: String = #filePath) throws -> String {
        var url = URL(fileURLWithPath: file).deletingLastPathComponent()
        while !FileManager.default.fileExists(atPath: url.appendingPathComponent("Package.swift").path) {
            try #require(url.path != "/", "no Package.swift above \(file)")
            url.deleteLastPathComponent()
        }
        let folder = url.deletingLastPathComponent().appendingPathComponent("shared/data/maven-crm").standardizedFileURL.path
        try #require(FileManager.default.fileExists(atPath: folder + "/sales_pipeline.csv"),
                     "The Maven CRM dataset is missing: expected sales_pipeline.csv in \(folder) (the repository root's parent folder holds shared/data/maven-crm)")
        return folder
    }

    func freshDatabase(_ folder: TemporaryFolder, name: String = "maven.sqlite") throws -> String {
        let db = folder.file(name)
        let created = try BuiltFunnel.run(["init", "--db", db, "--org", "Maven Test", "--admin", "admin@maven.test"], folder: folder)
        try #require(created.status == 0, "funnel init failed: \(created.standardError)")
        return db
    }

    func sqlite(_ db: String, _ sql: String) throws -> String {
        try ProcessRunner.run("/usr/bin/sqlite3", [db, sql]).standardOutput.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    @Test func importReportsWhatItCorrectedAndWhatItLacked() throws {
        let data = try Self.dataFolder()
        let folder = try TemporaryFolder()
        let db = try freshDatabase(folder)
        let result = try BuiltFunnel.run(["import", "maven-crm", data, "--db", db, "--user", "admin@maven.test"], folder: folder)
        #expect(result.status == 0, "\(result.standardError)")
        let report = result.standardOutput
        #expect(report.contains("Imported the Maven CRM dataset"))
        #expect(report.contains("GTXPro -> GTX Pro: 1,480 rows"), "\(report)")
        #expect(report.contains("rows without account: 1,425"), "\(report)")
        #expect(report.contains("technolgy -> technology"), "\(report)")
        #expect(report.contains("deals:    8,800 created"), "\(report)")
        #expect(report.contains("skipped rows: none"), "\(report)")
        #expect(try sqlite(db, "SELECT count(*) FROM deals") == "8800")
        #expect(try sqlite(db, "SELECT count(*) FROM activities WHERE entity_type = 'import'") == "1")

        // The imported pipeline answers the deals commands.
        let won = try BuiltFunnel.run(["deals", "list", "--stage", "won", "--product", "GTXPro", "--limit", "3", "--format", "json",
                                       "--db", db, "--user", "admin@maven.test"], folder: folder)
        #expect(won.status == 0, "\(won.standardError)")
        #expect(won.standardOutput.contains("\"product\" : \"GTX Pro\""))

        // A sales rep may not import.
        let rep = try BuiltFunnel.run(["import", "maven-crm", data, "--db", db, "--user", "anna.snelling@maven-test.maven.example"], folder: folder)
        #expect(rep.status == 1)
        #expect(rep.standardError.contains("data.import"))
    }

    @Test func aDryRunWritesNothingAndAMissingFolderIsNamed() throws {
        let data = try Self.dataFolder()
        let folder = try TemporaryFolder()
        let db = try freshDatabase(folder)
        let dry = try BuiltFunnel.run(["import", "maven-crm", data, "--dry-run", "--db", db, "--user", "admin@maven.test"], folder: folder)
        #expect(dry.status == 0, "\(dry.standardError)")
        #expect(dry.standardOutput.contains("Dry run"))
        #expect(dry.standardOutput.contains("deals:    8,800 created"))
        #expect(try sqlite(db, "SELECT count(*) FROM deals") == "0")
        #expect(try sqlite(db, "SELECT count(*) FROM users") == "1")

        let missing = try BuiltFunnel.run(["import", "maven-crm", folder.file("nowhere"), "--db", db, "--user", "admin@maven.test"], folder: folder)
        #expect(missing.status == 1)
        #expect(missing.standardError.contains("is not a folder"))
    }
}
