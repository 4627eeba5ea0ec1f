import Foundation
import FunnelStore

/// Everything Funnel shows about one lead.
public struct LeadDetail: Sendable {
    public let item: LeadListItem
    public let explanation: ScoreExplanation
    public let actions: [LeadAction]
    public let history: [Activity]
    public let duplicates: [Lead]
    /// Everything that happened to the lead, newest first: each change with who, when, from → to,
    /// and each action with its note.
    public let timeline: [TimelineEntry]
    /// The lead's attributes (what an imported file said of it), in the organization's order of
    /// attributes, each typed (text, number, date, yes/no).
    public var attributes: [AttributeEntry] = []

    /// The lead's id in the system it came from (`--key COLUMN`), if any.
    public var externalId: String? { item.lead.externalId }

    /// The score stored for the lead when it differs from the one explained (its points decayed
    /// since it was scored, and this session could not write the new one); nil when they agree.
    public var staleStoredScore: Int? { item.lead.score == explanation.score ? nil : item.lead.score }
}

/// What a change did, so it can be undone.
public struct LeadChange: VersionedChange, Equatable {
    /// How to put things back.
    public enum Undo: Sendable, Equatable {
        /// Restore the triage fields (owner, status, reason) of these leads.
        case restore([Lead])
        /// Remove a logged action and rescore its lead.
        case removeAction(actionId: Int64, lead: Lead)
        /// Delete the contact and deal a conversion made and restore the lead.
        case unconvert(lead: Lead, contactId: Int64, dealId: Int64)
        /// Put an edited lead's contact fields back.
        case reedit(Lead)
        /// Bring merged leads back (with their actions, history and contacts) and put the survivor back.
        case unmerge(survivor: Lead, merged: [Lead], moved: LeadRecordOwners)
    }

    /// What was done (`assigned`, `status_changed`, `action_logged`, `converted`).
    public let action: String
    public let undo: Undo
    /// A line for the status bar, naming the leads (`#1874 Liam Suzuki set to contacted`).
    public let summary: String
    /// The version each lead was left at (an undo is refused once someone changed it since).
    public var versionsAfter: [Int64: Int64]
    /// The leads already as the change asked (set to the status they had, assigned to their
    /// owner): not written, no activity, nothing to undo; the summary names them.
    public let unchanged: [Int64]

    public init(action: String, undo: Undo, summary: String, versionsAfter: [Int64: Int64], unchanged: [Int64] = []) {
        self.action = action
        self.undo = undo
        self.summary = summary
        self.versionsAfter = versionsAfter
        self.unchanged = unchanged
    }

    /// Nothing was written: every lead was already as asked.
    public var changedNothing: Bool { before.isEmpty }

    /// The leads as they were before (for a merge, the survivor).
    public var before: [Lead] {
        switch undo {
        case .restore(let leads): return leads
        case .removeAction(_, let lead), .unconvert(let lead, _, _), .reedit(let lead), .unmerge(let lead, _, _): return [lead]
        }
    }

    public var versionsBefore: [Int64: Int64] {
        Dictionary(before.compactMap { lead in lead.id.map { ($0, lead.version) } }, uniquingKeysWith: { first, _ in first })
    }
}

/// Lead triage: listing, assigning, setting status; each change checked, audited, undoable.
public struct LeadService: Sendable {
    let database: any Store
    let clock: @Sendable () -> Date

    public init(database: any Store, clock: @escaping @Sendable () -> Date = WallClock.now) {
        self.database = database
        self.clock = clock
    }

    /// A page of the organization's leads, best score first.
    public func list(_ filter: LeadFilter, after key: LeadPageKey? = nil, limit: Int = 50, in session: Session) throws -> [LeadListItem] {
        try session.require(.leadsView)
        return try ServiceError.wrapping {
            try database.snapshot { try $0.leads(orgId: session.orgId, filter: filter, after: key, limit: limit) }
        }
    }

