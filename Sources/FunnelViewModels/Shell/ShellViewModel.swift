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
    /// Set when the store reports a change (its `changes` sequence, read by a task of its own).
    let changed = ChangeFlag()
    let watching: Task<Void, Never>
    let database: any Store
    private var damageNoticed = false

    public init(database: any Store, session: Session, isReadOnly: Bool) {
        self.session = session
        databaseName = database.location.displayName
        self.database = database
        self.isReadOnly = isReadOnly || database.isReadOnly
        if !isReadOnly, let reason = database.readOnlyReason {
            readOnlyBanner = "Read-only: \(database.location.displayName) cannot be written: \(reason)."
        }
        overviewService = WorkspaceOverviewService(database: database)
        let changes = database.changes(every: .milliseconds(250))
        let changed = self.changed
        watching = Task.detached(priority: .utility) {
            for await _ in changes { changed.set() }
        }
        reload()
    }

    deinit { watching.cancel() }

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

    /// Reloads when the store reported a change (another process's commit, or this one's) since
    /// the last call; true when it did.
    public func reloadIfChanged() -> Bool {
        guard changed.take() else { return false }
        reload()
        return true
    }

    /// Checks the whole file (`PRAGMA quick_check`) off the main thread, instead of before the
    /// first write; `noticeDamage` (polled on each tick) turns the session read-only if it finds any.
    public func checkFileInBackground() {
        guard database.location != .file(":memory:") else { return }
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
        readOnlyBanner = "Damaged: \(database.location.displayName) is read-only; "
            + "run funnel doctor; funnel restore BACKUP. \(damage)"
        return true
    }

    /// Sets the status bar's message.
    public func show(_ text: String, level: Message.Level = .info) {
        message = Message(text: text, level: level)
    }
}

/// A flag set from any thread and taken (read and cleared) by the main actor.
final class ChangeFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var isSet = false

    func set() { lock.withLock { isSet = true } }

    /// Whether it was set since the last take; clears it.
    func take() -> Bool {
        lock.withLock {
            defer { isSet = false }
            return isSet
        }
    }
}
