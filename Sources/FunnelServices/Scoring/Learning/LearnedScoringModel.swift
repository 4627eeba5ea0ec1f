import Foundation
import FunnelStore

/// Predicted against observed conversion in one tenth of the leads a model was checked on.
public struct CalibrationBand: Codable, Sendable, Equatable {
    /// 1 for the tenth predicted lowest ... 10 for the highest.
    public var decile: Int
    public var leads: Int
    public var predicted: Double
    public var observed: Double
}

/// A model learned from the organization's outcomes (`funnel score learn`): a logistic
/// regression whose predicted probability, times 100, is the score. Its points per factor add up
/// to the score: from the typical lead's score (the model at the learning leads' means), each
/// group of features (the source, an attribute, an action type) moves it by its share of the
/// lead's distance from the typical lead on the log-odds scale.
public struct LearnedScoringModel: Codable, Sendable, Equatable {
    public var learnedAt: Date
    /// Leads with an outcome it learned from, and how many of them converted.
    public var outcomes: Int
    public var converted: Int
    /// The mean AUC over the folds of the learned model, and of the rules on the same leads.
    public var cvAUC: Double
    public var rulesCvAUC: Double?
    public var folds: Int
    /// The statuses it learned as converted, and as not.
    public var positive: [LeadStatus]
    public var negative: [LeadStatus]
    /// The action half-life its action features decay by (the organization's, when learned).
    public var halfLifeDays: Double
    public var intercept: Double
    public var features: [LearnedFeature]
    /// The share of outcomes that converted.
    public var baseRate: Double
    public var calibration: [CalibrationBand]
    /// The lowest score of grades A, B and C: twice the base rate, the base rate, half of it.
    public var gradeA: Int
    public var gradeB: Int
    public var gradeC: Int
    /// The inverse penalty it was fitted with (scikit-learn's C).
    public var penalty: Double

    /// Grades follow the calibrated probability: A converts at twice the organization's rate or more.
    static func grades(baseRate: Double) -> (Int, Int, Int) {
        func score(_ p: Double) -> Int { max(1, min(100, Int((p * 100).rounded(.up)))) }
        return (score(min(0.99, 2 * baseRate)), score(baseRate), score(baseRate / 2))
    }

    public func grade(for score: Int) -> LeadGrade {
        if score >= gradeA { return .a }
        if score >= gradeB { return .b }
        if score >= gradeC { return .c }
        return .d
    }

    /// A warning before this model is used, when its cross-validated ranking does not earn it: close to
    /// chance (a random order scores 0.5), or below the rules on the same leads. Nil when it ranks well.
    public var rankingWarning: String? {
        let auc = String(format: "%.3f", cvAUC)
        if cvAUC < Self.chanceMargin {
            return "It ranks about as well as chance (CV AUC \(auc); a random order is 0.500): these outcomes' attributes and actions hardly tell converted leads from the rest"
        }
        if let rules = rulesCvAUC, cvAUC < rules {
            return "It ranks worse than the rules on the same leads (CV AUC \(auc) against \(String(format: "%.3f", rules)))"
        }
        return nil
    }

    /// Below this CV AUC a model is called about as good as chance.
    public static let chanceMargin = 0.55

    /// "Learned on 5,203 outcomes on 2 Dec 2026, CV AUC 0.84" (version added by the caller).
    public func origin(version: Int?) -> String {
        let day = DateFormatter()
        day.locale = Locale(identifier: "en_GB")
        day.timeZone = TimeZone(identifier: "UTC")
        day.dateFormat = "d MMM yyyy"
        let name = version.map { "Model v\($0): learned" } ?? "Learned"
        return "\(name) on \(Self.grouped(outcomes)) outcomes on \(day.string(from: learnedAt)), CV AUC \(String(format: "%.2f", cvAUC))"
    }

    static func grouped(_ number: Int) -> String {
        let formatter = NumberFormatter()
        formatter.numberStyle = .decimal
        formatter.locale = Locale(identifier: "en_US")
        return formatter.string(from: NSNumber(value: number)) ?? String(number)
    }

    /// The score of a probability: 0 to 100.
    static func score(probability: Double) -> Int { Int(max(0, min(100, (probability * 100).rounded()))) }
}

