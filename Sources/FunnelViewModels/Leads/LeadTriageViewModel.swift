import Foundation
import FunnelServices
import FunnelStore

/// The Leads pane: a window onto the organization's leads ranked by score, the status tabs and
/// filters, marks, the selected lead's detail, and the triage actions with undo.
///
/// Only a window of rows is ever loaded (keyset pages through the ranking's index), so moving
/// through a million leads costs the same as through a hundred.
@MainActor
public final class LeadTriageViewModel: WritesThroughQueue {
    /// The status tabs: all leads, then one per status.
    public static let tabs: [LeadStatus?] = [nil] + LeadStatus.allCases

    public let session: Session
    let service: LeadService
    let scoring: ScoringService
    /// Where this pane's writes run (off the main thread in the TUI; shared by the panes).
    let writes: DatabaseWrites

    public private(set) var tabIndex = 0
    public private(set) var owner: LeadFilter.Owner = .anyone
    public private(set) var source: LeadSource?
    public private(set) var product: Product?
    public private(set) var search: String?
    /// Only leads whose attribute holds a value (`f`, after the sources).
    public private(set) var attribute: AttributeFilter?
    /// The ranking's loaded rows around the selection, paged by key (the same window the
    /// Pipeline and Approvals panes use).
    public private(set) var rows = KeysetWindow<LeadListItem>()
    /// Loaded rows: `window[i]` is row `windowStart + i` of the ranking.
    public var window: [LeadListItem] { rows.items }
    public var windowStart: Int { rows.start }
    /// The selected row (absolute).
    public var selected: Int { rows.selected }
    /// Rows in the current filter (capped at `countCap` when not maintained).
    public var total: Int { rows.total }
    public private(set) var counts: [LeadStatus: Int] = [:]
    public private(set) var marked: Set<Int64> = []
    /// The marked leads as they were when marked (to name them, and to act on one marked lead).
    var markedItems: [Int64: LeadListItem] = [:]
    public private(set) var detail: LeadDetail?
    public var message: String?
    /// The changes made here, newest last, each with what was said of it, naming its leads
    /// ("#1874 Liam Suzuki set to contacted"); an undo is refused once someone changed a lead since.
    public private(set) var undoStack = UndoHistory<LeadChange>()
    /// Rows visible at once: the screen says so (`resize(visibleRows:)`), and the window always
    /// holds at least the rows that can be on screen around the selection.
    public private(set) var pageSize: Int
    /// What scores the leads (the rules, or the learned model in force): the list's grades.
    public private(set) var scorer: LeadScorer

    static let countCap = 10_000
    static let searchCountCap = LeadFilter.searchCountCap

    public init(database: any Store, session: Session, visibleRows: Int = 20, writes: DatabaseWrites? = nil) {
        self.session = session
        self.writes = writes ?? .onCaller(database)
        service = LeadService(database: database)
        scoring = ScoringService(database: database)
        // The organization's rules until `reload` reads the model in use (a learned one, maybe).
        scorer = LeadScorer(rules: scoring.model(for: session))
        pageSize = max(1, visibleRows)
        rows.visible = pageSize
        reload()
    }

    /// The screen's size changed: `count` rows of the table are visible at once. Loads what a
    /// taller screen shows around the selection (nothing when they are loaded already).
    public func resize(visibleRows count: Int) {
        let count = max(1, count)
        guard count != pageSize else { return }
        pageSize = count
        rows.visible = count
        let (after, before) = loaders()
        perform { try rows.select(rows.selected, page: page, after: after, before: before) }
    }

    // MARK: - Reading

    public var status: LeadStatus? { Self.tabs[tabIndex] }

    public var filter: LeadFilter {
        LeadFilter(status: status, owner: owner, source: source, productId: product?.id, search: search, attribute: attribute)
    }

    /// Whether the total is exact (false: "10,000 or more").
    public var totalIsExact: Bool {
        if search != nil { return total < Self.searchCountCap }
        return total < Self.countCap || (owner == .anyone && source == nil && product == nil && attribute == nil)
    }

    /// The row at an absolute index, when loaded.
    public func row(at index: Int) -> LeadListItem? { rows.item(at: index) }

    /// The selected lead, when there is one.
    public var selectedItem: LeadListItem? { row(at: selected) }

    /// What the status tabs count, from the last reload: the maintained counts, or a search's own
    /// when it has few matches; nil (no numbers) under a filter or a large search, where the
    /// organization's counts would not describe the list.
    var tabCounts: [LeadStatus: Int]?

