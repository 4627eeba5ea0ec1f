import Foundation
import FunnelServices
import FunnelStore

/// The content Calendar: a month or a week of scheduled content, the agenda of the selected
/// day, filters, and changes (reschedule, new draft, edit, submit) with undo.
///
/// Days are local midnights in the user's calendar (its time zone); the store keeps UTC. A
/// month reads one count and the first few items per day through the scheduled-content index,
/// never the month's whole content; moving within the shown month reads only the new day's agenda.
@MainActor
public final class CalendarViewModel: WritesThroughQueue {
    public enum Mode: Sendable, Equatable { case month, week }

    public let session: Session
    let service: ContentService
    /// Where this pane's writes run (off the main thread in the TUI; shared by the panes).
    let writes: DatabaseWrites
    /// The user's calendar: its time zone is the one times are shown in.
    public let calendar: Calendar
    let clock: @Sendable () -> Date

    public private(set) var mode: Mode = .month
    /// The selected day (a local midnight).
    public private(set) var selectedDay: Date
    public private(set) var filter = ContentFilter()
    public private(set) var product: Product?
    /// The days shown: the month's days, or the week's seven.
    public private(set) var days: [Date] = []
    /// Items scheduled on each shown day (all of them, not only those loaded).
    public private(set) var counts: [Date: Int] = [:]
    /// The first items of each shown day, soonest first (as many as a day's cell shows).
    public private(set) var items: [Date: [ContentListItem]] = [:]
    /// The selected day's items, soonest first: a page at a time, more as the selection nears the end.
    public private(set) var agenda: [ContentListItem] = []
    public private(set) var agendaIndex = 0
    public private(set) var detail: ContentDetail?
    public var message: String?
    /// The changes made here, newest last (an undo is refused once someone changed the item since).
    public private(set) var undoStack = UndoHistory<ContentChange>()
    /// The version of each body handed to the editor: saving it is refused if the item changed meanwhile.
    var editedVersions: [Int64: Int64] = [:]
    /// Items a day's cell can list in the month and in the week: the screen says so
    /// (`resize(monthLines:weekLines:agendaRows:)`). More lines read the shown days again (only
    /// them); fewer need nothing, since a cell cuts to what fits.
    public private(set) var monthLines: Int
    public private(set) var weekLines: Int
    /// Rows the agenda shows at once: its loaded items always reach past the selection by as many.
    public private(set) var agendaRows = 10
    /// Items a day's cell lists in the current mode.
    public var linesPerDay: Int { mode == .week ? max(weekLines, 1) : monthLines }
    /// How many of a day's items the agenda reads at a time (at least).
    public static let agendaPage = 100
    var products: [Product]?

    public init(database: any Store, session: Session, clock: @escaping @Sendable () -> Date = WallClock.now,
                calendar: Calendar = .current, firstWeekday: Int? = nil, linesPerDay: Int = 3, weekLines: Int? = nil, agendaRows: Int = 10,
                writes: DatabaseWrites? = nil) {
        self.writes = writes ?? .onCaller(database)
        var calendar = calendar
        if let firstWeekday { calendar.firstWeekday = firstWeekday }
        self.session = session
        self.calendar = calendar
        self.clock = clock
        service = ContentService(database: database, clock: clock, calendar: calendar)
        selectedDay = calendar.startOfDay(for: clock())
        monthLines = max(0, linesPerDay)
        self.weekLines = max(1, weekLines ?? linesPerDay)
        self.agendaRows = max(1, agendaRows)
        reload()
    }

    /// The screen's size changed: a day's cell lists `monthLines` items in the month and
    /// `weekLines` in the week; the agenda shows `agendaRows` rows. Reads only what more lines show.
    public func resize(monthLines: Int, weekLines: Int, agendaRows: Int) {
        let before = linesPerDay
        self.monthLines = max(0, monthLines)
        self.weekLines = max(1, weekLines)
        let rowsBefore = self.agendaRows
        self.agendaRows = max(1, agendaRows)
        perform {
            if linesPerDay > before { try loadDays() }
            if self.agendaRows > rowsBefore { try loadAgendaAhead() }
        }
    }

