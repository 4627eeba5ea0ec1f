import Foundation
import FunnelServices
import FunnelStore
import FunnelTestSupport
import FunnelViewModels
import Testing

/// One rule, two faces: the command line goes through the service methods the panes use, so it
/// allows, refuses and counts what the TUI does; a refused command writes nothing.
@Suite struct OneRuleTests {
    let folder: TemporaryFolder
    let database: String
    let leadId: Int64
    static let admin = "admin@acme.test", manager = "manager@acme.test", rep = "rep@acme.test", viewer = "viewer@acme.test"

    /// The test workspace (Acme's users in every role, one lead never scored) in a file, with deals
    /// closing around today: open ones five months and one month ago (overdue), this month, in two
    /// months and in seven; one won last month and one lost this month.
    init() throws {
        folder = try TemporaryFolder()
        database = folder.file("acme.sqlite")
        let workspace = try TestWorkspace.make(database: AppDatabase.open(path: database))
        leadId = try #require(workspace.acmeLead.id)
        let now = Date()
        let deals: [(String, Int, DealStage, Int64)] = [
            ("Long overdue", -5, .proposal, 400_000), ("Overdue", -1, .negotiation, 300_000), ("This month", 0, .qualification, 200_000),
            ("Soon", 2, .prospecting, 100_000), ("Later", 7, .proposal, 50_000), ("Won", -1, .won, 70_000), ("Lost", 0, .lost, 20_000),
        ]
        try workspace.database.transaction { tx in
            for (title, months, stage, value) in deals {
                var deal = Deal(orgId: workspace.admin.orgId, ownerId: workspace.salesRep.userId, title: title, value: value, stage: stage,
                                probability: stage == .won ? 100 : stage == .lost ? 0 : 40, closeDate: Self.day(monthsFromNow: months),
                                lostReason: stage == .lost ? .pricing : nil, stageChangedAt: now, createdAt: now, updatedAt: now)
                try tx.insert(&deal)
            }
        }
    }

    /// The 15th of the month `months` from this one (`YYYY-MM-DD`, in this time zone).
    static func day(monthsFromNow months: Int) -> String {
        let date = Calendar.current.date(byAdding: .month, value: months, to: Date()) ?? Date()
        let parts = Calendar.current.dateComponents([.year, .month], from: date)
        return String(format: "%04d-%02d-15", parts.year ?? 0, parts.month ?? 0)
    }

    func funnel(_ arguments: [String], user: String) throws -> ProcessResult {
        try BuiltFunnel.run(arguments + ["--db", database, "--user", user], folder: folder)
    }

    /// Checksums of the database file and its WAL, taken by another process: closing a descriptor
    /// of the file here would drop this process's SQLite locks on it.
    func checksums() throws -> String {
        try ProcessRunner.run("/usr/bin/sha256sum", [database, database + "-wal"]).standardOutput
    }

    /// Holds the database open in an sqlite3 process, and has Funnel make its WAL once: opening a
    /// pool with an empty or missing -wal file writes to it (GRDB), and the last connection to
    /// close checkpoints it into the file, so without this even a refused command changes them.
    func holdOpen() throws -> DatabaseHolder {
        let holder = try DatabaseHolder(path: database)
        let warm = try funnel(["leads", "list", "--limit", "1"], user: Self.admin)
        try #require(warm.status == 0, "\(warm.standardError)")
        return holder
    }

    func signIn(_ email: String) throws -> (AppDatabase, Session) {
        let db = try AppDatabase.open(path: database)
        return (db, try IdentityService(database: db).signIn(email: email, password: nil))
    }

    // MARK: - Assigning

    @MainActor @Test func aRepAssignsToATeammateFromTheCommandLineAsWithA() throws {
        // The Leads pane's `A` offers the rep every active user of Acme, the manager among them.
        let offered = try {
            let (db, session) = try signIn(Self.rep)
            return LeadTriageViewModel(database: db, session: session).assignableUsers().map(\.email)
        }()
        #expect(offered.contains(Self.manager) && offered.contains(Self.viewer))

        let byEmail = try funnel(["leads", "assign", "--to", Self.manager, "\(leadId)"], user: Self.rep)
        #expect(byEmail.status == 0, "\(byEmail.standardError)")
        #expect(byEmail.standardOutput.contains("Mia Manager"), "\(byEmail.standardOutput)")
        #expect(try owner() == "Mia Manager")
        // By name, as the picker shows it.
        let byName = try funnel(["leads", "assign", "--to", "vic viewer", "\(leadId)"], user: Self.rep)
        #expect(byName.status == 0, "\(byName.standardError)")
        #expect(try owner() == "Vic Viewer")
    }

