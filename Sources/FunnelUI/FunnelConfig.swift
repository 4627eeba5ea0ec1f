import Foundation
import TOMLKit

/// Settings from `config.toml`; loading never fails, problems come back as warnings.
public struct FunnelConfig: Hashable, Sendable {
    /// Theme name (`theme = "light"`).
    public var theme: String?
    /// Key rebindings: action id -> key strings (`[keys]` table).
    public var keys: [String: [String]]
    /// Database path (`database = "..."`).
    public var database: String?
    /// The user's name for assignments (`user = "..."`).
    public var user: String?
    /// Mouse support (`mouse = true`); off by default.
    public var mouse: Bool
    /// First day of the week in calendars (`week_starts_on = "monday"`).
    public var weekStartsOn: Weekday

    /// The defaults.
    public init(theme: String? = nil, keys: [String: [String]] = [:], database: String? = nil, user: String? = nil, mouse: Bool = false, weekStartsOn: Weekday = .monday) {
        self.theme = theme; self.keys = keys; self.database = database; self.user = user
        self.mouse = mouse; self.weekStartsOn = weekStartsOn
    }

    /// The 1-based line of config text where `key` is set (inside `[table]` when given), for messages.
    public static func line(ofKey key: String, inTable table: String? = nil, text: String) -> Int? {
        TOMLSupport.line(ofKey: key, inTable: table, text: text)
    }

    /// Reads a config file; a missing file gives the defaults silently, a broken one the defaults and a warning.
    public static func load(from path: String) -> (config: FunnelConfig, warnings: [String]) {
        guard let data = FileManager.default.contents(atPath: path) else { return (FunnelConfig(), []) }
        guard let text = String(data: data, encoding: .utf8) else {
            return (FunnelConfig(), ["\(path): not UTF-8 text; using defaults"])
        }
        return parse(text, file: path)
    }

    /// Parses config text; `file` names the source in warnings.
    public static func parse(_ text: String, file: String) -> (config: FunnelConfig, warnings: [String]) {
        let table: TOMLTable
        do {
            table = try TOMLTable(string: text)
        } catch let error as TOMLParseError {
            let info = TOMLSupport.describe(error, file: file)
            return (FunnelConfig(), ["\(file):\(info.line):\(info.column): \(info.message); using default settings"])
        } catch {
            return (FunnelConfig(), ["\(file): \(error); using default settings"])
        }
        var config = FunnelConfig()
        var warnings: [String] = []
        func warn(_ key: String, table name: String? = nil, _ message: String) {
            let line = TOMLSupport.line(ofKey: key, inTable: name, text: text).map { ":\($0)" } ?? ""
            warnings.append("\(file)\(line): \(message)")
        }
        func string(_ key: String) -> String? {
            guard let value = table[key] else { return nil }
            if let s = value.string { return s }
            warn(key, "\(key) must be a string")
            return nil
        }
        for key in table.keys.sorted() {
            switch key {
            case "theme": config.theme = string(key)
            case "database": config.database = string(key)
            case "user": config.user = string(key)
            case "mouse":
                if let on = table[key]?.bool { config.mouse = on } else { warn(key, "mouse must be true or false") }
            case "week_starts_on", "weekStartsOn":
                if let name = string(key) {
                    if let day = Weekday(name: name) { config.weekStartsOn = day } else { warn(key, "unknown weekday \"\(name)\"") }
                }
            case "keys":
                guard let keys = table[key]?.table else { warn(key, "[keys] must be a table"); continue }
                for id in keys.keys {
                    if let single = keys[id]?.string {
                        config.keys[id] = [single]
                    } else if let list = keys[id]?.array {
                        let strings = list.compactMap { $0.string }
                        if strings.count != list.count { warn(id, table: "keys", "keys.\(id): every key must be a string") }
                        config.keys[id] = strings
                    } else {
                        warn(id, table: "keys", "keys.\(id) must be a string or a list of strings")
                    }
                }
            default:
                warn(key, "unknown setting \"\(key)\" (ignored)")
            }
        }
        return (config, warnings)
    }
}
