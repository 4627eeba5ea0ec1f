import Foundation
import FunnelStore

/// Everything Funnel shows about one deal: the deal, its contact and the contact's timeline.
public struct DealDetail: Sendable {
    public let item: DealListItem
    public let contact: Contact?
    /// The contact's other deals, newest first.
    public let contactDeals: [DealListItem]
    /// The deal's history in the audit trail, newest first.
    public let history: [Activity]
    /// The contact's history in the audit trail, newest first.
    public let contactHistory: [Activity]
    /// What the lead the contact was converted from did, newest first.
    public let leadActions: [LeadAction]
    /// The deal's, its contact's and the lead's story together, newest first: who, when, from → to, notes.
    public let timeline: [TimelineEntry]
}

/// What a change to a deal did, so it can be undone.
public struct DealChange: VersionedChange, Equatable {
    public enum Undo: Sendable, Equatable {
        /// Put the deal's fields back as they were.
        case restore(Deal)
        /// Delete a deal that was created.
        case delete(dealId: Int64)
    }

    /// What was done (`stage_changed`, `won`, `lost`, `edited`, `created`).
    public let action: String
    public let undo: Undo
    /// A line for the status bar, naming the deal.
    public let summary: String
    /// The version the deal was left at (an undo is refused once someone changed it since).
    public var versionsAfter: [Int64: Int64]

    public init(action: String, undo: Undo, summary: String, versionsAfter: [Int64: Int64]) {
        self.action = action
        self.undo = undo
        self.summary = summary
        self.versionsAfter = versionsAfter
    }

    public var versionsBefore: [Int64: Int64] {
        switch undo {
        case .restore(let deal): return deal.id.map { [$0: deal.version] } ?? [:]
        case .delete: return [:]
        }
    }

    /// The deal changed.
    public var dealId: Int64 {
        switch undo {
        case .restore(let deal): return deal.id ?? 0
        case .delete(let id): return id
        }
    }
}

/// The fields of a deal as a person types them in a form.
public struct DealForm: Sendable, Equatable {
    public var title: String
    /// `#12` or words of the contact's name, email or company.
    public var contact: String
    /// Dollars: `12000`, `12.5k`.
    public var value: String
    /// Percent, or empty for the stage's default.
    public var probability: String
    /// A product's name, or empty.
    public var product: String
    /// A day: `2026-12-03`, `+30d`, or empty for none.
    public var closeDate: String
    /// A user's email or name, or empty for nobody.
    public var owner: String

    public init(title: String = "", contact: String = "", value: String = "", probability: String = "", product: String = "",
                closeDate: String = "", owner: String = "") {
        self.title = title
        self.contact = contact
        self.value = value
        self.probability = probability
        self.product = product
        self.closeDate = closeDate
        self.owner = owner
    }
}

/// The deals pipeline: board columns, the table, the forecast, and every change to a deal,
/// each checked by permission, written with its activity, and undoable.
public struct PipelineService: Sendable {
    let database: any Store
    let clock: @Sendable () -> Date
    let calendar: Calendar

    public init(database: any Store, clock: @escaping @Sendable () -> Date = WallClock.now, calendar: Calendar = .current) {
        self.database = database
        self.clock = clock
        self.calendar = calendar
    }

    /// The organization's pipeline settings.
    public func settings(in session: Session) -> PipelineSettings {
        OrganizationSettings(of: session.organization).pipeline
    }

    /// Today's date in the user's time zone (`YYYY-MM-DD`).
    public var today: String { DateInput.format(clock(), calendar: calendar) }

    // MARK: - Reading

    /// A page of deals in an order, after `key` (or from the start).
    public func list(_ filter: DealFilter, sort: DealSort = .closeDate, descending: Bool = false, after key: DealPageKey? = nil,
                     limit: Int = 50, in session: Session) throws -> [DealListItem] {
        try session.require(.dealsView)
        return try ServiceError.wrapping {
            try database.snapshot { try $0.deals(orgId: session.orgId, filter: filter, sort: sort, descending: descending, after: key, limit: limit) }
        }
    }

    /// The page of deals just before `key` (the last page when nil).
    public func list(_ filter: DealFilter, sort: DealSort = .closeDate, descending: Bool = false, before key: DealPageKey?,
                     limit: Int = 50, in session: Session) throws -> [DealListItem] {
        try session.require(.dealsView)
        return try ServiceError.wrapping {
            try database.snapshot { try $0.deals(orgId: session.orgId, filter: filter, sort: sort, descending: descending, before: key, limit: limit) }
        }
    }

