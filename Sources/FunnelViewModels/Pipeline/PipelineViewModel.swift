import Foundation
import FunnelServices
import FunnelStore

/// The Pipeline pane: the board (one column per stage, each a window of cards paged by key),
/// the table of the same deals, the forecast, filters, the detail, and changes with undo.
///
/// Nothing loads a whole stage: each column holds a window of at most a few hundred cards around
/// its selection, and the column headers come from the maintained totals.
@MainActor
public final class PipelineViewModel: WritesThroughQueue {
    /// What the pane shows.
    public enum Mode: Sendable, Equatable { case board, table, forecast }

    /// The columns of the board, in pipeline order (won and lost last). Open columns list the
    /// soonest close date first; won and lost the most recently closed first.
    public static let stages = DealStage.allCases

    public let session: Session
    let service: PipelineService
    /// Where this pane's writes run (off the main thread in the TUI; shared by the panes).
    let writes: DatabaseWrites
    /// The organization's stage probabilities and rotting thresholds.
    let settings: PipelineSettings
    let clock: @Sendable () -> Date

    public private(set) var mode: Mode = .board
    public private(set) var owner: DealFilter.Owner = .anyone
    public private(set) var product: Product?
    public private(set) var closeMonth: String?
    public private(set) var search: String?
    /// The board's columns: a window of cards per stage.
    public private(set) var columns: [KeysetWindow<DealListItem>]
    public private(set) var selectedColumn = 0
    public private(set) var totals: [DealStage: StageTotals] = [:]
    /// The table: one window over every deal in `sort` order.
    public private(set) var table = KeysetWindow<DealListItem>()
    public private(set) var sort: DealSort = .closeDate
    public private(set) var descending = false
    /// The forecast's rows (`PipelineService.forecastReport`): the overdue open deals, then the months.
    public private(set) var forecast: [ForecastMonth] = []
    /// The first month of the forecast (`YYYY-MM`).
    public private(set) var forecastStart = ""
    public private(set) var detail: DealDetail?
    public var message: String?
    /// The changes made here, newest last (an undo is refused once someone changed the deal since).
    public private(set) var undoStack = UndoHistory<DealChange>()
    /// Cards a board column shows at once, and rows the table shows: the screen says so
    /// (`resize(visibleCards:tableRows:)`); each window holds at least what can be on screen.
    public private(set) var visibleCards: Int
    public private(set) var tableRows: Int
    /// Cards (board) or rows (table) visible at once.
    public var pageSize: Int { mode == .table ? tableRows : visibleCards }
    /// How many months the forecast shows.
    public static let forecastMonths = 8

    public init(database: any Store, session: Session, clock: @escaping @Sendable () -> Date = WallClock.now, calendar: Calendar = .current,
                visibleCards: Int = 8, tableRows: Int = 20, writes: DatabaseWrites? = nil) {
        self.session = session
        self.writes = writes ?? .onCaller(database)
        service = PipelineService(database: database, clock: clock, calendar: calendar)
        settings = service.settings(in: session)
        self.clock = clock
        self.visibleCards = max(1, visibleCards)
        self.tableRows = max(1, tableRows)
        columns = Self.stages.map { _ in KeysetWindow<DealListItem>() }
        setVisible()
        reload()
    }

    /// The screen's size changed: a column shows `cards` cards and the table `tableRows` rows.
    /// Loads what a bigger screen shows around each selection (nothing when it is loaded already).
    public func resize(visibleCards cards: Int, tableRows rows: Int) {
        let (cards, rows) = (max(1, cards), max(1, rows))
        guard cards != visibleCards || rows != tableRows else { return }
        (visibleCards, tableRows) = (cards, rows)
        setVisible()
        perform {
            for (index, stage) in Self.stages.enumerated() {
                let (after, before) = loaders(filter.with(stage: stage), sort: .closeDate, descending: stage.isClosed)
                try columns[index].select(columns[index].selected, page: visibleCards, after: after, before: before)
            }
            if mode == .table {
                let (after, before) = loaders(filter, sort: sort, descending: descending)
                try table.select(table.selected, page: tableRows, after: after, before: before)
            }
        }
    }