/// A learned model made ready to score: its encoder and the constant parts of its explanation.
struct LearnedScorer: Sendable {
    let model: LearnedScoringModel
    let encoder: FeatureEncoder
    let weights: [Double]
    /// Each group's contribution at the typical lead (Σ weight × mean), by group name.
    let typicalByGroup: [String: Double]
    let typicalMargin: Double
    let groups: [String]

    init(_ model: LearnedScoringModel) {
        self.model = model
        encoder = FeatureEncoder(model.features, halfLifeDays: model.halfLifeDays)
        weights = model.features.map(\.weight)
        var typical: [String: Double] = [:]
        var groups: [String] = []
        for feature in model.features {
            if typical[feature.group] == nil { groups.append(feature.group) }
            typical[feature.group, default: 0] += feature.weight * feature.mean
        }
        typicalByGroup = typical
        typicalMargin = model.intercept + typical.values.reduce(0, +)
        self.groups = groups
    }

    func probability(_ entries: [(Int, Double)]) -> Double {
        var z = model.intercept
        for (feature, value) in entries { z += weights[feature] * value }
        return LogisticRegression.sigmoid(z)
    }

    /// A pass's scorer: the lead's score now.
    func scorer(now: Date) -> (LeadScoringInput, [LeadActionSample]) -> Int {
        let seconds = Int64(now.timeIntervalSince1970)
        var entries: [(Int, Double)] = []
        entries.reserveCapacity(64)
        var sums: [Double] = []
        return { lead, actions in
            encoder.encode(lead, actions: actions, now: seconds, into: &entries, sums: &sums)
            return LearnedScoringModel.score(probability: probability(entries))
        }
    }

    /// The score with its points per group, adding up to it.
    func explain(_ lead: LeadScoringInput, actions: [LeadActionSample], now: Date, version: Int?) -> ScoreExplanation {
        var entries: [(Int, Double)] = []
        encoder.encode(lead, actions: actions, now: Int64(now.timeIntervalSince1970), into: &entries)
        var active: [String: (margin: Double, labels: [String])] = [:]
        for (feature, value) in entries {
            let definition = model.features[feature]
            active[definition.group, default: (0, [])].margin += weights[feature] * value
            if case .actions = definition.rule {
                let count = actions.filter { if case .actions(let type) = definition.rule { return $0.type == type } else { return false } }.count
                active[definition.group, default: (0, [])].labels.append("\(count) × \(definition.group) (decayed to \(String(format: "%.1f", expm1(value))))")
            } else {
                active[definition.group, default: (0, [])].labels.append(definition.label)
            }
        }
        let p = probability(entries)
        let score = LearnedScoringModel.score(probability: p)
        let typicalProbability = LogisticRegression.sigmoid(typicalMargin)
        let typicalPoints = 100 * typicalProbability
        let distance = (model.intercept + entries.reduce(0) { $0 + weights[$1.0] * $1.1 }) - typicalMargin
        let moved = 100 * p - typicalPoints
        var rules: [(ScoreRule.Group, String, Double)] = [
            (.baseline, "Typical lead (\(String(format: "%.1f", 100 * model.baseRate))% of outcomes converted)", typicalPoints),
        ]
        for group in groups {
            let delta = (active[group]?.margin ?? 0) - (typicalByGroup[group] ?? 0)
            let points = abs(distance) > 1e-12 ? moved * delta / distance : 0
            guard active[group] != nil || abs(points) >= 0.05 else { continue }
            let label = active[group].map { $0.labels.joined(separator: ", ") } ?? "\(group): none"
            let isAction = model.features.first { $0.group == group }.map { if case .actions = $0.rule { return true } else { return false } } ?? false
            rules.append((isAction ? .engagement : .fit, label, points))
        }
        let exact = rules.reduce(0) { $0 + $1.2 }
        if abs(exact - Double(score)) >= 0.5 {  // the score is rounded 100p; the sum is 100p exactly
            rules.append((.adjustment, "Rounding", Double(score) - exact))
        }
        let shown = LeadScoringModel.apportion(rules.map(\.2), total: score)
        return ScoreExplanation(
            rules: zip(rules, shown).map { ScoreRule(group: $0.0, label: $0.1, points: $1, exactPoints: $0.2) },
            score: score, grade: model.grade(for: score), origin: model.origin(version: version))
    }
}