    /// The row number of a deal in a list (how many deals come before it).
    public func position(of item: DealListItem, in filter: DealFilter, sort: DealSort = .closeDate, descending: Bool = false,
                         in session: Session) throws -> Int {
        try session.require(.dealsView)
        return try ServiceError.wrapping {
            try database.snapshot { try $0.dealPosition(orgId: session.orgId, filter: filter, sort: sort, descending: descending, key: item.pageKey(sort)) }
        }
    }

    /// One deal as lists show it.
    public func item(_ dealId: Int64, in session: Session) throws -> DealListItem {
        try session.require(.dealsView)
        return try ServiceError.wrapping {
            try database.snapshot { reader in
                guard let item = try reader.dealItem(id: dealId, orgId: session.orgId) else { throw StoreError.notFound(entity: "deal", id: dealId) }
                return item
            }
        }
    }

    /// Deals, value and weighted value per stage for a filter.
    public func totals(_ filter: DealFilter, in session: Session) throws -> [DealStage: StageTotals] {
        try session.require(.dealsView)
        return try ServiceError.wrapping { try database.snapshot { try $0.dealStageTotals(orgId: session.orgId, filter: filter) } }
    }

    /// Weighted and won value by close month, for `months` months from `firstMonth` (`YYYY-MM`).
    /// The months only: the pane and the command line show `forecastReport`, which adds the open
    /// deals whose close month has passed.
    public func forecast(_ filter: DealFilter, firstMonth: String, months: Int, in session: Session) throws -> [ForecastMonth] {
        try session.require(.dealsView)
        guard (1...60).contains(months) else { throw ServiceError.invalid(field: "months", problem: "from 1 to 60") }
        return try ServiceError.wrapping {
            try database.snapshot { try $0.dealForecast(orgId: session.orgId, filter: filter, firstMonth: firstMonth, months: months) }
        }
    }

    /// One deal with its contact, the contact's deals and both timelines.
    public func detail(dealId: Int64, in session: Session) throws -> DealDetail {
        try session.require(.dealsView)
        return try ServiceError.wrapping {
            try database.snapshot { reader in
                guard let item = try reader.dealItem(id: dealId, orgId: session.orgId) else { throw StoreError.notFound(entity: "deal", id: dealId) }
                let contact = try item.deal.contactId.flatMap { try reader.fetch(Contact.self, id: $0, orgId: session.orgId) }
                let contactId = contact?.id
                let history = try reader.activities(orgId: session.orgId, entityType: .deal, entityId: dealId)
                let contactHistory = try contactId.map { try reader.activities(orgId: session.orgId, entityType: .contact, entityId: $0) } ?? []
                let leadActions = try contact?.leadId.map { try reader.leadActions(leadId: $0, orgId: session.orgId, limit: 100) } ?? []
                let names = try reader.userNames(orgId: session.orgId)
                func told(_ what: String, _ entries: [TimelineEntry]) -> [TimelineEntry] {
                    entries.map { TimelineEntry(at: $0.at, who: $0.who, what: "\(what) \($0.what)") }
                }
                let timeline = told("deal", TimelineEntry.timeline(actions: [], history: history, names: names))
                    + told("contact", TimelineEntry.timeline(actions: [], history: contactHistory, names: names))
                    + told("lead", TimelineEntry.timeline(actions: leadActions, history: [], names: names))
                return DealDetail(
                    item: item, contact: contact,
                    contactDeals: try contactId.map { try reader.deals(contactId: $0, orgId: session.orgId).filter { $0.id != dealId } } ?? [],
                    history: history, contactHistory: contactHistory, leadActions: leadActions,
                    timeline: timeline.sorted { $0.at > $1.at })
            }
        }
    }

    /// The organization's products, by name.
    public func products(in session: Session) throws -> [Product] {
        try session.require(.dealsView)
        return try ServiceError.wrapping { try database.snapshot { try $0.products(orgId: session.orgId) } }
    }

    /// The organization's active users (deal owners), by name.
    public func owners(in session: Session) throws -> [User] {
        try session.require(.dealsView)
        return try ServiceError.wrapping { try database.snapshot { try $0.users(orgId: session.orgId).filter(\.isActive) } }
    }

