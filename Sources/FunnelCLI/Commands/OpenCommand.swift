import ArgumentParser
import Foundation
import FunnelServices
import FunnelStore

/// `funnel` (the default): opens the terminal UI.
struct OpenCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "open",
        abstract: "Open the terminal UI (the default command)."
    )

    @OptionGroup var database: DatabaseOptions

    @Option(name: .long, help: "The colour theme (dark, light, high-contrast, mono, or one of yours).")
    var theme: String?

    func run() async throws {
        let choice = database.choice
        try await Self.openTUI(path: choice.resolvedPath(), user: choice.resolvedUser(), readOnly: choice.readOnly, theme: theme)
    }

    /// Signs in and runs the TUI until the user quits.
    static func openTUI(path: String, user: String?, readOnly: Bool, theme: String?) async throws {
        var options = DatabaseChoice()
        options.db = path
        options.user = user
        options.readOnly = readOnly
        let (_, session) = try options.signIn()
        throw CLIError("the terminal UI is not built yet; signed in as \(session.user.email) of \(session.organization.name)")
    }
}
