import Foundation
import ArgumentParser
import FunnelServices
import FunnelStore

/// The `funnel` command: the TUI by default, and subcommands for scripts.
public struct FunnelCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "funnel",
        abstract: "A keyboard-driven terminal client for sales and marketing.",
        discussion: """
            Run `funnel demo` to build a demo workspace and open it, or `funnel init` to start your own.
            Every subcommand takes --db PATH (or FUNNEL_DB) and --user EMAIL (or FUNNEL_USER).
            """,
        version: FunnelVersion.string,
        subcommands: [
            OpenCommand.self, InitCommand.self, DemoCommand.self, UsersCommand.self, DoctorCommand.self,
            LeadsCommand.self, DealsCommand.self, ContentCommand.self, ImportCommand.self, ExportCommand.self, BackupCommand.self, RestoreCommand.self,
            ScoreCommand.self, OrganizationCommand.self, ConfigCommand.self, KeysCommand.self,
        ],
        defaultSubcommand: OpenCommand.self
    )

    public init() {}

    /// Runs the command line with `arguments` (without the program name), mapping errors to messages.
    public static func run(arguments: [String]) async -> Int32 {
        do {
            var command = try parseAsRoot(arguments)
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
            return 0
        } catch let error as ServiceError {
            printError(error.description)
            return 1
        } catch let error as StoreError {
            printError(error.description)
            return 1
        } catch let error as CLIError {
            printError(error.description)
            return 1
        } catch {
            // Help, --version and usage errors: argument-parser prints them and picks the exit code.
            FunnelCommand.exit(withError: error)
        }
    }

    static func printError(_ message: String) {
        var standardError = StandardError()
        print("funnel: \(message)", to: &standardError)
    }
}

/// The version Funnel reports.
public enum FunnelVersion {
    public static let string = "0.1.0"
}

struct StandardError: TextOutputStream {
    mutating func write(_ string: String) {
        FileHandle.standardError.write(Data(string.utf8))
    }
}

