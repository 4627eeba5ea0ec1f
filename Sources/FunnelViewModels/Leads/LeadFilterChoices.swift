import Foundation
import FunnelServices
import FunnelStore

/// What the Leads pane's `f` offers: a source, or an attribute and then one of its most common values.
extension LeadTriageViewModel {
    /// One line of the first list. (A struct rather than an enum with payloads: the Swift 6.x
    /// compiler here laid out an enum of a `LeadAttribute` and another payload inconsistently,
    /// reading one case as another.)
    public struct FilterChoice: Equatable, Sendable {
        public enum Kind: Equatable, Sendable {
            /// Clears the source filter.
            case everySource
            case source
            /// Clears the attribute filter (offered while one is set).
            case anyAttribute
            /// Goes on to the attribute's most common values.
            case attribute
        }

        public let kind: Kind
        public let source: LeadSource?
        public let attribute: LeadAttribute?

        public static let everySource = FilterChoice(kind: .everySource, source: nil, attribute: nil)
        public static let anyAttribute = FilterChoice(kind: .anyAttribute, source: nil, attribute: nil)
        public static func source(_ source: LeadSource) -> FilterChoice { FilterChoice(kind: .source, source: source, attribute: nil) }
        public static func attribute(_ attribute: LeadAttribute) -> FilterChoice { FilterChoice(kind: .attribute, source: nil, attribute: attribute) }

        public var label: String {
            switch kind {
            case .everySource: return "every source"
            case .source: return source?.rawValue ?? ""
            case .anyAttribute: return "every lead (no attribute filter)"
            case .attribute: return attribute.map { "\($0.name) (\($0.kind.label))…" } ?? ""
            }
        }
    }

    /// One line of an attribute's list of values: a value and how many leads hold it, or (nil)
    /// "any value", which clears the attribute filter.
    public struct ValueChoice: Equatable, Sendable {
        public let attribute: LeadAttribute
        public let value: AttributeValueCount?

        public static func anyValue(_ attribute: LeadAttribute) -> ValueChoice { ValueChoice(attribute: attribute, value: nil) }
        public static func value(_ attribute: LeadAttribute, _ count: AttributeValueCount) -> ValueChoice { ValueChoice(attribute: attribute, value: count) }

        public var label: String {
            guard let count = value else { return "any \(attribute.name)" }
            return "\(Self.oneLine(count.value.description))  ·  \(NumberText.grouped(count.count)) \(count.count == 1 ? "lead" : "leads")"
        }

        /// A value on one line: its line breaks as spaces.
        static func oneLine(_ text: String) -> String {
            text.replacingOccurrences(of: "\r\n", with: " ").replacingOccurrences(of: "\n", with: " ").replacingOccurrences(of: "\r", with: " ")
        }
    }

    /// What `f` offers: every source, each source, then (while an attribute filter is set) every
    /// lead, then each attribute of the organization in its order that the value index holds (few
    /// distinct values: `LeadAttribute.indexed`).
    public func filterChoices() -> [FilterChoice] {
        var attributes: [LeadAttribute] = []
        perform { attributes = try service.attributes(in: session).filter(\.indexed) }
        return [.everySource] + LeadSource.allCases.map(FilterChoice.source)
            + (attribute == nil ? [] : [.anyAttribute]) + attributes.map(FilterChoice.attribute)
    }

    /// An attribute's most common values, most leads first (at most `limit`, counted from the
    /// value index), after "any value".
    public func valueChoices(for attribute: LeadAttribute, limit: Int = 20) -> [ValueChoice] {
        var values: [AttributeValueCount] = []
        perform { values = try service.attributeValues(attribute, limit: limit, in: session).values }
        return [.anyValue(attribute)] + values.map { .value(attribute, $0) }
    }

    /// Applies a choice of the first list; returns the values to offer when it was an attribute
    /// (nil, saying so, when no lead has a value of it).
    @discardableResult
    public func choose(_ choice: FilterChoice) -> [ValueChoice]? {
        switch choice.kind {
        case .everySource: filter(source: nil)
        case .source: filter(source: choice.source)
        case .anyAttribute: filter(attribute: nil)
        case .attribute:
            guard let attribute = choice.attribute else { return nil }
            let values = valueChoices(for: attribute)
            if values.count == 1 { note("No lead has a value of \(attribute.name)"); return nil }
            return values
        }
        return nil
    }

    /// Applies a value: only leads holding it (or, for "any", no attribute filter).
    public func choose(_ choice: ValueChoice) {
        let attribute = choice.attribute
        filter(attribute: choice.value.map { AttributeFilter(attributeId: attribute.id, name: attribute.name, value: $0.value) })
    }
}
