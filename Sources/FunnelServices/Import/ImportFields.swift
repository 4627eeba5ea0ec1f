import Foundation
import FunnelStore

/// A field a CSV import can fill, and the column names it is recognised by.
public enum ImportField: String, Sendable, CaseIterable {
    case name, firstName = "first_name", lastName = "last_name", email, phone, company
    case source, status, statusReason = "status_reason", score, owner, product, createdAt = "created_at"
    case metadata
    case title, value, stage, probability, closeDate = "close_date", lostReason = "lost_reason"
    case contact, contactEmail = "contact_email", externalRef = "external_ref"
    /// Leads: the lead's id in the file's system (`--key`); its outcome (converted or lost) and the outcome's date.
    case externalId = "external_id", outcome, outcomeDate = "outcome_date"
    /// Deals: the lead a deal came from (its external id, email or `#id`), and when the deal entered its stage.
    case lead, stageChangedAt = "stage_changed_at"

    /// The fields of each kind of record, in the order exports write them.
    public static func fields(of entity: ImportEntity) -> [ImportField] {
        switch entity {
        case .leads:
            // Not `score`: a lead's score is Funnel's own, computed by its rules or learned model; a
            // file's score column is kept as an attribute (which learning may use).
            return [.name, .firstName, .lastName, .email, .phone, .company, .source, .status, .statusReason, .owner, .product, .createdAt,
                    .externalId, .outcome, .outcomeDate]
        case .contacts:
            return [.name, .firstName, .lastName, .email, .phone, .company, .metadata, .createdAt]
        case .deals:
            return [.title, .value, .stage, .probability, .closeDate, .lostReason, .owner, .product, .contact, .contactEmail, .externalRef, .createdAt,
                    .lead, .stageChangedAt]
        case .actions:
            // `funnel import actions` maps its own columns (ActionImport.swift).
            return []
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
        case .externalId: return ["external id", "lead external id"]
        case .outcome: return ["converted", "is converted", "lead outcome"]
        case .outcomeDate: return ["converted at", "converted on", "converted date", "conversion date", "outcome at"]
        case .lead: return ["lead id", "lead key", "lead email", "lead external id", "lead ref", "lead reference", "mql id", "mql", "prospect id"]
        case .stageChangedAt: return ["stage changed", "stage changed at", "stage changed on", "stage change date", "last stage change",
                                      "won date", "won at", "won on", "date won", "lost date", "lost at", "lost on", "date lost"]
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

/// A column a lead import keeps as an attribute.
public struct AttributeColumn: Sendable, Equatable {
    /// The attribute's name: the column's header.
    public var name: String
    /// The kind the map gives; nil: detected from the column's values before the import.
    public var kind: AttributeKind?
    /// False: never a scoring feature (`, not scored` in the map).
    public var scoring: Bool
    /// Whether its values go into the value index (few distinct values: read before the import).
    public var indexed = true
}

/// What becomes of one column of a file.
public enum ColumnFate: Sendable, Equatable {
    case field(ImportField)
    case attribute(AttributeColumn)
    case ignored

    /// In words: `source`, `attribute number`, `ignored`.
    public var label: String {
        switch self {
        case .field(let field): return field.rawValue
        case .attribute(let column): return "attribute" + (column.kind.map { " " + $0.label } ?? "") + (column.scoring ? "" : ", not scored")
        case .ignored: return "(ignored)"
        }
    }
}

/// How the columns of a file map onto fields: from the header, and from a map file.
public struct ImportMapping: Sendable, Equatable {
    /// The field of each column (nil: not a field; an attribute or ignored).
    public let fields: [ImportField?]
    /// The header's column names.
    public let columns: [String]
    /// The columns kept as attributes (leads), by position.
    public var attributes: [Int: AttributeColumn]
    /// The value maps of columns, by position.
    public let valueMaps: [Int: ValueMap]
    /// Fields no column gives, with the one value every row gets (`stage = won`).
    public let constants: [ImportField: String]
    /// The lead's key is the row's line (`--key @line`).
    public let keyFromLine: Bool
    /// Columns nothing is imported from.
    public var ignored: [String] {
        columns.indices.compactMap { fields[$0] == nil && attributes[$0] == nil && !ImportField.key(columns[$0]).isEmpty && !explicitlyIgnored.contains($0) ? columns[$0] : nil }
    }
    let explicitlyIgnored: Set<Int>

    /// What becomes of each column.
    public var fates: [ColumnFate] {
        columns.indices.map { index in
            if let field = fields[index] { return .field(field) }
            if let attribute = attributes[index] { return .attribute(attribute) }
            return .ignored
        }
    }

    /// The `--key` value that makes a row's line its key.
    public static let lineKey = "@line"

    /// Maps `header` for `entity`: the map first, then the header's names; `key` names the column
    /// that identifies a lead (kept as its external id), or `@line`. Throws with a message when two
    /// columns want one field, or the map or the key names something that is not there.
    /// `funnelExport`: the file is a Funnel export (`RecordImportService.isFunnelExport`), whose
    /// `score` column is Funnel's own score as exported: the leads keep it (until scored again),
    /// rather than an attribute of it.
    public init(header: [String], entity: ImportEntity, map: ImportMapFile = ImportMapFile(), key: String? = nil, funnelExport: Bool = false) throws {
        let entityFields = ImportField.fields(of: entity)
        func fieldNamed(_ name: String) -> ImportField? {
            let key = ImportField.key(name)
            return entityFields.first { ImportField.key($0.rawValue) == key }
        }
        let headerKeys = Set(header.map(ImportField.key))
        var constants: [ImportField: String] = [:]
        var explicit: [String: ImportMapFile.Rule] = [:]
        for rule in map.rules {
            let columnKey = ImportField.key(rule.column)
            var constant = rule.quoted
            if case .field(let name) = rule.target, !rule.quoted, fieldNamed(name) == nil { constant = true }
            if constant {
                if entity == .leads, case .field(let name) = rule.target, Self.isScore(name) {
                    throw ImportProblem(line: 0, message: "\(map.name) line \(rule.line): score is Funnel's own, computed by its scoring (docs/scoring.md), not read from a file: keep \"\(rule.column)\" as an attribute (\"\(rule.column) = attribute\"), which learning a score may use")
                }
                guard !headerKeys.contains(columnKey) else {
                    throw ImportProblem(line: 0, message: "\(map.name) line \(rule.line): the map sends the column \"\(rule.column)\" to \"\(rule.written)\", which is not a \(entity.singular) field (\(entityFields.map(\.rawValue).joined(separator: ", ")); or ignore, or attribute)")
                }
                guard let target = fieldNamed(rule.column) else {
                    throw ImportProblem(line: 0, message: "\(map.name) line \(rule.line): \"\(rule.column)\" is neither a column of the file nor a \(entity.singular) field, so \"\(rule.written)\" cannot be its value for every row (fields: \(entityFields.map(\.rawValue).joined(separator: ", ")))")
                }
                constants[target] = rule.written
                continue
            }
            if case .attribute = rule.target, entity != .leads {
                throw ImportProblem(line: 0, message: "\(map.name) line \(rule.line): only leads have attributes (\(entity.rawValue) keep the fields \(entityFields.map(\.rawValue).joined(separator: ", ")))")
            }
            explicit[columnKey] = rule
        }
        var keyColumn: Int?
        let keyFromLine = key == Self.lineKey
        if let key, !keyFromLine {
            guard entity == .leads else { throw ImportProblem(line: 0, message: "--key is for leads (deals are found by external_ref, contacts by email or phone)") }
            guard let index = header.firstIndex(where: { ImportField.key($0) == ImportField.key(key) }), !ImportField.key(key).isEmpty else {
                throw ImportProblem(line: 1, message: "--key \"\(key)\" is not a column of the file (it has \(header.joined(separator: ", "))); or give --key @line to identify rows by their line")
            }
            keyColumn = index
        }
        var fields: [ImportField?] = []
        var attributes: [Int: AttributeColumn] = [:]
        var valueMaps: [Int: ValueMap] = [:]
        var ignored = Set<Int>()
        var taken: [ImportField: String] = [:]
        var attributeNames = Set<String>()
        for (index, column) in header.enumerated() {
            let columnKey = ImportField.key(column)
            var field: ImportField?
            if index == keyColumn {
                field = .externalId
            } else if let rule = explicit[columnKey] {
                if !rule.values.isEmpty { valueMaps[index] = rule.values }
                switch rule.target {
                case .field(let name): field = fieldNamed(name)
                case .ignore: ignored.insert(index)
                case .attribute(let kind, let scoring):
                    attributes[index] = AttributeColumn(name: column, kind: kind, scoring: scoring)
                }
            } else if funnelExport, entity == .leads, Self.isScore(column) {
                field = .score  // Funnel's own score as it was exported (a restore keeps it)
            } else if !columnKey.isEmpty {
                field = ImportField.recognise(column, for: entity)
                if field == nil, entity == .leads {
                    switch map.others {
                    case .ignore?: ignored.insert(index)
                    case .attribute(let kind, let scoring)?: attributes[index] = AttributeColumn(name: column, kind: kind, scoring: scoring)
                    default: attributes[index] = AttributeColumn(name: column, kind: nil, scoring: true)
                    }
                }
            }
            if let field {
                if let other = taken[field] {
                    throw ImportProblem(line: 1, message: "the columns \"\(other)\" and \"\(column)\" both map to \(field.rawValue): ignore one with --map (\"\(column) = ignore\")")
                }
                if constants[field] != nil {
                    throw ImportProblem(line: 1, message: "the column \"\(column)\" gives \(field.rawValue), which the map sets for every row (\(field.rawValue) = \(constants[field] ?? "")): keep one")
                }
                taken[field] = column
            }
            if let attribute = attributes[index] {
                let name = attribute.name.trimmingCharacters(in: .whitespaces)
                if name.isEmpty || name.unicodeScalars.count > 200 {
                    attributes[index] = nil
                    ignored.insert(index)
                } else if !attributeNames.insert(name.lowercased()).inserted {
                    throw ImportProblem(line: 1, message: "two columns are named \"\(name)\": rename one, or ignore it with --map (\"\(name) = ignore\")")
                } else {
                    attributes[index]?.name = name
                }
            }
            fields.append(field)
        }
        self.fields = fields
        self.columns = header
        self.attributes = attributes
        self.valueMaps = valueMaps
        self.constants = constants
        self.keyFromLine = keyFromLine
        self.explicitlyIgnored = ignored
    }

    public func has(_ field: ImportField) -> Bool { fields.contains(field) || constants[field] != nil }

    /// Whether a column or field name is a score (`score`, `Lead Score`).
    static func isScore(_ name: String) -> Bool {
        let key = ImportField.key(name)
        return key == ImportField.key("score") || key == ImportField.key("lead score")
    }

    /// What the report says of a file's score column: kept as an attribute, or (a Funnel export's) left out.
    var scoreNotes: [String] {
        columns.indices.filter { Self.isScore(columns[$0]) && !explicitlyIgnored.contains($0) }.map { index in
            attributes[index] != nil
                ? "The column \"\(columns[index])\" is kept as the attribute \"\(attributes[index]?.name ?? columns[index])\": a lead's score is Funnel's own, computed by its scoring (docs/scoring.md); `funnel score learn` may use the file's as a feature."
                : "The column \"\(columns[index])\" is Funnel's own score as exported: the leads keep it until they are scored again (`funnel score --all`, a new action, a change of model)."
        }
    }

    /// Reads a map file (docs/import.md, "The map file").
    public static func readMapFile(_ path: String) throws -> ImportMapFile {
        try ImportMapFile.read(path)
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
