import Foundation
import FunnelStore

/// The settings of an organization, stored as a JSON object; absent keys take their defaults.
public struct OrganizationSettings: Codable, Sendable, Equatable {
    /// Whether users must give their password to act (otherwise the OS account is the boundary).
    public var requireSignIn: Bool
    /// The first day of the week in calendars: 1 = Sunday ... 7 = Saturday (Calendar's numbering).
    public var weekStartsOn: Int
    /// The IANA time zone the organization works in (users see their own local time).
    public var timeZone: String
    /// Changes to the default lead scoring (docs/scoring.md); absent keys keep the defaults.
    public var scoring: ScoringSettings
    /// Changes to the pipeline's stage probabilities and rotting thresholds.
    public var pipeline: PipelineSettings

    public init(
        requireSignIn: Bool = false, weekStartsOn: Int = 2, timeZone: String = "UTC", scoring: ScoringSettings = ScoringSettings(),
        pipeline: PipelineSettings = PipelineSettings()
    ) {
        self.requireSignIn = requireSignIn
        self.weekStartsOn = weekStartsOn
        self.timeZone = timeZone
        self.scoring = scoring
        self.pipeline = pipeline
    }

    enum CodingKeys: String, CodingKey {
        case requireSignIn = "require_sign_in"
        case weekStartsOn = "week_starts_on"
        case timeZone = "time_zone"
        case scoring, pipeline
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        requireSignIn = try container.decodeIfPresent(Bool.self, forKey: .requireSignIn) ?? false
        weekStartsOn = try container.decodeIfPresent(Int.self, forKey: .weekStartsOn) ?? 2
        timeZone = try container.decodeIfPresent(String.self, forKey: .timeZone) ?? "UTC"
        scoring = try container.decodeIfPresent(ScoringSettings.self, forKey: .scoring) ?? ScoringSettings()
        pipeline = try container.decodeIfPresent(PipelineSettings.self, forKey: .pipeline) ?? PipelineSettings()
    }

    /// The settings of an organization (defaults where its JSON is silent or unreadable).
    public init(of organization: Organization) {
        self = (try? JSONDecoder().decode(Self.self, from: Data(organization.settings.utf8))) ?? Self()
    }

    /// The JSON text to store.
    public var json: String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return String(decoding: (try? encoder.encode(self)) ?? Data("{}".utf8), as: UTF8.self)
    }
}

/// An organization's changes to lead scoring: weights, caps, half-life and grade thresholds.
public struct ScoringSettings: Codable, Sendable, Equatable {
    public var halfLifeDays: Double?
    public var fitCap: Double?
    public var engagementCap: Double?
    /// Points by lead source name (`referral`...).
    public var sourcePoints: [String: Double]?
    /// Points by action type name (`demo_request`...).
    public var actionPoints: [String: Double]?
    public var businessEmailPoints: Double?
    public var freeEmailPoints: Double?
    public var phonePoints: Double?
    public var companyPoints: Double?
    public var productPoints: Double?
    /// The lowest score of grades A, B and C.
    public var gradeA: Int?
    public var gradeB: Int?
    public var gradeC: Int?
    /// The learned model in force (`scoring_models.id`, `funnel score use`); nil: the rules score.
    public var learnedModel: Int64?

    public init() {}

    enum CodingKeys: String, CodingKey {
        case halfLifeDays = "half_life_days", fitCap = "fit_cap", engagementCap = "engagement_cap"
        case sourcePoints = "source_points", actionPoints = "action_points"
        case businessEmailPoints = "business_email_points", freeEmailPoints = "free_email_points"
        case phonePoints = "phone_points", companyPoints = "company_points", productPoints = "product_points"
        case gradeA = "grade_a", gradeB = "grade_b", gradeC = "grade_c"
        case learnedModel = "learned_model"
    }

    /// The scoring model: the defaults with these changes applied.
    public var model: LeadScoringModel {
        var model = LeadScoringModel.standard
        if let halfLifeDays { model.halfLifeDays = halfLifeDays }
        if let fitCap { model.fitCap = fitCap }
        if let engagementCap { model.engagementCap = engagementCap }
        for (name, points) in sourcePoints ?? [:] {
            if let source = LeadSource(rawValue: name) { model.sourcePoints[source] = points }
        }
        for (name, points) in actionPoints ?? [:] {
            if let type = LeadActionType(rawValue: name) { model.actionPoints[type] = points }
        }
        if let businessEmailPoints { model.businessEmailPoints = businessEmailPoints }
        if let freeEmailPoints { model.freeEmailPoints = freeEmailPoints }
        if let phonePoints { model.phonePoints = phonePoints }
        if let companyPoints { model.companyPoints = companyPoints }
        if let productPoints { model.productPoints = productPoints }
        model.gradeThresholds = (gradeA ?? model.gradeThresholds.a, gradeB ?? model.gradeThresholds.b, gradeC ?? model.gradeThresholds.c)
        return model
    }

    /// Names in the settings that are not sources or action types, to report instead of ignoring silently.
    public var unknownNames: [String] {
        (sourcePoints ?? [:]).keys.filter { LeadSource(rawValue: $0) == nil }.map { "source_points.\($0)" }
            + (actionPoints ?? [:]).keys.filter { LeadActionType(rawValue: $0) == nil }.map { "action_points.\($0)" }
    }
}
