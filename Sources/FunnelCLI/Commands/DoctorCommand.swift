import ArgumentParser
import Foundation
import FunnelStore

/// `funnel doctor`: checks the database and the query plan of every pane query.
struct DoctorCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "doctor",
        abstract: "Check integrity, foreign keys, the schema version, and that every pane query uses an index.",
        discussion: "Exits with status 1 when something is wrong, so scripts and CI can rely on it."
    )

    @Option(name: .long, help: ArgumentHelp("The database file.", valueName: "path"))
    var db: String?

    @Option(name: .long, help: "table or json") var format: OutputFormat = .table

    func run() throws {
        var options = DatabaseChoice()
        options.db = db
        options.readOnly = true
        let diagnosis = try options.open().diagnose()
        if format == .json {
            let object: [String: Any] = [
                "path": diagnosis.path, "healthy": diagnosis.isHealthy, "integrity": diagnosis.integrity,
                "foreign_key_violations": diagnosis.foreignKeyViolations, "schema_version": diagnosis.schemaVersion,
                "migrations": diagnosis.migrations, "journal_mode": diagnosis.journalMode,
                "queries": diagnosis.plans.map { ["name": $0.name, "sql": $0.statement, "plan": $0.steps, "full_scans": $0.fullScans] },
            ]
            let data = (try? JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys])) ?? Data()
            print(String(decoding: data, as: UTF8.self))
        } else {
            print("Database:        \(diagnosis.path)")
            print("Integrity:       \(diagnosis.integrity.prefix(5).joined(separator: "; "))")
            print("Foreign keys:    \(diagnosis.foreignKeyViolations == 0 ? "ok" : "\(diagnosis.foreignKeyViolations) broken references")")
            print("Schema version:  \(diagnosis.schemaVersion) (\(diagnosis.migrations.joined(separator: ", ")))")
            print("Journal mode:    \(diagnosis.journalMode)")
            print("Pane queries (each statement the panes' reads ran on this file, explained):")
            for plan in diagnosis.plans {
                let verdict = plan.fullScans.isEmpty ? "ok  " : "SCAN"
                print("  \(verdict) \(plan.name.padding(toLength: 28, withPad: " ", startingAt: 0)) \(plan.steps.joined(separator: " | "))")
            }
            print(diagnosis.isHealthy ? "Healthy." : "Problems found.")
            if diagnosis.integrity != ["ok"] {
                print("The file is damaged: Funnel refuses to write to it. Go back to a backup with `funnel restore BACKUP --db \(diagnosis.path)`.")
            }
        }
        if !diagnosis.isHealthy { throw ExitCode(1) }
    }
}