    func setVisible() {
        for index in columns.indices { columns[index].visible = visibleCards }
        table.visible = tableRows
    }

    // MARK: - Reading

    /// Today in the user's time zone (`YYYY-MM-DD`).
    public var today: String { service.today }

    /// The filter of the board and table (without a stage).
    public var filter: DealFilter {
        DealFilter(owner: owner, productId: product?.id, closeMonth: closeMonth, search: search)
    }

    /// The selected deal in the current mode.
    public var selectedItem: DealListItem? {
        switch mode {
        case .board: return columns[selectedColumn].selectedItem
        case .table: return table.selectedItem
        case .forecast: return nil
        }
    }

    /// The stage of the selected column.
    public var selectedStage: DealStage { Self.stages[selectedColumn] }

    /// What stands out about a deal (overdue, stale, days in stage).
    /// Asked for every card of every frame: the organization's settings are read once, not per card.
    public func health(of item: DealListItem) -> DealHealth {
        DealHealth(item, settings: settings, now: clock(), today: service.today)
    }

    /// The owner filter in words.
    public var ownerLabel: String { owner.label }

    /// Every deal the filter matches, over all stages.
    public var filteredTotal: Int { totals.values.reduce(0) { $0 + $1.deals } }

    // MARK: - Loading

    /// Reloads totals and every loaded window (after a change here or in another process).
    public func reload() {
        perform {
            totals = try service.totals(filter, in: session)
            for index in columns.indices { try reloadColumn(index) }
            if mode == .table { try reloadTable() }
            if mode == .forecast { try loadForecast() }
            if let id = detail?.item.id { detail = try? service.detail(dealId: id, in: session) }
        }
    }

    func reloadColumn(_ index: Int) throws {
        let stage = Self.stages[index]
        columns[index].total = totals[stage]?.deals ?? 0
        let (after, before) = loaders(filter.with(stage: stage), sort: .closeDate, descending: stage.isClosed)
        try columns[index].reload(page: visibleCards, after: after, before: before)
    }

    func reloadTable() throws {
        table.total = filteredTotal
        let (after, before) = loaders(filter, sort: sort, descending: descending)
        try table.reload(page: tableRows, after: after, before: before)
    }

    /// Months the forecast is shifted from its default (two months ago onwards).
    public private(set) var forecastShift = 0

    /// Shows earlier (negative) or later months in the forecast.
    public func shiftForecast(by months: Int) {
        forecastShift += months
        perform { try loadForecast() }
    }

    func loadForecast() throws {
        let today = service.today
        let parts = today.split(separator: "-").compactMap { Int($0) }
        let first = parts[0] * 12 + (parts[1] - 1) - 2 + forecastShift
        forecastStart = String(format: "%04d-%02d", first / 12, first % 12 + 1)
        forecast = try service.forecastReport(filter, firstMonth: forecastStart, months: Self.forecastMonths, in: session).rows
    }

    /// Page loaders for a list, by key.
    func loaders(_ filter: DealFilter, sort: DealSort, descending: Bool) -> (KeysetWindow<DealListItem>.After, KeysetWindow<DealListItem>.Before) {
        let service = self.service
        let session = self.session
        return ({ item, limit in
            try service.list(filter, sort: sort, descending: descending, after: item?.pageKey(sort), limit: limit, in: session)
        }, { item, limit in
            try service.list(filter, sort: sort, descending: descending, before: item?.pageKey(sort), limit: limit, in: session)
        })
    }

    // MARK: - Moving

    public typealias Movement = ListMove

    /// Moves the selection within the column (board) or the table.
    public func move(_ movement: Movement) {
        perform {
            switch mode {
            case .board:
                let stage = selectedStage
                let (after, before) = loaders(filter.with(stage: stage), sort: .closeDate, descending: stage.isClosed)
                try columns[selectedColumn].select(target(movement, in: columns[selectedColumn]), page: visibleCards, after: after, before: before)
            case .table:
                let (after, before) = loaders(filter, sort: sort, descending: descending)
                try table.select(target(movement, in: table), page: tableRows, after: after, before: before)
            case .forecast:
                break
            }
        }
    }

