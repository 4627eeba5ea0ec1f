import Foundation
import FunnelServices
import FunnelStore

/// The Leads pane: a window onto the organization's leads ranked by score, the status tabs and
/// filters, marks, the selected lead's detail, and the triage actions with undo.
///
/// Only a window of rows is ever loaded (keyset pages through the ranking's index), so moving
/// through a million leads costs the same as through a hundred.
@MainActor
public final class LeadTriageViewModel: PaneMessage {
    /// The status tabs: all leads, then one per status.
    public static let tabs: [LeadStatus?] = [nil] + LeadStatus.allCases

    public let session: Session
    let service: LeadService
    let scoring: ScoringService

    public private(set) var tabIndex = 0
    public private(set) var owner: LeadFilter.Owner = .anyone
    public private(set) var source: LeadSource?
    public private(set) var product: Product?
    public private(set) var search: String?
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
    public private(set) var detail: LeadDetail?
    public var message: String?
    public private(set) var undoStack: [LeadChange] = []
    /// Rows visible at once; the screen sets it.
    public var pageSize = 20
    public let model: LeadScoringModel

    static let countCap = 10_000
    static let searchCountCap = 300

    public init(database: AppDatabase, session: Session) {
        self.session = session
        service = LeadService(database: database)
        scoring = ScoringService(database: database)
        model = scoring.model(for: session)
        reload()
    }

    // MARK: - Reading

    public var status: LeadStatus? { Self.tabs[tabIndex] }

    public var filter: LeadFilter {
        var filter = LeadFilter(status: status, owner: owner, source: source, productId: product?.id, search: search)
        filter.searchMatches = searchMatches
        return filter
    }

    /// The search's match count from the last reload (so pages need not count again).
    var searchMatches: Int?

    /// Whether the total is exact (false: "10,000 or more").
    public var totalIsExact: Bool {
        if search != nil { return total < Self.searchCountCap }
        return total < Self.countCap || (owner == .anyone && source == nil && product == nil)
    }

    /// The row at an absolute index, when loaded.
    public func row(at index: Int) -> LeadListItem? { rows.item(at: index) }

    /// The selected lead, when there is one.
    public var selectedItem: LeadListItem? { row(at: selected) }

    /// What the status tabs count, from the last reload: the maintained counts, or a search's own
    /// when it has few matches; nil (no numbers) under a filter or a large search, where the
    /// organization's counts would not describe the list.
    var tabCounts: [LeadStatus: Int]?

    /// Whether an owner, source or product filter is set (a search is not a filter here).
    var isFiltered: Bool { owner != .anyone || source != nil || product != nil }

    /// The count a status tab shows (all leads for the first tab), or nil for no number.
    public func count(forTab index: Int) -> Int? {
        tabCounts.map { counts in Self.tabs[index].map { counts[$0] ?? 0 } ?? counts.values.reduce(0, +) }
    }

    // MARK: - Loading