    /// Reads on until the agenda holds the rows that can be on screen past the selection.
    func loadAgendaAhead() throws {
        while agendaIndex + agendaRows >= agenda.count, agenda.count < agendaTotal, try loadMoreAgenda() {}
    }

    // MARK: - Reading

    /// Today (a local midnight).
    public var today: Date { calendar.startOfDay(for: clock()) }

    /// The selected agenda item.
    public var selectedItem: ContentListItem? { agenda.indices.contains(agendaIndex) ? agenda[agendaIndex] : nil }

    /// How many items the selected day has.
    public var agendaTotal: Int { counts[selectedDay] ?? agenda.count }

    /// The first day of the shown month (month view) or week (week view).
    public var periodStart: Date { days.first ?? selectedDay }

    /// Year and month of the selected day.
    public var selectedMonth: (year: Int, month: Int) {
        let parts = calendar.dateComponents([.year, .month], from: selectedDay)
        return (parts.year ?? 1970, parts.month ?? 1)
    }

    /// The filters in words ("all types · all statuses · all products").
    public var filterLabel: String {
        [filter.type.map { $0.label } ?? "all types", filter.status.map { $0.label } ?? "all statuses", product?.name ?? "all products"]
            .joined(separator: " · ")
    }

    /// The local time of day of an item ("09:30").
    public func time(of item: ContentListItem) -> String {
        guard let date = item.scheduledAt else { return "--:--" }
        let parts = calendar.dateComponents([.hour, .minute], from: date)
        return String(format: "%02d:%02d", parts.hour ?? 0, parts.minute ?? 0)
    }

    /// A moment in words in the user's time zone ("Thu 3 Dec 2026 09:30").
    public func describe(_ date: Date) -> String { DateTimeInput.describe(date, calendar: calendar) }

    // MARK: - Loading

    /// Rereads the shown days and the agenda (after a change here or in another process).
    public func reload() {
        perform {
            try loadDays()
            try loadAgenda(keeping: selectedItem?.id)
            if let id = detail?.item.id { detail = try? service.detail(id, in: session) }
        }
    }

    /// The days the current mode shows around the selected day.
    func visibleDays() -> [Date] {
        switch mode {
        case .month:
            let first = calendar.date(from: calendar.dateComponents([.year, .month], from: selectedDay)) ?? selectedDay
            let count = calendar.range(of: .day, in: .month, for: first)?.count ?? 30
            return (0..<count).compactMap { calendar.date(byAdding: .day, value: $0, to: first) }
        case .week:
            let weekday = calendar.component(.weekday, from: selectedDay)
            let back = (weekday - calendar.firstWeekday + 7) % 7
            let first = calendar.date(byAdding: .day, value: -back, to: selectedDay) ?? selectedDay
            return (0..<7).compactMap { calendar.date(byAdding: .day, value: $0, to: first) }
        }
    }

    /// Each shown day's midnight and the midnight after the last.
    func bounds(_ days: [Date]) -> [Date] {
        guard let last = days.last else { return [] }
        return days + [calendar.date(byAdding: .day, value: 1, to: last) ?? last]
    }

    func loadDays() throws {
        let shown = visibleDays()
        let edges = bounds(shown)
        let dayCounts = try service.dayCounts(filter, bounds: edges, in: session)
        let lines = mode == .week ? max(linesPerDay, 1) : linesPerDay
        let firstItems = try service.dayItems(filter, bounds: edges, limit: lines, in: session)
        days = shown
        counts = [:]
        items = [:]
        for (index, day) in shown.enumerated() {
            counts[day] = dayCounts[index]
            items[day] = firstItems[index]
        }
    }

    func loadAgenda(keeping id: Int64? = nil) throws {
        agenda = try agendaPage(after: nil)
        // The kept item may be further down the day: read on until it is loaded.
        while let id, !agenda.contains(where: { $0.id == id }), agenda.count < agendaTotal, try loadMoreAgenda() {}
        if let id, let index = agenda.firstIndex(where: { $0.id == id }) {
            agendaIndex = index
        } else {
            agendaIndex = max(0, min(agendaIndex, agenda.count - 1))
        }
        try loadAgendaAhead()
    }

