import Foundation
import FunnelStore

/// Scores leads: one lead with its explanation, or every lead in one pass.
public struct ScoringService: Sendable {
    let database: any Store
    let clock: @Sendable () -> Date

    public init(database: any Store, clock: @escaping @Sendable () -> Date = WallClock.now) {
        self.database = database
        self.clock = clock
    }

    /// The scoring model of the session's organization (its settings over the defaults).
    public func model(for session: Session) -> LeadScoringModel { Self.model(for: session) }

    /// The scoring model of an organization (its settings over the defaults).
    public static func model(for session: Session) -> LeadScoringModel {
        OrganizationSettings(of: session.organization).scoring.model
    }

    /// A lead's score explained, rule by rule (or factor by factor, under a learned model), as of now.
    public func explanation(leadId: Int64, in session: Session) throws -> ScoreExplanation {
        try session.require(.leadsView)
        let now = clock()
        return try ServiceError.wrapping {
            try database.snapshot { reader in
                let lead = try reader.require(Lead.self, id: leadId, orgId: session.orgId)
                return try Self.explain(lead, scorer: Self.scorer(for: session, reader: reader), reader: reader, now: now)
            }
        }
    }

    /// A lead's score explained by `scorer`, reading its actions (and attributes, when it uses them).
    static func explain(_ lead: Lead, scorer: LeadScorer, reader: any StoreReading, now: Date) throws -> ScoreExplanation {
        guard let id = lead.id else { return scorer.explain(lead, actions: [], attributes: [], now: now) }
        let attributes = scorer.readsAttributes
            ? try reader.attributes(ofLead: id, orgId: lead.orgId).map { AttributeEntry($0.attribute.name, $0.value) } : []
        return scorer.explain(lead, actions: try reader.allLeadActions(leadId: id, orgId: lead.orgId), attributes: attributes, now: now)
    }

    /// Rescores one lead now (after an action was logged); returns its new score. Writing a score
    /// needs `leads.edit`, as rescoring every lead and the detail's decayed score do.
    @discardableResult
    public func rescore(leadId: Int64, in session: Session) throws -> Int {
        try session.require(.leadsEdit)
        let explanation = try explanation(leadId: leadId, in: session)
        try ServiceError.wrapping { _ = try database.writeScore(explanation.score, leadId: leadId, orgId: session.orgId) }
        return explanation.score
    }

    /// Rescores every lead of the session's organization in one pass, with the rules or the
    /// learned model in force; `progress` may stop it.
    public func rescoreAll(in session: Session, progress: (Int, Int) -> Bool = { _, _ in true }) throws -> RescoreResult {
        try session.require(.leadsEdit)
        let scorer = try scorer(for: session)
        let score = scorer.scorer(now: clock())
        return try ServiceError.wrapping {
            try database.rescoreLeads(orgId: session.orgId, withAttributes: scorer.readsAttributes, score: score, progress: progress)
        }
    }

    /// A lead's score from what a pass reads of it and its actions, as of `now` (a rescoring pass,
    /// or the leads an import of actions touched).
    public static func scorer(_ model: LeadScoringModel, now: Date) -> (LeadScoringInput, [LeadActionSample]) -> Int {
        let now = Int64(now.timeIntervalSince1970)
        // The model's points as arrays indexed by the enumerations' positions, read once per pass
        // (a dictionary lookup per action is a hash of each of five million actions).
        let actionPoints = LeadActionType.allCases.map { model.actionPoints[$0] ?? 0 }
        return { lead, actions in
            let fit = model.fitPoints(source: lead.source, email: lead.email, hasPhone: lead.hasPhone, hasCompany: lead.hasCompany, hasProduct: lead.hasProduct)
            var engagement = 0.0
            for action in actions {
                let base = actionPoints.indices.contains(action.ordinal) ? actionPoints[action.ordinal] : 0
                engagement += model.decayedPoints(base: base, ageDays: Double(now - action.secondsSince1970) / 86_400)
            }
            return model.score(fit: fit, engagement: model.engagement(engagement))
        }
    }
}