    /// The page of leads just before `key` in the ranking (the last page when nil), best first.
    public func list(_ filter: LeadFilter, before key: LeadPageKey?, limit: Int = 50, in session: Session) throws -> [LeadListItem] {
        try session.require(.leadsView)
        return try ServiceError.wrapping {
            try database.snapshot { try $0.leads(orgId: session.orgId, filter: filter, before: key, limit: limit) }
        }
    }

    /// How many leads match a filter (exact for status tabs; at most `cap` otherwise).
    public func count(_ filter: LeadFilter, cap: Int = 10_000, in session: Session) throws -> Int {
        try session.require(.leadsView)
        return try ServiceError.wrapping { try database.snapshot { try $0.leadCount(orgId: session.orgId, filter: filter, cap: cap) } }
    }

    /// How many leads the organization has in each status (maintained counts).
    public func statusCounts(in session: Session) throws -> [LeadStatus: Int] {
        try session.require(.leadsView)
        return try ServiceError.wrapping { try database.snapshot { try $0.leadStatusCounts(orgId: session.orgId) } }
    }

    /// How many of the leads matching `search` are in each status, when the search has fewer than
    /// `cap` matches (at most a few hundred: counted from the matches); nil when it has more.
    public func statusCounts(search: String, cap: Int = 300, in session: Session) throws -> [LeadStatus: Int]? {
        try session.require(.leadsView)
        return try ServiceError.wrapping {
            try database.snapshot { try $0.searchStatusCounts(orgId: session.orgId, search: search, cap: cap) }
        }
    }

    /// One lead with its score explanation, timeline and duplicates.
    public func detail(leadId: Int64, in session: Session) throws -> LeadDetail {
        try session.require(.leadsView)
        let explanation = try ScoringService(database: database, clock: clock).explanation(leadId: leadId, in: session)
        var (lead, owner, product, actions, history, duplicates, names, attributes) = try ServiceError.wrapping {
            try database.snapshot { reader in
                let lead = try reader.require(Lead.self, id: leadId, orgId: session.orgId)
                return (lead,
                        try lead.assignedTo.flatMap { try reader.userName(id: $0, orgId: session.orgId) },
                        try lead.productId.flatMap { try reader.fetch(Product.self, id: $0, orgId: session.orgId)?.name },
                        try reader.leadActions(leadId: leadId, orgId: session.orgId),
                        try reader.activities(orgId: session.orgId, entityType: .lead, entityId: leadId),
                        try reader.duplicates(of: lead),
                        try reader.userNames(orgId: session.orgId),
                        try reader.attributes(ofLead: leadId, orgId: session.orgId).map { AttributeEntry($0.attribute.name, $0.value) })
            }
        }
        // A stored score goes stale as its actions' points decay (until `funnel score --all` or an
        // action rescores it). Opening the lead brings it up to date, so the list agrees with the
        // explanation, where the session may write scores; otherwise the detail shows both.
        if lead.score != explanation.score, !database.isReadOnly, session.can(.leadsEdit) {
            try ServiceError.wrapping { _ = try database.writeScore(explanation.score, leadId: leadId, orgId: session.orgId) }
            lead.score = explanation.score
        }
        return LeadDetail(item: LeadListItem(lead: lead, ownerName: owner, productName: product), explanation: explanation,
                          actions: actions, history: history, duplicates: duplicates,
                          timeline: TimelineEntry.timeline(actions: actions, history: history, names: names), attributes: attributes)
    }

    /// Other leads of the organization with the same normalized email or phone.
    public func duplicates(of leadId: Int64, in session: Session) throws -> [Lead] {
        try session.require(.leadsView)
        return try ServiceError.wrapping {
            try database.snapshot { reader in try reader.duplicates(of: try reader.require(Lead.self, id: leadId, orgId: session.orgId)) }
        }
    }

    /// The organization's products, by name.
    public func products(in session: Session) throws -> [Product] {
        try session.require(.leadsView)
        return try ServiceError.wrapping { try database.snapshot { try $0.products(orgId: session.orgId) } }
    }

