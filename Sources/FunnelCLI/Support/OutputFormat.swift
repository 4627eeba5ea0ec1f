import ArgumentParser
import Foundation
import FunnelServices
import FunnelUI

// MARK: - The one way out to a terminal

/// Every line the command line prints goes through here: within FunnelCLI this `print` stands in
/// for `Swift.print`, so the tables, the plain and human-readable outputs, the import reports and
/// the error messages of every command (and the next one) show control characters of their data
/// escaped (`TerminalText`) instead of sending them to the terminal. Only this file calls
/// `Swift.print` (`HostileInputTests` checks the sources). The text goes to the command's
/// context (`CommandContext`: the process's standard output, or a test's).
func print(_ items: Any..., separator: String = " ", terminator: String = "\n") {
    CommandContext.current.output(TerminalText.escaped(items.map { "\($0)" }.joined(separator: separator)) + terminator)
}

/// `print(_:to:)` for standard error, escaped the same way.
func print<Target: TextOutputStream>(_ items: Any..., separator: String = " ", terminator: String = "\n", to output: inout Target) {
    Swift.print(TerminalText.escaped(items.map { "\($0)" }.joined(separator: separator)), terminator: terminator, to: &output)
}

/// Text made safe for a terminal: the characters it would obey (`TerminalControls`: C0 and C1
/// controls, DEL, bidirectional overrides) are shown as escapes. `ESC` is `\e`; CR `\r`; tab and
/// line feed, where a line may not hold them (a table's cell), `\t` and `\n`; the other C0
/// controls `\x07`; DEL, the C1 controls and the bidirectional marks `\u009b`, `\u202e` (as JSON
/// writes them: JSON output, whose C0 controls are already escaped, stays valid JSON).
/// A backslash itself is left as it is: the escapes are for reading, not for parsing back.
enum TerminalText {
    /// `text` with its control characters escaped; with `keepingLineBreaks` (whole lines of
    /// output), line feeds, tabs and a CR just before a line feed stay as they are.
    static func escaped(_ text: String, keepingLineBreaks: Bool = true) -> String {
        guard TerminalControls.any(in: text) else { return text }
        var out = ""
        out.reserveCapacity(text.utf8.count + 16)
        let scalars = Array(text.unicodeScalars)
        for (index, scalar) in scalars.enumerated() {
            guard TerminalControls.contains(scalar) else {
                out.unicodeScalars.append(scalar)
                continue
            }
            switch scalar.value {
            case 0x0A where keepingLineBreaks, 0x09 where keepingLineBreaks:
                out.unicodeScalars.append(scalar)
            case 0x0D where keepingLineBreaks && index + 1 < scalars.count && scalars[index + 1] == "\n":
                out.unicodeScalars.append(scalar)
            case 0x1B: out += "\\e"
            case 0x0D: out += "\\r"
            case 0x0A: out += "\\n"
            case 0x09: out += "\\t"
            case 0..<0x20: out += "\\x" + hex(scalar.value, digits: 2)
            default: out += "\\u" + hex(scalar.value, digits: 4)
            }
        }
        return out
    }

    private static func hex(_ value: UInt32, digits: Int) -> String {
        let text = String(value, radix: 16)
        return String(repeating: "0", count: max(0, digits - text.count)) + text
    }
}

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
            FunnelCLI.print(String(decoding: data, as: UTF8.self))
        case .table:
            FunnelCLI.print(TextTable(header: columns, rows: rows).rendered)
        case .csv:
            // The export's writer (formula-like fields guarded with a `'`; docs/import.md).
            FunnelCLI.print(([columns] + rows).map { $0.map(CSVWriter.field).joined(separator: ",") }.joined(separator: "\n"))
        }
    }
}

/// A plain text table aligned by display width; a cell is one line, its control characters (line
/// breaks and tabs too) escaped.
struct TextTable {
    let header: [String]
    let rows: [[String]]

    init(header: [String], rows: [[String]]) {
        self.header = header.map { TerminalText.escaped($0, keepingLineBreaks: false) }
        self.rows = rows.map { $0.map { TerminalText.escaped($0, keepingLineBreaks: false) } }
    }

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