    func target(_ movement: Movement, in window: KeysetWindow<DealListItem>) -> Int {
        window.target(of: movement, pageSize: pageSize)
    }

    /// Selects the column `by` columns left (-1) or right (+1).
    public func moveColumn(by step: Int) {
        selectedColumn = max(0, min(Self.stages.count - 1, selectedColumn + step))
    }

    /// Switches between the board and the table (the forecast returns to the board).
    public func toggleTable() {
        let selected = selectedItem
        mode = mode == .board ? .table : .board
        perform {
            if mode == .table {
                table.clear()
                table.selected = 0
                try reloadTable()
                if let selected { try focusTable(on: selected) }
            } else if let selected {
                try focus(on: selected.id)
            }
        }
    }

    /// Shows or hides the forecast.
    public func toggleForecast() {
        mode = mode == .forecast ? .board : .forecast
        if mode == .forecast { perform { try loadForecast() } }
    }

    /// Sorts the table by the next column (close date, value, days in stage, title).
    public func cycleSort() {
        let all = DealSort.allCases
        sort = all[((all.firstIndex(of: sort) ?? 0) + 1) % all.count]
        descending = sort.naturalDescending
        resetTable()
    }

    /// Reverses the table's order.
    public func reverseSort() {
        descending.toggle()
        resetTable()
    }

    func resetTable() {
        table.clear()
        table.selected = 0
        perform { try reloadTable() }
    }

    /// The sort in words: "value ↓".
    public var sortLabel: String {
        let name: String
        switch sort {
        case .closeDate: name = "close date"
        case .value: name = "value"
        case .stageAge: name = "days in stage"
        case .title: name = "title"
        }
        // Days in stage runs opposite to the date it is sorted by.
        let down = sort == .stageAge ? !descending : descending
        return name + (down ? " ↓" : " ↑")
    }

    // MARK: - Filters

    /// Cycles the owner filter: everyone's, mine, unassigned.
    public func cycleOwner() {
        owner = owner.cycled(me: session.userId)
        resetAll()
    }

    /// Shows only deals of one product (nil: every product).
    public func filter(product: Product?) {
        self.product = product
        resetAll()
    }

    /// Shows only deals closing in one month (`YYYY-MM`; nil: any month).
    public func filter(closeMonth: String?) {
        self.closeMonth = closeMonth
        resetAll()
    }

    /// Searches titles and contacts (empty clears the search).
    public func setSearch(_ text: String) {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        search = trimmed.isEmpty ? nil : trimmed
        resetAll()
    }

    func resetAll() {
        for index in columns.indices {
            columns[index].clear()
            columns[index].selected = 0
        }
        table.clear()
        table.selected = 0
        reload()
    }

    /// The months the close-month filter offers: from three months ago to a year ahead.
    public func monthChoices() -> [String] {
        let parts = service.today.split(separator: "-").compactMap { Int($0) }
        var (year, month) = (parts[0], parts[1] - 3)
        if month < 1 { month += 12; year -= 1 }
        return (0..<16).map { offset in
            let total = year * 12 + (month - 1) + offset
            return String(format: "%04d-%02d", total / 12, total % 12 + 1)
        }
    }

    /// The organization's products.
    public func products() -> [Product] { (try? service.products(in: session)) ?? [] }

    // MARK: - Detail

    /// Opens the selected deal with its contact and timeline.
    public func openDetail() {
        guard let id = selectedItem?.id else { return }
        perform { detail = try service.detail(dealId: id, in: session) }
    }

    /// Closes the detail.
    public func closeDetail() { detail = nil }

    // MARK: - Changes