    /// The active users a lead can be assigned to (the Leads pane's `A` picker; `assignee` reads a
    /// typed name or email among them): only for those who may assign.
    public func assignableUsers(in session: Session) throws -> [User] {
        try session.require(.leadsAssign)
        return try ServiceError.wrapping { try database.snapshot { try $0.users(orgId: session.orgId).filter(\.isActive) } }
    }

    /// Assigns leads to a user of the organization (nil: unassign), in one transaction.
    @discardableResult
    public func assign(_ leadIds: [Int64], to userId: Int64?, expecting versions: [Int64: Int64] = [:], in session: Session) throws -> LeadChange {
        try session.require(.leadsAssign)
        let name = try userId.flatMap { id in try ServiceError.wrapping { try database.snapshot { try $0.userName(id: id, orgId: session.orgId) } } } ?? "nobody"
        return try change(leadIds, action: "assigned", expecting: versions, outcome: "not assigned to \(name)", in: session) { tx, lead in
            if let userId {
                guard let user = try tx.fetch(User.self, id: userId, orgId: session.orgId), user.isActive else {
                    throw ServiceError.invalid(field: "assignee", problem: "no active user with id \(userId) in \(session.organization.name)")
                }
            }
            lead.assignedTo = userId
        } summary: { leads in
            leads.count == 1 ? "Assigned \(leads[0].displayName) to \(name)" : "Assigned \(leads.count) leads to \(name) (\(Self.ids(leads)))"
        } already: { leads in
            let owner = userId == nil ? "unassigned" : "assigned to \(name)"
            return leads.count == 1 ? "\(leads[0].displayName) is already \(owner)" : "\(leads.count) leads already were \(owner) (\(Self.ids(leads)))"
        }
    }

    /// Sets the status of leads; unqualified and lost need a reason.
    @discardableResult
    public func setStatus(_ leadIds: [Int64], to status: LeadStatus, reason: String? = nil, expecting versions: [Int64: Int64] = [:],
                          in session: Session) throws -> LeadChange {
        try session.require(.leadsEdit)
        let reason = reason?.trimmingCharacters(in: .whitespacesAndNewlines)
        if status == .unqualified || status == .lost {
            guard let reason, !reason.isEmpty else {
                throw ServiceError.invalid(field: "reason", problem: "say why the lead is \(status.rawValue)")
            }
            guard reason.count <= 500 else { throw ServiceError.invalid(field: "reason", problem: "at most 500 characters") }
        }
        try TypedText.refuseNUL(reason, field: "reason")
        return try change(leadIds, action: "status_changed", expecting: versions, outcome: "not set to \(status.rawValue)", in: session) { _, lead in
            lead.status = status
            lead.statusReason = (status == .unqualified || status == .lost) ? reason : nil
        } summary: { leads in
            leads.count == 1 ? "\(leads[0].displayName) set to \(status.rawValue)" : "Set \(leads.count) leads to \(status.rawValue) (\(Self.ids(leads)))"
        } already: { leads in
            leads.count == 1 ? "\(leads[0].displayName) is already \(status.rawValue)" : "\(leads.count) leads already were \(status.rawValue) (\(Self.ids(leads)))"
        }
    }

    /// Puts leads back as they were before `change`, unless someone changed them since (then nothing
    /// is undone and the refusal says who changed what); returns the versions the leads are left at.
    @discardableResult
    public func undo(_ change: LeadChange, in session: Session) throws -> [Int64: Int64] {
        switch change.undo {
        case .restore(let leads): return try restore(leads, undoing: change, in: session)
        case .removeAction(let actionId, let lead): return try removeAction(actionId, of: lead, undoing: change, in: session)
        case .unconvert(let lead, let contactId, let dealId): return try unconvert(lead, contactId: contactId, dealId: dealId, undoing: change, in: session)
        case .reedit(let lead): return try reedit(lead, undoing: change, in: session)
        case .unmerge(let survivor, let merged, let moved): return try unmerge(survivor, merged: merged, moved: moved, undoing: change, in: session)
        }
    }

