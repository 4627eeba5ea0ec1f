import Foundation
import FunnelStore

/// One feature of a learned model: what in a lead turns it on, and the group it is explained in.
public struct LearnedFeature: Codable, Sendable, Equatable {
    /// What turns the feature on.
    public enum Rule: Codable, Sendable, Equatable {
        case source(LeadSource)
        /// A business (`true`) or free-mail (`false`) address.
        case businessEmail(Bool)
        case phone, company, product
        /// A text attribute holding this value (compared case and spacing as stored).
        case text(attribute: String, value: String)
        /// A text attribute holding a value none of its other features name.
        case otherText(attribute: String)
        case yesNo(attribute: String, yes: Bool)
        /// A number (or a date, as days since 1970) at least `low`; the next feature of the same
        /// attribute starts the next band.
        case band(attribute: String, low: Double, date: Bool)
        /// An action type: the feature's value is log(1 + its actions, each decayed by the half-life).
        case actions(LeadActionType)
    }

    public var rule: Rule
    /// The group the explanation shows it in (`Source`, `job`, `page visits`...).
    public var group: String
    /// The feature in words (`Source: referral`, `job = management`, `age 30–39`).
    public var label: String
    public var weight: Double
    /// Its mean over the leads it was learned on: a lead's points are against this typical lead.
    public var mean: Double
}

/// How a learned model reads leads: which feature each thing about a lead turns on, set up once
/// per model (a rescoring pass asks it a million times).
struct FeatureEncoder: Sendable {
    let count: Int
    let halfLifeDays: Double
    private let sources: [LeadSource: Int]
    private let business: Int?
    private let free: Int?
    private let phone: Int?
    private let company: Int?
    private let product: Int?
    private let actions: [Int?]  // by LeadActionType position
    private let attributes: [String: AttributeRule]
    /// Whether a lead's attributes must be read to encode it.
    var readsAttributes: Bool { !attributes.isEmpty }

    enum AttributeRule: Sendable {
        case text(values: [String: Int], other: Int?)
        case yesNo(yes: Int?, no: Int?)
        /// Bands by their lower ends, ascending, with each band's feature; `date`: values are days.
        case bands(lows: [Double], features: [Int], date: Bool)
    }

    init(_ features: [LearnedFeature], halfLifeDays: Double) {
        count = features.count
        self.halfLifeDays = halfLifeDays
        var sources: [LeadSource: Int] = [:]
        var business: Int?, free: Int?, phone: Int?, company: Int?, product: Int?
        var actions = [Int?](repeating: nil, count: LeadActionType.allCases.count)
        var texts: [String: ([String: Int], Int?)] = [:]
        var yesNo: [String: (Int?, Int?)] = [:]
        var bands: [String: [(Double, Int)]] = [:]
        var dates = Set<String>()
        for (index, feature) in features.enumerated() {
            switch feature.rule {
            case .source(let source): sources[source] = index
            case .businessEmail(let yes): if yes { business = index } else { free = index }
            case .phone: phone = index
            case .company: company = index
            case .product: product = index
            case .text(let name, let value): texts[name, default: ([:], nil)].0[value] = index
            case .otherText(let name): texts[name, default: ([:], nil)].1 = index
            case .yesNo(let name, let yes):
                if yes { yesNo[name, default: (nil, nil)].0 = index } else { yesNo[name, default: (nil, nil)].1 = index }
            case .band(let name, let low, let date):
                bands[name, default: []].append((low, index))
                if date { dates.insert(name) }
            case .actions(let type): if let position = LeadActionType.allCases.firstIndex(of: type) { actions[position] = index }
            }
        }
        var attributes: [String: AttributeRule] = [:]
        for (name, (values, other)) in texts { attributes[name] = .text(values: values, other: other) }
        for (name, (yes, no)) in yesNo { attributes[name] = .yesNo(yes: yes, no: no) }
        for (name, list) in bands {
            let sorted = list.sorted { $0.0 < $1.0 }
            attributes[name] = .bands(lows: sorted.map(\.0), features: sorted.map(\.1), date: dates.contains(name))
        }
        (self.sources, self.business, self.free, self.phone, self.company, self.product) = (sources, business, free, phone, company, product)
        self.actions = actions
        self.attributes = attributes
    }

    /// The features a lead turns on, with their values, in `into` (emptied first).
    func encode(_ lead: LeadScoringInput, actions samples: [LeadActionSample], now: Int64, into entries: inout [(Int, Double)]) {
        var sums: [Double] = []
        encode(lead, actions: samples, now: now, into: &entries, sums: &sums)
    }