    func agendaPage(after item: ContentListItem?) throws -> [ContentListItem] {
        let next = calendar.date(byAdding: .day, value: 1, to: selectedDay) ?? selectedDay
        return try service.scheduled(filter, from: selectedDay, to: next, after: item, limit: max(Self.agendaPage, agendaRows * 2), in: session)
    }

    /// Reads the agenda's next page; false when there was none.
    func loadMoreAgenda() throws -> Bool {
        let more = try agendaPage(after: agenda.last)
        agenda += more
        return !more.isEmpty
    }

    // MARK: - Moving

    /// Selects the day `count` days away (a week is 7).
    public func moveDay(by count: Int) {
        select(calendar.date(byAdding: .day, value: count, to: selectedDay) ?? selectedDay)
    }

    /// The same day of the previous or next month (clamped to the month's length); a week in week view.
    public func shiftPeriod(by count: Int) {
        switch mode {
        case .month: select(calendar.date(byAdding: .month, value: count, to: selectedDay) ?? selectedDay)
        case .week: moveDay(by: 7 * count)
        }
    }

    /// Selects today.
    public func goToday() { select(today) }

    /// Selects a day, reading a new month or week only when the day is outside the shown ones.
    public func select(_ day: Date, keeping id: Int64? = nil) {
        let day = calendar.startOfDay(for: day)
        let changedDay = day != selectedDay
        selectedDay = day
        if changedDay { agendaIndex = 0 }
        perform {
            if !days.contains(day) { try loadDays() }
            try loadAgenda(keeping: id)
        }
    }

    /// Switches between the month and the week of the selected day.
    public func toggleMode() {
        mode = mode == .month ? .week : .month
        perform { try loadDays() }
    }

    /// Moves the agenda's selection.
    public func moveAgenda(by step: Int) {
        guard !agenda.isEmpty else { return }
        perform {
            while agendaIndex + step >= agenda.count - 1, agenda.count < agendaTotal, try loadMoreAgenda() {}
        }
        agendaIndex = max(0, min(agenda.count - 1, agendaIndex + step))
        perform { try loadAgendaAhead() }
    }

    /// Selects the first (false) or last (true) agenda item.
    public func moveAgendaToEnd(_ last: Bool) {
        moveAgenda(by: last ? agendaTotal : -agendaIndex)
    }

    // MARK: - Filters

    /// Cycles the type filter: all, blog, email, social...
    public func cycleType() {
        filter.type = Self.next(after: filter.type, in: ContentType.allCases)
        reloadFiltered()
    }

    /// Cycles the status filter: all, draft, pending approval...
    public func cycleStatus() {
        filter.status = Self.next(after: filter.status, in: ContentStatus.allCases)
        reloadFiltered()
    }

    /// Cycles the product filter through the organization's products.
    public func cycleProduct() {
        perform {
            if products == nil { products = try service.products(in: session) }
            product = Self.next(after: product, in: products ?? [])
            filter.productId = product?.id
            try loadDays()
            try loadAgenda(keeping: selectedItem?.id)
        }
    }

    /// Clears every filter.
    public func clearFilters() {
        filter = ContentFilter()
        product = nil
        reloadFiltered()
    }

    func reloadFiltered() {
        perform {
            try loadDays()
            try loadAgenda(keeping: selectedItem?.id)
        }
    }

    static func next<T: Equatable>(after current: T?, in all: [T]) -> T? {
        guard let current, let index = all.firstIndex(of: current) else { return all.first }
        return index + 1 < all.count ? all[index + 1] : nil
    }

    // MARK: - Detail

    /// The item the screen shows for a target (the open detail's, or the agenda's selected one).
    public func item(for target: ActionTarget) -> ContentListItem? {
        guard let record = target.single else { return nil }
        if let detail, detail.item.id == record.id { return detail.item }
        return agenda.first { $0.id == record.id }
    }

    /// Shows the selected item with its body, campaign or posts, and history.
    public func openDetail() {
        guard let item = selectedItem else { message = "No content on this day"; return }
        perform { detail = try service.detail(item.id, in: session) }
    }

    public func closeDetail() { detail = nil }

