import Foundation

/// Where Funnel keeps its files, following the XDG base directory spec.
public struct FunnelPaths: Hashable, Sendable {
    /// `$XDG_CONFIG_HOME/funnel` (default `~/.config/funnel`).
    public var configDirectory: String
    /// `$XDG_DATA_HOME/funnel` (default `~/.local/share/funnel`).
    public var dataDirectory: String
    /// `$XDG_STATE_HOME/funnel` (default `~/.local/state/funnel`).
    public var stateDirectory: String

    /// Computes the paths from an environment (pass `ProcessInfo.processInfo.environment` in the app).
    public init(environment: [String: String] = ProcessInfo.processInfo.environment) {
        let home = environment["HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? NSHomeDirectory()
        func base(_ variable: String, _ fallback: String) -> String {
            // The spec says relative values are invalid and must be ignored.
            if let value = environment[variable], value.hasPrefix("/") { return value }
            return (home as NSString).appendingPathComponent(fallback)
        }
        configDirectory = (base("XDG_CONFIG_HOME", ".config") as NSString).appendingPathComponent("funnel")
        dataDirectory = (base("XDG_DATA_HOME", ".local/share") as NSString).appendingPathComponent("funnel")
        stateDirectory = (base("XDG_STATE_HOME", ".local/state") as NSString).appendingPathComponent("funnel")
    }

    /// `config.toml` in the config directory.
    public var configFile: String { (configDirectory as NSString).appendingPathComponent("config.toml") }
    /// The default database, `funnel.sqlite` in the data directory.
    public var defaultDatabase: String { (dataDirectory as NSString).appendingPathComponent("funnel.sqlite") }
    /// The log file, `funnel.log` in the state directory.
    public var logFile: String { (stateDirectory as NSString).appendingPathComponent("funnel.log") }
    /// The user's themes, `themes/` in the config directory.
    public var userThemesDirectory: String { (configDirectory as NSString).appendingPathComponent("themes") }

    /// Creates a directory (and parents) if missing.
    public static func ensureDirectory(_ path: String) throws {
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }
}
