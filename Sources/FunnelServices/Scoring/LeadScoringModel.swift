import FunnelStore

/// The points of lead scoring: fit (who the lead is) plus engagement (what the lead did).
///
/// Like HubSpot's and Marketo's models, the score is the sum of explainable rules: fit rules
/// add or remove fixed points, each action adds points that halve every `halfLifeDays`, and each
/// group is capped. The total is clamped to 0...100.
public struct LeadScoringModel: Sendable {
    public var sourcePoints: [LeadSource: Double]
    public var businessEmailPoints: Double
    public var freeEmailPoints: Double
    public var phonePoints: Double
    public var companyPoints: Double
    public var productPoints: Double
    public var fitCap: Double
    public var actionPoints: [LeadActionType: Double]
    public var engagementCap: Double
    public var halfLifeDays: Double
    /// The lowest score of grades A, B and C (below C is D).
    public var gradeThresholds: (a: Int, b: Int, c: Int) = (75, 50, 25)

    /// The documented defaults (docs/scoring.md).
    public static let standard = LeadScoringModel(
        sourcePoints: [
            .referral: 15, .partner: 12, .event: 10, .website: 8, .organicSearch: 8, .email: 6,
            .social: 5, .paidAds: 5, .coldOutreach: 2, .import: 3, .other: 2,
        ],
        businessEmailPoints: 10, freeEmailPoints: -5, phonePoints: 5, companyPoints: 5, productPoints: 5,
        fitCap: 40,
        actionPoints: [
            .emailSent: 0, .emailOpen: 1, .emailClick: 3, .pageVisit: 1, .formSubmit: 8, .contentDownload: 5,
            .webinar: 8, .demoRequest: 20, .reply: 10, .call: 6, .meeting: 15, .note: 0,
            .unsubscribe: -15, .bounce: -10,
        ],
        engagementCap: 60, halfLifeDays: 30)

    /// Free-mail domains: an address there says less about a buyer than a company domain.
    public static let freeMailDomains: Set<String> = [
        "gmail.com", "googlemail.com", "yahoo.com", "yahoo.co.jp", "outlook.com", "hotmail.com", "live.com",
        "icloud.com", "me.com", "aol.com", "proton.me", "protonmail.com", "gmx.de", "gmx.net", "web.de",
        "mail.ru", "yandex.ru", "qq.com", "163.com", "naver.com", "orange.fr", "free.fr",
    ]

    /// The free-mail domains as lower-case bytes, by length (a rescoring pass asks 800,000 times).
    static let freeMailBytes: [Int: [[UInt8]]] = Dictionary(grouping: freeMailDomains.map { Array($0.utf8) }, by: \.count)

    /// Whether an address's domain is a free-mail one (nil when it has no "@"), without making strings.
    static func isFreeMail(_ email: String) -> Bool? {
        var email = email
        return email.withUTF8 { bytes -> Bool? in
            guard let at = bytes.lastIndex(of: UInt8(ascii: "@")) else { return nil }
            let domain = bytes[(at + 1)...]
            guard let candidates = freeMailBytes[domain.count] else { return false }
            return candidates.contains { candidate in
                zip(candidate, domain).allSatisfy { expected, byte in
                    expected == ((byte >= 65 && byte <= 90) ? byte + 32 : byte)
                }
            }
        }
    }

    /// The fit points of a lead, capped.
    public func fitPoints(source: LeadSource, email: String?, hasPhone: Bool, hasCompany: Bool, hasProduct: Bool) -> Double {
        var points = sourcePoints[source] ?? 0
        if let email, let free = Self.isFreeMail(email) {
            points += free ? freeEmailPoints : businessEmailPoints
        }
        if hasPhone { points += phonePoints }
        if hasCompany { points += companyPoints }
        if hasProduct { points += productPoints }
        return min(points, fitCap)
    }

    /// The points one action is worth `ageDays` after it happened.
    public func decayedPoints(_ type: LeadActionType, ageDays: Double) -> Double {
        decayedPoints(base: actionPoints[type] ?? 0, ageDays: ageDays)
    }

    /// `base` points decayed by `ageDays`.
    public func decayedPoints(base: Double, ageDays: Double) -> Double {
        guard halfLifeDays > 0, base != 0 else { return base }
        return base * Self.halving(ageDays: max(0, ageDays), halfLifeDays: halfLifeDays)
    }

    /// 0.5 ^ (age / half-life).
    static func halving(ageDays: Double, halfLifeDays: Double) -> Double {
        var factor = 1.0
        var remaining = ageDays / halfLifeDays
        while remaining >= 1 { factor *= 0.5; remaining -= 1 }
        // 2^-x for 0 <= x < 1, accurate to well under a point for scores up to 100.
        return factor * (1 - remaining * (0.6931471805599453 - remaining * (0.2402265069591007 - remaining * 0.0555041086648216)))
    }

    /// The engagement total from summed decayed action points, capped (negatives are not capped).
    public func engagement(_ sum: Double) -> Double { min(sum, engagementCap) }

    /// The score from fit and engagement: rounded and clamped to 0...100.
    public func score(fit: Double, engagement: Double) -> Int {
        Int(max(0, min(100, (fit + engagement).rounded())))
    }
}