    func owner() throws -> String? {
        let shown = try funnel(["leads", "show", "\(leadId)", "--format", "json"], user: Self.admin)
        try #require(shown.status == 0, "\(shown.standardError)")
        return (try JSONSerialization.jsonObject(with: Data(shown.standardOutput.utf8)) as? [String: Any])?["owner"] as? String
    }

    @Test func anAssignmentTheServiceRefusesWritesNothing() throws {
        let held = try holdOpen()
        defer { held.close() }
        let before = try checksums()
        let viewer = try funnel(["leads", "assign", "--to", Self.manager, "\(leadId)"], user: Self.viewer)
        #expect(viewer.status == 1)
        #expect(viewer.standardError.contains("needs the leads.assign permission"), "\(viewer.standardError)")
        let nobodyKnown = try funnel(["leads", "assign", "--to", "someone@else.test", "\(leadId)"], user: Self.rep)
        #expect(nobodyKnown.status == 1)
        #expect(nobodyKnown.standardError.contains("no active user of Acme Corp has the email or name someone@else.test"), "\(nobodyKnown.standardError)")
        #expect(try checksums() == before, "a refused assignment changed the database or its WAL")
    }

    // MARK: - Scoring

    @Test func scoringALeadNeedsLeadsEditLikeThePane() throws {
        let held = try holdOpen()
        defer { held.close() }
        let before = try checksums()
        let viewer = try funnel(["leads", "score", "\(leadId)"], user: Self.viewer)
        #expect(viewer.status == 1)
        #expect(viewer.standardError.contains("viewer@acme.test (viewer) may not do this: it needs the leads.edit permission"), "\(viewer.standardError)")
        #expect(try checksums() == before, "a refused rescore changed the database or its WAL")

        // Someone who may edit leads writes the score the detail explains.
        let rep = try funnel(["leads", "score", "\(leadId)"], user: Self.rep)
        #expect(rep.status == 0, "\(rep.standardError)")
        let (db, session) = try signIn(Self.viewer)
        let explained = try ScoringService(database: db).explanation(leadId: leadId, in: session).score
        #expect(explained > 0)
        #expect(rep.standardOutput.contains("Lead #\(leadId): score \(explained)"), "\(rep.standardOutput)")
        #expect(try LeadService(database: db).list(LeadFilter(), in: session).first { $0.id == leadId }?.lead.score == explained)
    }

