import Foundation
import FunnelTestSupport
import Testing

/// The `funnel` binary, run as a script would run it.
@Suite struct CommandLineTests {
    let funnel = Repository.funnelBinary

    func run(_ arguments: [String], input: String? = nil, folder: TemporaryFolder) throws -> ProcessResult {
        try BuiltFunnel.run(arguments, input: input, folder: folder)
    }

    @Test func initCreatesTheFifteenTablesAndTheAdministrator() throws {
        let folder = try TemporaryFolder()
        let db = folder.file("new.sqlite")
        let result = try run(["init", "--db", db, "--org", "Acme Café", "--admin", "Boss@Acme.example", "--password-stdin"],
                             input: "a long enough secret\n", folder: folder)
        #expect(result.status == 0, "\(result.standardError)")
        #expect(result.standardOutput.contains("Created Acme Café (acme-cafe)"))
        let tables = try ProcessRunner.run("/usr/bin/sqlite3", [db, "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name"])
        for table in ["organizations", "users", "roles", "products", "content", "leads", "social_posts", "email_campaigns",
                      "lead_actions", "ai_agents", "workflows", "workflow_runs", "contacts", "deals", "activities"] {
            #expect(tables.standardOutput.split(separator: "\n").contains(Substring(table)), "\(table) missing")
        }
        let pragmas = try ProcessRunner.run("/usr/bin/sqlite3", [db, "PRAGMA journal_mode; PRAGMA user_version; SELECT email, substr(password_hash, 1, 10) FROM users"])
        #expect(pragmas.standardOutput == "wal\n9\nboss@acme.example|$argon2id$\n")

        // Sign-in is now required: without the password a command is refused, with it, it works.
        let refused = try run(["users", "list", "--db", db, "--user", "boss@acme.example"], folder: folder)
        #expect(refused.status == 1)
        #expect(refused.standardError.contains("requires sign-in"))
        let listed = try run(["users", "list", "--db", db, "--user", "boss@acme.example", "--password-stdin", "--format", "json"],
                             input: "a long enough secret\n", folder: folder)
        #expect(listed.status == 0, "\(listed.standardError)")
        #expect(listed.standardOutput.contains(#""role" : "admin""#))
    }

    @Test func initWithoutATerminalNamesTheMissingFlags() throws {
        let folder = try TemporaryFolder()
        let result = try run(["init", "--db", folder.file("x.sqlite")], input: "", folder: folder)
        #expect(result.status == 1)
        #expect(result.standardError.contains("init needs --org NAME"))
    }

    @Test func demoReportsItsSpeedAndDoctorFindsItHealthy() throws {
        let folder = try TemporaryFolder()
        let db = folder.file("demo.sqlite")
        let demo = try run(["demo", "--db", db, "--leads", "2000", "--no-open", "--format", "json"], folder: folder)
        #expect(demo.status == 0, "\(demo.standardError)")
        let report = try JSONSerialization.jsonObject(with: Data(demo.standardOutput.utf8)) as? [String: Any]
        #expect(report?["leads"] as? Int == 2000)
        #expect((report?["leads_per_second"] as? Int ?? 0) > 0)
        let doctor = try run(["doctor", "--db", db], folder: folder)
        #expect(doctor.status == 0, "\(doctor.standardOutput)\(doctor.standardError)")
        #expect(doctor.standardOutput.contains("Healthy."))
        #expect(!doctor.standardOutput.contains("SCAN leads\n"))
    }

    @Test func aMissingDatabaseIsNamed() throws {
        let folder = try TemporaryFolder()
        let result = try run(["users", "list", "--db", folder.file("nope.sqlite")], folder: folder)
        #expect(result.status == 1)
        #expect(result.standardError.contains("no database at"))
        #expect(!FileManager.default.fileExists(atPath: folder.file("nope.sqlite")))
    }

    @Test func versionAndCompletions() throws {
        let folder = try TemporaryFolder()
        #expect(try run(["--version"], folder: folder).standardOutput.hasPrefix("0."))
        let completion = try run(["--generate-completion-script", "bash"], folder: folder)
        #expect(completion.standardOutput.contains("_funnel"))
    }
}

/// The README's key table is the one the key registry generates.
@Suite struct ReadmeTests {
    @Test func theKeyTableIsGeneratedFromTheRegistry() throws {
        let folder = try TemporaryFolder()
        let generated = try ProcessRunner.run(Repository.funnelBinary, ["keys"], environment: ["XDG_CONFIG_HOME": folder.path])
        let readme = try String(contentsOfFile: Repository.root + "/README.md", encoding: .utf8)
        guard let start = readme.range(of: "<!-- keys:start -->\n"), let end = readme.range(of: "<!-- keys:end -->") else {
            Issue.record("README.md has no keys block")
            return
        }
        let trimmed = { (text: String) in text.trimmingCharacters(in: .whitespacesAndNewlines) }
        #expect(trimmed(String(readme[start.upperBound..<end.lowerBound])) == trimmed(generated.standardOutput),
                "README.md's key table is out of date: paste the output of `funnel keys` between the markers")
    }
}
