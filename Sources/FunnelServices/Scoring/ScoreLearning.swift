import Foundation
import FunnelStore

/// What `funnel score learn` learns from, and how.
public struct ScoreLearningOptions: Sendable, Equatable {
    /// The statuses that count as converted, and as not converted; other leads are not outcomes.
    public var positive: Set<LeadStatus> = [.converted]
    public var negative: Set<LeadStatus> = [.lost, .unqualified]
    public var folds = 5
    /// The inverse of the L2 penalty (scikit-learn's C).
    public var penalty = 1.0
    public var seed: UInt64 = 7

    public init() {}

    /// The fewest outcomes, and conversions (and non-conversions), a model is learned from: the
    /// floor Salesforce Einstein sets for lead scoring (1,000 leads, 120 conversions).
    public static let minimumOutcomes = 1_000
    public static let minimumConverted = 120
}

/// How far learning has gone, for a progress bar.
public enum ScoreLearningProgress: Sendable, Equatable {
    case reading(done: Int, total: Int)
    /// Fitting fold `fold` of `folds` (the last, `folds + 1`, is the model on every outcome).
    case fitting(fold: Int, of: Int)
}

/// What learning found: the model (stored as a version), how well it ranks against the rules,
/// its calibration and strongest factors.
public struct ScoreLearningReport: Sendable {
    public var model: LearnedScoringModel
    /// The stored version, and whether the organization now uses it.
    public var version: Int
    public var applied: Bool
    public var foldAUCs: [Double]
    public var rulesFoldAUCs: [Double]
    /// The features used, by label.
    public var featureLabels: [String] { model.features.map(\.label) }
    /// The attributes learning left out (marked as no scoring feature).
    public var excludedAttributes: [String]
    public var seconds: Double
    public var rescored: RescoreResult?

    /// The features that move a lead's odds most, strongest first.
    public func strongestFactors(_ count: Int = 12) -> [LearnedFeature] {
        Array(model.features.sorted { abs($0.weight) > abs($1.weight) }.prefix(count))
    }
}

extension ScoringService {
    /// What scores the session's organization's leads now: the learned model in force, or the rules.
    public func scorer(for session: Session) throws -> LeadScorer {
        try ServiceError.wrapping { try database.snapshot { try Self.scorer(for: session, reader: $0) } }
    }

    /// The same, read in a transaction or snapshot already open. The organization's settings are
    /// read again: another user may have switched the model since this session signed in.
    public static func scorer(for session: Session, reader: any StoreReading) throws -> LeadScorer {
        let settings = OrganizationSettings(of: try reader.organization(id: session.orgId) ?? session.organization).scoring
        guard let id = settings.learnedModel, let stored = try reader.scoringModel(id: id, orgId: session.orgId),
              let model = try? JSONDecoder.scoring.decode(LearnedScoringModel.self, from: Data(stored.json.utf8)) else {
            return LeadScorer(rules: settings.model)
        }
        return LeadScorer(rules: settings.model, learned: (model, stored.version))
    }

    /// The organization's learned models, newest first.
    public func models(in session: Session) throws -> [StoredScoringModel] {
        try session.require(.leadsView)
        return try ServiceError.wrapping { try database.snapshot { try $0.scoringModels(orgId: session.orgId) } }
    }

    /// One of the organization's learned models, by version, with its factors and calibration
    /// (nil when it has no such version, or its stored JSON cannot be read).
    public func model(version: Int, in session: Session) throws -> LearnedScoringModel? {
        try session.require(.leadsView)
        let stored = try ServiceError.wrapping { try database.snapshot { try $0.scoringModel(version: version, orgId: session.orgId) } }
        return stored.flatMap { try? JSONDecoder.scoring.decode(LearnedScoringModel.self, from: Data($0.json.utf8)) }
    }

