import Foundation
import FunnelStore

/// Changes an organization's scoring settings, then rescores its leads.
public struct ScoringSettingsService: Sendable {
    let database: any Store
    let clock: @Sendable () -> Date

    public init(database: any Store, clock: @escaping @Sendable () -> Date = WallClock.now) {
        self.database = database
        self.clock = clock
    }

    /// Replaces the organization's scoring settings with `json` (administrators only), records the
    /// change, and rescores every lead; returns the session with the new settings and the rescoring.
    public func update(json: String, in session: Session, progress: (Int, Int) -> Bool = { _, _ in true }) throws -> (Session, RescoreResult) {
        try session.require(.admin)
        let scoring: ScoringSettings
        do {
            scoring = try JSONDecoder().decode(ScoringSettings.self, from: Data(json.utf8))
        } catch {
            throw ServiceError.invalid(field: "scoring settings", problem: "not a JSON object of scoring settings (docs/scoring.md): \(error)")
        }
        if !scoring.unknownNames.isEmpty {
            throw ServiceError.invalid(field: "scoring settings", problem: "unknown names: \(scoring.unknownNames.joined(separator: ", "))")
        }
        let now = clock()
        let updated = try ServiceError.wrapping {
            try database.transaction { tx -> Organization in
                guard var organization = try tx.organization(id: session.orgId) else { throw ServiceError.notInitialized }
                var settings = OrganizationSettings(of: organization)
                let before = settings.scoring
                settings.scoring = scoring
                // The model in force is chosen with `funnel score use`, not by these settings: kept.
                settings.scoring.learnedModel = before.learnedModel
                organization.settings = settings.json
                organization.updatedAt = now
                try tx.update(organization)
                try tx.record(AuditTrail.activity("scoring_changed", on: .organization, id: session.orgId, by: session,
                                                  before: before, after: settings.scoring, at: now))
                return organization
            }
        }
        let refreshed = Session(organization: updated, user: session.user, role: session.role)
        let result = try ScoringService(database: database, clock: clock).rescoreAll(in: refreshed, progress: progress)
        return (refreshed, result)
    }
}
