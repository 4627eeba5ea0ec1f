import Foundation
import FunnelStore

/// One thing that moves a lead's score, and by how many points: a rule of the rules, or a factor
/// of a learned model (the scoring view lists them, strongest first).
public struct ScoringFactor: Sendable, Equatable {
    /// The factor in words (`Source: referral`, `tier = gold`, `demo request: 20 each`).
    public let label: String
    /// The points it gives. A rule's are the rule's own (an action's when just done; they halve
    /// with its age); a learned factor's are how far it moves the score of a lead otherwise typical
    /// of those the model learned from.
    public let points: Double
    /// How a learned factor multiplies the odds of converting (e^weight); nil for a rule.
    public let oddsRatio: Double?

    public init(label: String, points: Double, oddsRatio: Double?) {
        self.label = label
        self.points = points
        self.oddsRatio = oddsRatio
    }
}

extension LearnedScoringModel {
    /// The score of the typical lead (the model at the learning leads' means): where a lead's
    /// explanation starts from.
    public var typicalScore: Double {
        100 * LogisticRegression.sigmoid(typicalMargin)
    }

    var typicalMargin: Double {
        intercept + features.reduce(0) { $0 + $1.weight * $1.mean }
    }

    /// Every factor with its points, strongest first: what the factor does to the score of a lead
    /// otherwise typical, its group (the source, an attribute, an action type) taking this value
    /// instead of the typical one, as a lead's explanation counts it. An action type's factor is
    /// one such action today.
    public func factors() -> [ScoringFactor] {
        var typicalByGroup: [String: Double] = [:]
        for feature in features { typicalByGroup[feature.group, default: 0] += feature.weight * feature.mean }
        let typical = typicalMargin
        let base = LogisticRegression.sigmoid(typical)
        let factors = features.map { feature -> ScoringFactor in
            var value = 1.0
            var label = feature.label
            if case .actions = feature.rule {
                value = log(2)  // log(1 + one action not yet decayed)
                label = "1 × \(feature.group) today"
            }
            let moved = feature.weight * value - (typicalByGroup[feature.group] ?? 0)
            let points = 100 * (LogisticRegression.sigmoid(typical + moved) - base)
            return ScoringFactor(label: label, points: points, oddsRatio: exp(feature.weight))
        }
        return factors.enumerated().sorted {
            abs($0.element.points) != abs($1.element.points) ? abs($0.element.points) > abs($1.element.points) : $0.offset < $1.offset
        }.map(\.element)
    }
}

extension LeadScoringModel {
    /// Every rule with its points: the sources, the email kinds, phone, company and product (fit),
    /// then each action type worth points (engagement), each group from the most points down.
    public func factors() -> [ScoringFactor] {
        func words(_ raw: String) -> String { raw.replacingOccurrences(of: "_", with: " ") }
        var factors = LeadSource.allCases.compactMap { source in
            sourcePoints[source].map { (label: "Source: \(words(source.rawValue))", points: $0) }
        }.sorted { $0.points > $1.points }
        factors += [("Business email", businessEmailPoints), ("Free-mail address", freeEmailPoints), ("Phone number given", phonePoints),
                    ("Company known", companyPoints), ("Interested in a product", productPoints)]
        factors += LeadActionType.allCases.compactMap { type in
            guard let points = actionPoints[type], points != 0 else { return nil }
            return (label: "\(words(type.rawValue)), each (halving every \(Self.format(halfLifeDays)) days)", points: points)
        }.sorted { $0.points > $1.points }
        return factors.filter { $0.points != 0 }.map { ScoringFactor(label: $0.label, points: $0.points, oddsRatio: nil) }
    }
}