    /// Whether an owner, source, product or attribute filter is set (a search is not a filter here).
    var isFiltered: Bool { owner != .anyone || source != nil || product != nil || attribute != nil }

    /// The count a status tab shows (all leads for the first tab), or nil for no number.
    public func count(forTab index: Int) -> Int? {
        tabCounts?.total(for: Self.tabs[index])
    }

    // MARK: - Loading

    /// Reloads counts and the window around the selection (after a change here or elsewhere).
    public func reload() {
        perform {
            scorer = try scoring.scorer(for: session)  // another user may have switched the model
            counts = try service.statusCounts(in: session)
            // A search counts its matches up to a few hundred ("300+"): counting every match of a
            // common word would cost more than the page itself.
            // A status tab alone is counted by the counts just read (no second trip to the store).
            rows.total = filter.isStatusOnly
                ? counts.total(for: status)
                : try service.count(filter, cap: search == nil ? Self.countCap : Self.searchCountCap, in: session)
            let searchMatches = search != nil && status == nil && !isFiltered ? total : nil
            // A search alone with few matches counts them by status (a few hundred rows at most;
            // not asked again when the "all" tab already counted the cap).
            if isFiltered || (search != nil && searchMatches == Self.searchCountCap) {
                tabCounts = nil
            } else if let search {
                tabCounts = try service.statusCounts(search: search, cap: Self.searchCountCap, in: session)
            } else {
                tabCounts = counts
            }
            // The loaded rows again, around the same row number (a changed lead may have moved).
            let (after, before) = loaders()
            try rows.reload(page: page, after: after, before: before)
            if let lead = detail?.item.lead.id { detail = try service.detail(leadId: lead, in: session) }
            // A marked lead shown again is acted on as it is shown now (its version too).
            for item in window where markedItems[item.id] != nil { markedItems[item.id] = item }
        }
    }

    /// After a change or an undo made here: the marked leads it touched are at these versions.
    func refreshMarks(_ versions: [Int64: Int64]) {
        for (id, version) in versions {
            guard let item = markedItems[id] else { continue }
            var lead = item.lead
            lead.version = version
            markedItems[id] = LeadListItem(lead: lead, ownerName: item.ownerName, productName: item.productName)
        }
    }

    /// Rows read at a time.
    var page: Int { max(pageSize, 25) }

    /// Page loaders for the current filter, by key.
    func loaders() -> (KeysetWindow<LeadListItem>.After, KeysetWindow<LeadListItem>.Before) {
        let (service, session, filter) = (self.service, self.session, self.filter)
        return ({ item, limit in try service.list(filter, after: item?.pageKey, limit: limit, in: session) },
                { item, limit in try service.list(filter, before: item?.pageKey, limit: limit, in: session) })
    }

    // MARK: - Moving

    public typealias Movement = ListMove

    /// Moves the selection, loading rows as needed.
    public func move(_ movement: Movement) {
        guard total > 0 else { return }
        let target = rows.target(of: movement, pageSize: pageSize)
        let (after, before) = loaders()
        perform { try rows.select(target, page: page, after: after, before: before) }
    }

    /// Opens a status tab (0 = all).
    public func selectTab(_ index: Int) {
        tabIndex = (index + Self.tabs.count) % Self.tabs.count
        resetList()
    }

    /// Cycles the owner filter: everyone's, mine, unassigned.
    public func cycleOwner() {
        owner = owner.cycled(me: session.userId)
        resetList()
    }

    /// The owner filter in words.
    public var ownerLabel: String { owner.label }

    /// Shows only leads from one source (nil: every source).
    public func filter(source: LeadSource?) {
        self.source = source
        resetList()
    }

    /// Shows only leads interested in one product (nil: every product).
    public func filter(product: Product?) {
        self.product = product
        resetList()
    }

    /// Shows only leads whose attribute holds a value (nil: any value of any attribute).
    public func filter(attribute: AttributeFilter?) {
        self.attribute = attribute
        resetList()
    }

    /// The attribute filter in words, on one line (`job = management`), or nil.
    public var attributeLabel: String? {
        attribute.map { ValueChoice.oneLine("\($0.name) = \($0.value)") }
    }

    /// Searches names, emails, companies, phone numbers and text attribute values (empty clears the search).
    public func setSearch(_ text: String) {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        search = trimmed.isEmpty ? nil : trimmed
        resetList()
    }

    func resetList() {
        rows.clear()
        rows.selected = 0
        clearMarks()
        reload()
    }