    /// What stands out about a deal now.
    public func health(of item: DealListItem, in session: Session) -> DealHealth {
        DealHealth(item, settings: settings(in: session), now: clock(), today: today)
    }

    // MARK: - Stages

    /// The open stages in pipeline order.
    public static let openStages: [DealStage] = DealStage.allCases.filter { !$0.isClosed }

    /// Moves a deal one open stage right (+1) or left (-1); a closed deal moves left to reopen.
    @discardableResult
    public func advance(_ dealId: Int64, by step: Int, expecting version: Int64? = nil, in session: Session) throws -> DealChange {
        try change(dealId, action: "stage_changed", expecting: version, outcome: "not moved", in: session) { deal, _ in
            let target = try Self.stage(after: deal, by: step)
            enter(target, deal: &deal, in: session)
            deal.lostReason = nil
            return "Moved \(deal.displayName) to \(target.rawValue)"
        }
    }

    /// The open stage `step` stages from a deal's (a closed deal reopens into negotiation).
    static func stage(after deal: Deal, by step: Int) throws -> DealStage {
        let id = deal.id ?? 0
        if deal.stage.isClosed {
            guard step < 0 else { throw ServiceError.invalid(field: "stage", problem: "#\(id) is \(deal.stage.rawValue); move it left to reopen it") }
            return .negotiation
        }
        let next = (openStages.firstIndex(of: deal.stage) ?? 0) + step
        guard next >= 0 else { throw ServiceError.invalid(field: "stage", problem: "#\(id) is already in the first stage") }
        guard next < openStages.count else {
            throw ServiceError.invalid(field: "stage", problem: "#\(id) is in the last open stage: win it (W) or lose it (X)")
        }
        return openStages[next]
    }

    /// Moves a deal to an open stage, or reopens a closed one; winning and losing have their own calls.
    @discardableResult
    public func move(_ dealId: Int64, to stage: DealStage, expecting version: Int64? = nil, in session: Session) throws -> DealChange {
        guard !stage.isClosed else {
            throw ServiceError.invalid(field: "stage", problem: stage == .won ? "use win to close a deal as won" : "use lose, with a reason, to close a deal as lost")
        }
        return try change(dealId, action: "stage_changed", expecting: version, outcome: "not moved to \(stage.rawValue)", in: session) { deal, _ in
            guard deal.stage != stage else { throw ServiceError.invalid(field: "stage", problem: "\(deal.displayName) is already in \(stage.rawValue)") }
            enter(stage, deal: &deal, in: session)
            deal.lostReason = nil
            return "Moved \(deal.displayName) to \(stage.rawValue)"
        }
    }

    /// Closes a deal as won (probability 100, closed today).
    @discardableResult
    public func win(_ dealId: Int64, expecting version: Int64? = nil, in session: Session) throws -> DealChange {
        try change(dealId, action: "won", expecting: version, outcome: "not won", in: session) { deal, _ in
            guard deal.stage != .won else { throw ServiceError.invalid(field: "stage", problem: "\(deal.displayName) is already won") }
            enter(.won, deal: &deal, in: session)
            deal.lostReason = nil
            deal.closeDate = today
            return "Won #\(dealId) \(deal.title) (\(Money.text(cents: deal.value)))"
        }
    }

    /// Closes a deal as lost, with a reason from the list and an optional note.
    @discardableResult
    public func lose(_ dealId: Int64, reason: LostReason?, note: String? = nil, expecting version: Int64? = nil, in session: Session) throws -> DealChange {
        guard let reason else {
            throw ServiceError.invalid(field: "reason", problem: "say why it was lost: " + LostReason.allCases.map(\.label).joined(separator: ", "))
        }
        let note = note?.trimmingCharacters(in: .whitespacesAndNewlines)
        if let note, note.count > 2_000 { throw ServiceError.invalid(field: "note", problem: "at most 2,000 characters") }
        try TypedText.refuseNUL(note, field: "note")
        return try change(dealId, action: "lost", expecting: version, outcome: "not lost", in: session, details: ["reason": reason.rawValue].merging(note.flatMap { $0.isEmpty ? nil : ["note": $0] } ?? [:]) { a, _ in a }) { deal, _ in
            guard deal.stage != .lost else { throw ServiceError.invalid(field: "stage", problem: "\(deal.displayName) is already lost") }
            enter(.lost, deal: &deal, in: session)
            deal.lostReason = reason
            deal.closeDate = today
            return "Lost #\(dealId) \(deal.title): \(reason.label)"
        }
    }

