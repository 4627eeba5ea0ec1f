import ArgumentParser
import Foundation
import FunnelServices
import FunnelStore
import FunnelTUI

/// `funnel` (the default): opens the terminal UI.
struct OpenCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "open",
        abstract: "Open the terminal UI (the default command)."
    )

    @OptionGroup var database: DatabaseOptions

    @Option(name: .long, help: "The colour theme: dark, light, high-contrast, mono, or one of yours (default: the config's).")
    var theme: String?

    @Flag(name: .long, inversion: .prefixedNo, help: "Mouse clicks and wheel (off keeps the terminal's own copy and paste).")
    var mouse: Bool?

    func run() async throws {
        try await Self.openTUI(database.choice, theme: theme, mouse: mouse)
    }

    /// Signs in and runs the TUI until the user quits.
    static func openTUI(_ choice: DatabaseChoice, theme: String?, mouse: Bool?) async throws {
        let environment = CLIEnvironment.load()
        await TUILauncher.bootstrapLogging(paths: environment.paths)
        let (database, session) = try choice.signIn()
        let options = TUILauncher.Options(
            theme: theme ?? environment.config.theme, keyBindings: environment.config.keys,
            mouse: mouse ?? environment.config.mouse, isReadOnly: choice.readOnly,
            warnings: environment.warnings, paths: environment.paths, weekStartsOn: environment.config.weekStartsOn)
        let status: Int32
        // While the TUI owns the terminal, a lock wait is a notice on its screen, not a line on stderr.
        LockWaitReporter.redirect(to: TUILauncher.lockWaitNotice)
        defer { LockWaitReporter.redirect(to: nil) }
        do {
            status = try await TUILauncher.run(database: database, session: session, options: options)
        } catch let error as StoreError {
            throw error
        } catch let error as ServiceError {
            throw error
        } catch {
            throw CLIError("cannot start the terminal UI: \(error)")
        }
        if status != 0 { throw ExitCode(status) }
    }
}
