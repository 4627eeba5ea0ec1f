import Foundation
import FunnelServices
import FunnelStore
import FunnelTestSupport
@testable import FunnelViewModels
import Testing

/// The scoring view (issue 15, item 5) on a real SQLite file with 1,500 leads whose outcomes come
/// from known weights: the model in force, learning off the main thread with progress, the yes/no
/// before a model is used, stopping, switching versions and back to the rules, and who may.
@MainActor
@Suite struct ScoringViewModelTests {
    let folder: TemporaryFolder
    let workspace: TestWorkspace

    init() throws {
        folder = try TemporaryFolder()
        workspace = try TestWorkspace.make(database: try AppDatabase.open(path: folder.file("scoring.sqlite")))
        try ScoringOutcomesFixture.write(count: 1_500, into: workspace)
    }

    func model(_ session: Session? = nil) -> ScoringViewModel {
        ScoringViewModel(database: workspace.database, session: session ?? workspace.admin, clock: { TestWorkspace.now })
    }

    var service: ScoringService { ScoringService(database: workspace.database, clock: { TestWorkspace.now }) }

    /// The organization's activities' actions, oldest first.
    func activities() throws -> [Activity] {
        try workspace.database.snapshot {
            try $0.activities(orgId: workspace.admin.orgId, entityType: .organization, entityId: workspace.admin.orgId)
        }
    }

    /// Learns from the view and waits for the question.
    func learn(_ model: ScoringViewModel) async throws -> Int {
        model.learn()
        #expect(model.stage == .learning)
        await model.task?.value
        guard case .confirmingLearned(let version) = model.stage else {
            Issue.record("no model learned: \(model.stage), \(model.message ?? "")")
            throw CancellationError()
        }
        return version
    }

    @Test func theViewShowsTheRulesWhenNoModelIsLearned() throws {
        let model = model()
        #expect(model.inForce == nil)
        #expect(model.inForceText == "The rules")
        #expect(model.entries.map(\.version) == [nil])
        let details = model.details
        #expect(details.title == "The rules" && details.isInForce && details.model == nil)
        #expect(details.factors.first == ScoringFactor(label: "Source: referral", points: 15, oddsRatio: nil))
        #expect(details.factors.contains(ScoringFactor(label: "demo request, each (halving every 30 days)", points: 20, oddsRatio: nil)))
        #expect(details.factors.contains(ScoringFactor(label: "unsubscribe, each (halving every 30 days)", points: -15, oddsRatio: nil)))
        #expect(details.summary.contains { $0.hasPrefix("Fit (who the lead is) capped at 40, engagement (what the lead did) at 60") })
        #expect(details.summary.contains { $0.hasPrefix("No model learned yet") && $0.contains("at least 1,000") })
        #expect(details.calibration.isEmpty)
        #expect(model.canAdminister)
    }

