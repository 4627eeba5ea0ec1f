import ArgumentParser
import Foundation
import FunnelUI

/// How a command prints data.
enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
    case table, json, csv
}

/// Prints rows as an aligned text table or as a JSON array of objects.
struct DataPrinter {
    let columns: [String]
    var rows: [[String]] = []
    var objects: [[String: Any]] = []

    init(columns: [String]) { self.columns = columns }

    /// Adds a row: its cells for the table and the object for JSON.
    mutating func add(_ cells: [String], json object: [String: Any]) {
        rows.append(cells)
        objects.append(object)
    }

    func print(_ format: OutputFormat) {
        switch format {
        case .json:
            let data = (try? JSONSerialization.data(withJSONObject: objects, options: [.prettyPrinted, .sortedKeys])) ?? Data("[]".utf8)
            Swift.print(String(decoding: data, as: UTF8.self))
        case .table:
            Swift.print(TextTable(header: columns, rows: rows).rendered)
        case .csv:
            Swift.print(([columns] + rows).map { $0.map(Self.csvField).joined(separator: ",") }.joined(separator: "\n"))
        }
    }

    /// A CSV field, quoted when it holds a comma, a quote or a line break (RFC 4180).
    static func csvField(_ value: String) -> String {
        guard value.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return value }
        return "\"" + value.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}

/// A plain text table aligned by display width.
struct TextTable {
    let header: [String]
    let rows: [[String]]

    var rendered: String {
        var widths = header.map(Self.width)
        for row in rows {
            for (index, cell) in row.enumerated() where index < widths.count {
                widths[index] = max(widths[index], Self.width(cell))
            }
        }
        func line(_ cells: [String]) -> String {
            cells.enumerated().map { index, cell in
                index == cells.count - 1 ? cell : cell + String(repeating: " ", count: widths[index] - Self.width(cell))
            }.joined(separator: "  ")
        }
        return ([line(header)] + rows.map(line)).joined(separator: "\n")
    }

    /// Terminal cells a string takes: CJK and emoji take two.
    static func width(_ text: String) -> Int { DisplayWidth.width(of: text) }
}
