import Foundation
import FunnelStore

/// A field a CSV import can fill, and the column names it is recognised by.
public enum ImportField: String, Sendable, CaseIterable {
    case name, firstName = "first_name", lastName = "last_name", email, phone, company
    case source, status, statusReason = "status_reason", score, owner, product, createdAt = "created_at"
    case metadata
    case title, value, stage, probability, closeDate = "close_date", lostReason = "lost_reason"
    case contact, contactEmail = "contact_email", externalRef = "external_ref"

    /// The fields of each kind of record, in the order exports write them.
    public static func fields(of entity: ImportEntity) -> [ImportField] {
        switch entity {
        case .leads:
            return [.name, .firstName, .lastName, .email, .phone, .company, .source, .status, .statusReason, .score, .owner, .product, .createdAt]
        case .contacts:
            return [.name, .firstName, .lastName, .email, .phone, .company, .metadata, .createdAt]
        case .deals:
            return [.title, .value, .stage, .probability, .closeDate, .lostReason, .owner, .product, .contact, .contactEmail, .externalRef, .createdAt]
        }
    }

    /// Other names a header may give the field (compared as `ImportField.key` compares them).
    var aliases: [String] {
        switch self {
        case .name: return ["full name", "contact name", "lead name", "person"]
        case .firstName: return ["first", "given name", "forename"]
        case .lastName: return ["last", "surname", "family name"]
        case .email: return ["e-mail", "email address", "e-mail address", "mail", "work email"]
        case .phone: return ["phone number", "telephone", "tel", "mobile", "mobile phone", "cell", "cell phone", "work phone"]
        case .company: return ["company name", "organization", "organisation", "account", "account name", "employer"]
        case .source: return ["lead source", "origin", "channel"]
        case .status: return ["lead status"]
        case .statusReason: return ["reason", "disqualification reason"]
        case .score: return ["lead score"]
        case .owner: return ["owner email", "assigned to", "assignee", "lead owner", "deal owner", "sales rep", "sales agent"]
        case .product: return ["product name"]
        case .createdAt: return ["created", "created on", "create date", "created date", "date created"]
        case .metadata: return []
        case .title: return ["deal name", "deal", "opportunity", "opportunity name", "deal title"]
        case .value: return ["amount", "deal value", "close value", "deal amount"]
        case .stage: return ["deal stage", "pipeline stage"]
        case .probability: return ["win probability", "deal probability"]
        case .closeDate: return ["close", "expected close date", "closing date", "close date"]
        case .lostReason: return ["closed lost reason", "loss reason"]
        case .contact: return ["contact name", "associated contact"]
        case .contactEmail: return ["contact e-mail", "contact email address"]
        case .externalRef: return ["external id", "external ref", "opportunity id", "deal id", "record id", "id"]
        }
    }

    /// A header as compared: lower case, letters and digits only (`"E-mail "` is `email`).
    static func key(_ header: String) -> String {
        String(header.lowercased().unicodeScalars.filter { CharacterSet.alphanumerics.contains($0) }.map(Character.init))
    }

    /// The field of `entity` a header names, if any.
    static func recognise(_ header: String, for entity: ImportEntity) -> ImportField? {
        let key = Self.key(header)
        guard !key.isEmpty else { return nil }
        let fields = fields(of: entity)
        if let exact = fields.first(where: { Self.key($0.rawValue) == key }) { return exact }
        // A deal's "name" is its title; a contact's "name" is the contact.
        if entity == .deals, key == "name" { return .title }
        return fields.first { field in field.aliases.contains { Self.key($0) == key } }
    }
}

/// How the columns of a file map onto fields: from the header, and from an explicit map.
public struct ImportMapping: Sendable, Equatable {
    /// The field of each column (nil: not imported).
    public let fields: [ImportField?]
    /// The header's column names.
    public let columns: [String]
    /// Columns no field matched, ignored (they can be mapped with --map).
    public var ignored: [String] {
        zip(columns, fields).compactMap { $1 == nil && !ImportField.key($0).isEmpty && !explicitlyIgnored.contains(ImportField.key($0)) ? $0 : nil }
    }
    let explicitlyIgnored: Set<String>

    /// Maps `header` for `entity`, `map` first (header -> field name, or "ignore"); throws with a
    /// message when two columns want one field or the map names an unknown field.
    public init(header: [String], entity: ImportEntity, map: [String: String] = [:]) throws {
        var explicit: [String: ImportField?] = [:]
        var ignored = Set<String>()
        for (column, target) in map {
            let targetKey = ImportField.key(target)
            if targetKey == "ignore" || target.trimmingCharacters(in: .whitespaces) == "-" {
                explicit[ImportField.key(column)] = .some(nil)
                ignored.insert(ImportField.key(column))
                continue
            }
            guard let field = ImportField.fields(of: entity).first(where: { ImportField.key($0.rawValue) == targetKey }) else {
                throw ImportProblem(line: 0, message: "the map sends \"\(column)\" to \"\(target)\", which is not a \(entity.singular) field (\(ImportField.fields(of: entity).map(\.rawValue).joined(separator: ", ")), or ignore)")
            }
            explicit[ImportField.key(column)] = .some(field)
        }
        var fields: [ImportField?] = []
        var taken: [ImportField: String] = [:]
        for column in header {
            let key = ImportField.key(column)
            let field: ImportField? = explicit[key] ?? ImportField.recognise(column, for: entity)
            if let field {
                if let other = taken[field] {
                    throw ImportProblem(line: 1, message: "the columns \"\(other)\" and \"\(column)\" both map to \(field.rawValue): ignore one with --map (\"\(column) = ignore\")")
                }
                taken[field] = column
            }
            fields.append(field)
        }
        self.fields = fields
        self.columns = header
        self.explicitlyIgnored = ignored
    }

    public func has(_ field: ImportField) -> Bool { fields.contains(field) }

    /// Reads a map file: one `column = field` a line (`field` may be `ignore`); `#` starts a comment.
    public static func readMapFile(_ path: String) throws -> [String: String] {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw ImportProblem(line: 0, message: "the map file \(path) cannot be read (it must be UTF-8 text)")
        }
        var map: [String: String] = [:]
        for (index, raw) in text.components(separatedBy: .newlines).enumerated() {
            let line = raw.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init) ?? ""
            if line.trimmingCharacters(in: .whitespaces).isEmpty { continue }
            let parts = line.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard parts.count == 2 else {
                throw ImportProblem(line: 0, message: "\((path as NSString).lastPathComponent) line \(index + 1): write `column = field` (for example `E-Mail Address = email`)")
            }
            let column = parts[0].trimmingCharacters(in: .whitespaces).trimmingCharacters(in: CharacterSet(charactersIn: "\""))
            map[column] = parts[1].trimmingCharacters(in: .whitespaces)
        }
        return map
    }
}

/// A row (or the file) an import could not use, with its line and what is wrong.
public struct ImportProblem: Error, Sendable, Equatable, CustomStringConvertible {
    /// The line the row starts on (1 is the header; 0 when it is not about a line).
    public let line: Int
    public let message: String

    public init(line: Int, message: String) {
        self.line = line
        self.message = message
    }

    public var description: String { line > 0 ? "line \(line): \(message)" : message }
}
