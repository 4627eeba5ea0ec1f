import Foundation
import FunnelTestSupport
import Testing

/// The team mode in tmux against the real binary and a real PostgreSQL server: the demo moved in
/// with `funnel migrate`, each user signed in as their own login role, a rep's change seen in a
/// manager's open pane through LISTEN/NOTIFY, a stale undo refused, and a server restart survived.
@Suite(.serialized) struct TeamModeEndToEndTests {
    static let password = "team-mode-password"

    /// A database of the sandbox server holding the 2,000-lead demo, with logins for `users`.
    struct Workspace {
        let demo: DemoDatabaseFile
        let admin: String
        let database: String

        init(name: String, users: [String], adminURL: String? = nil) throws {
            demo = DemoDatabaseFile(leads: 2_000, name: "\(name).sqlite")
            let server = try adminURL ?? PostgresSandbox.adminURL()
            database = "team_\(name)"
            let dropped = try PostgresSandbox.psql(server, "DROP DATABASE IF EXISTS \(database) WITH (FORCE);\nCREATE DATABASE \(database);")
            try #require(dropped.status == 0, "\(dropped.standardError)")
            admin = PostgresSandbox.url(server, database: database)
            for user in users {
                // Logins are the server's (not the database's): an earlier run's go first.
                _ = try PostgresSandbox.psql(server, "DROP ROLE IF EXISTS \"\(user)\";", stopOnError: false)
            }
            let migrated = try ProcessRunner.run(Repository.funnelBinary, ["migrate", demo.path, admin])
            try #require(migrated.status == 0, "\(migrated.standardError)")
            for user in users {
                let login = try ProcessRunner.run(Repository.funnelBinary, ["users", "passwd", user, "--new-password-stdin", "--db", admin, "--user", user],
                                                  input: TeamModeEndToEndTests.password + "\n")
                try #require(login.status == 0, "\(login.standardError)")
            }
        }

        /// The URL a user signs in with (their email is their login).
        func url(_ user: String) -> String {
            PostgresSandbox.url(admin, user: user.replacingOccurrences(of: "@", with: "%40"), password: TeamModeEndToEndTests.password)
        }

        func sql(_ query: String) throws -> String {
            try PostgresSandbox.psql(admin, query).standardOutput.trimmingCharacters(in: .whitespacesAndNewlines)
        }

        func start(_ user: String) throws -> TmuxSession {
            let session = try TmuxSession(
                command: "\(Repository.funnelBinary) --db '\(url(user))'; sleep 60", width: 200, height: 40,
                environment: ["TERM": "xterm-256color", "XDG_CONFIG_HOME": demo.folder.file("config"), "XDG_STATE_HOME": demo.folder.file("state"),
                              "TZ": "UTC"])
            try session.waitForSettled("the leads table") { $0.contains("[1 Leads") && $0.contains("Score") && $0.contains("? help") }
            return session
        }
    }

    /// The id on the selected row (the table's last column).
    static func selectedID(_ screen: String) throws -> Int64 {
        let row = try #require(screen.split(separator: "\n").first { $0.hasPrefix("›") })
        let cells = row.replacingOccurrences(of: "█", with: " ").replacingOccurrences(of: "│", with: " ").split(separator: " ")
        return try #require(cells.last.flatMap { Int64($0) }, "no id on the selected row: \(row)")
    }

    /// The screen's row of a lead (by its id in the last column).
    static func row(of id: Int64, in screen: String) -> String? {
        screen.split(separator: "\n").first { line in
            line.replacingOccurrences(of: "█", with: " ").replacingOccurrences(of: "│", with: " ").split(separator: " ").last == Substring(String(id))
        }.map(String.init)
    }