    /// Sets the stage, its probability (unless set by hand, for open stages) and restarts the days in stage.
    func enter(_ stage: DealStage, deal: inout Deal, in session: Session) {
        settings(in: session).enter(stage, deal: &deal, at: clock())
    }

    // MARK: - Editing

    /// Checks a form against the organization's data; empty when it can be saved.
    /// `deal` is the deal being edited (nil for a new one).
    public func problems(_ form: DealForm, editing deal: Deal?, in session: Session) -> [String: String] {
        switch resolve(form, editing: deal, in: session) {
        case .success: return [:]
        case .failure(let problems): return problems.byField
        }
    }

    /// Saves a form's value, probability, close date and owner on a deal; undoable.
    @discardableResult
    public func edit(_ dealId: Int64, with form: DealForm, expecting version: Int64? = nil, in session: Session) throws -> DealChange {
        let current = try ServiceError.wrapping { try database.snapshot { try $0.require(Deal.self, id: dealId, orgId: session.orgId) } }
        let resolved = try resolve(form, editing: current, in: session).get()
        return try change(dealId, action: "edited", expecting: version, outcome: "not saved", in: session) { deal, _ in
            deal.title = resolved.title
            deal.value = resolved.value
            deal.closeDate = resolved.closeDate
            deal.ownerId = resolved.ownerId
            if let productId = resolved.productId { deal.productId = productId }
            if let probability = resolved.probability, !deal.stage.isClosed {
                if probability != deal.probability || deal.probabilityIsManual { deal.probabilityIsManual = true }
                deal.probability = probability
            } else if !deal.stage.isClosed {
                deal.probability = settings(in: session).probability(deal.stage)
                deal.probabilityIsManual = false
            }
            return "Saved \(deal.displayName)"
        }
    }

    /// Creates a deal for a contact in the first stage; undoable (the deal is deleted).
    @discardableResult
    public func create(_ form: DealForm, in session: Session) throws -> DealChange {
        try session.require(.dealsEdit)
        let resolved = try resolve(form, editing: nil, in: session).get()
        let now = clock()
        return try ServiceError.wrapping {
            try database.transaction { tx in
                let stage = DealStage.prospecting
                var deal = Deal(
                    orgId: session.orgId, contactId: resolved.contactId, productId: resolved.productId, ownerId: resolved.ownerId,
                    title: resolved.title, value: resolved.value, stage: stage,
                    probability: resolved.probability ?? settings(in: session).probability(stage), probabilityIsManual: resolved.probability != nil,
                    closeDate: resolved.closeDate, stageChangedAt: now, createdAt: now, updatedAt: now)
                try tx.insert(&deal)
                let id = deal.id ?? 0
                try tx.record(AuditTrail.activity("created", on: .deal, id: id, by: session, before: nil as DealSnapshot?, after: DealSnapshot(deal), at: now))
                return DealChange(action: "created", undo: .delete(dealId: id), summary: "Created deal #\(id) \(deal.title)",
                                  versionsAfter: [id: deal.version])
            }
        }
    }

    /// Puts a deal back as it was before `change`, unless someone changed it since (then nothing is
    /// undone and the refusal says who changed what); returns the version the deal is left at.
    @discardableResult
    public func undo(_ change: DealChange, in session: Session) throws -> [Int64: Int64] {
        try session.require(.dealsEdit)
        let now = clock()
        return try ServiceError.wrapping {
            try database.transaction { tx -> [Int64: Int64] in
                switch change.undo {
                case .delete(let id):
                    guard let deal = try tx.fetch(Deal.self, id: id, orgId: session.orgId) else { return [:] }
                    try StaleCheck.require(deal, at: change.versionsAfter[id], "not deleted", tx: tx, session: session, now: now)
                    try tx.delete(Deal.self, id: id, orgId: session.orgId)
                    try tx.record(AuditTrail.activity("deleted", on: .deal, id: id, by: session, before: DealSnapshot(deal), after: nil as DealSnapshot?,
                                                      details: ["undid": change.action], at: now))
                    return [:]
                case .restore(let previous):
                    guard let id = previous.id else { return [:] }
                    guard var deal = try tx.fetch(Deal.self, id: id, orgId: session.orgId) else {
                        throw ServiceError.stale("\(previous.displayName) no longer exists: not undone")
                    }
                    try StaleCheck.require(deal, at: change.versionsAfter[id], "not undone", tx: tx, session: session, now: now)
                    let before = DealSnapshot(deal)
                    deal.restoreFields(from: previous)
                    deal.updatedAt = now
                    try tx.update(deal)
                    try tx.record(AuditTrail.activity("undone", on: .deal, id: id, by: session, before: before, after: DealSnapshot(deal),
                                                      details: ["undid": change.action], at: now))
                    return [id: try tx.require(Deal.self, id: id, orgId: session.orgId).version]
                }
            }
        }
    }

