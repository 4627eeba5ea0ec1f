import ArgumentParser
import Foundation
import FunnelTUI
import FunnelUI

/// `funnel config`: where Funnel keeps things.
struct ConfigCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "config",
        abstract: "Show where Funnel keeps its config, data, logs and themes.",
        subcommands: [Path.self, Check.self],
        defaultSubcommand: Path.self
    )

    struct Path: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print the paths Funnel uses.")

        func run() throws {
            let environment = CLIEnvironment.load()
            let paths = environment.paths
            let rows: [[String]] = [
                ["config file", paths.configFile],
                ["default database", environment.configuredDatabase ?? paths.defaultDatabase],
                ["demo database", environment.demoDatabasePath],
                ["log file", paths.logFile],
                ["your themes", paths.userThemesDirectory],
            ]
            print(TextTable(header: ["what", "where"], rows: rows).rendered)
        }
    }

    struct Check: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Read the config file and report every problem (exit 1 if any).",
            discussion: """
                Besides the settings, the [keys] table is checked against the key registry the terminal UI
                uses: an unknown action id, a key that cannot be read, or a key bound to two actions of one
                scope (`funnel keys` lists the actions, their ids and scopes).
                """)

        func run() throws {
            let environment = CLIEnvironment.load()
            let file = environment.paths.configFile
            let text = FileManager.default.contents(atPath: file).flatMap { String(data: $0, encoding: .utf8) }
            let themes = ThemeCatalog.standard(paths: environment.paths).names
            let problems = environment.warnings
                + FunnelKeymap.problems(keyBindings: environment.config.keys, themeNames: themes, file: file, text: text)
            if problems.isEmpty {
                print("\(file): ok")
                return
            }
            for problem in problems { print(problem) }
            throw ExitCode(1)
        }
    }
}

/// `funnel keys`: the key table, generated from the key registry.
struct KeysCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keys",
        abstract: "Print every key binding as a Markdown table (the README's table comes from here)."
    )

    func run() throws {
        print(FunnelKeymap.markdownTable())
    }
}