    // MARK: - Marks and detail

    /// Marks or unmarks the selected lead.
    public func toggleMark() {
        guard let item = selectedItem else { return }
        if marked.contains(item.id) {
            marked.remove(item.id)
            markedItems[item.id] = nil
        } else {
            marked.insert(item.id)
            markedItems[item.id] = item
        }
        move(.down)
    }

    func clearMarks() {
        marked = []
        markedItems = [:]
    }

    /// Opens the selected lead's detail.
    public func openDetail() {
        guard let id = selectedItem?.id else { return }
        perform { detail = try service.detail(leadId: id, in: session) }
    }

    /// Closes the detail.
    public func closeDetail() { detail = nil }

    // MARK: - Actions

    /// The lead the screen shows for a record of a target (the detail's, a marked or a listed one).
    func item(for record: ShownRecord) -> LeadListItem? {
        if let detail, detail.item.id == record.id { return detail.item }
        return markedItems[record.id] ?? window.first { $0.id == record.id }
    }

    /// The lead a one-lead action (edit, convert, merge) works on, for the pane's forms.
    public func targetLead(_ target: ActionTarget? = nil) -> LeadListItem? {
        guard let target = target ?? actionTarget, let record = target.single else { return nil }
        return item(for: record)
    }

    /// Assigns the target leads to the signed-in user.
    public func assignToMe(target: ActionTarget? = nil) { assign(to: session.userId, target: target) }

    /// The users a lead can be assigned to.
    public func assignableUsers() -> [User] {
        (try? service.assignableUsers(in: session)) ?? []
    }

    /// Assigns the target leads (the open lead, else the marked, else the selected one) to a user (nil: nobody).
    public func assign(to userId: Int64?, target: ActionTarget? = nil) {
        guard let target = target ?? actionTarget else { message = "No lead here to assign"; return }
        let (service, session) = (self.service, self.session)
        write("Assigning \(target.label)", { try service.assign(target.ids, to: userId, expecting: target.versions, in: session) }) { change in
            self.finish(change, target: target, saying: target.naming(change.summary), advance: true)
        }
    }

    /// Sets the target leads' status (unqualified and lost need a reason).
    public func setStatus(_ status: LeadStatus, reason: String? = nil, target: ActionTarget? = nil) {
        guard let target = target ?? actionTarget else { message = "No lead here to set"; return }
        let (service, session) = (self.service, self.session)
        write("Setting \(target.label) to \(status.rawValue)", {
            try service.setStatus(target.ids, to: status, reason: reason, expecting: target.versions, in: session)
        }) { change in
            self.finish(change, target: target, saying: target.naming(change.summary), advance: true)
        }
    }

    /// Logs a call, email, meeting or note on the target lead (it is rescored at once).
    public func logAction(_ kind: LoggedActionKind, note: String?, target: ActionTarget? = nil) {
        guard case let (target, record)? = singleTarget(target, "Logging") else { return }
        let (service, session) = (self.service, self.session)
        write("Logging on \(record.label)", { try service.logAction(kind, note: note, on: record.id, in: session) }) { change in
            self.finish(change, target: target, saying: target.naming(change.summary), advance: false)
        }
    }

    /// The target lead's duplicates (same normalized email or phone).
    public func duplicatesOfSelected(target: ActionTarget? = nil) -> [Lead] {
        guard let record = (target ?? actionTarget)?.single else { return [] }
        shownDuplicates = (try? service.duplicates(of: record.id, in: session)) ?? []
        return shownDuplicates
    }

    /// The duplicates the merge prompt shows (their versions are the ones merged).
    var shownDuplicates: [Lead] = []

    /// Merges leads into the target lead (the survivor).
    public func mergeIntoSelected(_ others: [Int64], target: ActionTarget? = nil) {
        guard case let (target, record)? = singleTarget(target, "Merging") else { return }
        // The duplicates were read when the prompt opened: they are merged as they were then.
        var versions = target.versions
        for duplicate in shownDuplicates where others.contains(duplicate.id ?? 0) { versions[duplicate.id ?? 0] = duplicate.version }
        let (service, session, expected) = (self.service, self.session, versions)
        write("Merging into \(record.label)", { try service.merge(others, into: record.id, expecting: expected, in: session) }) { result in
            self.finish(result.change, target: target, saying: target.naming(result.summary), advance: false)
        }
    }

    /// The organization's products (for conversion).
    public func products() -> [Product] { (try? service.products(in: session)) ?? [] }

