import Foundation
import FunnelServices
import FunnelStore
import FunnelTerminal
import FunnelUI
import FunnelViewModels
import Logging

/// Starts the terminal UI on an open database as a signed-in user, and runs it until quit.
@MainActor
public enum TUILauncher {
    /// What the command line decided: theme, keys, mouse, read-only, and config warnings to show.
    public struct Options: Sendable {
        public var theme: String?
        public var keyBindings: [String: [String]]
        public var mouse: Bool
        public var isReadOnly: Bool
        public var warnings: [String]
        public var paths: FunnelPaths
        /// The first day of the week in the Calendar.
        public var weekStartsOn: Weekday

        public init(theme: String?, keyBindings: [String: [String]], mouse: Bool, isReadOnly: Bool, warnings: [String], paths: FunnelPaths,
                    weekStartsOn: Weekday = .monday) {
            self.weekStartsOn = weekStartsOn
            self.theme = theme
            self.keyBindings = keyBindings
            self.mouse = mouse
            self.isReadOnly = isReadOnly
            self.warnings = warnings
            self.paths = paths
        }
    }

    /// Runs the TUI; returns the process's exit status (128+n after signal n).
    public static func run(database: any Store, session: Session, options: Options) async throws -> Int32 {
        let logger = Logger(label: "funnel")
        let catalog = ThemeCatalog.standard(paths: options.paths)
        let (theme, themeWarning) = catalog.loadOrFallback(named: options.theme ?? "dark")
        let terminal = Terminal()
        try terminal.start(options: Terminal.Options(mouse: options.mouse, theme: theme))
        logger.info("started", metadata: ["db": "\(database.location)", "user": "\(session.user.email)", "colors": "\(terminal.colorDepth)"])
        let shell = ShellViewModel(database: database, session: session, isReadOnly: options.isReadOnly)
        shell.checkFileInBackground()
        let app = FunnelApplication(database: database, shell: shell, catalog: catalog, themeName: theme.name, keyBindings: options.keyBindings, terminal: terminal,
                                    firstWeekday: options.weekStartsOn)
        for warning in options.warnings + [themeWarning].compactMap({ $0 }) {
            app.notify(warning, .warning)
        }
        let loop = TerminalRunLoop(terminal: terminal, application: app)
        let exit = await loop.run()
        terminal.stop()
        logger.info("stopped", metadata: ["exit": "\(exit)"])
        if case .signal(let number) = exit { return 128 + number }
        return 0
    }

    /// Records a lock wait for the screen (shown as a notice once the write is through) and the log.
    nonisolated public static let lockWaitNotice: @Sendable (LockWaitPolicy.Wait) -> Void = { wait in
        Logger(label: "funnel.store").warning("\(LockWaitPolicy.describe(wait))")
        LockNotices.shared.post(LockWaitPolicy.describe(wait))
    }

    /// Sends the log to the state folder's funnel.log (never to the screen).
    public static func bootstrapLogging(paths: FunnelPaths) {
        LoggingSystem.bootstrap(FileLogHandler.factory(path: paths.logFile))
    }
}

/// Lock waits told by the store past each busy timeout (from the write's own thread); the
/// application shows the newest as a notice on its next tick, beside the status line's
/// "Waiting for the database" (`DatabaseWrites`).
final class LockNotices: @unchecked Sendable {
    static let shared = LockNotices()
    private let lock = NSLock()
    private var pending: String?

    func post(_ text: String) { lock.withLock { pending = text } }

    /// The newest notice not yet shown, if any.
    func take() -> String? { lock.withLock { defer { pending = nil }; return pending } }
}
