import Foundation
import FunnelUI

/// Paths (XDG base directories) and the user's config file, as the command line sees them.
struct CLIEnvironment {
    let paths: FunnelPaths
    let config: FunnelConfig
    /// Problems with the config file, each naming the file and line; Funnel starts anyway.
    let warnings: [String]

    static func load() -> CLIEnvironment {
        let paths = FunnelPaths(environment: CommandContext.current.environment)
        let (config, warnings) = FunnelConfig.load(from: paths.configFile)
        return CLIEnvironment(paths: paths, config: config, warnings: warnings)
    }

    var configuredDatabase: String? { config.database.map(Self.expandingTilde) }
    var configuredUser: String? { config.user }
    var defaultDatabasePath: String { paths.defaultDatabase }
    var demoDatabasePath: String { (paths.dataDirectory as NSString).appendingPathComponent("demo.sqlite") }

    static func expandingTilde(_ path: String) -> String { (path as NSString).expandingTildeInPath }
}
