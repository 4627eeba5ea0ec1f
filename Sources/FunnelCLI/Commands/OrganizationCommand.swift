import ArgumentParser
import Foundation
import FunnelServices
import FunnelStore

/// `funnel org`: the signed-in user's organization and its settings.
struct OrganizationCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "org",
        abstract: "The organization's scoring settings (show them, or change them and rescore).",
        subcommands: [Scoring.self]
    )

    struct Scoring: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show the scoring model, or set it with --set JSON (administrators; every lead is rescored).",
            discussion: #"Example: funnel org scoring --set '{"half_life_days": 14, "source_points": {"event": 20}}'"#)
        @OptionGroup var database: DatabaseOptions
        @Option(help: "The new scoring settings as a JSON object (docs/scoring.md).") var set: String?

        func run() throws {
            let (db, session) = try database.choice.signIn()
            if let set {
                let bar = ProgressBar(enabled: Prompt.canDrawProgress, unit: "leads")
                let (_, result) = try ScoringSettingsService(database: db).update(json: set, in: session) { done, total in
                    bar.update(phase: "rescoring", done: done, total: total)
                    return true
                }
                bar.finish()
                print("Scoring settings saved; \(result.leadsScanned) leads rescored, \(result.scoresChanged) scores changed.")
                return
            }
            let model = ScoringService(database: db).model(for: session)
            print("Half-life: \(model.halfLifeDays) days; fit cap \(model.fitCap); engagement cap \(model.engagementCap)")
            print("Grades: A >= \(model.gradeThresholds.a), B >= \(model.gradeThresholds.b), C >= \(model.gradeThresholds.c)")
            print("Sources: " + LeadSource.allCases.map { "\($0.rawValue) \(model.sourcePoints[$0] ?? 0)" }.joined(separator: ", "))
            print("Actions: " + LeadActionType.allCases.map { "\($0.rawValue) \(model.actionPoints[$0] ?? 0)" }.joined(separator: ", "))
            print("Email: business \(model.businessEmailPoints), free-mail \(model.freeEmailPoints); phone \(model.phonePoints); company \(model.companyPoints); product \(model.productPoints)")
        }
    }
}
