import TOMLKit

/// Why a theme could not be loaded; names the file and, when known, the line.
public struct ThemeError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The file (or a description like "<built-in dark>").
    public var file: String
    /// 1-based line, when known.
    public var line: Int?
    /// 1-based column, when known.
    public var column: Int?
    /// What was wrong.
    public var message: String
    /// Creates an error.
    public init(file: String, line: Int? = nil, column: Int? = nil, message: String) {
        self.file = file; self.line = line; self.column = column; self.message = message
    }
    /// "file:line:column: message".
    public var description: String {
        var place = file
        if let line { place += ":\(line)" }
        if let column { place += ":\(column)" }
        return "\(place): \(message)"
    }
}

/// Parses theme TOML: `name = "dark"` and a `[roles]` table of `{ fg, bg, bold, underline, reverse, dim }`.
public enum ThemeParser {
    /// Parses theme text; `file` is used in error messages.
    public static func parse(_ text: String, file: String) throws(ThemeError) -> Theme {
        let table: TOMLTable
        do {
            table = try TOMLTable(string: text)
        } catch let error as TOMLParseError {
            let info = TOMLSupport.describe(error, file: file)
            throw ThemeError(file: file, line: info.line, column: info.column, message: info.message)
        } catch {
            throw ThemeError(file: file, message: "\(error)")
        }
        guard let name = table["name"]?.string, !name.isEmpty else {
            throw ThemeError(file: file, line: TOMLSupport.line(ofKey: "name", text: text), message: "missing `name = \"...\"`")
        }
        var roles: [ColorRole: RoleAppearance] = [:]
        if let roleTable = table["roles"]?.table {
            for key in roleTable.keys {
                let line = TOMLSupport.line(ofKey: key, inTable: "roles", text: text)
                guard let role = ColorRole(rawValue: key) else {
                    throw ThemeError(file: file, line: line, message: "unknown role \"\(key)\"")
                }
                guard let entry = roleTable[key]?.table else {
                    throw ThemeError(file: file, line: line, message: "role \"\(key)\" must be a table like { fg = \"red\" }")
                }
                roles[role] = try appearance(entry, role: key, file: file, line: line)
            }
        } else if table["roles"] != nil {
            throw ThemeError(file: file, line: TOMLSupport.line(ofKey: "roles", text: text), message: "`roles` must be a table")
        }
        return Theme(name: name, roles: roles)
    }

    private static func appearance(_ entry: TOMLTable, role: String, file: String, line: Int?) throws(ThemeError) -> RoleAppearance {
        var look = RoleAppearance()
        let flags: [String: TextAttributes] = ["bold": .bold, "underline": .underline, "reverse": .reverse, "dim": .dim]
        for key in entry.keys {
            switch key {
            case "fg", "bg":
                guard let text = entry[key]?.string, let color = ThemeColor(parsing: text) else {
                    throw ThemeError(file: file, line: line, message: "\(role).\(key): not a colour (use a name, 0-255 or #rrggbb)")
                }
                if key == "fg" { look.foreground = color } else { look.background = color }
            default:
                guard let flag = flags[key] else {
                    throw ThemeError(file: file, line: line, message: "\(role): unknown setting \"\(key)\"")
                }
                guard let on = entry[key]?.bool else {
                    throw ThemeError(file: file, line: line, message: "\(role).\(key): expected true or false")
                }
                if on { look.attributes.insert(flag) }
            }
        }
        return look
    }
}
