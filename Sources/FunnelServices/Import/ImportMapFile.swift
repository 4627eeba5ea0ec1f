import Foundation
import FunnelStore

/// What a `--map` file says (docs/import.md, "The map file"):
///
/// ```
/// Lead Source = source                 # a column to a field
///   Google -> paid_ads                 # a value of that column to a Funnel value
///   * -> other                         # every other value
/// Prospect ID = external_id
/// duration = attribute number, not scored
/// Notes = ignore
/// stage = won                          # a constant: a field no column gives, for every row
/// * = ignore                           # columns the map and the header do not place are ignored
/// ```
public struct ImportMapFile: Sendable, Equatable, ExpressibleByDictionaryLiteral {
    /// Where a column goes.
    public enum Target: Sendable, Equatable {
        /// A field, by the name the map gives (resolved against the entity's fields).
        case field(String)
        case ignore
        /// An attribute of the lead (kind nil: detected from the column's values).
        case attribute(kind: AttributeKind?, scoring: Bool)
    }

    /// One column line and the value lines under it.
    public struct Rule: Sendable, Equatable {
        /// The column as the map writes it.
        public var column: String
        public var target: Target
        public var values: ValueMap
        /// The line of the map file, for messages.
        public var line: Int
        /// The right side as written (a constant when the column is no column of the file).
        public var written: String
        /// Whether the right side was quoted (then always a constant).
        public var quoted: Bool
    }

    /// The column lines, in the map's order.
    public var rules: [Rule] = []
    /// What happens to columns neither the map nor the header's names place (`* = ...`); nil:
    /// leads keep them as attributes, other records ignore them.
    public var others: Target?
    /// The map file's name, for messages.
    public var name = "the map"

    public init() {}

    public init(dictionaryLiteral elements: (String, String)...) {
        for (index, (column, target)) in elements.enumerated() {
            rules.append(Rule(column: column, target: Self.target(target), values: ValueMap(), line: index + 1, written: target, quoted: false))
        }
    }

    /// The rule for a column of the file (names compared as `ImportField.key` compares them).
    func rule(for column: String) -> Rule? {
        let key = ImportField.key(column)
        return rules.last { ImportField.key($0.column) == key }
    }

