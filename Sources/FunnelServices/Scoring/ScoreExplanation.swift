import FunnelStore

/// A lead's grade: a band of scores.
public enum LeadGrade: String, Sendable, CaseIterable, Comparable {
    case a = "A", b = "B", c = "C", d = "D"

    /// Hot, warm, cool or cold, for people who think in temperatures.
    public var temperature: String {
        switch self {
        case .a: return "hot"
        case .b: return "warm"
        case .c: return "cool"
        case .d: return "cold"
        }
    }

    public static func < (lhs: LeadGrade, rhs: LeadGrade) -> Bool { lhs.rawValue > rhs.rawValue }
}

/// One rule's contribution to a score.
public struct ScoreRule: Sendable, Equatable {
    /// `baseline`: a learned model's typical lead, the points every lead starts from.
    public enum Group: String, Sendable { case fit, engagement, adjustment, baseline }
    public let group: Group
    /// What the rule is, in words (`Source: referral`, `2 × demo request`...).
    public let label: String
    /// The rule's points as shown; the shown points always add up to the score.
    public let points: Int
    /// The unrounded points (after decay), for those who want the detail.
    public let exactPoints: Double
}

/// Why a lead has its score: every rule that added or removed points, summing to the score.
public struct ScoreExplanation: Sendable, Equatable {
    public let rules: [ScoreRule]
    public let score: Int
    public let grade: LeadGrade
    /// Where the points come from, when a learned model scores ("Learned on 5,203 outcomes on
    /// 2 Dec 2026, CV AUC 0.84"); nil for the rules.
    public var origin: String? = nil
}

/// What scoring needs to know about one action.
public struct ScoredAction: Sendable, Equatable {
    public let type: LeadActionType
    public let ageDays: Double

    public init(type: LeadActionType, ageDays: Double) {
        self.type = type
        self.ageDays = ageDays
    }
}

extension LeadScoringModel {
    /// The grade of a score under the model's thresholds.
    public func grade(for score: Int) -> LeadGrade {
        if score >= gradeThresholds.a { return .a }
        if score >= gradeThresholds.b { return .b }
        if score >= gradeThresholds.c { return .c }
        return .d
    }

    /// The score of a lead with its explanation.
    ///
    /// The explanation's rules are rounded with the largest-remainder method so that the points
    /// shown add up exactly to the score: the complaint people have with Mautic, whose shown
    /// points and total differ, cannot happen here.
    public func explain(_ lead: Lead, actions: [ScoredAction]) -> ScoreExplanation {
        var rules: [(ScoreRule.Group, String, Double)] = []
        let sourceValue = sourcePoints[lead.source] ?? 0
        rules.append((.fit, "Source: \(lead.source.rawValue.replacingOccurrences(of: "_", with: " "))", sourceValue))
        if let email = lead.email, let at = email.lastIndex(of: "@") {
            let domain = email[email.index(after: at)...].lowercased()
            if Self.freeMailDomains.contains(domain) {
                rules.append((.fit, "Free-mail address (\(domain))", freeEmailPoints))
            } else {
                rules.append((.fit, "Business email (\(domain))", businessEmailPoints))
            }
        }
        if lead.phone != nil { rules.append((.fit, "Phone number given", phonePoints)) }
        if lead.company != nil { rules.append((.fit, "Company known", companyPoints)) }
        if lead.productId != nil { rules.append((.fit, "Interested in a product", productPoints)) }
        let fitSum = rules.reduce(0) { $0 + $1.2 }
        if fitSum > fitCap { rules.append((.adjustment, "Fit capped at \(Int(fitCap))", fitCap - fitSum)) }

        var byType: [LeadActionType: (count: Int, points: Double)] = [:]
        for action in actions {
            let points = decayedPoints(action.type, ageDays: action.ageDays)
            byType[action.type, default: (0, 0)].count += 1
            byType[action.type, default: (0, 0)].points += points
        }
        var engagementSum = 0.0
        for type in LeadActionType.allCases {
            guard let entry = byType[type], (actionPoints[type] ?? 0) != 0 else { continue }
            let name = type.rawValue.replacingOccurrences(of: "_", with: " ")
            rules.append((.engagement, "\(entry.count) × \(name) (\(Self.format(actionPoints[type] ?? 0)) each, halving every \(Self.format(halfLifeDays)) days)", entry.points))
            engagementSum += entry.points
        }
        if engagementSum > engagementCap {
            rules.append((.adjustment, "Engagement capped at \(Int(engagementCap))", engagementCap - engagementSum))
        }
        let exact = rules.reduce(0) { $0 + $1.2 }
        let score = self.score(fit: min(fitSum, fitCap), engagement: engagement(engagementSum))
        if exact.rounded() != Double(score) {
            let clamped = Double(score) - exact
            rules.append((.adjustment, score == 0 ? "Scores stop at 0" : "Scores stop at 100", clamped))
        }
        let shown = Self.apportion(rules.map(\.2), total: score)
        return ScoreExplanation(
            rules: zip(rules, shown).map { ScoreRule(group: $0.0, label: $0.1, points: $1, exactPoints: $0.2) },
            score: score, grade: grade(for: score))
    }

    /// Integers close to `values` that add up to `total` (largest remainder first).
    static func apportion(_ values: [Double], total: Int) -> [Int] {
        var result = values.map { Int($0.rounded(.down)) }
        var missing = total - result.reduce(0, +)
        let order = values.indices.sorted { (values[$0] - values[$0].rounded(.down)) > (values[$1] - values[$1].rounded(.down)) }
        var index = 0
        while missing > 0 && !order.isEmpty {
            result[order[index % order.count]] += 1
            missing -= 1
            index += 1
        }
        index = 0
        let reverse = Array(order.reversed())
        while missing < 0 && !reverse.isEmpty {
            result[reverse[index % reverse.count]] -= 1
            missing += 1
            index += 1
        }
        return result
    }

    static func format(_ value: Double) -> String {
        value == value.rounded() ? String(Int(value)) : String(format: "%.1f", value)
    }
}