    @Test func learningReportsItsProgressAndShowsTheReport() async throws {
        let steps = Steps()
        let model = model()
        model.onLearningStep = { steps.append($0) }
        let version = try await learn(model)
        #expect(version == 1)
        // Progress came from the learning thread: the leads read, then each fold and the final fit.
        let seen = steps.all
        #expect(seen.contains { if case .reading = $0 { return true } else { return false } })
        #expect(seen.contains(.fitting(fold: 1, of: 6)) && seen.contains(.fitting(fold: 6, of: 6)), "\(seen.suffix(3))")
        let report = try #require(model.report)
        #expect(report.version == 1 && !report.applied)
        #expect(model.message == "Learned model v1 from 1,500 outcomes: CV AUC \(String(format: "%.3f", report.model.cvAUC)) against the rules' "
                + String(format: "%.3f", report.model.rulesCvAUC ?? 0))
        #expect(model.question == "Score every lead with learned model v1 now, instead of the rules? It ranks at CV AUC "
                + String(format: "%.3f, the rules at %.3f", report.model.cvAUC, report.model.rulesCvAUC ?? 0)
                + " on the same leads. (an activity; the rules stay the fallback)")
        // The new version is listed and shown; the rules still score until the answer.
        #expect(model.entries.map(\.version) == [1, nil])
        #expect(model.selectedEntry.version == 1)
        #expect(model.inForce == nil)
        let details = model.details
        #expect(details.title == "Learned model v1" && !details.isInForce)
        #expect(details.summary.first?.hasPrefix("Learned from 1,500 outcomes (") == true)
        #expect(details.summary.first?.hasSuffix("converted, \(String(format: "%.1f", 100 * report.model.baseRate))%; against lost or unqualified) on 10 Feb 2026 09:30 UTC") == true,
                "\(details.summary)")
        #expect(details.summary.contains { $0.hasPrefix("CV AUC ") && $0.contains(" against the rules' ") && $0.contains("(5-fold cross-validation)") })
        #expect(details.summary.contains { $0.contains("not used (no scoring feature): call_minutes") })
        #expect(details.calibration.count == 10)
        // Its factors with their points: gold, the strongest tier, adds points; bronze takes some away.
        let gold = try #require(details.factors.first { $0.label == "tier = gold" })
        let bronze = try #require(details.factors.first { $0.label == "tier = bronze" })
        #expect(gold.points > 5 && bronze.points < 0, "gold \(gold.points), bronze \(bronze.points)")
        #expect(details.factors.contains { $0.label == "1 × demo request today" && $0.points > 0 })
        #expect(zip(details.factors, details.factors.dropFirst()).allSatisfy { abs($0.points) >= abs($1.points) }, "strongest first")
        #expect(try service.scorer(for: workspace.admin).learned == nil)
    }

    @Test func confirmingUsesTheModelAsAnActivityAndTheLeadsPaneScoresWithIt() async throws {
        let triage = LeadTriageViewModel(database: workspace.database, session: workspace.admin)
        #expect(triage.scorer.learned == nil)
        let model = model()
        var switched = 0
        model.onSwitched = { switched += 1 }
        let version = try await learn(model)
        model.confirm()
        #expect(model.stage == .switching(version: version))
        await model.task?.value
        #expect(model.stage == .browsing)
        #expect(model.inForce == 1)
        #expect(model.message?.hasPrefix("Scoring with learned model v1; 1,501 leads rescored, ") == true, "\(model.message ?? "")")
        #expect(model.inForceText.hasPrefix("Model v1: learned on 1,500 outcomes on 10 Feb 2026"))
        #expect(model.details.isInForce)
        #expect(switched == 1)
        #expect(try service.scorer(for: workspace.admin).learned?.version == 1)
        let actions = try activities().map(\.action)
        #expect(actions.filter { $0 == "scoring_model_learned" }.count == 1)
        #expect(actions.filter { $0 == "scoring_model_applied" }.count == 1)
        let applied = try #require(try activities().first { $0.action == "scoring_model_applied" })
        #expect(applied.userId == workspace.admin.userId)
        // The Leads pane, reloaded, scores and grades with the learned model.
        triage.reload()
        #expect(triage.scorer.learned?.version == 1)
        let lead = try #require(workspace.database.snapshot { try $0.leads(orgId: workspace.admin.orgId, filter: LeadFilter(), limit: 1) }.first)
        let explanation = try service.explanation(leadId: try #require(lead.lead.id), in: workspace.admin)
        #expect(explanation.origin?.hasPrefix("Model v1: learned") == true)
        #expect(explanation.score == lead.lead.score)
    }

    @Test func decliningLeavesTheRulesAndKeepsTheVersion() async throws {
        let model = model()
        var switched = 0
        model.onSwitched = { switched += 1 }
        let version = try await learn(model)
        model.decline()
        #expect(model.stage == .browsing)
        #expect(model.message == "Model v\(version) stored, not in force: still scoring with the rules")
        #expect(model.inForce == nil)
        #expect(model.entries.map(\.version) == [1, nil])
        #expect(switched == 0)
        #expect(try service.scorer(for: workspace.admin).learned == nil)
        let actions = try activities().map(\.action)
        #expect(actions.contains("scoring_model_learned") && !actions.contains("scoring_model_applied"), "\(actions)")
    }

    @Test func escDuringLearningStopsItAndStoresNothing() async throws {
        let model = model()
        let (reached, arrived) = AsyncStream<Void>.makeStream()
        let gate = DispatchSemaphore(value: 0)
        let held = Steps()
        model.onLearningStep = { step in
            // Hold the learning thread at the first fold until the view was told to stop.
            guard step == .fitting(fold: 1, of: 6), held.all.isEmpty else { return }
            held.append(step)
            arrived.yield()
            // Signalled by the test right after it stopped the view; the bound only keeps a failing test from hanging.
            _ = gate.wait(timeout: .now() + 600)
        }
        model.learn()
        for await _ in reached { break }
        #expect(model.stage == .learning)
        // The screen's tick polls the progress: where learning is, in words.
        #expect(model.refreshProgress())
        #expect(model.learningProgressText.text == "Cross-validating: fold 1 of 5")
        #expect(model.learningProgressText.fraction == 0.2)
        #expect(!model.refreshProgress(), "nothing moved since")
        model.stop()
        #expect(model.stage == .browsing)
        #expect(model.message == "Stopped learning: nothing was stored")
        gate.signal()
        await model.task?.value
        // The run ended on its next step, and its end changed nothing on screen.
        #expect(model.stage == .browsing)
        #expect(model.message == "Stopped learning: nothing was stored")
        #expect(model.report == nil)
        #expect(try service.models(in: workspace.admin).isEmpty)
        #expect(try !activities().map(\.action).contains("scoring_model_learned"))
        #expect(model.entries.map(\.version) == [nil])
    }

    @Test func aManagerSeesTheViewButIsRefusedLearningAndSwitchingWithAMessage() async throws {
        _ = try service.learn(apply: true, in: workspace.admin)
        let model = model(workspace.manager)
        #expect(!model.canAdminister)
        #expect(model.inForce == 1)
        #expect(model.selectedEntry.version == 1, "opens on the model in force")
        #expect(model.details.factors.count > 5)
        model.learn()
        #expect(model.stage == .browsing)
        #expect(model.message == "Learn a new model from the outcomes needs the admin permission: manager@acme.test (manager) does not have it")
        model.askToUseRules()
        #expect(model.stage == .browsing)
        #expect(model.message == "Go back to the rules needs the admin permission: manager@acme.test (manager) does not have it")
        #expect(try service.models(in: workspace.admin).count == 1)
        #expect(try service.scorer(for: workspace.admin).learned?.version == 1)
    }

    @Test func switchingBetweenVersionsAndBackToTheRules() async throws {
        _ = try service.learn(in: workspace.admin)
        var options = ScoreLearningOptions()
        options.penalty = 0.1
        _ = try service.learn(options, in: workspace.admin)
        let model = model()
        #expect(model.entries.map(\.version) == [2, 1, nil])
        #expect(model.selectedEntry.version == nil, "opens on the rules, in force")
        // The rules, measured on the outcomes the newest model learned from.
        #expect(model.details.summary.contains { $0.hasPrefix("CV AUC ") && $0.contains("on the 1,500 outcomes v2 learned from") })
        model.move(by: -1)
        #expect(model.selectedEntry.version == 1)
        #expect(model.details.title == "Learned model v1")
        model.askToUseSelected()
        #expect(model.stage == .confirmingSwitch(version: 1))
        #expect(model.question == "Score every lead with learned model v1 now, instead of the rules? (an activity)")
        model.confirm()
        await model.task?.value
        #expect(model.inForce == 1)
        #expect(model.message?.hasPrefix("Scoring with learned model v1; 1,501 leads rescored") == true)
        model.askToUseSelected()
        #expect(model.message == "Already scoring with learned model v1")
        #expect(model.stage == .browsing)

        model.move(by: -1)
        model.askToUseSelected()
        model.decline()
        #expect(model.message == "Not switched to learned model v2: still scoring with learned model v1")
        model.askToUseSelected()
        model.confirm()
        await model.task?.value
        #expect(model.inForce == 2)
        #expect(try service.scorer(for: workspace.admin).learned?.version == 2)

        model.askToUseRules()
        #expect(model.question == "Score every lead with the rules now, instead of learned model v2? (an activity)")
        model.confirm()
        await model.task?.value
        #expect(model.inForce == nil)
        #expect(model.inForceText == "The rules")
        #expect(model.selectedEntry.version == nil)
        #expect(model.message?.hasPrefix("Scoring with the rules; 1,501 leads rescored") == true)
        #expect(try service.scorer(for: workspace.admin).learned == nil)
        let actions = try activities().map(\.action)
        #expect(actions.filter { $0 == "scoring_model_applied" }.count == 2)
        #expect(actions.filter { $0 == "scoring_rules_used" }.count == 1)
    }
}

/// Steps of learning, collected from the learning thread.
final class Steps: @unchecked Sendable {
    private let lock = NSLock()
    private var steps: [ScoreLearningProgress] = []

    func append(_ step: ScoreLearningProgress) { lock.withLock { steps.append(step) } }
    var all: [ScoreLearningProgress] { lock.withLock { steps } }
}
