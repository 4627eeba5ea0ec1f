import ArgumentParser
import Foundation
import FunnelServices
import FunnelStore

/// Where the database is and who acts: shared by every command that opens one.
struct DatabaseOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("The database file (default: $FUNNEL_DB, the config's `database`, or ~/.local/share/funnel/funnel.sqlite).", valueName: "path"))
    var db: String?

    @Option(name: .long, help: ArgumentHelp("Act as the user with this email (default: $FUNNEL_USER or the config's `user`).", valueName: "email"))
    var user: String?

    @Flag(name: .long, help: "Read the user's password from the first line of standard input.")
    var passwordStdin = false

    @Flag(name: .long, help: "Open the database read-only: every change is refused.")
    var readOnly = false

    /// The choices as a plain value.
    var choice: DatabaseChoice {
        DatabaseChoice(db: db, user: user, passwordStdin: passwordStdin, readOnly: readOnly)
    }
}

/// Which database to open and who acts: flags resolved against environment and config.
struct DatabaseChoice {
    var db: String?
    var user: String?
    var passwordStdin = false
    var readOnly = false

    /// Where the database is: chosen by flag, environment, config or default.
    func resolvedLocation() -> StoreLocation { StoreLocation(resolvedPath()) }

    /// The database path chosen by flag, environment, config or default (a server's URL as given).
    func resolvedPath() -> String {
        CLIEnvironment.expandingTilde(chosenPath())
    }

    private func chosenPath() -> String {
        if let db { return db }
        if let path = CommandContext.current.environment["FUNNEL_DB"], !path.isEmpty { return path }
        let environment = CLIEnvironment.load()
        if let path = environment.configuredDatabase { return path }
        return environment.defaultDatabasePath
    }

    /// The user email chosen by flag, environment or config, if any.
    func resolvedUser() -> String? {
        if let user { return user }
        if let email = CommandContext.current.environment["FUNNEL_USER"], !email.isEmpty { return email }
        return CLIEnvironment.load().configuredUser
    }

    /// Opens the database (creating it when `create`; `replacing` it whole, damaged or not, for a restore).
    func open(create: Bool = false, replacing: Bool = false) throws -> any Store {
        let location = resolvedLocation()
        guard let path = location.path else {
            return try location.openStore(readOnly: readOnly, create: create, replacing: replacing, lockWait: Self.lockWait)
        }
        if !create, !FileManager.default.fileExists(atPath: path) {
            let demo = CLIEnvironment.load().demoDatabasePath
            let hint = FileManager.default.fileExists(atPath: demo) && demo != path ? " The demo workspace is at \(demo): open it with --db \(demo)." : ""
            throw CLIError("no database at \(path): run `funnel demo` for a demo workspace or `funnel init` for a new one (or choose one with --db).\(hint)")
        }
        return try location.openStore(readOnly: readOnly, create: create, replacing: replacing, lockWait: Self.lockWait)
    }

    /// Another process holding the lock past the busy timeout: say so (on standard error, or in
    /// the TUI once it runs), and wait again.
    static let lockWait = LockWaitPolicy(retries: 2) { wait in LockWaitReporter.report(wait) }

    /// Opens the database and signs in, asking for a password when the organization requires one.
    func signIn(email override: String? = nil) throws -> (any Store, Session) {
        let database = try open()
        let identity = IdentityService(database: database)
        let email = override ?? resolvedUser()
        var password: String?
        if passwordStdin {
            password = try Prompt.stdinLine(purpose: "password")
        } else if let email, try identity.requiresPassword(email: email) {
            guard Prompt.canAsk else { throw ServiceError.passwordRequired(email) }
            password = Prompt.secret("Password for \(email): ")
        }
        return (database, try identity.signIn(email: email, password: password))
    }
}

/// Where lock waits are told: standard error for commands; the TUI's own notice while it owns
/// the terminal (a line on standard error would land in the middle of its screen).
enum LockWaitReporter {
    private static let lock = NSLock()
    nonisolated(unsafe) private static var redirect: (@Sendable (LockWaitPolicy.Wait) -> Void)?

    /// Sends later waits to `handler` (nil: back to standard error).
    static func redirect(to handler: (@Sendable (LockWaitPolicy.Wait) -> Void)?) {
        lock.withLock { redirect = handler }
    }

    static func report(_ wait: LockWaitPolicy.Wait) {
        if let handler = lock.withLock({ redirect }) {
            handler(wait)
            return
        }
        CommandContext.current.errors(("funnel: " + LockWaitPolicy.describe(wait) + "\n"))
    }
}