    /// Converts the target lead into a contact and a deal of `valueCents` for a product.
    public func convertSelected(productId: Int64?, valueCents: Int64, target: ActionTarget? = nil) {
        guard case let (target, record)? = singleTarget(target, "Converting") else { return }
        let (service, session) = (self.service, self.session)
        write("Converting \(record.label)", {
            try service.convert(record.id, productId: productId, valueCents: valueCents, expecting: record.version, in: session)
        }) { change in
            self.finish(change, target: target, saying: target.naming(change.summary), advance: true)
        }
    }

    /// Creates a lead; returns the problems by field when the draft is not acceptable.
    @discardableResult
    public func create(_ draft: LeadDraft) -> [String: String] {
        let problems = draft.problems
        guard problems.isEmpty else { return problems }
        let (service, session) = (self.service, self.session)
        write("Creating a lead", { try service.create(draft, in: session) }) { lead in
            self.message = "Created #\(lead.id ?? 0) \(lead.name ?? lead.email ?? "")"
            self.reload()
        }
        return [:]
    }

    /// Saves the target lead edited; returns the problems by field when the draft is not acceptable.
    @discardableResult
    public func editSelected(_ draft: LeadDraft, target: ActionTarget? = nil) -> [String: String] {
        let problems = draft.problems
        guard problems.isEmpty else { return problems }
        guard case let (target, record)? = singleTarget(target, "Editing") else { return [:] }
        let (service, session) = (self.service, self.session)
        write("Saving \(record.label)", { try service.edit(record.id, with: draft, expecting: record.version, in: session) }) { change in
            self.finish(change, target: target, saying: target.naming(change.summary), advance: false)
        }
        return [:]
    }

    /// Undoes the last change made here.
    public func undo() {
        let (service, session) = (self.service, self.session)
        guard let entry = undoStack.entries.last else { message = "Nothing to undo"; return }
        write("Undoing: \(entry.text)", { try service.undo(entry.change, in: session) }, settling: { result in
            let (entry, versions) = try self.undoStack.settleUndo(of: entry, result)
            self.settledUndo(entry, versions)
        })
    }

    /// After an undo of `entry` left its records at `versions`.
    func settledUndo(_ entry: UndoHistory<LeadChange>.Entry, _ versions: [Int64: Int64]) {
        perform {
            let change = entry.change
            refreshMarks(versions)
            message = "Undone: \(entry.text)"
            reload()
            // Back to the lead that was changed, when it is in the loaded rows again (and the
            // rows the screen shows around it).
            if let id = change.before.first?.id, let offset = window.firstIndex(where: { $0.id == id }) {
                let (after, before) = loaders()
                try rows.select(windowStart + offset, page: page, after: after, before: before)
            }
        }
    }

    /// After a change: remember it for undo, say what it did naming its leads, reload. Marks
    /// acted on are cleared; an open detail stays open on its lead (reread). Acting on the
    /// selected row, the cursor stays on the same row number, which is the next lead that needs
    /// triage when the changed one left the tab (`advance`: else it moves down to it).
    func finish(_ change: LeadChange, target: ActionTarget, saying text: String, advance: Bool) {
        if change.changedNothing {
            // Every lead was already as asked: nothing written, nothing to undo; the cursor stays.
            if target.source == .marks { clearMarks() }
            message = text
            return
        }
        undoStack.push(change, text: text)
        refreshMarks(change.versionsAfter)
        if target.source == .marks { clearMarks() }
        message = text + " (u undoes)"
        let position = selected
        reload()
        if advance, target.source == .selection, let item = self.row(at: position), item.id == target.ids.first {
            // The lead stayed in this tab: go on to the next one.
            move(.down)
        }
    }
}

extension LeadTriageViewModel: ActsOnShownRecords {
    public static let recordNoun = RecordNoun("lead", "leads")

    static func record(_ item: LeadListItem) -> ShownRecord {
        ShownRecord(id: item.id, name: item.lead.name ?? item.lead.email ?? item.lead.phone ?? item.lead.externalId, version: item.lead.version)
    }

    /// The lead whose detail is open.
    public var openRecord: ShownRecord? { detail.map { Self.record($0.item) } }

    /// The marked leads, by id.
    public var markedRecords: [ShownRecord] {
        marked.sorted().map { id in markedItems[id].map(Self.record) ?? ShownRecord(id: id, name: nil) }
    }

    /// The lead on the selected row.
    public var selectedRecord: ShownRecord? { selectedItem.map(Self.record) }
}