    /// `funnel leads log` takes every action type and `--at`, through the service the pane's `l` calls.
    @Test func leadsLogTakesEveryActionTypeAtTheTimeItHappened() throws {
        let held = try holdOpen()
        defer { held.close() }
        let before = try checksums()
        let unknown = try funnel(["leads", "log", "\(leadId)", "--type", "tweet"], user: Self.rep)
        #expect(unknown.status != 0)
        #expect(unknown.standardError.contains("--type: \"tweet\" is not an action type: use one of email_sent, email_open, email_click, page_visit, "
                                               + "form_submit, content_download, webinar, demo_request, reply, call, meeting, note, unsubscribe, bounce"),
                "\(unknown.standardError)")
        let unreadable = try funnel(["leads", "log", "\(leadId)", "--type", "call", "--at", "3/14/2026"], user: Self.rep)
        #expect(unreadable.status != 0)
        #expect(unreadable.standardError.contains("--at: \"3/14/2026\" is not a date or time: use 2026-03-14, 2026-03-14 09:30 or 2026-03-14T09:30:00Z"),
                "\(unreadable.standardError)")
        let future = try funnel(["leads", "log", "\(leadId)", "--type", "call", "--at", "2999-01-01"], user: Self.rep)
        #expect(future.status == 1)
        #expect(future.standardError.contains("is in the future: an action is logged once it happened"), "\(future.standardError)")
        let viewer = try funnel(["leads", "log", "\(leadId)", "--type", "page_visit"], user: Self.viewer)
        #expect(viewer.status == 1 && viewer.standardError.contains("needs the leads.edit permission"), "\(viewer.standardError)")
        #expect(try checksums() == before, "a refused log changed the database or its WAL")

        let visit = try funnel(["leads", "log", "\(leadId)", "--type", "page_visit", "--at", "2026-01-31T09:30:00Z", "--note", "pricing"], user: Self.rep)
        #expect(visit.status == 0, "\(visit.standardError)")
        #expect(visit.standardOutput.hasPrefix("Logged a page visit on "), "\(visit.standardOutput)")
        let call = try funnel(["leads", "log", "\(leadId)", "--type", "call"], user: Self.rep)
        #expect(call.status == 0 && call.standardOutput.hasPrefix("Logged a call on "), "\(call.standardOutput)")

        let (db, session) = try signIn(Self.viewer)
        let actions = try db.snapshot { try $0.leadActions(leadId: leadId, orgId: session.orgId) }
        #expect(Set(actions.map(\.actionType)) == [.pageVisit, .call])
        let logged = try #require(actions.first { $0.actionType == .pageVisit })
        #expect(logged.createdAt == Date(timeIntervalSince1970: 1_769_851_800))  // 2026-01-31 09:30 UTC
        let lead = try #require(try LeadService(database: db).list(LeadFilter(), in: session).first { $0.id == leadId }?.lead)
        #expect(lead.lastActionAt == actions.first { $0.actionType == .call }?.createdAt)
        #expect(lead.score == (try ScoringService(database: db).explanation(leadId: leadId, in: session).score))
    }

    // MARK: - The forecast

    func forecastRows(_ arguments: [String]) throws -> [[String: Any]] {
        let result = try funnel(["deals", "forecast", "--format", "json"] + arguments, user: Self.manager)
        try #require(result.status == 0, "\(result.standardError)")
        return try #require(try JSONSerialization.jsonObject(with: Data(result.standardOutput.utf8)) as? [[String: Any]])
    }

    @MainActor @Test func theForecastCountsWhatThePaneCounts() throws {
        let (db, session) = try signIn(Self.manager)
        let model = PipelineViewModel(database: db, session: session)
        model.reload()
        model.toggleForecast()
        let pane = model.forecast
        try #require(!pane.isEmpty)
        let paneOpen = pane.reduce(0) { $0 + $1.openDeals }, paneValue = pane.reduce(Int64(0)) { $0 + $1.openValue }
        // Every open deal up to five months from now: the long overdue one too (before either face's first month).
        #expect(paneOpen == 4 && paneValue == 1_000_000, "\(pane)")

        // The command line's own months (this one and five more): the same open deals and value.
        let cli = try forecastRows([])
        let total = try #require(cli.last)
        #expect(total["month"] as? String == "total")
        #expect(total["open_deals"] as? Int == paneOpen)
        #expect(total["open_value_cents"] as? Int == Int(paneValue))
        #expect(cli.first?["month"] as? String == "overdue")
        #expect(cli.first?["open_deals"] as? Int == 2)

        // The pane's months: row for row the same figures.
        let same = try forecastRows(["--from", model.forecastStart, "--months", "\(PipelineViewModel.forecastMonths)"]).dropLast()
        #expect(same.map { $0["month"] as? String } == pane.map(\.month))
        for (row, month) in zip(same, pane) {
            #expect(row["open_deals"] as? Int == month.openDeals, "\(month.month)")
            #expect(row["open_value_cents"] as? Int == Int(month.openValue), "\(month.month)")
            #expect(row["weighted_value_cents"] as? Int == Int(month.weightedValue), "\(month.month)")
            #expect(row["won_value_cents"] as? Int == Int(month.wonValue), "\(month.month)")
            #expect(row["lost_value_cents"] as? Int == Int(month.lostValue), "\(month.month)")
        }
    }

    // MARK: - The config file

    func checkConfig(_ text: String) throws -> (ProcessResult, String) {
        let config = folder.file("config/funnel/config.toml")
        try FileManager.default.createDirectory(atPath: folder.file("config/funnel"), withIntermediateDirectories: true)
        try text.write(toFile: config, atomically: true, encoding: .utf8)
        return (try BuiltFunnel.run(["config", "check"], folder: folder), config)
    }

    @Test func configCheckNamesUnknownActionsAndAKeyBoundTwice() throws {
        let (result, file) = try checkConfig("theme = \"dark\"\n\n[keys]\n\"leads.nope\" = \"x\"\n\"leads.assign\" = \"n\"\n")
        #expect(result.status == 1)
        let output = result.standardOutput
        #expect(output.contains("\(file):4: keys: unknown action \"leads.nope\""), "\(output)")
        #expect(output.contains("\(file):5: keys.leads.assign: \"n\" is also bound to \"leads.new\" in scope leads"), "\(output)")

        // Two actions given the same key, and a key moved from one action to another (no clash).
        let (twice, _) = try checkConfig("[keys]\n\"pipeline.forecast\" = \"z\"\n\"pipeline.new\" = \"z\"\n")
        #expect(twice.status == 1)
        #expect(twice.standardOutput.contains("\"z\" is also bound to"), "\(twice.standardOutput)")
        #expect(twice.standardOutput.components(separatedBy: "also bound").count == 2, "one clash is reported once:\n\(twice.standardOutput)")
        let (moved, _) = try checkConfig("[keys]\n\"leads.new\" = \"N\"\n\"leads.assign\" = [\"n\", \"A\"]\n")
        #expect(moved.status == 0, "\(moved.standardOutput)")
        #expect(moved.standardOutput.contains(": ok"))
    }

    // MARK: - The Maven import

    @Test func theMavenImportCreatesUsersOnlyWithUsersManage() throws {
        let held = try holdOpen()
        defer { held.close() }
        let data = try ImportCommandTests.dataFolder()
        let before = try checksums()
        let refused = try funnel(["import", "maven-crm", data], user: Self.manager)
        #expect(refused.status == 1)
        let message = refused.standardError
        #expect(message.contains("manager@acme.test (manager) may not import this folder"), "\(message)")
        #expect(message.contains("create 41 users") && message.contains("Anna Snelling (sales_rep)") && message.contains("(manager)"), "\(message)")
        #expect(message.contains("needs the users.manage permission"), "\(message)")
        let dry = try funnel(["import", "maven-crm", data, "--dry-run"], user: Self.manager)
        #expect(dry.status == 1 && dry.standardError.contains("users.manage"), "a dry run answers the same: \(dry.standardError)")
        #expect(try checksums() == before, "a refused import changed the database or its WAL")

        // An administrator's import creates them, each with its `created` activity.
        let imported = try funnel(["import", "maven-crm", data], user: Self.admin)
        #expect(imported.status == 0, "\(imported.standardError)")
        let (db, session) = try signIn(Self.admin)
        let activities = try db.snapshot { try $0.recentActivities(orgId: session.orgId, limit: 5_000) }
        let created = activities.filter { $0.entityType == .user && $0.action == "created" && $0.metadata.contains("maven-crm") }
        #expect(created.count == 41)
        #expect(Set(created.map(\.entityId)).count == 41)
        #expect(created.allSatisfy { $0.userId == session.userId })

        // Once the users exist, a manager's import (which creates none) goes through.
        let again = try funnel(["import", "maven-crm", data], user: Self.manager)
        #expect(again.status == 0, "\(again.standardError)")
        #expect(again.standardOutput.contains("users:    0 created, 0 updated, 41 unchanged"), "\(again.standardOutput)")
    }
}