    /// Reads a map file.
    public static func read(_ path: String) throws -> ImportMapFile {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw ImportProblem(line: 0, message: "the map file \(path) cannot be read (it must be UTF-8 text)")
        }
        return try parse(text, name: (path as NSString).lastPathComponent)
    }

    /// Reads a map file's text.
    public static func parse(_ text: String, name: String = "the map") throws -> ImportMapFile {
        var map = ImportMapFile()
        map.name = name
        func fail(_ line: Int, _ message: String) -> ImportProblem {
            ImportProblem(line: 0, message: "\(name) line \(line): \(message)")
        }
        for (index, raw) in text.components(separatedBy: .newlines).enumerated() {
            let number = index + 1
            let content = stripComment(raw)
            if content.trimmingCharacters(in: .whitespaces).isEmpty { continue }
            let indented = content.first == " " || content.first == "\t"
            if let arrow = content.range(of: "->") ?? content.range(of: "→") {
                guard indented, !map.rules.isEmpty else {
                    throw fail(number, "a value line (`Google -> paid_ads`) goes under its column's line, indented")
                }
                let from = unquote(String(content[..<arrow.lowerBound]))
                let to = unquote(String(content[arrow.upperBound...]))
                guard !from.text.isEmpty, !to.text.isEmpty else {
                    throw fail(number, "write `value -> Funnel value` (for example `  Direct Traffic -> website`, or `  * -> other`)")
                }
                if from.text == "*" && !from.quoted {
                    map.rules[map.rules.count - 1].values.fallback = to.text
                } else {
                    map.rules[map.rules.count - 1].values.set(from.text, to.text)
                }
                continue
            }
            guard let equals = content.firstIndex(of: "=") else {
                throw fail(number, "write `column = field` (for example `E-Mail Address = email`), or an indented `value -> Funnel value` under it")
            }
            let column = unquote(String(content[..<equals])).text
            let right = unquote(String(content[content.index(after: equals)...]))
            guard !column.isEmpty, !right.text.isEmpty else {
                throw fail(number, "write `column = field` (for example `E-Mail Address = email`)")
            }
            if column == "*" {
                let target = Self.target(right.text)
                guard target == .ignore || { if case .attribute = target { return true } else { return false } }() else {
                    throw fail(number, "`* = ignore` or `* = attribute` says what becomes of the other columns")
                }
                map.others = target
                continue
            }
            if case .attribute = Self.target(right.text), Self.attributeProblem(right.text) != nil {
                throw fail(number, Self.attributeProblem(right.text) ?? "")
            }
            map.rules.append(Rule(column: column, target: right.quoted ? .field("") : Self.target(right.text), values: ValueMap(), line: number,
                                  written: right.text, quoted: right.quoted))
        }
        return map
    }

    /// A right side read as a target.
    static func target(_ text: String) -> Target {
        let key = ImportField.key(text)
        if key == "ignore" || text.trimmingCharacters(in: .whitespaces) == "-" { return .ignore }
        let words = text.lowercased().split(whereSeparator: { $0 == " " || $0 == "," || $0 == "\t" }).map(String.init)
        if words.first == "attribute" {
            var kind: AttributeKind?
            for word in words.dropFirst() {
                if let found = kindWords[word] { kind = found }
            }
            let scoring = !(text.lowercased().contains("not scored") || text.lowercased().contains("no scoring") || text.lowercased().contains("not a feature"))
            return .attribute(kind: kind, scoring: scoring)
        }
        return .field(text.trimmingCharacters(in: .whitespaces))
    }

    static let kindWords: [String: AttributeKind] = [
        "text": .text, "number": .number, "numeric": .number, "date": .date, "day": .date,
        "yes/no": .yesNo, "yes_no": .yesNo, "yesno": .yesNo, "boolean": .yesNo, "bool": .yesNo,
    ]

    static func attributeProblem(_ text: String) -> String? {
        let allowed = Set(kindWords.keys).union(["attribute", "not", "scored", "no", "scoring", "a", "feature"])
        let words = text.lowercased().split(whereSeparator: { $0 == " " || $0 == "," || $0 == "\t" }).map(String.init)
        if let unknown = words.first(where: { !allowed.contains($0) }) {
            return "\"\(unknown)\" is not a kind of attribute: write `attribute`, `attribute text`, `attribute number`, `attribute date` or `attribute yes/no`, and `, not scored` to keep it out of learning"
        }
        return nil
    }

    static func stripComment(_ line: String) -> String {
        // `#` starts a comment, except inside quotes.
        var inQuotes = false
        var result = ""
        for character in line {
            if character == "\"" { inQuotes.toggle() }
            if character == "#" && !inQuotes { break }
            result.append(character)
        }
        return result
    }

    static func unquote(_ text: String) -> (text: String, quoted: Bool) {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if trimmed.count >= 2, trimmed.first == "\"", trimmed.last == "\"" {
            return (String(trimmed.dropFirst().dropLast()), true)
        }
        return (trimmed, false)
    }
}

/// A column's values mapped to Funnel's: exact values (case and spaces at the ends ignored), and
/// what every other value becomes.
public struct ValueMap: Sendable, Equatable {
    var exact: [String: String] = [:]
    /// What a value the map does not list becomes (`* -> other`).
    public var fallback: String?

    public init() {}

    public var isEmpty: Bool { exact.isEmpty && fallback == nil }

    mutating func set(_ from: String, _ to: String) { exact[Self.key(from)] = to }

    static func key(_ text: String) -> String { text.trimmingCharacters(in: .whitespaces).lowercased() }

    /// The Funnel value for a file's value; nil when the map says nothing about it.
    public func map(_ text: String) -> String? {
        if exact.isEmpty { return fallback }
        return exact[Self.key(text)] ?? fallback
    }

    /// Whether the map lists this value itself (not through `*`).
    func lists(_ text: String) -> Bool { exact[Self.key(text)] != nil }
}
