import Foundation

/// The kind of a lead attribute's values.
public enum AttributeKind: String, Codable, Sendable, CaseIterable {
    case text, number, date
    case yesNo = "yes_no"

    /// In words, for reports and the screen.
    public var label: String { self == .yesNo ? "yes/no" : rawValue }
}

/// One value of a lead attribute: a text, a number, a day or yes/no.
public enum AttributeValue: Sendable, Hashable, Comparable, CustomStringConvertible {
    case text(String)
    case number(Double)
    /// A day, `YYYY-MM-DD`.
    case date(String)
    case yesNo(Bool)

    public var kind: AttributeKind {
        switch self {
        case .text: return .text
        case .number: return .number
        case .date: return .date
        case .yesNo: return .yesNo
        }
    }

    /// The value as people read it: numbers without a needless `.0`, yes/no as `yes` or `no`.
    public var description: String {
        switch self {
        case .text(let text): return text
        case .number(let number): return Self.numberText(number)
        case .date(let day): return day
        case .yesNo(let yes): return yes ? "yes" : "no"
        }
    }

    public static func numberText(_ number: Double) -> String {
        if number.rounded() == number, abs(number) < 1e15 { return String(Int64(number)) }
        return String(number)
    }

    /// Orders values of one kind as the kind does (numbers by size, days by date, no before yes).
    public static func < (lhs: AttributeValue, rhs: AttributeValue) -> Bool {
        switch (lhs, rhs) {
        case (.number(let a), .number(let b)): return a < b
        case (.yesNo(let a), .yesNo(let b)): return !a && b
        default: return lhs.description < rhs.description
        }
    }
}

/// An attribute the organization's leads may have (a column a file brought in): its name, its
/// kind, and whether learning a score may use it.
public struct LeadAttribute: Sendable, Equatable, Identifiable {
    public var id: Int64
    public var orgId: Int64
    public var name: String
    public var kind: AttributeKind
    /// False: kept and shown, never a scoring feature (a value known only after the outcome).
    public var scoring: Bool
    /// Its place in the organization's list (the order of the columns of the file that made it).
    public var position: Int
    /// Whether its values are in the value index (`lead_attribute_values`), so the Leads pane can
    /// filter by them: attributes with few distinct values (categories, yes/no, small counts).
    public var indexed: Bool

    public init(id: Int64, orgId: Int64, name: String, kind: AttributeKind, scoring: Bool = true, position: Int = 0, indexed: Bool = true) {
        self.id = id
        self.orgId = orgId
        self.name = name
        self.kind = kind
        self.scoring = scoring
        self.position = position
        self.indexed = indexed
    }

    /// An attribute with more distinct values than this among a file's rows is not indexed.
    public static let indexedValueLimit = 1_000
}

/// An attribute a writer wants to exist, before it writes values of it.
public struct LeadAttributeSpec: Sendable, Equatable {
    public var name: String
    public var kind: AttributeKind
    public var scoring: Bool
    public var indexed: Bool

    public init(name: String, kind: AttributeKind, scoring: Bool = true, indexed: Bool = true) {
        self.name = name
        self.kind = kind
        self.scoring = scoring
        self.indexed = indexed
    }
}

/// A lead's attributes, in the organization's order of attributes.
public typealias LeadAttributeValues = [(attribute: LeadAttribute, value: AttributeValue)]

/// How many leads hold one value of an attribute.
public struct AttributeValueCount: Sendable, Equatable {
    public var value: AttributeValue
    public var count: Int

    public init(value: AttributeValue, count: Int) {
        self.value = value
        self.count = count
    }
}

/// One attribute value of a lead being written, by the attribute's name.
public struct AttributeEntry: Sendable, Equatable {
    public var name: String
    public var value: AttributeValue

    public init(_ name: String, _ value: AttributeValue) {
        self.name = name
        self.value = value
    }
}

/// The JSON object `leads.attributes` holds: written byte by byte (an import writes millions).
public enum AttributeJSON {
    /// `{"name": value, ...}` for the given values, in their order; nil for none.
    public static func object(_ values: [AttributeEntry]) -> String? {
        guard !values.isEmpty else { return nil }
        var out = "{"
        for (index, item) in values.enumerated() {
            if index > 0 { out += "," }
            appendString(item.name, to: &out)
            out += ":"
            switch item.value {
            case .text(let text): appendString(text, to: &out)
            case .date(let day): appendString(day, to: &out)
            case .number(let number):
                out += number.isFinite ? AttributeValue.numberText(number) : "null"
            case .yesNo(let yes): out += yes ? "true" : "false"
            }
        }
        out += "}"
        return out
    }

    static func appendString(_ text: String, to out: inout String) {
        out += "\""
        var plain = true
        for byte in text.utf8 where byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") {
            plain = false
            break
        }
        if plain {
            out += text
        } else {
            for scalar in text.unicodeScalars {
                switch scalar {
                case "\"": out += "\\\""
                case "\\": out += "\\\\"
                case "\n": out += "\\n"
                case "\r": out += "\\r"
                case "\t": out += "\\t"
                default:
                    if scalar.value < 0x20 {
                        out += String(format: "\\u%04x", scalar.value)
                    } else {
                        out.unicodeScalars.append(scalar)
                    }
                }
            }
        }
        out += "\""
    }
}
