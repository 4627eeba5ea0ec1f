import Foundation
import FunnelServices
import FunnelStore

/// The application shell's state: who is signed in, which pane is open, the counts, the last message.
///
/// It knows nothing of terminals: screens render its state, and keys reach it as intents.
@MainActor
public final class ShellViewModel {
    /// One message for the status bar, with how serious it is.
    public struct Message: Equatable, Sendable {
        public enum Level: Sendable { case info, success, warning, error }
        public let text: String
        public let level: Level
    }

    public let session: Session
    /// Where the database is, in a few words (the file's name, or the server and database).
    public let databaseName: String
    /// Whether writes are refused: asked for (--read-only), or the file cannot be written, or
    /// damage was found (`noticeDamage`).
    public private(set) var isReadOnly: Bool
    /// Why the session is read-only when the user did not ask for it (a damaged file, a read-only
    /// folder), for a banner line; nil otherwise.
    public private(set) var readOnlyBanner: String?
    public private(set) var activePane: PaneID = .leads
    public private(set) var overview = WorkspaceOverview()
    public private(set) var message: Message?
    /// How many times the data was reloaded because something changed (for tests and the log).
    public private(set) var reloadCount = 0

    let overviewService: WorkspaceOverviewService
    let watcher: DatabaseChangeWatcher?
    let database: AppDatabase
    private var damageNoticed = false

    public init(database: AppDatabase, session: Session, isReadOnly: Bool) {
        self.session = session
        databaseName = database.location.displayName
        self.database = database
        self.isReadOnly = isReadOnly || database.isReadOnly
        if !isReadOnly, let reason = database.readOnlyReason {
            readOnlyBanner = "Read-only: \((database.path as NSString).lastPathComponent) cannot be written: \(reason)."
        }
        overviewService = WorkspaceOverviewService(database: database)
        watcher = DatabaseChangeWatcher(database: database)
        reload()
    }

    /// The signed-in user as the status bar shows them: name, role, organization.
    public var signedInAs: String { "\(session.user.name) (\(session.role.name)) · \(session.organization.name)" }

    /// The count each tab shows, when the role may see it.
    public func count(for pane: PaneID) -> Int? {
        switch pane {
        case .leads: return overview.totalLeads
        case .pipeline: return overview.openDeals
        case .calendar: return overview.upcomingContent
        case .approvals: return overview.pendingApprovals
        }
    }

    // MARK: - Intents

    /// Opens a pane.
    public func select(_ pane: PaneID) { activePane = pane }

    /// Opens the next pane (wrapping around).
    public func selectNext() { move(by: 1) }

    /// Opens the previous pane (wrapping around).
    public func selectPrevious() { move(by: -1) }

    private func move(by offset: Int) {
        let all = PaneID.allCases
        let index = all.firstIndex(of: activePane) ?? 0
        activePane = all[(index + offset + all.count) % all.count]
    }

    /// Reloads the counts; a failure becomes the status message.
    public func reload() {
        do {
            overview = try overviewService.overview(for: session)
            reloadCount += 1
        } catch {
            show("\(error)", level: .error)
        }
    }

    /// Reloads when another process (or this one) committed a change; true when it did.
    public func reloadIfChanged() -> Bool {
        guard watcher?.hasChanged() == true else { return false }
        reload()
        return true
    }

    /// Checks the whole file (`PRAGMA quick_check`) off the main thread, instead of before the
    /// first write; `noticeDamage` (polled on each tick) turns the session read-only if it finds any.
    public func checkFileInBackground() {
        guard database.path != ":memory:" else { return }
        database.setChecksBeforeWrites(false)
        let database = self.database
        Task.detached(priority: .utility) { _ = try? database.checkIntegrity(.quick) }
    }

    /// Turns the session read-only when damage was found (by the background check or a read);
    /// true the first time.
    public func noticeDamage() -> Bool {
        guard !damageNoticed, let damage = database.damage else { return false }
        damageNoticed = true
        isReadOnly = true
        readOnlyBanner = "Damaged: \((database.path as NSString).lastPathComponent) is read-only; "
            + "run funnel doctor; funnel restore BACKUP. \(damage)"
        return true
    }

    /// Sets the status bar's message.
    public func show(_ text: String, level: Message.Level = .info) {
        message = Message(text: text, level: level)
    }
}