    /// Moves the target deal (the open one, else the selected one) one stage right (+1) or
    /// left (-1); the selection follows it.
    public func advanceSelected(by step: Int, target: ActionTarget? = nil) {
        guard case let (target, record)? = singleTarget(target, "Moving") else { return }
        apply(target, "Moving \(record.label)") { [service, session] in try service.advance(record.id, by: step, expecting: record.version, in: session) }
    }

    /// Closes the target deal as won.
    public func winSelected(target: ActionTarget? = nil) {
        guard case let (target, record)? = singleTarget(target, "Winning") else { return }
        apply(target, "Winning \(record.label)") { [service, session] in try service.win(record.id, expecting: record.version, in: session) }
    }

    /// Closes the target deal as lost, with a reason.
    public func loseSelected(reason: LostReason, note: String?, target: ActionTarget? = nil) {
        guard case let (target, record)? = singleTarget(target, "Losing") else { return }
        apply(target, "Losing \(record.label)") { [service, session] in
            try service.lose(record.id, reason: reason, note: note, expecting: record.version, in: session)
        }
    }

    /// The deal the screen shows for a target (the open detail's, or the selected one).
    func targetItem(_ target: ActionTarget?) -> DealListItem? {
        guard let record = (target ?? actionTarget)?.single else { return nil }
        if let detail, detail.item.id == record.id { return detail.item }
        return selectedItem?.id == record.id ? selectedItem : nil
    }

    /// The edit form's fields for the target deal.
    public func editForm(target: ActionTarget? = nil) -> DealForm? {
        guard let item = targetItem(target) else { return nil }
        let deal = item.deal
        let owner = item.ownerName ?? ""
        return DealForm(title: deal.title, value: String(format: "%.2f", Double(deal.value) / 100).replacingOccurrences(of: ".00", with: ""),
                        probability: deal.probabilityIsManual ? String(deal.probability) : "",
                        product: item.productName ?? "", closeDate: deal.closeDate ?? "", owner: owner)
    }

    /// Saves the edit form on the target deal; returns the problems by field when it cannot be saved.
    @discardableResult
    public func saveEdit(_ form: DealForm, target: ActionTarget? = nil) -> [String: String] {
        guard let target = target ?? actionTarget, let item = targetItem(target) else { return [:] }
        let problems = service.problems(form, editing: item.deal, in: session)
        guard problems.isEmpty else { return problems }
        apply(target, "Saving \(target.label)") { [service, session] in try service.edit(item.id, with: form, expecting: target.single?.version, in: session) }
        return [:]
    }

    /// A new deal's form, for the contact of the open detail when there is one.
    public func newForm() -> DealForm {
        let contact = detail?.contact.map { "#\($0.id ?? 0)" } ?? ""
        return DealForm(contact: contact, closeDate: "+30d", owner: session.user.email)
    }

    /// Creates a deal; returns the problems by field when it cannot be saved.
    @discardableResult
    public func create(_ form: DealForm) -> [String: String] {
        let problems = service.problems(form, editing: nil, in: session)
        guard problems.isEmpty else { return problems }
        detail = nil
        apply(nil, "Creating a deal") { [service, session] in try service.create(form, in: session) }
        return [:]
    }

    /// Undoes the last change made here; the selection goes back to the deal.
    public func undo() {
        let (service, session) = (self.service, self.session)
        guard let entry = undoStack.entries.last else { message = "Nothing to undo"; return }
        write("Undoing: \(entry.text)", { try service.undo(entry.change, in: session) }, settling: { result in
            let (entry, _) = try self.undoStack.settleUndo(of: entry, result)
            self.settledUndo(entry)
        })
    }

    /// After an undo of `entry`.
    func settledUndo(_ entry: UndoHistory<DealChange>.Entry) {
        perform {
            let change = entry.change
            message = "Undone: \(entry.text)"
            let item = try reloadAfter(change)
            if case .restore = change.undo { try focus(on: item) } else if mode == .table { try reloadTable() }
            // An open detail shows the deal as it is now (its version too), or closes when the undo deleted it.
            if let id = detail?.item.id { detail = try? service.detail(dealId: id, in: session) }
        }
    }