    /// Reads a deal, applies `apply` (which returns the summary), writes it and its activity in one transaction.
    func change(_ dealId: Int64, action: String, expecting version: Int64?, outcome: String, in session: Session, details: [String: String] = [:],
                apply: (inout Deal, any StoreWriting) throws -> String) throws -> DealChange {
        try session.require(.dealsEdit)
        let now = clock()
        return try ServiceError.wrapping {
            try database.transaction { tx in
                var deal = try tx.require(Deal.self, id: dealId, orgId: session.orgId)
                try StaleCheck.require(deal, at: version, outcome, tx: tx, session: session, now: now)
                let before = deal
                let summary = try apply(&deal, tx)
                deal.updatedAt = now
                try tx.update(deal)
                try tx.record(AuditTrail.activity(action, on: .deal, id: dealId, by: session, before: DealSnapshot(before), after: DealSnapshot(deal),
                                                  details: details, at: now))
                return DealChange(action: action, undo: .restore(before), summary: summary,
                                  versionsAfter: [dealId: try tx.require(Deal.self, id: dealId, orgId: session.orgId).version])
            }
        }
    }

    // MARK: - Resolving a form

    struct ResolvedDeal {
        var title: String
        var contactId: Int64?
        var value: Int64
        var probability: Int?
        var productId: Int64?
        var closeDate: String?
        var ownerId: Int64?
    }

    struct FormProblems: Error {
        var byField: [String: String]
    }