    /// The same, with `sums` a buffer of the caller's kept between leads (a pass allocates nothing per lead).
    func encode(_ lead: LeadScoringInput, actions samples: [LeadActionSample], now: Int64, into entries: inout [(Int, Double)],
                sums: inout [Double]) {
        entries.removeAll(keepingCapacity: true)
        if let index = sources[lead.source] { entries.append((index, 1)) }
        if let email = lead.email, let isFree = LeadScoringModel.isFreeMail(email) {
            if let index = isFree ? free : business { entries.append((index, 1)) }
        }
        if lead.hasPhone, let phone { entries.append((phone, 1)) }
        if lead.hasCompany, let company { entries.append((company, 1)) }
        if lead.hasProduct, let product { entries.append((product, 1)) }
        if !samples.isEmpty {
            if sums.count != actions.count { sums = [Double](repeating: 0, count: actions.count) }
            for index in sums.indices { sums[index] = 0 }
            for sample in samples where sample.ordinal >= 0 && sample.ordinal < sums.count && actions[sample.ordinal] != nil {
                let age = max(0, Double(now - sample.secondsSince1970) / 86_400)
                sums[sample.ordinal] += halfLifeDays > 0 ? LeadScoringModel.halving(ageDays: age, halfLifeDays: halfLifeDays) : 1
            }
            for (position, feature) in actions.enumerated() where sums[position] > 0 {
                if let feature { entries.append((feature, log1p(sums[position]))) }
            }
        }
        for entry in lead.attributes {
            guard let rule = attributes[entry.name] else { continue }
            if let index = Self.feature(rule, entry.value) { entries.append((index, 1)) }
        }
    }

    static func feature(_ rule: AttributeRule, _ value: AttributeValue) -> Int? {
        switch (rule, value) {
        case (.text(let values, let other), .text(let text)), (.text(let values, let other), .date(let text)):
            return values[text] ?? other
        case (.text(let values, let other), .number(let number)):
            return values[AttributeValue.numberText(number)] ?? other
        case (.yesNo(let yes, let no), .yesNo(let value)):
            return value ? yes : no
        case (.bands(let lows, let features, _), .number(let number)):
            return band(lows, features, number)
        case (.bands(let lows, let features, true), .text(let text)), (.bands(let lows, let features, true), .date(let text)):
            return LeadFeatureSpace.days(text).flatMap { band(lows, features, $0) }
        default:
            return nil
        }
    }

    /// The band holding `value`: the last whose low is at most it (the first band below them all).
    static func band(_ lows: [Double], _ features: [Int], _ value: Double) -> Int? {
        guard !lows.isEmpty else { return nil }
        var low = 0, high = lows.count
        while low < high {
            let middle = (low + high) / 2
            if lows[middle] <= value { low = middle + 1 } else { high = middle }
        }
        return features[max(0, low - 1)]
    }
}

/// Chooses a model's features from the leads it learns on: every source, email kind and field
/// that varies among them; each scoring attribute's common values (text), yes and no, or bands of
/// about a tenth of the leads (numbers and dates; a value held by a tenth or more is a band of
/// its own); each action type they have.
struct LeadFeatureSpace {
    /// A text value held by fewer leads than this share (or than 10) is pooled as "other".
    static let commonShare = 0.005
    static let maxValues = 30
    static let bands = 10

    var sourceCounts: [LeadSource: Int] = [:]
    var business = 0, free = 0, phone = 0, company = 0, product = 0
    var actionCounts = [Int](repeating: 0, count: LeadActionType.allCases.count)
    var textCounts: [String: [String: Int]] = [:]
    var yesNoCounts: [String: (yes: Int, no: Int)] = [:]
    var numbers: [String: [Double]] = [:]
    var rows = 0
    /// The organization's attributes that may be features, by name.
    let attributes: [String: LeadAttribute]

