import Foundation
import FunnelServices
import FunnelStore
import FunnelTestSupport
import Testing

/// Learning a score from outcomes (`ScoringService.learn`, `use`), on a real SQLite file with
/// leads generated from known weights.
@Suite struct ScoreLearningTests {
    /// `count` Acme leads with a tier, a trial flag, a number of demo requests a day old and an
    /// outcome drawn from known weights (`ScoringOutcomesFixture`); the workspace and each lead's true log-odds.
    static func workspace(count: Int, seed: UInt64 = 11, outcomes: Bool = true) throws -> (TestWorkspace, [Int64: Double]) {
        let workspace = try TestWorkspace.make()
        let logits = try ScoringOutcomesFixture.write(count: count, into: workspace, seed: seed, outcomes: outcomes)
        return (workspace, logits)
    }

    /// Every lead of the organization, by id.
    static func allLeads(_ reader: any StoreReading, orgId: Int64) throws -> [Lead] {
        try reader.leads(orgId: orgId, filter: LeadFilter(), limit: 100_000).map(\.lead).sorted { $0.id! < $1.id! }
    }

    static func weight(_ model: LearnedScoringModel, _ label: String) throws -> Double {
        try #require(model.features.first { $0.label == label }, "no feature \(label): \(model.features.map(\.label))").weight
    }

