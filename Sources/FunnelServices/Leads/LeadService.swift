import Foundation
import FunnelStore

/// Everything Funnel shows about one lead.
public struct LeadDetail: Sendable {
    public let item: LeadListItem
    public let explanation: ScoreExplanation
    public let actions: [LeadAction]
    public let history: [Activity]
    public let duplicates: [Lead]

    /// The score stored for the lead when it differs from the one explained (its points decayed
    /// since it was scored, and this session could not write the new one); nil when they agree.
    public var staleStoredScore: Int? { item.lead.score == explanation.score ? nil : item.lead.score }
}

/// What a change did, so it can be undone.
public struct LeadChange: Sendable, Equatable {
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
    }

    /// What was done (`assigned`, `status_changed`, `action_logged`, `converted`).
    public let action: String
    public let undo: Undo
    /// A line for the status bar.
    public let summary: String

    /// The leads as they were before.
    public var before: [Lead] {
        switch undo {
        case .restore(let leads): return leads
        case .removeAction(_, let lead), .unconvert(let lead, _, _), .reedit(let lead): return [lead]
        }
    }
}

/// Lead triage: listing, assigning, setting status; each change checked, audited, undoable.
public struct LeadService: Sendable {
    let database: AppDatabase
    let clock: @Sendable () -> Date

    public init(database: AppDatabase, clock: @escaping @Sendable () -> Date = Date.init) {
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
        var (lead, owner, product, actions, history, duplicates) = try ServiceError.wrapping {
            try database.snapshot { reader in
                let lead = try reader.require(Lead.self, id: leadId, orgId: session.orgId)
                return (lead,
                        try lead.assignedTo.flatMap { try reader.userName(id: $0, orgId: session.orgId) },
                        try lead.productId.flatMap { try reader.fetch(Product.self, id: $0, orgId: session.orgId)?.name },
                        try reader.leadActions(leadId: leadId),
                        try reader.activities(orgId: session.orgId, entityType: .lead, entityId: leadId),
                        try reader.duplicates(of: lead))
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
                          actions: actions, history: history, duplicates: duplicates)
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

    /// The active users a lead can be assigned to.
    public func assignableUsers(in session: Session) throws -> [User] {
        try session.require(.leadsView)
        return try ServiceError.wrapping { try database.snapshot { try $0.users(orgId: session.orgId).filter(\.isActive) } }
    }

    /// Assigns leads to a user of the organization (nil: unassign), in one transaction.
    @discardableResult
    public func assign(_ leadIds: [Int64], to userId: Int64?, in session: Session) throws -> LeadChange {
        try session.require(.leadsAssign)
        return try change(leadIds, action: "assigned", in: session) { tx, lead in
            if let userId {
                guard let user = try tx.fetch(User.self, id: userId, orgId: session.orgId), user.isActive else {
                    throw ServiceError.invalid(field: "assignee", problem: "no active user with id \(userId) in \(session.organization.name)")
                }
            }
            lead.assignedTo = userId
        } summary: { count in
            let name = try userId.flatMap { id in try database.snapshot { try $0.userName(id: id, orgId: session.orgId) } } ?? "nobody"
            return "Assigned \(count) lead\(count == 1 ? "" : "s") to \(name)"
        }
    }

    /// Sets the status of leads; unqualified and lost need a reason.
    @discardableResult
    public func setStatus(_ leadIds: [Int64], to status: LeadStatus, reason: String? = nil, in session: Session) throws -> LeadChange {
        try session.require(.leadsEdit)
        let reason = reason?.trimmingCharacters(in: .whitespacesAndNewlines)
        if status == .unqualified || status == .lost {
            guard let reason, !reason.isEmpty else {
                throw ServiceError.invalid(field: "reason", problem: "say why the lead is \(status.rawValue)")
            }
            guard reason.count <= 500 else { throw ServiceError.invalid(field: "reason", problem: "at most 500 characters") }
        }
        return try change(leadIds, action: "status_changed", in: session) { _, lead in
            lead.status = status
            lead.statusReason = (status == .unqualified || status == .lost) ? reason : nil
        } summary: { count in "Set \(count) lead\(count == 1 ? "" : "s") to \(status.rawValue)" }
    }

    /// Puts leads back as they were before `change`.
    public func undo(_ change: LeadChange, in session: Session) throws {
        switch change.undo {
        case .restore(let leads): try restore(leads, undoing: change.action, in: session)
        case .removeAction(let actionId, let lead): try removeAction(actionId, of: lead, in: session)
        case .unconvert(let lead, let contactId, let dealId): try unconvert(lead, contactId: contactId, dealId: dealId, in: session)
        case .reedit(let lead): try reedit(lead, in: session)
        }
    }

    func restore(_ leads: [Lead], undoing action: String, in session: Session) throws {
        try session.require(action == "assigned" ? .leadsAssign : .leadsEdit)
        let now = clock()
        try ServiceError.wrapping {
            try database.transaction { tx in
                for previous in leads {
                    guard let id = previous.id, var current = try tx.fetch(Lead.self, id: id, orgId: session.orgId) else { continue }
                    let before = LeadSnapshot(current)
                    current.assignedTo = previous.assignedTo
                    current.status = previous.status
                    current.statusReason = previous.statusReason
                    current.updatedAt = now
                    try tx.update(current)
                    try tx.record(AuditTrail.activity(
                        "undone", on: .lead, id: id, by: session, before: before, after: LeadSnapshot(current),
                        details: ["undid": action], at: now))
                }
            }
        }
    }

    private func change(
        _ leadIds: [Int64], action: String, in session: Session,
        apply: (StoreTransaction, inout Lead) throws -> Void, summary: (Int) throws -> String
    ) throws -> LeadChange {
        guard !leadIds.isEmpty else { throw ServiceError.invalid(field: "leads", problem: "no lead chosen") }
        let now = clock()
        let before = try ServiceError.wrapping {
            try database.transaction { tx -> [Lead] in
                var before: [Lead] = []
                for id in leadIds {
                    var lead = try tx.require(Lead.self, id: id, orgId: session.orgId)
                    before.append(lead)
                    let snapshot = LeadSnapshot(lead)
                    try apply(tx, &lead)
                    lead.updatedAt = now
                    try tx.update(lead)
                    try tx.record(AuditTrail.activity(action, on: .lead, id: id, by: session, before: snapshot, after: LeadSnapshot(lead), at: now))
                }
                return before
            }
        }
        return LeadChange(action: action, undo: .restore(before), summary: try summary(leadIds.count))
    }
}

/// What the audit trail records of a lead's triage state.
struct LeadSnapshot: Encodable {
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