    func restore(_ leads: [Lead], undoing change: LeadChange, in session: Session) throws -> [Int64: Int64] {
        let action = change.action
        try session.require(action == "assigned" ? .leadsAssign : .leadsEdit)
        let now = clock()
        return try ServiceError.wrapping {
            try database.transaction { tx in
                var versions: [Int64: Int64] = [:]
                for previous in leads {
                    guard let id = previous.id else { continue }
                    guard var current = try tx.fetch(Lead.self, id: id, orgId: session.orgId) else {
                        throw ServiceError.stale("\(previous.displayName) no longer exists (merged or deleted since): not undone")
                    }
                    try StaleCheck.require(current, at: change.versionsAfter[id], "not undone", tx: tx, session: session, now: now)
                    let before = LeadSnapshot(current)
                    current.assignedTo = previous.assignedTo
                    current.status = previous.status
                    current.statusReason = previous.statusReason
                    current.updatedAt = now
                    try tx.update(current)
                    try tx.record(AuditTrail.activity(
                        "undone", on: .lead, id: id, by: session, before: before, after: LeadSnapshot(current),
                        details: ["undid": action], at: now))
                    versions[id] = try tx.require(Lead.self, id: id, orgId: session.orgId).version
                }
                return versions
            }
        }
    }

    /// "#12, #40, #77": the leads of a change by id (the first six, then how many more).
    static func ids(_ leads: [Lead]) -> String {
        let shown = leads.prefix(6).map { "#\($0.id ?? 0)" }.joined(separator: ", ")
        return leads.count > 6 ? "\(shown) and \(leads.count - 6) more" : shown
    }

    /// Reads each lead, refuses the whole change when one is no longer at the version the caller saw
    /// (`versions`, by id), applies `apply`, and writes the leads it changed and their activities in
    /// one transaction. A lead `apply` leaves as it was is not written and gets no activity (an
    /// activity's before and after always differ); the summary says so (`already`).
    private func change(
        _ leadIds: [Int64], action: String, expecting versions: [Int64: Int64], outcome: String, in session: Session,
        apply: (any StoreWriting, inout Lead) throws -> Void, summary: ([Lead]) throws -> String, already: ([Lead]) -> String
    ) throws -> LeadChange {
        guard !leadIds.isEmpty else { throw ServiceError.invalid(field: "leads", problem: "no lead chosen") }
        let now = clock()
        let (before, after, unchanged) = try ServiceError.wrapping {
            try database.transaction { tx -> ([Lead], [Int64: Int64], [Lead]) in
                var before: [Lead] = []
                var after: [Int64: Int64] = [:]
                var unchanged: [Lead] = []
                for id in leadIds {
                    let original = try tx.require(Lead.self, id: id, orgId: session.orgId)
                    try StaleCheck.require(original, at: versions[id], outcome, tx: tx, session: session, now: now)
                    var lead = original
                    let snapshot = LeadSnapshot(lead)
                    try apply(tx, &lead)
                    guard LeadSnapshot(lead) != snapshot else {
                        unchanged.append(original)
                        continue
                    }
                    before.append(original)
                    lead.updatedAt = now
                    try tx.update(lead)
                    try tx.record(AuditTrail.activity(action, on: .lead, id: id, by: session, before: snapshot, after: LeadSnapshot(lead), at: now))
                    after[id] = try tx.require(Lead.self, id: id, orgId: session.orgId).version
                }
                return (before, after, unchanged)
            }
        }
        let text: String
        if before.isEmpty {
            text = already(unchanged) + ": nothing changed"
        } else {
            text = try summary(before) + (unchanged.isEmpty ? "" : "; " + already(unchanged))
        }
        return LeadChange(action: action, undo: .restore(before), summary: text, versionsAfter: after, unchanged: unchanged.compactMap(\.id))
    }
}

/// What the audit trail records of a lead's triage state.
struct LeadSnapshot: Encodable, Equatable {
    let status: String
    let statusReason: String?
    let assignedTo: Int64?

    init(_ lead: Lead) {
        status = lead.status.rawValue
        statusReason = lead.statusReason
        assignedTo = lead.assignedTo
    }

    enum CodingKeys: String, CodingKey {
        case status, statusReason = "status_reason", assignedTo = "assigned_to"
    }
}