    /// Learns a model from the organization's outcomes and stores it as its next version
    /// (administrators); with `apply`, switches the organization to it and rescores every lead.
    ///
    /// Reads every lead once (with its actions and attributes), keeps those with an outcome,
    /// chooses the features from them, checks the model by stratified k-fold cross-validation
    /// (against the rules on the same folds), then fits it on every outcome. `progress` returning
    /// false stops it (`CancellationError`), storing nothing.
    public func learn(_ options: ScoreLearningOptions = ScoreLearningOptions(), apply: Bool = false, in session: Session,
                      progress: (ScoreLearningProgress) -> Bool = { _ in true }) throws -> (Session, ScoreLearningReport) {
        try session.require(.admin)
        guard options.positive.isDisjoint(with: options.negative), !options.positive.isEmpty, !options.negative.isEmpty else {
            throw ServiceError.invalid(field: "outcomes", problem: "the converted and not converted statuses must be given and differ")
        }
        guard (2...20).contains(options.folds) else { throw ServiceError.invalid(field: "folds", problem: "between 2 and 20") }
        guard options.penalty > 0 else { throw ServiceError.invalid(field: "penalty", problem: "must be more than 0") }
        let started = Date()
        let now = clock()
        let rules = Self.model(for: session)
        let attributes = try ServiceError.wrapping { try database.snapshot { try $0.leadAttributes(orgId: session.orgId) } }
        let rulesScore = Self.scorer(rules, now: now)
        let nowSeconds = Int64(now.timeIntervalSince1970)

        // One read: the outcomes' inputs and actions, the rules' scores, the features' counts.
        var inputs: [LeadScoringInput] = []
        var actionLists: [[LeadActionSample]] = []
        var positive: [Bool] = []
        var rulesScores: [Double] = []
        var space = LeadFeatureSpace(attributes: attributes)
        try ServiceError.wrapping {
            try database.scanLeadsForScoring(orgId: session.orgId, withAttributes: !space.attributes.isEmpty, { lead, actions in
                let converted = options.positive.contains(lead.status)
                guard converted || options.negative.contains(lead.status) else { return }
                var kept = lead
                kept.attributes = lead.attributes.filter { space.attributes[$0.name] != nil }
                inputs.append(kept)
                // A copy of its size: `Array(actions[...])` keeps the scan's buffer of 64 (a slice of the
                // whole array is the same storage), which the scan then copies on write for every outcome.
                actionLists.append(actions.map { $0 })
                positive.append(converted)
                rulesScores.append(Double(rulesScore(lead, actions)))
                space.add(kept, actions: actions)
            }, progress: { done, total in progress(.reading(done: done, total: total)) })
        }
        let converted = positive.filter { $0 }.count
        if inputs.count < ScoreLearningOptions.minimumOutcomes || converted < ScoreLearningOptions.minimumConverted
            || inputs.count - converted < ScoreLearningOptions.minimumConverted {
            throw ServiceError.invalid(field: "outcomes", problem: """
                too few to learn from: \(LearnedScoringModel.grouped(inputs.count)) leads with an outcome (\(LearnedScoringModel.grouped(converted)) \
                \(Self.names(options.positive)), \(LearnedScoringModel.grouped(inputs.count - converted)) \(Self.names(options.negative))); \
                a model needs at least \(LearnedScoringModel.grouped(ScoreLearningOptions.minimumOutcomes)) with \
                \(ScoreLearningOptions.minimumConverted) of each
                """)
        }

        // The features and every outcome's row of them.
        var features = space.features(order: attributes)
        let encoder = FeatureEncoder(features, halfLifeDays: rules.halfLifeDays)
        var rows = SparseRows()
        var entries: [(Int, Double)] = []
        var scratch: [Double] = []
        for index in inputs.indices {
            encoder.encode(inputs[index], actions: actionLists[index], now: nowSeconds, into: &entries, sums: &scratch)
            rows.append(entries)
        }
        inputs = []
        actionLists = []

        // Cross-validation: each fold predicted by a model fitted on the others.
        let folds = Ranking.stratifiedFolds(positive: positive, k: options.folds, seed: options.seed)
        var predicted = [Double](repeating: 0, count: positive.count)
        var foldAUCs: [Double] = []
        var rulesFoldAUCs: [Double] = []
        for fold in 0..<options.folds {
            guard progress(.fitting(fold: fold + 1, of: options.folds + 1)) else { throw CancellationError() }
            let train = folds.indices.filter { folds[$0] != fold }
            let test = folds.indices.filter { folds[$0] == fold }
            let fitted = try LogisticRegression.fit(rows.subset(train), positive: train.map { positive[$0] }, featureCount: features.count,
                                                    c: options.penalty, shouldStop: { !progress(.fitting(fold: fold + 1, of: options.folds + 1)) })
            for row in test { predicted[row] = fitted.probability(rows, row: row) }
            if let auc = Ranking.auc(scores: test.map { predicted[$0] }, positive: test.map { positive[$0] }) { foldAUCs.append(auc) }
            if let auc = Ranking.auc(scores: test.map { rulesScores[$0] }, positive: test.map { positive[$0] }) { rulesFoldAUCs.append(auc) }
        }
        guard progress(.fitting(fold: options.folds + 1, of: options.folds + 1)) else { throw CancellationError() }
        let final = try LogisticRegression.fit(rows, positive: positive, featureCount: features.count, c: options.penalty,
                                               shouldStop: { !progress(.fitting(fold: options.folds + 1, of: options.folds + 1)) })
        var sums = [Double](repeating: 0, count: features.count)
        for row in 0..<rows.count {
            for entry in rows.starts[row]..<rows.starts[row + 1] { sums[Int(rows.features[entry])] += rows.values[entry] }
        }
        for index in features.indices {
            features[index].weight = final.weights[index]
            features[index].mean = sums[index] / Double(rows.count)
        }
        let baseRate = Double(converted) / Double(positive.count)
        let (gradeA, gradeB, gradeC) = LearnedScoringModel.grades(baseRate: baseRate)
        let model = LearnedScoringModel(
            learnedAt: now, outcomes: positive.count, converted: converted,
            cvAUC: foldAUCs.reduce(0, +) / Double(max(1, foldAUCs.count)),
            rulesCvAUC: rulesFoldAUCs.isEmpty ? nil : rulesFoldAUCs.reduce(0, +) / Double(rulesFoldAUCs.count),
            folds: options.folds, positive: options.positive.sorted { $0.rawValue < $1.rawValue },
            negative: options.negative.sorted { $0.rawValue < $1.rawValue }, halfLifeDays: rules.halfLifeDays,
            intercept: final.intercept, features: features, baseRate: baseRate,
            calibration: Self.calibration(predicted: predicted, positive: positive), gradeA: gradeA, gradeB: gradeB, gradeC: gradeC,
            penalty: options.penalty)

        // Stored as the next version, as an activity; applied when asked.
        let json = String(decoding: try JSONEncoder.scoring.encode(model), as: UTF8.self)
        let stored = try ServiceError.wrapping {
            try database.transaction { tx -> StoredScoringModel in
                let stored = try tx.insertScoringModel(orgId: session.orgId, createdBy: session.userId, at: now, outcomes: model.outcomes,
                                                       converted: model.converted, cvAUC: model.cvAUC, rulesCvAUC: model.rulesCvAUC, json: json)
                try tx.record(AuditTrail.activity(
                    "scoring_model_learned", on: .organization, id: session.orgId, by: session, before: nil as ModelSummary?,
                    after: ModelSummary(stored), at: now))
                return stored
            }
        }
        var report = ScoreLearningReport(model: model, version: stored.version, applied: false, foldAUCs: foldAUCs, rulesFoldAUCs: rulesFoldAUCs,
                                         excludedAttributes: attributes.filter { !$0.scoring }.map(\.name),
                                         seconds: Date().timeIntervalSince(started))
        var current = session
        if apply {
            let (switched, rescored) = try use(version: stored.version, in: session)
            current = switched
            report.applied = true
            report.rescored = rescored
        }
        return (current, report)
    }

