import Foundation
import FunnelTestSupport
import Testing

/// `funnel score learn`, `use`, `models` on real data: the first 6,000 people of the UCI bank
/// marketing file (`../shared/data/bank-marketing`), imported by the repository's map as
/// `examples/bank-marketing.sh` does, into a fresh `funnel init` database.
@Suite struct ScoreCommandTests {
    static let admin = "admin@bank.test"

    static func bankFile(_ file: String = #filePath) throws -> String {
        var url = URL(fileURLWithPath: file).deletingLastPathComponent()
        while !FileManager.default.fileExists(atPath: url.appendingPathComponent("Package.swift").path) {
            try #require(url.path != "/", "no Package.swift above \(file)")
            url.deleteLastPathComponent()
        }
        let path = url.deletingLastPathComponent().appendingPathComponent("shared/data/bank-marketing/bank-full.csv").standardizedFileURL.path
        try #require(FileManager.default.fileExists(atPath: path), "The bank marketing data is missing: expected \(path)")
        return path
    }

    static func mapFile(_ file: String = #filePath) throws -> String {
        var url = URL(fileURLWithPath: file).deletingLastPathComponent()
        while !FileManager.default.fileExists(atPath: url.appendingPathComponent("Package.swift").path) { url.deleteLastPathComponent() }
        return url.appendingPathComponent("examples/bank-marketing.map").path
    }

    /// A database holding the first `rows` people (the file's rows are in time order: its first
    /// months, with fewer conversions than the whole).
    static func bankDatabase(_ folder: TemporaryFolder, rows: Int) throws -> String {
        let db = folder.file("bank.sqlite")
        let created = try BuiltFunnel.run(["init", "--db", db, "--org", "Bank", "--admin", admin], folder: folder)
        try #require(created.status == 0, "funnel init failed: \(created.standardError)")
        // Every 7th person of the file, so that the slice spans its months and outcomes.
        let lines = try String(contentsOfFile: bankFile(), encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: true)
        let slice = [lines[0]] + lines.dropFirst().enumerated().filter { $0.offset % 7 == 0 }.prefix(rows).map(\.element)
        let csv = folder.file("bank-slice.csv")
        try (slice.joined(separator: "\n") + "\n").write(toFile: csv, atomically: true, encoding: .utf8)
        let imported = try BuiltFunnel.run(["import", "leads", csv, "--key", "@line", "--map", mapFile(), "--db", db, "--user", admin], folder: folder)
        try #require(imported.status == 0, "import failed: \(imported.standardError)\(imported.standardOutput)")
        return db
    }

    @Test func learnUseAndModelsOnRealBankData() throws {
        let folder = try TemporaryFolder()
        let db = try Self.bankDatabase(folder, rows: 6_000)
        func funnel(_ arguments: [String]) throws -> ProcessResult {
            try BuiltFunnel.run(arguments + ["--db", db, "--user", Self.admin], folder: folder)
        }
        let learned = try funnel(["score", "learn", "--format", "json"])
        try #require(learned.status == 0, "\(learned.standardError)")
        let report = try #require(try JSONSerialization.jsonObject(with: Data(learned.standardOutput.utf8)) as? [String: Any])
        for key in ["cv_auc", "rules_cv_auc", "outcomes", "converted", "features", "calibration", "factors"] {
            #expect(report[key] != nil, "no \(key) in \(report.keys.sorted())")
        }
        #expect(report["outcomes"] as? Int == 6_000)
        let auc = try #require(report["cv_auc"] as? Double)
        #expect(auc > 0.70, "a model on 6,000 real outcomes ranks them: CV AUC \(auc)")
        #expect((report["rules_cv_auc"] as? Double).map { abs($0 - 0.5) < 0.01 } == true, "every lead has the rules' same score")
        let features = try #require(report["features"] as? [String])
        #expect(features.contains("poutcome = success") && !features.contains { $0.hasPrefix("duration") }, "\(features)")
        #expect(report["excluded_attributes"] as? [String] == ["duration"])
        #expect(report["applied"] as? Bool == false)
        #expect(report["ranking_warning"] is NSNull, "a model well above chance and the rules is not warned about")

        var models = try funnel(["score", "models"])
        #expect(models.standardOutput.contains("In force: the rules.") && models.standardOutput.contains("v1 "), "\(models.standardOutput)")
        let used = try funnel(["score", "use", "1"])
        #expect(used.status == 0 && used.standardOutput.contains("Scoring with learned model v1; 6000 leads rescored"), "\(used.standardOutput)\(used.standardError)")
        models = try funnel(["score", "models", "--format", "json"])
        #expect(models.standardOutput.contains("\"in_force\" : true"), "\(models.standardOutput)")
        let shown = try funnel(["leads", "show", "1"])
        #expect(shown.standardOutput.contains("Score: Model v1: learned on 6,000 outcomes on"), "\(shown.standardOutput)")
        #expect(shown.standardOutput.contains("Typical lead"))
        // Back to the rules; a version that does not exist is refused with the ones that do.
        let missing = try funnel(["score", "use", "v7"])
        #expect(missing.status == 1 && missing.standardError.contains("no model v7 in this organization (it has v1)"), "\(missing.standardError)")
        let rules = try funnel(["score", "use", "rules"])
        #expect(rules.status == 0 && rules.standardOutput.contains("Scoring with the rules"), "\(rules.standardOutput)")
        #expect(try funnel(["leads", "show", "1"]).standardOutput.contains("Score: the rules"))
        // A status that is not one is refused before anything runs.
        let bad = try funnel(["score", "learn", "--converted", "won"])
        #expect(bad.status != 0 && bad.standardError.contains("\"won\" is not a lead status"), "\(bad.standardError)")
    }

    /// The demo's outcomes are drawn at random: a model learned on them ranks them no better than
    /// chance, and says so before anyone uses it.
    @Test func aModelThatRanksLikeChanceIsWarnedAbout() throws {
        let folder = try TemporaryFolder()
        let db = folder.file("demo.sqlite")
        let demo = try BuiltFunnel.run(["demo", "--db", db, "--leads", "5000", "--no-open"], folder: folder)
        try #require(demo.status == 0, "\(demo.standardError)")
        let learned = try BuiltFunnel.run(["score", "learn", "--db", db, "--user", "admin@northwind.example"], folder: folder)
        try #require(learned.status == 0, "\(learned.standardError)")
        #expect(learned.standardOutput.contains("Warning: It ranks about as well as chance (CV AUC 0."), "\(learned.standardOutput)")
        #expect(learned.standardOutput.contains("Stored as v1, not in force"))
    }
}
