import Foundation
import FunnelServices
import FunnelStore

/// The Approvals pane: the queue of content waiting for approval, oldest first, read by key a
/// window at a time; a preview of the selected item; marks; approve and reject.
@MainActor
public final class ApprovalsViewModel: WritesThroughQueue {
    public let session: Session
    let service: ContentService
    /// Where this pane's writes run (off the main thread in the TUI; shared by the panes).
    let writes: DatabaseWrites
    let clock: @Sendable () -> Date

    /// The queue, oldest submission first.
    public private(set) var queue = KeysetWindow<ContentListItem>()
    /// Items marked for a decision together, by id, in the order they were marked.
    public private(set) var marked: [Int64] = []
    /// The marked items as they were when marked (to name them and say why one may not be decided).
    var markedItems: [Int64: ContentListItem] = [:]
    /// The selected item in full (body, campaign, posts, history).
    public private(set) var preview: ContentDetail?
    /// The first body line the preview shows.
    public private(set) var previewScroll = 0
    /// Whether the selected item fills the screen.
    public private(set) var isFullScreen = false
    public var message: String?
    /// Rows of the queue visible at once: the screen says so (`resize(visibleRows:)`), and the
    /// window always holds the rows that can be on screen around the selection.
    public private(set) var pageSize: Int

    public init(database: any Store, session: Session, clock: @escaping @Sendable () -> Date = WallClock.now, calendar: Calendar = .current,
                visibleRows: Int = 10, writes: DatabaseWrites? = nil) {
        self.session = session
        self.writes = writes ?? .onCaller(database)
        self.clock = clock
        service = ContentService(database: database, clock: clock, calendar: calendar)
        pageSize = max(1, visibleRows)
        queue.visible = pageSize
        reload()
    }

    /// The screen's size changed: the queue shows `count` rows. A taller screen loads more rows
    /// around the selection (no count, no preview again).
    public func resize(visibleRows count: Int) {
        let count = max(1, count)
        guard count != pageSize else { return }
        pageSize = count
        queue.visible = count
        let (after, before) = loaders()
        perform { try queue.select(queue.selected, page: pageSize, after: after, before: before) }
    }

    // MARK: - Reading

    public var selectedItem: ContentListItem? { queue.selectedItem }

    /// Whether the user may decide at all (the screen says so instead of offering the keys).
    public var canDecide: Bool { session.can(.contentApprove) }

    /// Why the selected item cannot be decided by this user, if it cannot.
    public var refusal: String? { selectedItem.flatMap { service.refusal(toDecide: $0, in: session) } }

    /// Why the target items (the full-screen one, else the marked, else the selected one) cannot
    /// be decided by this user, said before anything is asked; nil when they can.
    public func refusal(for target: ActionTarget?) -> String? {
        guard let target else { return "The queue is empty" }
        for record in target.records {
            guard let item = item(for: record) else { continue }
            if let refusal = service.refusal(toDecide: item, in: session) {
                return target.records.count == 1 ? refusal : "\(refusal): none of \(target.label) is decided"
            }
        }
        return nil
    }

    /// The item the screen shows for a record of a target.
    func item(for record: ShownRecord) -> ContentListItem? {
        if let preview, preview.item.id == record.id { return preview.item }
        return markedItems[record.id] ?? queue.items.first { $0.id == record.id }
    }

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
            markedItems = markedItems.filter { marked.contains($0.key) }
            // A marked item shown again is decided as it is shown now (its version too).
            for item in queue.items where markedItems[item.id] != nil { markedItems[item.id] = item }
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
        if let index = marked.firstIndex(of: item.id) {
            marked.remove(at: index)
            markedItems[item.id] = nil
        } else {
            marked.append(item.id)
            markedItems[item.id] = item
        }
        move(.down)
    }

    public func isMarked(_ item: ContentListItem) -> Bool { marked.contains(item.id) }

    public func clearMarks() {
        marked.removeAll()
        markedItems = [:]
    }

    /// What a decision applies to: the full-screen item, else the marked items, else the selected one.
    public var decisionTargets: [Int64] { actionTarget?.ids ?? [] }

    // MARK: - Decisions

    /// Approves the target items (in one transaction): the full-screen one, else the marked, else the selected one.
    public func approve(comment: String? = nil, target: ActionTarget? = nil) {
        guard let target = target ?? actionTarget else { message = "The queue is empty"; return }
        decide(target, "Approving \(target.label)") { [service, session] in try service.approve(target.ids, comment: comment, expecting: target.versions, in: session) }
    }

    /// Sends the target items back to draft with a comment.
    public func reject(comment: String, target: ActionTarget? = nil) {
        guard let target = target ?? actionTarget else { message = "The queue is empty"; return }
        decide(target, "Rejecting \(target.label)") { [service, session] in try service.reject(target.ids, comment: comment, expecting: target.versions, in: session) }
    }

    /// Runs a decision; marks acted on are cleared. A full-screen item decided has left the
    /// queue: the full screen closes (the message names it) rather than show the next one.
    func decide(_ target: ActionTarget, _ what: String, _ body: @escaping @Sendable () throws -> ContentChange) {
        write(what, body) { change in
            if target.source == .marks { self.clearMarks() }
            if target.source == .open { self.isFullScreen = false }
            self.reload()
            let text = target.naming(change.summary)
            self.undoStack.push(change, text: text)
            self.message = text + " (u undoes)"
        }
    }

    /// The decisions made here, newest last (an undo is refused once someone changed an item since).
    public private(set) var undoStack = UndoHistory<ContentChange>()

    /// Undoes the last decision: the items wait for approval again (all of them or none).
    public func undo() {
        let (service, session) = (self.service, self.session)
        guard let entry = undoStack.entries.last else { message = "Nothing to undo"; return }
        write("Undoing: \(entry.text)", { try service.undo(entry.change, in: session) }, settling: { result in
            let (entry, _) = try self.undoStack.settleUndo(of: entry, result)
            self.settledUndo(entry)
        })
    }

    /// After an undo of `entry`: the items wait for approval again.
    func settledUndo(_ entry: UndoHistory<ContentChange>.Entry) {
        perform {
            reload()
            message = "Undone: \(entry.text)"
            // Back to the (first) item, now in the queue again.
            if let id = entry.change.contentIds.first, let offset = queue.items.firstIndex(where: { $0.id == id }) {
                let (after, before) = loaders()
                try queue.select(queue.start + offset, page: pageSize, after: after, before: before)
                try loadPreview()
            }
        }
    }
}

extension ApprovalsViewModel: ActsOnShownRecords {
    public static let recordNoun = RecordNoun("item", "items")

    static func record(_ item: ContentListItem) -> ShownRecord { ShownRecord(id: item.id, name: item.title, version: item.version) }

    /// The item open full screen.
    public var openRecord: ShownRecord? { isFullScreen ? preview.map { Self.record($0.item) } : nil }

    /// The marked items, in the order they were marked.
    public var markedRecords: [ShownRecord] {
        marked.map { id in markedItems[id].map(Self.record) ?? ShownRecord(id: id, name: nil) }
    }

    /// The selected item of the queue (the preview's).
    public var selectedRecord: ShownRecord? { selectedItem.map(Self.record) }
}