/// An sqlite3 process with the database open (idle in a `.shell sleep`, it keeps its shared lock),
/// spawned with its stdio on /dev/null and no other descriptor, so that it holds no test's pipe.
final class DatabaseHolder {
    private var pid: pid_t

    init(path: String) throws {
        try? FileManager.default.removeItem(atPath: path + "-shm")
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        for descriptor: Int32 in 0...2 {
            posix_spawn_file_actions_addopen(&actions, descriptor, "/dev/null", descriptor == 0 ? O_RDONLY : O_WRONLY, 0)
        }
        let open = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd")) ?? []
        for descriptor in open.compactMap(Int32.init) where descriptor > 2 {
            posix_spawn_file_actions_addclose(&actions, descriptor)
        }
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETPGROUP))
        posix_spawnattr_setpgroup(&attributes, 0)
        let arguments = ["/usr/bin/sqlite3", path, "SELECT count(*) FROM users;", ".shell sleep 600"]
        let argv = arguments.map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var spawned: pid_t = 0
        let code = posix_spawn(&spawned, arguments[0], &actions, &attributes, argv, environ)
        pid = code == 0 ? spawned : 0
        try #require(code == 0, "cannot start sqlite3: \(code)")
        // Open in WAL mode once its -shm file is there.
        let deadline = Date().addingTimeInterval(60)
        while !FileManager.default.fileExists(atPath: path + "-shm") && Date() < deadline { usleep(10_000) }
        try #require(FileManager.default.fileExists(atPath: path + "-shm"), "sqlite3 did not open \(path)")
    }

    func close() {
        guard pid > 0 else { return }
        kill(-pid, SIGKILL)
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        pid = 0
    }

    deinit { close() }
}
