import Foundation
import FunnelServices
import FunnelStore

/// The Approvals pane: the queue of content waiting for approval, oldest first, read by key a
/// window at a time; a preview of the selected item; marks; approve and reject.
@MainActor
public final class ApprovalsViewModel: PaneMessage {
    public let session: Session
    let service: ContentService
    let clock: @Sendable () -> Date

    /// The queue, oldest submission first.
    public private(set) var queue = KeysetWindow<ContentListItem>()
    /// Items marked for a decision together, by id, in the order they were marked.
    public private(set) var marked: [Int64] = []
    /// The selected item in full (body, campaign, posts, history).
    public private(set) var preview: ContentDetail?
    /// The first body line the preview shows.
    public private(set) var previewScroll = 0
    /// Whether the selected item fills the screen.
    public private(set) var isFullScreen = false
    public var message: String?
    /// Rows visible at once; the screen sets it (a taller screen reads more rows).
    public var pageSize = 10 {
        didSet {
            // A taller screen loads more rows around the selection (no count, no preview again).
            guard pageSize > oldValue else { return }
            let (after, before) = loaders()
            perform { try queue.select(queue.selected, page: pageSize, after: after, before: before) }
        }
    }

    public init(database: AppDatabase, session: Session, clock: @escaping @Sendable () -> Date = Date.init, calendar: Calendar = .current) {
        self.session = session
        self.clock = clock
        service = ContentService(database: database, clock: clock, calendar: calendar)
        reload()
    }

    // MARK: - Reading

    public var selectedItem: ContentListItem? { queue.selectedItem }

    /// Whether the user may decide at all (the screen says so instead of offering the keys).
    public var canDecide: Bool { session.can(.contentApprove) }

    /// Why the selected item cannot be decided by this user, if it cannot.
    public var refusal: String? { selectedItem.flatMap { service.refusal(toDecide: $0, in: session) } }

    /// How long an item has waited since it was submitted: "45m", "5h 10m", "3d 4h".
    public func waited(_ item: ContentListItem) -> String {
        DurationText.short(clock().timeIntervalSince(item.submittedAt ?? item.createdAt))
    }

    /// A moment in the user's time zone ("Thu 3 Dec 2026 09:30").
    public func describe(_ date: Date) -> String { DateTimeInput.describe(date, calendar: service.calendar) }

    // MARK: - Loading

    /// Rereads the queue around the selection (after a decision here or in another process).
    public func reload() {
        perform {
            queue.total = try service.queueCount(in: session)
            let (after, before) = loaders()
            try queue.reload(page: pageSize, after: after, before: before)
            marked.removeAll { id in queue.items.allSatisfy { $0.id != id } && !stillPending(id) }
            try loadPreview()
        }
    }

    func stillPending(_ id: Int64) -> Bool {
        (try? service.item(id, in: session).status) == .pendingApproval
    }

    func loaders() -> (KeysetWindow<ContentListItem>.After, KeysetWindow<ContentListItem>.Before) {
        let service = self.service
        let session = self.session
        return ({ item, limit in try service.queue(after: item?.queueKey, limit: limit, in: session) },
                { item, limit in try service.queue(before: item?.queueKey, limit: limit, in: session) })
    }

    func loadPreview() throws {
        let id = selectedItem?.id
        if preview?.item.id != id { previewScroll = 0 }
        preview = try id.map { try service.detail($0, in: session) }
        if preview == nil { isFullScreen = false }
    }

    // MARK: - Moving

    public typealias Movement = ListMove

    public func move(_ movement: Movement) {
        let target = queue.target(of: movement, pageSize: pageSize)
        perform {
            let (after, before) = loaders()
            try queue.select(target, page: pageSize, after: after, before: before)
            try loadPreview()
        }
    }

    /// Scrolls the preview's body (clamped at the top; the screen clamps the bottom).
    public func scrollPreview(by lines: Int) {
        previewScroll = max(0, previewScroll + lines)
    }

    /// Clamps the preview scroll to what the screen can show.
    public func clampPreview(maxScroll: Int) {
        previewScroll = min(previewScroll, max(0, maxScroll))
    }

    /// Opens or closes the selected item full screen.
    public func toggleFullScreen() {
        guard preview != nil else { return }
        isFullScreen.toggle()
    }

    public func closeFullScreen() { isFullScreen = false }

    // MARK: - Marks

    /// Marks or unmarks the selected item, then moves down.
    public func toggleMark() {
        guard let item = selectedItem else { return }
        if let index = marked.firstIndex(of: item.id) { marked.remove(at: index) } else { marked.append(item.id) }
        move(.down)
    }

    public func isMarked(_ item: ContentListItem) -> Bool { marked.contains(item.id) }

    public func clearMarks() { marked.removeAll() }

    /// What a decision applies to: the marked items, or else the selected one.
    public var decisionTargets: [Int64] {
        if !marked.isEmpty { return marked }
        return selectedItem.map { [$0.id] } ?? []
    }

    // MARK: - Decisions

    /// Approves the marked items (in one transaction) or the selected one.
    public func approve(comment: String? = nil) {
        decide { try service.approve(decisionTargets, comment: comment, in: session) }
    }

    /// Sends the marked items or the selected one back to draft with a comment.
    public func reject(comment: String) {
        decide { try service.reject(decisionTargets, comment: comment, in: session) }
    }

    func decide(_ body: () throws -> ContentChange) {
        guard !decisionTargets.isEmpty else { message = "The queue is empty"; return }
        do {
            let change = try body()
            marked.removeAll()
            reload()
            message = change.summary
        } catch {
            message = "\(error)"
        }
    }
}
