import Foundation
import FunnelStore

/// The formats `funnel export` writes.
public enum ExportFormat: String, Sendable, CaseIterable {
    /// RFC 4180 CSV with a header row of the import's field names, each field written by
    /// `CSVWriter` (formula-like text guarded with a `'`): it imports back as it is.
    case csv
    /// A JSON array of objects, one a line.
    case json
}

/// Writes an organization's leads, contacts, deals or content out as CSV or JSON, streaming: rows
/// come one at a time from a cursor in one read transaction (a consistent snapshot while others
/// write) and leave as text at once, so memory stays flat however many there are.
public struct ExportService: Sendable {
    let database: any Store

    public init(database: any Store) {
        self.database = database
    }

    /// Exports `entity` in `format`, handing the text to `write` a row at a time; returns the number
    /// of rows. Needs `data.export`.
    @discardableResult
    public func export(_ entity: ExportEntity, format: ExportFormat, in session: Session, write: (String) throws -> Void) throws -> Int {
        try session.require(.dataExport)
        var rows = 0
        try ServiceError.wrapping {
            try database.snapshot { reader in
                // Leads: the fields, then a column per attribute of the organization.
                let columns = try reader.exportColumns(entity, orgId: session.orgId)
                switch format {
                case .csv:
                    try write(columns.map { CSVWriter.field($0.name) }.joined(separator: ",") + "\r\n")
                    try reader.forEachExportRow(entity, orgId: session.orgId) { values in
                        var line = ""
                        for (index, value) in values.enumerated() {
                            if index > 0 { line += "," }
                            if let value { line += CSVWriter.field(value) }
                        }
                        line += "\r\n"
                        try write(line)
                        rows += 1
                    }
                case .json:
                    try write("[")
                    let keys = columns.map { Self.jsonString($0.name) + ":" }
                    try reader.forEachExportRow(entity, orgId: session.orgId) { values in
                        var line = rows == 0 ? "\n{" : ",\n{"
                        for (index, value) in values.enumerated() {
                            if index > 0 { line += "," }
                            line += keys[index]
                            if let value {
                                line += columns[index].isNumber ? value : Self.jsonString(value)
                            } else {
                                line += "null"
                            }
                        }
                        line += "}"
                        try write(line)
                        rows += 1
                    }
                    try write(rows == 0 ? "]\n" : "\n]\n")
                }
            }
        }
        return rows
    }

    /// A JSON string literal. Besides what JSON requires (quotes, backslashes, C0 controls), DEL,
    /// the C1 controls and the bidirectional overrides are written as `\u` escapes, so an export
    /// shown on a terminal cannot drive it (the text read back is the same).
    static func jsonString(_ value: String) -> String {
        var out = "\""
        out.reserveCapacity(value.utf8.count + 2)
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if scalar.value < 0x20 || TerminalControls.contains(scalar) {
                    out += String(format: "\\u%04x", scalar.value)
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }
}