    @Test func aModelLearnedFromKnownWeightsRecoversThem() throws {
        let (workspace, logits) = try Self.workspace(count: 8_000)
        var options = ScoreLearningOptions()
        options.penalty = 100  // little penalty: the weights themselves are compared
        let service = ScoringService(database: workspace.database, clock: { TestWorkspace.now })
        let (_, report) = try service.learn(options, in: workspace.admin)
        let model = report.model
        #expect(model.outcomes == 8_000)
        // One-hot groups have no reference value: their differences are the weights drawn from.
        // 0.25 is about 4 standard errors of a difference at 8,000 leads (on other seeds they come
        // within 0.1; this seed's gold − bronze is 1.74).
        let gold = try Self.weight(model, "tier = gold"), silver = try Self.weight(model, "tier = silver"), bronze = try Self.weight(model, "tier = bronze")
        #expect(abs((gold - bronze) - 1.5) < 0.25, "gold − bronze \(gold - bronze)")
        #expect(abs((silver - bronze) - 0.5) < 0.25, "silver − bronze \(silver - bronze)")
        let trial = try Self.weight(model, "trial = yes") - Self.weight(model, "trial = no")
        #expect(abs(trial - 1.0) < 0.2, "trial \(trial)")
        let referral = try Self.weight(model, "Source: referral") - Self.weight(model, "Source: website")
        #expect(abs(referral - 0.7) < 0.2, "referral \(referral)")
        let demo = try Self.weight(model, "demo request actions (decayed count)")
        #expect(abs(demo - 0.9) < 0.25, "demo \(demo)")
        // The attribute marked as no scoring feature is not one; the others are.
        #expect(!model.features.contains { $0.group == "call_minutes" })
        #expect(report.excludedAttributes == ["call_minutes"])
        // The cross-validated AUC is about what the true weights reach on the same leads.
        let ids = logits.keys.sorted()
        let statuses = try workspace.database.snapshot { reader in
            try ids.map { try reader.require(Lead.self, id: $0, orgId: workspace.admin.orgId).status == .converted }
        }
        let trueAUC = try #require(Ranking.auc(scores: ids.map { logits[$0]! }, positive: statuses))
        #expect(abs(model.cvAUC - trueAUC) < 0.02, "CV AUC \(model.cvAUC) against the true weights' \(trueAUC)")
        #expect(report.foldAUCs.count == 5 && report.rulesFoldAUCs.count == 5)
        // Calibrated: each tenth's predicted rate is near its observed one.
        #expect(model.calibration.count == 10)
        for band in model.calibration { #expect(abs(band.predicted - band.observed) < 0.08, "\(band)") }
    }

    @Test func theExplanationAddsUpForEveryLeadOfALearnedModel() throws {
        let (workspace, _) = try Self.workspace(count: 1_500)
        let service = ScoringService(database: workspace.database, clock: { TestWorkspace.now })
        let (session, report) = try service.learn(apply: true, in: workspace.admin)
        #expect(report.applied && report.version == 1)
        #expect(try service.scorer(for: session).learned?.version == 1)
        let leads = try workspace.database.snapshot { try Self.allLeads($0, orgId: workspace.admin.orgId) }
        #expect(leads.count > 1_500)
        var grades = Set<LeadGrade>()
        for lead in leads {
            let explanation = try service.explanation(leadId: lead.id!, in: session)
            #expect(explanation.rules.map(\.points).reduce(0, +) == explanation.score, "#\(lead.id!)")
            #expect(explanation.rules.first?.group == .baseline)
            #expect(explanation.origin?.hasPrefix("Model v1: learned on 1,500 outcomes on") == true, "\(explanation.origin ?? "")")
            // The stored score (rescored when the model was applied) is the explained one.
            #expect(explanation.score == lead.score, "#\(lead.id!): stored \(lead.score), explained \(explanation.score)")
            grades.insert(explanation.grade)
        }
        #expect(grades.count >= 3, "grades \(grades)")
    }

    @Test func tooFewOutcomesIsRefusedWithTheCounts() throws {
        let (workspace, _) = try Self.workspace(count: 600)
        let service = ScoringService(database: workspace.database, clock: { TestWorkspace.now })
        do {
            _ = try service.learn(in: workspace.admin)
            Issue.record("learned from 600 outcomes")
        } catch let error as ServiceError {
            let text = error.description
            #expect(text.contains("600 leads with an outcome") && text.contains("at least 1,000"), "\(text)")
        }
        #expect(try service.models(in: workspace.admin).isEmpty)
        // Leads without an outcome are not outcomes.
        let (fresh, _) = try Self.workspace(count: 1_200, outcomes: false)
        #expect(throws: ServiceError.self) { try ScoringService(database: fresh.database).learn(in: fresh.admin) }
    }

    @Test func learningApplyingAndGoingBackToTheRulesAreActivitiesAndVersions() throws {
        let (workspace, _) = try Self.workspace(count: 1_200)
        let service = ScoringService(database: workspace.database, clock: { TestWorkspace.now })
        // Only administrators learn or switch.
        #expect(throws: ServiceError.self) { try service.learn(in: workspace.manager) }
        #expect(throws: ServiceError.self) { try service.use(version: nil, in: workspace.manager) }
        let rulesScores = try workspace.database.snapshot { try Self.allLeads($0, orgId: workspace.admin.orgId) }
        _ = try service.rescoreAll(in: workspace.admin)
        let rescoredByRules = try workspace.database.snapshot { try Self.allLeads($0, orgId: workspace.admin.orgId).map(\.score) }
        _ = try service.learn(in: workspace.admin)
        var options = ScoreLearningOptions()
        options.penalty = 0.1
        let (_, second) = try service.learn(options, in: workspace.admin)
        // A model that ranks well is not warned about; near chance, or below the rules, it is.
        #expect(second.model.rankingWarning == nil, "CV AUC \(second.model.cvAUC), rules \(second.model.rulesCvAUC ?? 0)")
        var chance = second.model
        chance.cvAUC = 0.52
        #expect(chance.rankingWarning?.hasPrefix("It ranks about as well as chance (CV AUC 0.520") == true)
        var worse = second.model
        (worse.cvAUC, worse.rulesCvAUC) = (0.61, 0.66)
        #expect(worse.rankingWarning == "It ranks worse than the rules on the same leads (CV AUC 0.610 against 0.660)")
        #expect(second.version == 2 && !second.applied)
        #expect(try service.models(in: workspace.admin).map(\.version) == [2, 1])
        #expect(try service.scorer(for: workspace.admin).learned == nil, "learning alone changes nothing")
        let (session, rescored) = try service.use(version: 1, in: workspace.admin)
        #expect(rescored.leadsScanned == rulesScores.count)
        #expect(try service.scorer(for: session).learned?.version == 1)
        #expect(throws: ServiceError.self) { try service.use(version: 7, in: session) }
        let (back, _) = try service.use(version: nil, in: session)
        #expect(try service.scorer(for: back).learned == nil)
        let after = try workspace.database.snapshot { try Self.allLeads($0, orgId: workspace.admin.orgId).map(\.score) }
        #expect(after == rescoredByRules, "the rules score again as before")
        let activities = try workspace.database.snapshot {
            try $0.activities(orgId: workspace.admin.orgId, entityType: .organization, entityId: workspace.admin.orgId)
        }
        let actions = activities.map(\.action)
        #expect(actions.filter { $0 == "scoring_model_learned" }.count == 2)
        #expect(actions.contains("scoring_model_applied") && actions.contains("scoring_rules_used"), "\(actions)")
        let applied = try #require(activities.first { $0.action == "scoring_model_applied" })
        #expect(applied.userId == workspace.admin.userId)
        #expect(applied.metadata.contains("\"v1\"") && applied.metadata.contains("rules"), "\(applied.metadata)")
        // Another organization sees none of it.
        #expect(try service.models(in: workspace.otherAdmin).isEmpty)
        #expect(throws: ServiceError.self) { try service.use(version: 1, in: workspace.otherAdmin) }
    }
}