    /// Switches the organization to a learned model (`version`), or back to the rules (nil), as an
    /// activity, and rescores every lead (administrators). Returns the session with the new settings.
    public func use(version: Int?, in session: Session, progress: (Int, Int) -> Bool = { _, _ in true }) throws -> (Session, RescoreResult) {
        try session.require(.admin)
        let now = clock()
        let updated = try ServiceError.wrapping {
            try database.transaction { tx -> Organization in
                guard var organization = try tx.organization(id: session.orgId) else { throw ServiceError.notInitialized }
                var settings = OrganizationSettings(of: organization)
                let before = try settings.scoring.learnedModel.flatMap { try tx.scoringModel(id: $0, orgId: session.orgId) }
                var after: StoredScoringModel?
                if let version {
                    guard let model = try tx.scoringModel(version: version, orgId: session.orgId) else {
                        let versions = try tx.scoringModels(orgId: session.orgId).map { "v\($0.version)" }
                        throw ServiceError.invalid(field: "model", problem: "no model v\(version) in this organization"
                            + (versions.isEmpty ? " (none learned yet: `funnel score learn`)" : " (it has \(versions.joined(separator: ", ")))"))
                    }
                    after = model
                }
                guard before?.id != after?.id else { return organization }
                settings.scoring.learnedModel = after?.id
                organization.settings = settings.json
                organization.updatedAt = now
                try tx.update(organization)
                try tx.record(AuditTrail.activity(
                    after == nil ? "scoring_rules_used" : "scoring_model_applied", on: .organization, id: session.orgId, by: session,
                    before: before.map(ModelSummary.init) ?? ModelSummary.rules, after: after.map(ModelSummary.init) ?? ModelSummary.rules, at: now))
                return organization
            }
        }
        let refreshed = Session(organization: updated, user: session.user, role: session.role)
        let result = try rescoreAll(in: refreshed, progress: progress)
        return (refreshed, result)
    }

