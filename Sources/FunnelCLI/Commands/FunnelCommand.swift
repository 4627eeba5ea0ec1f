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
            ScoreCommand.self, OrganizationCommand.self, ConfigCommand.self, KeysCommand.self, MigrateCommand.self,
        ],
        defaultSubcommand: OpenCommand.self
    )

    public init() {}

    /// Runs the command line with `arguments` (without the program name), mapping errors to messages.
    public static func run(arguments: [String]) async -> Int32 {
        await run(arguments: arguments, context: .process)
    }

    /// Runs the command line in `context` (its environment, output and input): tests run commands
    /// in-process this way. Returns the exit status, as the process would exit with it.
    public static func run(arguments: [String], context: CommandContext) async -> Int32 {
        await CommandContext.$current.withValue(context) {
            await runInContext(arguments: arguments)
        }
    }

    static func runInContext(arguments: [String]) async -> Int32 {
        do {
            var command = try parseAsRoot(arguments)
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
            return 0
        } catch {
            return status(for: error)
        }
    }

    /// Runs a command that needs no `async` (every one but the TUI's and `demo`'s) in `context`,
    /// on the caller's thread: tests of the command line run them in-process this way. Nil, and
    /// nothing run, for a command that is `async`.
    public static func runSynchronously(arguments: [String], context: CommandContext) -> Int32? {
        CommandContext.$current.withValue(context) {
            do {
                var command = try parseAsRoot(arguments)
                if command is any AsyncParsableCommand { return nil }
                try command.run()
                return 0
            } catch {
                return status(for: error)
            }
        }
    }

    /// Says what went wrong (on standard error; help and --version on standard output) and gives
    /// the exit status for it.
    static func status(for error: any Error) -> Int32 {
        switch error {
        case let error as ServiceError:
            printError(error.description)
            return 1
        case let error as StoreError:
            printError(error.description)
            return 1
        case let error as CLIError:
            printError(error.description)
            return 1
        default:
            // Help, --version and usage errors: argument-parser words them and picks the exit code
            // (as `exit(withError:)` would, without ending the process).
            let code = exitCode(for: error)
            // The message may quote the arguments, which a hostile script can fill with escapes.
            let message = TerminalText.escaped(fullMessage(for: error))
            if code == .success {
                if !message.isEmpty { CommandContext.current.output(message + "\n") }
            } else if !message.isEmpty {
                CommandContext.current.errors(message + "\n")
            }
            return code.rawValue
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
        CommandContext.current.errors(string)
    }
}