    @Test func aRepsChangeLandsAsTheirOwnAndShowsInTheManagersOpenPane() throws {
        let rep = "kwame.silva.2@northwind.example", manager = "manager@northwind.example"
        let workspace = try Workspace(name: "live", users: [rep, manager])
        let managers = try workspace.start(manager)
        let reps = try workspace.start(rep)
        #expect(try reps.screen().contains("Kwame Silva (sales_rep)"))

        // The rep's top lead, set to contacted in the rep's TUI.
        let screen = try reps.waitForSettled("the rep's leads") { $0.contains("lead 1/") }
        let id = try Self.selectedID(screen)
        let name = try workspace.sql("SELECT name FROM leads WHERE id = \(id)")
        try #require(Self.row(of: id, in: try managers.screen()) != nil, "the manager's first page shows #\(id)")
        let before = try workspace.sql("SELECT status FROM leads WHERE id = \(id)")
        let target = before == "contacted" ? "qualified" : "contacted"
        try reps.press("s")
        try reps.waitFor(text: "Set the status of #\(id) \(name)")
        try reps.type(String(target.prefix(4)))
        try reps.press("Enter")
        try reps.waitFor(text: "#\(id) \(name) set to \(target)")

        // On the server, in the rep's own name (the login the database checked).
        #expect(try workspace.sql("SELECT status FROM leads WHERE id = \(id)") == target)
        #expect(try workspace.sql("""
            SELECT users.email FROM activities JOIN users ON users.id = activities.user_id
            WHERE entity_type = 'lead' AND entity_id = \(id) AND action = 'status_changed' ORDER BY activities.id DESC LIMIT 1
            """) == rep)
        // The manager's open pane shows it without a key pressed (the store LISTENs).
        let seen = try managers.waitFor("the rep's change on the manager's screen", timeout: 5) { screen in
            Self.row(of: id, in: screen)?.contains(target) == true
        }
        #expect(Self.row(of: id, in: seen)?.contains(target) == true)
    }

    @Test func aStaleUndoIsRefusedNamingWhoChangedWhat() throws {
        let rep = "kwame.silva.2@northwind.example", manager = "manager@northwind.example"
        let workspace = try Workspace(name: "stale", users: [rep, manager])
        let reps = try workspace.start(rep)
        let screen = try reps.waitForSettled("the rep's leads") { $0.contains("lead 1/") }
        let id = try Self.selectedID(screen)
        let name = try workspace.sql("SELECT name FROM leads WHERE id = \(id)")
        let target = try workspace.sql("SELECT status FROM leads WHERE id = \(id)") == "contacted" ? "qualified" : "contacted"
        try reps.press("s")
        try reps.waitFor(text: "Set the status of #\(id) \(name)")
        try reps.type(String(target.prefix(4)))
        try reps.press("Enter")
        try reps.waitFor(text: "#\(id) \(name) set to \(target)")

        // The manager, from the command line, signed in to the server as themselves.
        let changed = try ProcessRunner.run(Repository.funnelBinary, ["leads", "status", "lost", "\(id)", "--reason", "went with a competitor",
                                                                        "--db", workspace.url(manager)])
        #expect(changed.status == 0, "\(changed.standardError)")
        try reps.press("u")
        let refused = try reps.waitFor(text: "not undone")
        #expect(refused.contains("#\(id) \(name) was set to lost by Amélie Ødegaard"), "\(refused)")
        #expect(try workspace.sql("SELECT status || '|' || status_reason FROM leads WHERE id = \(id)") == "lost|went with a competitor")
    }

    @Test func aServerRestartIsSaidTheScreenStaysAndTheNextChangeLands() throws {
        // A server of its own, stopped and started under the TUI.
        let folder = try TemporaryFolder()
        let script = Repository.root + "/scripts/postgres-sandbox.sh"
        let environment = "FUNNEL_PG_SANDBOX='\(folder.file("pg"))'"
        // The server it starts outlives the script: its output goes to a file, not to pipes this
        // process would wait on for the end.
        let output = folder.file("sandbox.out")
        func sandbox(_ verb: String) throws -> String {
            let result = try ProcessRunner.run("/bin/bash", ["-c", "\(environment) '\(script)' \(verb) > '\(output)' 2>&1 < /dev/null"],
                                               discardingOutput: true)
            let text = (try? String(contentsOfFile: output, encoding: .utf8)) ?? ""
            try #require(result.status == 0, "postgres-sandbox.sh \(verb): \(text)")
            return text.trimmingCharacters(in: .whitespacesAndNewlines)
        }
        let adminURL = try #require(try sandbox("start").split(separator: "\n").last(where: { $0.hasPrefix("postgres://") }).map(String.init))
        defer { _ = try? sandbox("destroy") }
        let manager = "manager@northwind.example"
        let workspace = try Workspace(name: "restart", users: [manager], adminURL: adminURL)
        let session = try workspace.start(manager)
        let first = try Self.selectedID(try session.screen())

        _ = try sandbox("stop")
        try session.press("a")
        let lost = try session.waitFor(text: "connection to the server was lost")
        #expect(Self.row(of: first, in: lost) != nil, "the screen stays: \(lost)")

        _ = try sandbox("start")
        try session.press("a")
        let assigned = try session.waitFor(text: "Assigned #\(first)")
        #expect(assigned.contains("to Amélie Ødegaard"), "\(assigned)")
        #expect(try workspace.sql("SELECT users.email FROM leads JOIN users ON users.id = leads.assigned_to WHERE leads.id = \(first)") == manager)
    }
}