    /// Reloads counts and the window around the selection (after a change here or elsewhere).
    public func reload() {
        perform {
            counts = try service.statusCounts(in: session)
            // A search counts its matches up to a few hundred ("300+"): counting every match of a
            // common word would cost more than the page itself.
            searchMatches = nil
            rows.total = try service.count(filter, cap: search == nil ? Self.countCap : Self.searchCountCap, in: session)
            if search != nil, status == nil, !isFiltered { searchMatches = total }
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

    /// Searches names, emails and companies (empty clears the search).
    public func setSearch(_ text: String) {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        search = trimmed.isEmpty ? nil : trimmed
        resetList()
    }

    func resetList() {
        rows.clear()
        rows.selected = 0
        marked = []
        reload()
    }

    // MARK: - Marks and detail

    /// Marks or unmarks the selected lead.
    public func toggleMark() {
        guard let id = selectedItem?.id else { return }
        if marked.contains(id) { marked.remove(id) } else { marked.insert(id) }
        move(.down)
    }

    /// Opens the selected lead's detail.
    public func openDetail() {
        guard let id = selectedItem?.id else { return }
        perform { detail = try service.detail(leadId: id, in: session) }
    }

    /// Closes the detail.
    public func closeDetail() { detail = nil }

    // MARK: - Actions

    /// The leads an action applies to: the marked ones, else the selected one.
    var targets: [Int64] {
        marked.isEmpty ? selectedItem.map { [$0.id] } ?? [] : Array(marked).sorted()
    }

    /// Assigns the targets to the signed-in user.
    public func assignToMe() { assign(to: session.userId) }

    /// The users a lead can be assigned to.
    public func assignableUsers() -> [User] {
        (try? service.assignableUsers(in: session)) ?? []
    }

    /// Assigns the targets to a user (nil: nobody).
    public func assign(to userId: Int64?) {
        let ids = targets
        perform {
            let change = try service.assign(ids, to: userId, in: session)
            finish(change)
        }
    }

    /// Sets the targets' status (unqualified and lost need a reason).
    public func setStatus(_ status: LeadStatus, reason: String? = nil) {
        let ids = targets
        perform {
            let change = try service.setStatus(ids, to: status, reason: reason, in: session)
            finish(change)
        }
    }

    /// Logs a call, email, meeting or note on the selected lead (it is rescored at once).
    public func logAction(_ kind: LoggedActionKind, note: String?) {
        guard let id = selectedItem?.id else { return }
        perform {
            let change = try service.logAction(kind, note: note, on: id, in: session)
            undoStack.append(change)
            message = change.summary + " (u undoes)"
            reload()
            if let detail, detail.item.id == id { self.detail = try service.detail(leadId: id, in: session) }
        }
    }

    /// The selected lead's duplicates (same normalized email or phone).
    public func duplicatesOfSelected() -> [Lead] {
        guard let id = selectedItem?.id else { return [] }
        return (try? service.duplicates(of: id, in: session)) ?? []
    }

    /// Merges leads into the selected one (the survivor).
    public func mergeIntoSelected(_ others: [Int64]) {
        guard let id = selectedItem?.id else { return }
        perform {
            let result = try service.merge(others, into: id, in: session)
            message = result.summary
            reload()
        }
    }

    /// The organization's products (for conversion).
    public func products() -> [Product] { (try? service.products(in: session)) ?? [] }

    /// Converts the selected lead into a contact and a deal of `valueCents` for a product.
    public func convertSelected(productId: Int64?, valueCents: Int64) {
        guard let id = selectedItem?.id else { return }
        perform {
            let change = try service.convert(id, productId: productId, valueCents: valueCents, in: session)
            finish(change)
        }
    }

    /// Creates a lead; returns the problems by field when the draft is not acceptable.
    @discardableResult
    public func create(_ draft: LeadDraft) -> [String: String] {
        let problems = draft.problems
        guard problems.isEmpty else { return problems }
        perform {
            let lead = try service.create(draft, in: session)
            message = "Created #\(lead.id ?? 0) \(lead.name ?? lead.email ?? "")"
            reload()
        }
        return [:]
    }

    /// Saves an edited lead; returns the problems by field when the draft is not acceptable.
    @discardableResult
    public func editSelected(_ draft: LeadDraft) -> [String: String] {
        let problems = draft.problems
        guard problems.isEmpty, let id = selectedItem?.id else { return problems }
        perform {
            let change = try service.edit(id, with: draft, in: session)
            undoStack.append(change)
            message = change.summary + " (u undoes)"
            reload()
        }
        return [:]
    }

    /// Undoes the last change made here.
    public func undo() {
        guard let change = undoStack.popLast() else {
            message = "Nothing to undo"
            return
        }
        perform {
            try service.undo(change, in: session)
            message = "Undone: \(change.summary)"
            reload()
            // Back to the lead that was changed, when it is in the loaded rows again.
            if let id = change.before.first?.id, let offset = window.firstIndex(where: { $0.id == id }) {
                rows.selected = windowStart + offset
            }
        }
    }

    /// After a change: remember it for undo, clear marks, reload; the cursor stays on the same
    /// row number, which is now the next lead that needs triage when the changed one left the tab.
    func finish(_ change: LeadChange) {
        undoStack.append(change)
        if undoStack.count > 50 { undoStack.removeFirst() }
        let wasSingle = marked.isEmpty
        marked = []
        message = change.summary + " (u undoes)"
        let position = selected
        reload()
        if wasSingle, let item = self.row(at: position), change.before.first?.id == item.id {
            // The lead stayed in this tab: go on to the next one.
            move(.down)
        }
    }
}
