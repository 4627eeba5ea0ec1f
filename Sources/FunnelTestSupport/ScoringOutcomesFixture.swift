import Foundation
import FunnelServices
import FunnelStore

/// Leads with outcomes drawn from known weights, to learn a score from (the generator
/// `ScoreLearningTests` uses): each Acme lead has a tier, a trial flag, a source, a few demo requests
/// a day old, and a status converted, lost or unqualified drawn from the weights (seeded).
public enum ScoringOutcomesFixture {
    /// The weights the outcomes are drawn from (log-odds): the intercept, then what each thing adds.
    public static let intercept = -1.2
    public static let tier = ["gold": 1.5, "silver": 0.5, "bronze": 0.0]
    public static let trial = 1.0  // trial = yes against no
    public static let referral = 0.7  // source referral against website
    public static let demo = 0.9  // per log(1 + decayed demo requests)

    /// A new database file at `path`: the test workspace (Acme's administrator is admin@acme.test)
    /// with `count` leads with outcomes (for the end-to-end tests, which run the real binary on it).
    public static func makeDatabase(at path: String, count: Int) throws {
        let workspace = try TestWorkspace.make(database: try AppDatabase.open(path: path))
        try write(count: count, into: workspace)
    }

    /// Writes `count` leads with outcomes into the first organization of `workspace` (with the
    /// attributes tier, trial, and call_minutes marked as no scoring feature); returns each lead's
    /// true log-odds by id.
    @discardableResult
    public static func write(count: Int, into workspace: TestWorkspace, seed: UInt64 = 11, outcomes: Bool = true) throws -> [Int64: Double] {
        let orgId = workspace.admin.orgId
        let now = TestWorkspace.now
        var random = SplitMix64(seed: seed)
        var values: [Int64: [AttributeEntry]] = [:]
        var logits: [Int64: Double] = [:]
        try workspace.database.transaction { tx in
            for index in 0..<count {
                let tierName = ["gold", "silver", "bronze", "bronze"][Int.random(in: 0..<4, using: &random)]
                let onTrial = Bool.random(using: &random)
                let source: LeadSource = Bool.random(using: &random) ? .referral : .website
                let demos = Int.random(in: 0..<4, using: &random) == 0 ? Int.random(in: 1...3, using: &random) : 0
                let decayed = Double(demos) * pow(0.5, 1.0 / 30)
                let logit = intercept + tier[tierName]! + (onTrial ? trial : 0) + (source == .referral ? referral : 0) + demo * log1p(decayed)
                let converted = Double.random(in: 0..<1, using: &random) < 1 / (1 + exp(-logit))
                var lead = Lead(orgId: orgId, name: "Lead \(index)", email: "lead\(index)@mail.example", source: source,
                                status: outcomes ? (converted ? .converted : (index % 3 == 0 ? .unqualified : .lost)) : .new,
                                createdAt: now, updatedAt: now)
                try tx.insert(&lead)
                for _ in 0..<demos {
                    var action = LeadAction(leadId: lead.id!, actionType: .demoRequest, createdAt: now.addingTimeInterval(-86_400))
                    try tx.insert(&action)
                }
                values[lead.id!] = [AttributeEntry("tier", .text(tierName)), AttributeEntry("trial", .yesNo(onTrial)),
                                    AttributeEntry("call_minutes", .number(Double(index % 50)))]
                logits[lead.id!] = logit
            }
        }
        try LeadAttributesFixture.write(workspace.database, orgId: orgId, specs: [
            LeadAttributeSpec(name: "tier", kind: .text), LeadAttributeSpec(name: "trial", kind: .yesNo),
            LeadAttributeSpec(name: "call_minutes", kind: .number, scoring: false),
        ], values: values)
        return logits
    }
}