    /// Runs a change, remembers it for undo, says what it did naming the deal, reloads, and keeps
    /// the changed deal selected (an open detail stays open on it, reread).
    func apply(_ target: ActionTarget?, _ what: String, _ body: @escaping @Sendable () throws -> DealChange) {
        write(what, body) { change in
            let text = target?.naming(change.summary) ?? change.summary
            self.undoStack.push(change, text: text)
            self.message = text + " (u undoes)"
            try self.focus(on: try self.reloadAfter(change))
            if let id = self.detail?.item.id { self.detail = try? self.service.detail(dealId: id, in: self.session) }
        }
    }

    /// Reloads the totals and the columns a change touched: the deal's stage before and after
    /// (another process's changes reload everything through `reload`).
    /// Returns the deal as it is now (nil when the change deleted it).
    @discardableResult
    func reloadAfter(_ change: DealChange) throws -> DealListItem? {
        totals = try service.totals(filter, in: session)
        var stages = Set<DealStage>()
        if case .restore(let before) = change.undo { stages.insert(before.stage) }
        let now = try? service.item(change.dealId, in: session)
        if let now { stages.insert(now.deal.stage) }
        if case .delete = change.undo { stages.insert(.prospecting) }
        for (index, stage) in Self.stages.enumerated() {
            if stages.contains(stage) { try reloadColumn(index) } else { columns[index].total = totals[stage]?.deals ?? 0 }
        }
        return now
    }

    /// Selects a deal: its column and its row in the column (or the table).
    func focus(on dealId: Int64) throws {
        try focus(on: try? service.item(dealId, in: session))
    }

    /// Selects a deal already read (nil: it is gone; the table reloads).
    func focus(on item: DealListItem?) throws {
        guard let item else {
            if mode == .table { try reloadTable() }
            return
        }
        if mode == .table {
            try reloadTable()
            try focusTable(on: item)
            return
        }
        guard let index = Self.stages.firstIndex(of: item.deal.stage) else { return }
        let stageFilter = filter.with(stage: item.deal.stage)
        // A filter may hide the deal now (another owner, another month): then stay put.
        guard matches(item, stageFilter) else { return }
        selectedColumn = index
        let closed = item.deal.stage.isClosed
        let position = try service.position(of: item, in: stageFilter, descending: closed, in: session)
        let (after, before) = loaders(stageFilter, sort: .closeDate, descending: closed)
        try columns[index].focus(on: item, at: position, page: max(visibleCards * 2, 8), after: after, before: before)
    }

    func focusTable(on item: DealListItem) throws {
        guard matches(item, filter) else { return }
        let position = try service.position(of: item, in: filter, sort: sort, descending: descending, in: session)
        let (after, before) = loaders(filter, sort: sort, descending: descending)
        try table.focus(on: item, at: position, page: max(tableRows * 2, 8), after: after, before: before)
    }

    /// Whether the deal passes the filter's owner, product and month (search is not re-checked).
    func matches(_ item: DealListItem, _ filter: DealFilter) -> Bool {
        let deal = item.deal
        switch filter.owner {
        case .anyone: break
        case .user(let id): if deal.ownerId != id { return false }
        case .unassigned: if deal.ownerId != nil { return false }
        }
        if let product = filter.productId, deal.productId != product { return false }
        if let month = filter.closeMonth, !(deal.closeDate ?? "").hasPrefix(month) { return false }
        return true
    }
}

extension PipelineViewModel: ActsOnShownRecords {
    public static let recordNoun = RecordNoun("deal", "deals")

    static func record(_ item: DealListItem) -> ShownRecord { ShownRecord(id: item.id, name: item.deal.title, version: item.deal.version) }

    /// The deal whose detail is open.
    public var openRecord: ShownRecord? { detail.map { Self.record($0.item) } }

    /// Deals are not marked.
    public var markedRecords: [ShownRecord] { [] }

    /// The selected card (board) or row (table); none in the forecast.
    public var selectedRecord: ShownRecord? { selectedItem.map(Self.record) }
}