    func resolve(_ form: DealForm, editing deal: Deal?, in session: Session) -> Result<ResolvedDeal, FormProblems> {
        var problems: [String: String] = [:]
        var resolved = ResolvedDeal(title: "", value: 0)
        guard session.can(.dealsEdit) else {
            return .failure(FormProblems(byField: ["deal": ServiceError.permissionDenied(permission: .dealsEdit, user: session.user.email, role: session.role.name).description]))
        }
        let title = form.title.trimmingCharacters(in: .whitespacesAndNewlines)
        if title.isEmpty, deal == nil {
            problems["title"] = "give the deal a title"
        } else if title.count > 300 {
            problems["title"] = "at most 300 characters"
        }
        for (field, text) in [("title", form.title), ("contact", form.contact), ("owner", form.owner)] {
            if let problem = TypedText.nulProblem(text) { problems[field] = problem }
        }
        resolved.title = title.isEmpty ? (deal?.title ?? "") : title
        switch MoneyInput.cents(form.value.isEmpty ? "0" : form.value) {
        case .success(let cents): resolved.value = cents
        case .failure(let error): problems["value"] = error.problem
        }
        let probability = form.probability.trimmingCharacters(in: .whitespaces).replacingOccurrences(of: "%", with: "")
        if !probability.isEmpty {
            if let percent = Int(probability), (0...100).contains(percent) { resolved.probability = percent } else {
                problems["probability"] = "a percent from 0 to 100, or empty for the stage's default"
            }
        }
        let closeDate = form.closeDate.trimmingCharacters(in: .whitespaces)
        if !closeDate.isEmpty {
            switch DateInput.day(closeDate, today: clock(), calendar: calendar) {
            case .success(let day): resolved.closeDate = day
            case .failure(let error): problems["close"] = error.problem
            }
        }
        do {
            try database.snapshot { reader in
                let owner = form.owner.trimmingCharacters(in: .whitespaces)
                if !owner.isEmpty {
                    let users = try reader.users(orgId: session.orgId).filter(\.isActive)
                    let matches = users.filter { $0.email == owner.lowercased() || $0.name.lowercased() == owner.lowercased() }
                    let partial = matches.isEmpty ? users.filter { $0.name.lowercased().contains(owner.lowercased()) || $0.email.hasPrefix(owner.lowercased()) } : matches
                    if partial.count == 1 { resolved.ownerId = partial[0].id } else if partial.isEmpty {
                        problems["owner"] = "no active user \"\(owner)\" in \(session.organization.name)"
                    } else {
                        problems["owner"] = "\(partial.count) users match: " + partial.prefix(4).map(\.name).joined(separator: ", ")
                    }
                }
                let product = form.product.trimmingCharacters(in: .whitespaces)
                if !product.isEmpty {
                    let products = try reader.products(orgId: session.orgId)
                    if let match = products.first(where: { $0.name.lowercased() == product.lowercased() }) { resolved.productId = match.id } else {
                        problems["product"] = "one of: " + products.map(\.name).joined(separator: ", ")
                    }
                }
                if deal == nil {
                    let contact = form.contact.trimmingCharacters(in: .whitespaces)
                    if contact.isEmpty {
                        problems["contact"] = "the contact the deal is for: #id or a name"
                    } else if contact.hasPrefix("#"), let id = Int64(contact.dropFirst()) {
                        if try reader.fetch(Contact.self, id: id, orgId: session.orgId) == nil { problems["contact"] = "no contact #\(id)" } else { resolved.contactId = id }
                    } else {
                        let found = try reader.searchContacts(contact, orgId: session.orgId, limit: 6)
                        let exact = found.filter { $0.name.lowercased() == contact.lowercased() }
                        let chosen = exact.count == 1 ? exact : found
                        if chosen.count == 1 { resolved.contactId = chosen[0].id } else if chosen.isEmpty {
                            problems["contact"] = "no contact matches \"\(contact)\""
                        } else {
                            problems["contact"] = "\(found.count == 6 ? "6+" : String(found.count)) match: "
                                + found.prefix(3).map { "#\($0.id ?? 0) \($0.name)" }.joined(separator: ", ") + "; type #id"
                        }
                    }
                }
            }
        } catch {
            problems["deal"] = "\(error)"
        }
        return problems.isEmpty ? .success(resolved) : .failure(FormProblems(byField: problems))
    }
}

extension Result where Failure == PipelineService.FormProblems {
    /// The value, or the first problem as a service error.
    func get() throws -> Success {
        switch self {
        case .success(let value): return value
        case .failure(let problems):
            let (field, problem) = problems.byField.sorted { $0.key < $1.key }.first ?? ("deal", "not acceptable")
            throw ServiceError.invalid(field: field, problem: problem)
        }
    }
}

extension Deal {
    /// Copies the fields a person can change back from an earlier state.
    mutating func restoreFields(from previous: Deal) {
        title = previous.title
        value = previous.value
        stage = previous.stage
        probability = previous.probability
        probabilityIsManual = previous.probabilityIsManual
        closeDate = previous.closeDate
        lostReason = previous.lostReason
        ownerId = previous.ownerId
        productId = previous.productId
        stageChangedAt = previous.stageChangedAt
    }
}

extension LostReason {
    /// The reason in words.
    public var label: String { rawValue.replacingOccurrences(of: "_", with: " ") }
}

/// What the audit trail records of a deal.
struct DealSnapshot: Encodable {
    let title: String
    let stage: String
    let value: Int64
    let probability: Int
    let probabilityIsManual: Bool
    let closeDate: String?
    let lostReason: String?
    let ownerId: Int64?
    let productId: Int64?

    init(_ deal: Deal) {
        title = deal.title
        stage = deal.stage.rawValue
        value = deal.value
        probability = deal.probability
        probabilityIsManual = deal.probabilityIsManual
        closeDate = deal.closeDate
        lostReason = deal.lostReason?.rawValue
        ownerId = deal.ownerId
        productId = deal.productId
    }

    enum CodingKeys: String, CodingKey {
        case title, stage, value, probability, probabilityIsManual = "probability_is_manual", closeDate = "close_date"
        case lostReason = "lost_reason", ownerId = "owner_id", productId = "product_id"
    }
}
