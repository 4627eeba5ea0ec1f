import ArgumentParser
import Foundation
import FunnelServices
import FunnelStore

/// `funnel demo`: builds the demo workspace, then opens it.
struct DemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Build a realistic demo workspace (replacing an earlier demo, never another file without --force) and open it.",
        discussion: """
            Three organizations, users in every role, leads with months of actions, deals in every
            stage, content across the calendar, campaigns, agents and workflow runs. The same --seed
            gives the same data. Default database: demo.sqlite beside the default database.
            """
    )

    @Option(name: .long, help: ArgumentHelp("The demo database file.", valueName: "path"))
    var db: String?

    @Option(name: .long, help: "How many leads (the other tables follow in proportion).")
    var leads: Int = 10_000

    @Option(name: .long, help: "How many deals (default: a tenth of the leads).")
    var deals: Int?

    @Option(name: .long, help: "How many content items (default: a twentieth of the leads).")
    var content: Int?

    @Option(name: .long, help: "The random seed.")
    var seed: UInt64 = 42

    @Flag(name: .long, help: "Only build the database; do not open Funnel.")
    var noOpen = false

    @Option(name: .long, help: "Print the report as a table or JSON.")
    var format: OutputFormat = .table

    @Flag(name: .long, help: "Replace the file at --db even when it is not a demo workspace.")
    var force = false

    func validate() throws {
        guard leads >= 0 else { throw ValidationError("--leads needs 0 or more") }
        if let deals, deals < 0 { throw ValidationError("--deals needs 0 or more") }
        if let content, content < 0 { throw ValidationError("--content needs 0 or more") }
    }

    /// The demo database path: --db, FUNNEL_DB, or demo.sqlite in Funnel's data folder.
    var path: String {
        if let db { return db }
        if let path = CommandContext.current.environment["FUNNEL_DB"], !path.isEmpty { return path }
        return CLIEnvironment.load().demoDatabasePath
    }

    func run() async throws {
        let path = self.path
        try refuseToReplace(path)
        let folder = (path as NSString).deletingLastPathComponent
        if !folder.isEmpty { try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700]) }
        let bar = ProgressBar(enabled: Prompt.canDrawProgress, unit: "leads")
        let report = try DemoWorkspaceBuilder(options: DemoOptions(leads: leads, seed: seed, deals: deals, content: content)).build(at: path) { progress in
            bar.update(phase: progress.phase, done: progress.leadsWritten, total: progress.leadsTotal)
        }
        bar.finish()
        printReport(report)
        if !noOpen {
            try await OpenCommand.openTUI(DatabaseChoice(db: path, user: report.managerEmail), theme: nil, mouse: nil)
        }
    }

    /// A demo may be replaced; any other file (a database made by `funnel init`, another
    /// program's, any file at all) only with --force.
    func refuseToReplace(_ path: String) throws {
        let what: String
        switch try AppDatabase.existingFile(at: path) {
        case .none:
            return
        case .funnel(let slugs) where DemoWorkspaceBuilder.isDemo(organizationSlugs: slugs):
            return
        case .funnel(let slugs):
            what = "a Funnel database that is not a demo (organizations: \(slugs.isEmpty ? "none" : slugs.joined(separator: ", ")))"
        case .empty:
            what = "an empty file"
        case .other(let reason):
            what = "a file that is not a demo: \(reason)"
        }
        guard !force else { return }
        throw CLIError("\(path) is \(what); the demo would replace it. Nothing was changed: choose another --db, or give --force to replace it.")
    }

    func printReport(_ report: DemoReport) {
        if format == .json {
            let object: [String: Any] = [
                "path": report.path, "seconds": report.seconds, "leads": report.leads, "lead_actions": report.leadActions,
                "leads_per_second": Int(report.leadsPerSecond), "rows_per_second": Int(report.rowsPerSecond),
                "organizations": report.organizations, "manager": report.managerEmail,
                "phases": report.phases.map { ["phase": $0.phase, "seconds": $0.seconds] },
                "tables": Dictionary(uniqueKeysWithValues: report.rowCounts.map { ($0.table, $0.rows) }),
            ]
            let data = (try? JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys])) ?? Data()
            print(String(decoding: data, as: UTF8.self))
            return
        }
        print("Demo workspace: \(report.path)")
        print("Organizations: \(report.organizations.joined(separator: ", "))")
        print(TextTable(header: ["table", "rows"], rows: report.rowCounts.map { [$0.table, NumberText.grouped($0.rows)] }).rendered)
        let seconds = String(format: "%.2f", report.seconds)
        print("Built in \(seconds) s: \(NumberText.grouped(Int(report.leadsPerSecond))) leads/s with their actions, \(NumberText.grouped(Int(report.rowsPerSecond))) rows/s in all.")
        print("Phases: " + report.phases.map { "\($0.phase) \(String(format: "%.2f", $0.seconds)) s" }.joined(separator: ", "))
        print("Sign in as \(report.managerEmail) (manager), or any user of `funnel users list --db \(report.path) --user \(report.managerEmail)`.")
    }
}