    /// The target item's body (the open one, else the selected one), for the editor (read
    /// fresh: lists carry no body).
    public func bodyForEditing(target: ActionTarget? = nil) -> (id: Int64, title: String, body: String)? {
        guard case let (_, record)? = singleTarget(target, "Editing") else { return nil }
        do {
            try session.require(.contentEdit)
            let detail = try service.detail(record.id, in: session)
            editedVersions[record.id] = detail.item.version
            return (record.id, detail.item.title, detail.body)
        } catch {
            message = "\(error)"
            return nil
        }
    }

    // MARK: - Changes

    /// Moves the target item (the open one, else the selected one) to the moment `text` names;
    /// the selection follows it. False (with the reason in `message`) when nothing moved.
    @discardableResult
    public func reschedule(to text: String, target: ActionTarget? = nil) -> Bool {
        guard case let (target, record)? = singleTarget(target, "Moving") else { return false }
        return apply(target, "Moving \(record.label)") { [service, session] in try service.reschedule(record.id, to: text, expecting: record.version, in: session) }
    }

    /// A new draft on the selected day at 09:00 (or at `time`, e.g. "14:30").
    @discardableResult
    public func createDraft(title: String, type: ContentType, time: String = "") -> Bool {
        let day = DateInput.format(selectedDay, calendar: calendar)
        switch DateTimeInput.moment("\(day) \(time.isEmpty ? "09:00" : time)", now: clock(), calendar: calendar) {
        case .failure(let error):
            message = "time: \(error.problem)"
            return false
        case .success(let date):
            let productId = product?.id
            return apply(nil, "Creating a draft") { [service, session] in
                try service.createDraft(title: title, type: type, at: date, productId: productId, in: session)
            }
        }
    }

    /// Saves a body edited outside (in $EDITOR).
    public func saveBody(_ body: String, of id: Int64) {
        let version = editedVersions.removeValue(forKey: id)
        apply(nil, "Saving #\(id)") { [service, session] in try service.edit(id, body: body, expecting: version, in: session) }
    }

    /// Submits the target draft (the open one, else the selected one) for approval.
    public func submitSelected(target: ActionTarget? = nil) {
        guard case let (target, record)? = singleTarget(target, "Submitting") else { return }
        apply(target, "Submitting \(record.label)") { [service, session] in try service.submit(record.id, expecting: record.version, in: session) }
    }

    /// Undoes the last change made here.
    public func undo() {
        let (service, session) = (self.service, self.session)
        guard let entry = undoStack.entries.last else { message = "Nothing to undo"; return }
        write("Undoing: \(entry.text)", { try service.undo(entry.change, in: session) }, settling: { result in
            let (entry, _) = try self.undoStack.settleUndo(of: entry, result)
            self.message = "Undone: \(entry.text)"
            try self.refreshAfterChange(focusing: entry.change.contentIds.first)
        })
    }

    /// Runs a change, remembers it for undo, says what it did naming the item, and follows the
    /// item to its day (an open detail stays open on it, reread).
    @discardableResult
    func apply(_ target: ActionTarget?, _ what: String, _ body: @escaping @Sendable () throws -> ContentChange) -> Bool {
        write(what, body) { change in
            let text = target?.naming(change.summary) ?? change.summary
            self.undoStack.push(change, text: text)
            self.message = text + " (u undoes)"
            try self.refreshAfterChange(focusing: change.contentIds.first)
        }
    }

    /// Rereads the shown days and follows the changed item to its (new) day.
    func refreshAfterChange(focusing id: Int64?) throws {
        if let id, let item = try? service.item(id, in: session), let date = item.scheduledAt {
            let day = calendar.startOfDay(for: date)
            selectedDay = day
            try loadDays()
            try loadAgenda(keeping: id)
        } else {
            try loadDays()
            try loadAgenda()
        }
        if let id = detail?.item.id { detail = try? service.detail(id, in: session) }
    }
}

extension CalendarViewModel: ActsOnShownRecords {
    public static let recordNoun = RecordNoun("item", "items")

    static func record(_ item: ContentListItem) -> ShownRecord { ShownRecord(id: item.id, name: item.title, version: item.version) }

    /// The item whose detail is open.
    public var openRecord: ShownRecord? { detail.map { Self.record($0.item) } }

    /// Calendar items are not marked.
    public var markedRecords: [ShownRecord] { [] }

    /// The selected item of the day's agenda.
    public var selectedRecord: ShownRecord? { selectedItem.map(Self.record) }
}
