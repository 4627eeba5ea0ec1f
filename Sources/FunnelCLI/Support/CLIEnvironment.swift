import Foundation

/// Paths and defaults from the environment (XDG base directories) and the config file.
struct CLIEnvironment {
    let configuredDatabase: String?
    let configuredUser: String?
    let defaultDatabasePath: String

    static var current: CLIEnvironment {
        let environment = ProcessInfo.processInfo.environment
        let home = environment["HOME"] ?? NSHomeDirectory()
        let data = environment["XDG_DATA_HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? home + "/.local/share"
        return CLIEnvironment(configuredDatabase: nil, configuredUser: nil, defaultDatabasePath: data + "/funnel/funnel.sqlite")
    }
}
