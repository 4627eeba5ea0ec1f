import TOMLKit

/// Helpers shared by the theme and config parsers.
enum TOMLSupport {
    /// The 1-based line where `key` is assigned (optionally inside `[table]`), for error messages.
    static func line(ofKey key: String, inTable table: String? = nil, text: String) -> Int? {
        var currentTable: String?
        for (index, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = raw.drop { $0 == " " || $0 == "\t" }
            if line.hasPrefix("[") {
                currentTable = String(line.dropFirst().prefix { $0 != "]" }).trimmedSpaces
                if table == nil, currentTable == key { return index + 1 }
                continue
            }
            guard currentTable == table else { continue }
            let name = line.prefix { $0 != "=" }.trimmedSpaces.trimmingQuotes
            if name == key && line.contains("=") { return index + 1 }
        }
        return nil
    }

    /// "file:line:column: message" for a TOMLKit parse error.
    static func describe(_ error: TOMLParseError, file: String) -> (line: Int, column: Int, message: String) {
        (error.source.begin.line, error.source.begin.column, error.description)
    }
}

extension StringProtocol {
    var trimmedSpaces: String {
        var s = Substring(self)
        while let f = s.first, f == " " || f == "\t" { s = s.dropFirst() }
        while let l = s.last, l == " " || l == "\t" || l == "\r" { s = s.dropLast() }
        return String(s)
    }
    var trimmingQuotes: String {
        var s = Substring(self)
        if s.count >= 2, let f = s.first, f == "\"" || f == "'", s.last == f { s = s.dropFirst().dropLast() }
        return String(s)
    }
}