    /// Predicted against observed conversion by tenths of the predictions.
    static func calibration(predicted: [Double], positive: [Bool]) -> [CalibrationBand] {
        let order = predicted.indices.sorted { predicted[$0] < predicted[$1] }
        guard !order.isEmpty else { return [] }
        return (0..<10).compactMap { decile in
            let slice = order[(order.count * decile / 10)..<(order.count * (decile + 1) / 10)]
            guard !slice.isEmpty else { return nil }
            let mean = slice.reduce(0) { $0 + predicted[$1] } / Double(slice.count)
            let observed = Double(slice.filter { positive[$0] }.count) / Double(slice.count)
            return CalibrationBand(decile: decile + 1, leads: slice.count, predicted: mean, observed: observed)
        }
    }

    static func names(_ statuses: Set<LeadStatus>) -> String {
        statuses.map(\.rawValue).sorted().joined(separator: " or ")
    }
}

/// A model as activities record it: its version and what it was learned from, or the rules.
struct ModelSummary: Codable, Sendable {
    var model: String
    var outcomes: Int?
    var cvAUC: Double?

    static let rules = ModelSummary(model: "rules", outcomes: nil, cvAUC: nil)

    init(model: String, outcomes: Int?, cvAUC: Double?) {
        self.model = model
        self.outcomes = outcomes
        self.cvAUC = cvAUC
    }

    init(_ stored: StoredScoringModel) {
        self.init(model: "v\(stored.version)", outcomes: stored.outcomes, cvAUC: (stored.cvAUC * 1000).rounded() / 1000)
    }

    enum CodingKeys: String, CodingKey {
        case model, outcomes
        case cvAUC = "cv_auc"
    }
}

extension JSONEncoder {
    /// How learned models are written: sorted keys, dates as seconds since 1970.
    static var scoring: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        encoder.dateEncodingStrategy = .secondsSince1970
        return encoder
    }
}

extension JSONDecoder {
    static var scoring: JSONDecoder {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .secondsSince1970
        return decoder
    }
}