    init(attributes: [LeadAttribute]) {
        self.attributes = Dictionary(attributes.filter(\.scoring).map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
    }

    /// Counts what one learning lead has.
    mutating func add(_ lead: LeadScoringInput, actions: [LeadActionSample]) {
        rows += 1
        sourceCounts[lead.source, default: 0] += 1
        if let email = lead.email, let isFree = LeadScoringModel.isFreeMail(email) {
            if isFree { free += 1 } else { business += 1 }
        }
        if lead.hasPhone { phone += 1 }
        if lead.hasCompany { company += 1 }
        if lead.hasProduct { product += 1 }
        var seen = Set<Int>()
        for action in actions where action.ordinal >= 0 && action.ordinal < actionCounts.count && seen.insert(action.ordinal).inserted {
            actionCounts[action.ordinal] += 1
        }
        for entry in lead.attributes {
            guard let attribute = attributes[entry.name] else { continue }
            switch (attribute.kind, entry.value) {
            case (.yesNo, .yesNo(let yes)):
                if yes { yesNoCounts[entry.name, default: (0, 0)].yes += 1 } else { yesNoCounts[entry.name, default: (0, 0)].no += 1 }
            case (.number, .number(let number)):
                numbers[entry.name, default: []].append(number)
            case (.date, .text(let text)), (.date, .date(let text)):
                if let days = Self.days(text) { numbers[entry.name, default: []].append(days) }
            case (.text, _):
                textCounts[entry.name, default: [:]][entry.value.description, default: 0] += 1
            default:
                break
            }
        }
    }

    /// Days since 1970 of a `YYYY-MM-DD` day.
    static func days(_ text: String) -> Double? {
        guard text.utf8.count >= 10, let seconds = StoreTimestamp.seconds(parsing: String(text.prefix(10)) + " 00:00:00") else { return nil }
        return Double(seconds / 86_400)
    }

    static func dayText(_ days: Double) -> String {
        String(StoreTimestamp.text(Int64(days) * 86_400).prefix(10))
    }

    /// The features, in groups: the lead's fields, then the attributes in the organization's
    /// order, then the action types. A feature every lead has or none has is left out.
    func features(order: [LeadAttribute]) -> [LearnedFeature] {
        var features: [LearnedFeature] = []
        func add(_ rule: LearnedFeature.Rule, _ group: String, _ label: String, count: Int) {
            guard count > 0, count < rows || group == "Source" && sourceCounts.count > 1 else { return }
            features.append(LearnedFeature(rule: rule, group: group, label: label, weight: 0, mean: 0))
        }
        if sourceCounts.count > 1 {
            for source in LeadSource.allCases {
                add(.source(source), "Source", "Source: \(source.rawValue.replacingOccurrences(of: "_", with: " "))", count: sourceCounts[source] ?? 0)
            }
        }
        add(.businessEmail(true), "Email", "Business email", count: business)
        add(.businessEmail(false), "Email", "Free-mail address", count: free)
        add(.phone, "Phone", "Phone number given", count: phone)
        add(.company, "Company", "Company known", count: company)
        add(.product, "Product", "Interested in a product", count: product)
        for attribute in order where attributes[attribute.name] != nil {
            let name = attribute.name
            switch attribute.kind {
            case .text:
                let counts = (textCounts[name] ?? [:]).sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }
                let floor = max(10, Int((Double(rows) * Self.commonShare).rounded(.up)))
                let common = counts.prefix(Self.maxValues).filter { $0.value >= floor }
                for (value, count) in common { add(.text(attribute: name, value: value), name, "\(name) = \(Self.oneLine(value))", count: count) }
                let others = counts.reduce(0) { $0 + $1.value } - common.reduce(0) { $0 + $1.value }
                if others > 0 { add(.otherText(attribute: name), name, "\(name): another value", count: others) }
            case .yesNo:
                let counts = yesNoCounts[name] ?? (0, 0)
                add(.yesNo(attribute: name, yes: true), name, "\(name) = yes", count: counts.yes)
                add(.yesNo(attribute: name, yes: false), name, "\(name) = no", count: counts.no)
            case .number, .date:
                for (low, high, count) in Self.bands(of: numbers[name] ?? [], count: Self.bands) {
                    let text = attribute.kind == .date ? Self.dayText : { AttributeValue.numberText($0) }
                    let label = low == high ? "\(name) = \(text(low))" : "\(name) \(text(low))–\(text(high))"
                    add(.band(attribute: name, low: low, date: attribute.kind == .date), name, label, count: count)
                }
            }
        }
        for (position, type) in LeadActionType.allCases.enumerated() where actionCounts[position] > 0 {
            let name = type.rawValue.replacingOccurrences(of: "_", with: " ")
            features.append(LearnedFeature(rule: .actions(type), group: name, label: "\(name) actions (decayed count)", weight: 0, mean: 0))
        }
        return features
    }

    /// Bands of about `count` equal shares of `values`: (lowest, highest, how many) each; a value
    /// held by a share or more is a band of its own, and a last band of less than half a share
    /// joins the one before.
    static func bands(of values: [Double], count: Int) -> [(Double, Double, Int)] {
        guard !values.isEmpty else { return [] }
        let sorted = values.sorted()
        var distinct: [(Double, Int)] = []
        for value in sorted {
            if let last = distinct.last, last.0 == value { distinct[distinct.count - 1].1 += 1 } else { distinct.append((value, 1)) }
        }
        let share = max(1, sorted.count / count)
        var bands: [(Double, Double, Int)] = []
        var current: (Double, Double, Int)?
        for (value, n) in distinct {
            if n >= share, let open = current {  // a heavy value stands alone
                bands.append(open)
                current = nil
            }
            if var open = current {
                open.1 = value
                open.2 += n
                current = open
            } else {
                current = (value, value, n)
            }
            if let open = current, open.2 >= share {
                bands.append(open)
                current = nil
            }
        }
        if let open = current {
            if open.2 < share / 2, var last = bands.popLast() {
                last.1 = open.1
                last.2 += open.2
                bands.append(last)
            } else {
                bands.append(open)
            }
        }
        return bands
    }

    static func oneLine(_ text: String) -> String {
        String(text.unicodeScalars.map { $0.properties.generalCategory == .control ? " " : Character($0) }.prefix(40))
    }
}
