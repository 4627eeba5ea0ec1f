import Foundation
import FunnelStore

/// What scores an organization's leads: its rules, or the learned model it switched to (the rules
/// staying the fallback). Read once per command or screen, then asked many times.
public struct LeadScorer: Sendable {
    public let rules: LeadScoringModel
    /// The model in force and its version, when the organization uses one.
    public let learned: (model: LearnedScoringModel, version: Int)?
    let learnedScorer: LearnedScorer?

    public init(rules: LeadScoringModel, learned: (model: LearnedScoringModel, version: Int)? = nil) {
        self.rules = rules
        self.learned = learned
        learnedScorer = learned.map { LearnedScorer($0.model) }
    }

    /// Whether scoring reads a lead's attributes (a learned model using them).
    public var readsAttributes: Bool { learnedScorer?.encoder.readsAttributes ?? false }

    public func grade(for score: Int) -> LeadGrade {
        learned.map { $0.model.grade(for: score) } ?? rules.grade(for: score)
    }

    /// A pass's scorer, as of `now`.
    public func scorer(now: Date) -> (LeadScoringInput, [LeadActionSample]) -> Int {
        learnedScorer.map { $0.scorer(now: now) } ?? ScoringService.scorer(rules, now: now)
    }

    /// A lead's score explained, point by point, as of `now`.
    public func explain(_ lead: Lead, actions: [LeadAction], attributes: [AttributeEntry], now: Date) -> ScoreExplanation {
        guard let learnedScorer, let learned else {
            return rules.explain(lead, actions: actions.map { ScoredAction(type: $0.actionType, ageDays: now.timeIntervalSince($0.createdAt) / 86_400) })
        }
        var input = LeadScoringInput(id: lead.id ?? 0, source: lead.source, email: lead.email, hasPhone: lead.phone != nil,
                                     hasCompany: lead.company != nil, hasProduct: lead.productId != nil, score: lead.score, status: lead.status)
        input.attributes = attributes
        let samples = actions.map { LeadActionSample(type: $0.actionType, secondsSince1970: Int64($0.createdAt.timeIntervalSince1970)) }
        return learnedScorer.explain(input, actions: samples, now: now, version: learned.version)
    }
}
