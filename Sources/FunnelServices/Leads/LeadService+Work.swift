import Foundation
import FunnelStore

/// The kinds of action a person logs by hand.
public enum LoggedActionKind: String, Sendable, CaseIterable {
    case call, email, meeting, note

    var actionType: LeadActionType {
        switch self {
        case .call: return .call
        case .email: return .emailSent
        case .meeting: return .meeting
        case .note: return .note
        }
    }
}

/// The outcome of merging duplicates.
public struct LeadMergeResult: Sendable, Equatable {
    public let survivor: Int64
    public let merged: [Int64]
    public let movedActions: Int
    public let movedActivities: Int
    public let summary: String
    /// How to undo it.
    public let change: LeadChange
}

extension LeadService {
    /// Logs a call, email, meeting or note on a lead, now, and rescores it at once (the panes' `l`).
    @discardableResult
    public func logAction(_ kind: LoggedActionKind, note: String?, on leadId: Int64, in session: Session) throws -> LeadChange {
        try logAction(kind.actionType, note: note, at: nil, on: leadId, in: session)
    }

    /// Logs an action of any type on a lead, at `time` (nil: now; a time in the future is refused),
    /// and rescores the lead at once: its score is as of now, each action decayed by its own age.
    /// The lead's `last_action_at` keeps the latest of its actions. The activity says who logged it
    /// and when, with the action's time (`action_at`) and id. Logging adds to the lead without
    /// overwriting anything, so it needs no version.
    @discardableResult
    public func logAction(_ type: LeadActionType, note: String?, at time: Date?, on leadId: Int64, in session: Session) throws -> LeadChange {
        try session.require(.leadsEdit)
        let note = note?.trimmingCharacters(in: .whitespacesAndNewlines)
        if let note, note.count > 5_000 { throw ServiceError.invalid(field: "note", problem: "at most 5,000 characters") }
        try TypedText.refuseNUL(note, field: "note")
        let now = clock()
        let at = time ?? now
        if at > now {
            throw ServiceError.invalid(field: "at", problem: "\(ActivityText.moment(at, now: now)) is in the future: an action is logged once it happened")
        }
        return try ServiceError.wrapping {
            try database.transaction { tx in
                var lead = try tx.require(Lead.self, id: leadId, orgId: session.orgId)
                let before = lead
                let details = (note?.isEmpty == false) ? ["note": note!] : [:]
                let metadata = AuditTrail.metadata(before: nil as String?, after: nil as String?, details: details)
                var action = LeadAction(leadId: leadId, actionType: type, userId: session.userId, metadata: metadata, createdAt: at)
                try tx.insert(&action)
                lead.score = try Self.score(of: lead, in: session, tx: tx, now: now)
                lead.lastActionAt = max(lead.lastActionAt ?? at, at)
                lead.updatedAt = now
                try tx.update(lead)
                let logged = details.merging(["action": type.rawValue, "action_id": "\(action.id ?? 0)", "action_at": Self.actionTimeText(at)]) { a, _ in a }
                try tx.record(AuditTrail.activity(
                    "action_logged", on: .lead, id: leadId, by: session, before: ["score": before.score], after: ["score": lead.score],
                    details: logged, at: now))
                let version = try tx.require(Lead.self, id: leadId, orgId: session.orgId).version
                let word = Self.words(type)
                let when = time == nil ? "" : " at \(ActivityText.moment(at, now: now))"
                return LeadChange(action: "action_logged", undo: .removeAction(actionId: action.id ?? 0, lead: before),
                                  summary: "Logged a\("aeiou".contains(word.prefix(1)) ? "n" : "") \(word) on \(before.displayName)\(when); score \(before.score) → \(lead.score)",
                                  versionsAfter: [leadId: version])
            }
        }
    }

    /// An action type in words: `page visit`; `email` for an email sent.
    static func words(_ type: LeadActionType) -> String {
        type == .emailSent ? "email" : type.rawValue.replacingOccurrences(of: "_", with: " ")
    }

    /// A moment as the activity keeps it: `2026-03-14T09:30:00.000Z`.
    static func actionTimeText(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter.string(from: date)
    }

    /// The action type `text` names: a `LeadActionType` raw value (`page_visit`; `page visit` and
    /// `page-visit` too, any case), or `email` for `email_sent`; else refused with the list.
    public static func actionType(_ text: String) throws -> LeadActionType {
        let key = text.trimmingCharacters(in: .whitespaces).lowercased().replacingOccurrences(of: " ", with: "_").replacingOccurrences(of: "-", with: "_")
        if key == "email" { return .emailSent }
        guard let type = LeadActionType(rawValue: key) else {
            throw ServiceError.invalid(field: "type", problem: "\"\(text)\" is not an action type: use one of "
                                       + LeadActionType.allCases.map(\.rawValue).joined(separator: ", ") + " (email is email_sent)")
        }
        return type
    }

    /// The moment `--at` names: an ISO date (its midnight) or time, `2026-03-14 09:30`,
    /// `2026-03-14T09:30:00`, in `timeZone` unless it ends with `Z` or an offset (`+02:00`).
    public static func actionTime(_ text: String, timeZone: TimeZone = .current) throws -> Date {
        let value = ImportDateValue(text)
        guard case .iso = value.day else {
            throw ServiceError.invalid(field: "at", problem: "\"\(text)\" is not a date or time: use 2026-03-14, 2026-03-14 09:30 or 2026-03-14T09:30:00Z")
        }
        let time: ImportedTime
        switch ImportDateReader(format: .iso).read(value) {
        case .success(let read): time = read
        case .failure(let problem): throw ServiceError.invalid(field: "at", problem: problem.message)
        }
        if let clock = value.time, (try? ImportDateReader.clock(clock).get().zoned) == true { return time.date }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let parts = DateComponents(year: time.year, month: time.month, day: time.day, hour: time.seconds / 3600, minute: time.seconds / 60 % 60,
                                   second: time.seconds % 60, nanosecond: time.milliseconds * 1_000_000)
        guard let date = calendar.date(from: parts) else { throw ServiceError.invalid(field: "at", problem: "\"\(text)\" is not a moment of the calendar") }
        return date
    }

    func removeAction(_ actionId: Int64, of previous: Lead, undoing change: LeadChange, in session: Session) throws -> [Int64: Int64] {
        try session.require(.leadsEdit)
        let now = clock()
        return try ServiceError.wrapping {
            try database.transaction { tx in
                guard let id = previous.id else { return [:] }
                guard var lead = try tx.fetch(Lead.self, id: id, orgId: session.orgId) else {
                    throw ServiceError.stale("\(previous.displayName) no longer exists (merged or deleted since): not undone")
                }
                try tx.deleteLeadAction(id: actionId, leadId: id, orgId: session.orgId)
                try tx.refreshLastAction(leadId: id, orgId: session.orgId)
                lead.lastActionAt = try tx.require(Lead.self, id: id, orgId: session.orgId).lastActionAt
                let before = lead.score
                lead.score = try Self.score(of: lead, in: session, tx: tx, now: now)
                try tx.update(lead)
                try tx.record(AuditTrail.activity("undone", on: .lead, id: id, by: session, before: ["score": before], after: ["score": lead.score],
                                                  details: ["undid": "action_logged"], at: now))
                // Removing the action overwrites nothing, so it is not refused when the lead changed
                // since; but then the lead is not as this pane's earlier changes left it, and they
                // must not be rebased onto its new version (an undo of theirs would overwrite that change).
                let version = try tx.require(Lead.self, id: id, orgId: session.orgId).version
                return version == change.versionsAfter[id] ? [id: version] : [:]
            }
        }
    }

    /// How far along a status is, for a merge: converted beats qualified beats contacted beats new;
    /// unqualified and lost are kept only when no lead of the merge is further along.
    static func progress(_ status: LeadStatus) -> Int {
        switch status {
        case .converted: return 4
        case .qualified: return 3
        case .contacted: return 2
        case .new: return 1
        case .unqualified, .lost: return 0
        }
    }

    /// Merges duplicates into a survivor: their actions, history and contacts (and so a conversion's
    /// deals) move to it, its empty fields are filled from them, it takes the most advanced status
    /// of them all, the merged leads are kept whole in its history and deleted; all in one
    /// transaction, refused when a lead is no longer at the version the caller saw; undoable.
    @discardableResult
    public func merge(_ others: [Int64], into survivorId: Int64, expecting versions: [Int64: Int64] = [:], in session: Session) throws -> LeadMergeResult {
        try session.require(.leadsMerge)
        let others = Array(Set(others)).filter { $0 != survivorId }.sorted()
        guard !others.isEmpty else { throw ServiceError.invalid(field: "leads", problem: "choose at least one lead to merge into #\(survivorId)") }
        let now = clock()
        return try ServiceError.wrapping {
            try database.transaction { tx in
                var survivor = try tx.require(Lead.self, id: survivorId, orgId: session.orgId)
                try StaleCheck.require(survivor, at: versions[survivorId], "nothing merged", tx: tx, session: session, now: now)
                let before = survivor
                var merged: [Lead] = []
                for id in others {
                    let lead = try tx.require(Lead.self, id: id, orgId: session.orgId)
                    try StaleCheck.require(lead, at: versions[id], "nothing merged", tx: tx, session: session, now: now)
                    merged.append(lead)
                    if survivor.name == nil { survivor.name = lead.name }
                    if survivor.company == nil { survivor.company = lead.company }
                    if survivor.email == nil { survivor.email = lead.email }
                    if survivor.phone == nil { survivor.phone = lead.phone }
                    if survivor.productId == nil { survivor.productId = lead.productId }
                    if survivor.assignedTo == nil { survivor.assignedTo = lead.assignedTo }
                    if Self.progress(lead.status) > Self.progress(survivor.status) {
                        survivor.status = lead.status
                        survivor.statusReason = lead.statusReason
                    }
                }
                let owners = try tx.leadRecordOwners(of: others, orgId: session.orgId)
                let moved = try tx.moveLeadRecords(from: others, to: survivorId, orgId: session.orgId)
                for id in others { try tx.delete(Lead.self, id: id, orgId: session.orgId) }
                try tx.refreshLastAction(leadId: survivorId, orgId: session.orgId)
                if let refreshed = try tx.fetch(Lead.self, id: survivorId, orgId: session.orgId) { survivor.lastActionAt = refreshed.lastActionAt }
                survivor.score = try Self.score(of: survivor, in: session, tx: tx, now: now)
                survivor.updatedAt = now
                // A merge changes the lead even when no field of it changes (it takes others'
                // actions, contacts and deals): its version is raised by hand (the trigger then stays quiet).
                survivor.version = try tx.require(Lead.self, id: survivorId, orgId: session.orgId).version + 1
                try tx.update(survivor)
                try tx.record(AuditTrail.activity(
                    "merged", on: .lead, id: survivorId, by: session, before: before, after: survivor,
                    details: ["merged_ids": others.map(String.init).joined(separator: ","),
                              "merged_leads": String(decoding: (try? JSONEncoder().encode(merged)) ?? Data(), as: UTF8.self)],
                    at: now))
                let version = try tx.require(Lead.self, id: survivorId, orgId: session.orgId).version
                let names = merged.map(\.displayName).joined(separator: ", ")
                let status = survivor.status != before.status ? "; now \(survivor.status.rawValue)" : ""
                let summary = "Merged \(names) into \(before.displayName) (\(moved.actions) actions moved\(status))"
                return LeadMergeResult(
                    survivor: survivorId, merged: others, movedActions: moved.actions, movedActivities: moved.activities, summary: summary,
                    change: LeadChange(action: "merged", undo: .unmerge(survivor: before, merged: merged, moved: owners), summary: summary,
                                       versionsAfter: [survivorId: version]))
            }
        }
    }

    /// Brings merged leads back as they were, gives them back their actions, history and contacts,
    /// and puts the survivor's fields back; refused when the survivor changed since the merge.
    func unmerge(_ previous: Lead, merged: [Lead], moved: LeadRecordOwners, undoing change: LeadChange, in session: Session) throws -> [Int64: Int64] {
        try session.require(.leadsMerge)
        let now = clock()
        return try ServiceError.wrapping {
            try database.transaction { tx in
                guard let id = previous.id else { return [:] }
                guard var survivor = try tx.fetch(Lead.self, id: id, orgId: session.orgId) else {
                    throw ServiceError.stale("\(previous.displayName) no longer exists (merged or deleted since): not undone")
                }
                try StaleCheck.require(survivor, at: change.versionsAfter[id], "the merge was not undone", tx: tx, session: session, now: now)
                var versions: [Int64: Int64] = [:]
                for lead in merged {
                    guard lead.orgId == session.orgId else { throw ServiceError.forbidden("\(lead.displayName) is not of \(session.organization.name)") }
                    guard try tx.reinsert(lead) else {
                        throw ServiceError.stale("\(lead.displayName) cannot come back: its id was given to another lead since: the merge was not undone")
                    }
                    versions[lead.id ?? 0] = lead.version
                }
                try tx.returnLeadRecords(moved, orgId: session.orgId)
                let before = survivor
                survivor.name = previous.name
                survivor.company = previous.company
                survivor.email = previous.email
                survivor.phone = previous.phone
                survivor.productId = previous.productId
                survivor.assignedTo = previous.assignedTo
                survivor.status = previous.status
                survivor.statusReason = previous.statusReason
                survivor.updatedAt = now
                try tx.update(survivor)
                try tx.refreshLastAction(leadId: id, orgId: session.orgId)
                survivor = try tx.require(Lead.self, id: id, orgId: session.orgId)
                survivor.score = try Self.score(of: survivor, in: session, tx: tx, now: now)
                try tx.update(survivor)
                for lead in merged {
                    guard let mergedId = lead.id else { continue }
                    try tx.refreshLastAction(leadId: mergedId, orgId: session.orgId)
                    try tx.record(AuditTrail.activity("restored", on: .lead, id: mergedId, by: session, before: nil as LeadSnapshot?, after: LeadSnapshot(lead),
                                                      details: ["undid": "merged", "survivor": "\(id)"], at: now))
                }
                try tx.record(AuditTrail.activity("undone", on: .lead, id: id, by: session, before: LeadSnapshot(before), after: LeadSnapshot(survivor),
                                                  details: ["undid": "merged", "merged_ids": merged.compactMap(\.id).map(String.init).joined(separator: ",")], at: now))
                versions[id] = try tx.require(Lead.self, id: id, orgId: session.orgId).version
                return versions
            }
        }
    }

    /// Converts a lead into a contact and a deal, in one transaction.
    @discardableResult
    public func convert(_ leadId: Int64, productId: Int64?, valueCents: Int64, expecting version: Int64? = nil, in session: Session) throws -> LeadChange {
        try session.require(.leadsConvert)
        guard valueCents >= 0 else { throw ServiceError.invalid(field: "value", problem: "a deal's value cannot be negative") }
        let now = clock()
        return try ServiceError.wrapping {
            try database.transaction { tx in
                var lead = try tx.require(Lead.self, id: leadId, orgId: session.orgId)
                try StaleCheck.require(lead, at: version, "not converted", tx: tx, session: session, now: now)
                guard lead.status != .converted else { throw ServiceError.invalid(field: "lead", problem: "\(lead.displayName) is already converted") }
                let product = try productId.flatMap { try tx.fetch(Product.self, id: $0, orgId: session.orgId) }
                if let productId, product == nil {
                    throw ServiceError.invalid(field: "product", problem: "no product with id \(productId) in \(session.organization.name)")
                }
                let before = lead
                var contact = LeadConversion.contact(for: lead, at: now)
                try tx.insert(&contact)
                let closeDate = ISO8601DateFormatter().string(from: now.addingTimeInterval(30 * 86_400)).prefix(10)
                var deal = Deal(
                    orgId: session.orgId, contactId: contact.id, productId: productId, ownerId: lead.assignedTo ?? session.userId,
                    title: LeadConversion.dealTitle(for: lead, productName: product?.name), value: valueCents, stage: .prospecting,
                    probability: OrganizationSettings(of: session.organization).pipeline.probability(.prospecting), closeDate: String(closeDate), stageChangedAt: now, createdAt: now, updatedAt: now)
                try tx.insert(&deal)
                lead = LeadConversion.converted(lead, at: now)
                try tx.update(lead)
                try tx.record(AuditTrail.activity("converted", on: .lead, id: leadId, by: session, before: LeadSnapshot(before), after: LeadSnapshot(lead),
                                                  details: ["contact_id": "\(contact.id ?? 0)", "deal_id": "\(deal.id ?? 0)"], at: now))
                try tx.record(AuditTrail.activity("created", on: .contact, id: contact.id ?? 0, by: session, before: nil as Contact?, after: contact, at: now))
                try tx.record(AuditTrail.activity("created", on: .deal, id: deal.id ?? 0, by: session, before: nil as Deal?, after: deal, at: now))
                let version = try tx.require(Lead.self, id: leadId, orgId: session.orgId).version
                return LeadChange(action: "converted", undo: .unconvert(lead: before, contactId: contact.id ?? 0, dealId: deal.id ?? 0),
                                  summary: "Converted \(before.displayName) into contact #\(contact.id ?? 0) and deal #\(deal.id ?? 0)",
                                  versionsAfter: [leadId: version])
            }
        }
    }

    func unconvert(_ previous: Lead, contactId: Int64, dealId: Int64, undoing change: LeadChange, in session: Session) throws -> [Int64: Int64] {
        try session.require(.leadsConvert)
        let now = clock()
        return try ServiceError.wrapping {
            try database.transaction { tx in
                guard let id = previous.id else { return [:] }
                guard var lead = try tx.fetch(Lead.self, id: id, orgId: session.orgId) else {
                    throw ServiceError.stale("\(previous.displayName) no longer exists (merged or deleted since): not undone")
                }
                try StaleCheck.require(lead, at: change.versionsAfter[id], "the conversion was not undone", tx: tx, session: session, now: now)
                // The deal the conversion made may have been worked on since: then it is not deleted.
                if let deal = try tx.fetch(Deal.self, id: dealId, orgId: session.orgId) {
                    try StaleCheck.require(deal, at: 1, "the conversion of \(previous.displayName) was not undone", tx: tx, session: session, now: now)
                }
                // The contact may carry other deals by now: deleting it would detach them.
                let others = try tx.deals(contactId: contactId, orgId: session.orgId).filter { $0.id != dealId }
                if !others.isEmpty {
                    throw ServiceError.stale("contact #\(contactId) of \(previous.displayName) has other deals since the conversion ("
                                             + others.prefix(5).map { "#\($0.id) \($0.deal.title)" }.joined(separator: ", ") + "): the conversion was not undone")
                }
                try tx.delete(Deal.self, id: dealId, orgId: session.orgId)
                try tx.delete(Contact.self, id: contactId, orgId: session.orgId)
                let before = LeadSnapshot(lead)
                lead.status = previous.status
                lead.statusReason = previous.statusReason
                lead.updatedAt = now
                try tx.update(lead)
                try tx.record(AuditTrail.activity("undone", on: .lead, id: id, by: session, before: before, after: LeadSnapshot(lead),
                                                  details: ["undid": "converted", "deleted_contact": "\(contactId)", "deleted_deal": "\(dealId)"], at: now))
                return [id: try tx.require(Lead.self, id: id, orgId: session.orgId).version]
            }
        }
    }

    /// A lead's score from its fields and all its actions, as of `now`.
    static func score(of lead: Lead, in session: Session, tx: any StoreWriting, now: Date) throws -> Int {
        guard lead.id != nil else { return lead.score }
        return try ScoringService.explain(lead, scorer: ScoringService.scorer(for: session, reader: tx), reader: tx, now: now).score
    }
}

/// The fields a person types for a new or edited lead.
public struct LeadDraft: Sendable, Equatable {
    public var name: String
    public var company: String
    public var email: String
    public var phone: String
    public var source: String

    public init(name: String = "", company: String = "", email: String = "", phone: String = "", source: String = "website") {
        self.name = name
        self.company = company
        self.email = email
        self.phone = phone
        self.source = source
    }

    public init(_ lead: Lead) {
        self.init(name: lead.name ?? "", company: lead.company ?? "", email: lead.email ?? "", phone: lead.phone ?? "", source: lead.source.rawValue)
    }

    /// What is wrong with each field (by field name); empty when the draft is acceptable.
    public var problems: [String: String] {
        var problems: [String: String] = [:]
        let email = self.email.trimmingCharacters(in: .whitespaces)
        let phone = self.phone.trimmingCharacters(in: .whitespaces)
        if email.isEmpty && phone.isEmpty { problems["email"] = "give an email or a phone" }
        if !email.isEmpty, let problem = EmailAddress.problem(with: email) { problems["email"] = problem }
        if !phone.isEmpty, let problem = PhoneNumber.problem(with: phone) { problems["phone"] = problem }
        if name.count > 200 { problems["name"] = "at most 200 characters" }
        if company.count > 200 { problems["company"] = "at most 200 characters" }
        if LeadSource(rawValue: source.trimmingCharacters(in: .whitespaces)) == nil {
            problems["source"] = "one of: " + LeadSource.allCases.map(\.rawValue).joined(separator: ", ")
        }
        for (field, text) in [("name", name), ("company", company), ("email", email), ("phone", phone), ("source", source)] {
            if let problem = TypedText.nulProblem(text) { problems[field] = problem }
        }
        return problems
    }

    func apply(to lead: inout Lead) {
        func clean(_ text: String) -> String? {
            let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
            return trimmed.isEmpty ? nil : trimmed
        }
        lead.name = clean(name)
        lead.company = clean(company)
        lead.email = clean(email).map(EmailAddress.normalized)
        lead.phone = clean(phone)
        lead.source = LeadSource(rawValue: source.trimmingCharacters(in: .whitespaces)) ?? lead.source
    }
}

extension LeadService {
    /// Creates a lead from a validated draft, scored at once; returns its id.
    @discardableResult
    public func create(_ draft: LeadDraft, in session: Session) throws -> Lead {
        try session.require(.leadsEdit)
        if let (field, problem) = draft.problems.sorted(by: { $0.key < $1.key }).first { throw ServiceError.invalid(field: field, problem: problem) }
        let now = clock()
        return try ServiceError.wrapping {
            try database.transaction { tx in
                var lead = Lead(orgId: session.orgId, email: "placeholder@example.com", source: .other, createdAt: now, updatedAt: now)
                draft.apply(to: &lead)
                lead.score = try ScoringService.scorer(for: session, reader: tx).explain(lead, actions: [], attributes: [], now: now).score
                try tx.insert(&lead)
                try tx.record(AuditTrail.activity("created", on: .lead, id: lead.id ?? 0, by: session, before: nil as Lead?, after: lead, at: now))
                return lead
            }
        }
    }

    /// Edits a lead's contact fields from a validated draft (rescored at once); undoable.
    @discardableResult
    public func edit(_ leadId: Int64, with draft: LeadDraft, expecting version: Int64? = nil, in session: Session) throws -> LeadChange {
        try edit(leadId, with: draft, expecting: version, outcome: "not saved", in: session)
    }

    func edit(_ leadId: Int64, with draft: LeadDraft, expecting version: Int64?, outcome: String, in session: Session) throws -> LeadChange {
        try session.require(.leadsEdit)
        if let (field, problem) = draft.problems.sorted(by: { $0.key < $1.key }).first { throw ServiceError.invalid(field: field, problem: problem) }
        let now = clock()
        return try ServiceError.wrapping {
            try database.transaction { tx in
                var lead = try tx.require(Lead.self, id: leadId, orgId: session.orgId)
                try StaleCheck.require(lead, at: version, outcome, tx: tx, session: session, now: now)
                let before = lead
                draft.apply(to: &lead)
                lead.score = try Self.score(of: lead, in: session, tx: tx, now: now)
                lead.updatedAt = now
                try tx.update(lead)
                try tx.record(AuditTrail.activity("edited", on: .lead, id: leadId, by: session, before: LeadDraft(before), after: LeadDraft(lead), at: now))
                let version = try tx.require(Lead.self, id: leadId, orgId: session.orgId).version
                return LeadChange(action: "edited", undo: .reedit(before), summary: "Saved \(lead.displayName)", versionsAfter: [leadId: version])
            }
        }
    }

    func reedit(_ previous: Lead, undoing change: LeadChange, in session: Session) throws -> [Int64: Int64] {
        guard let id = previous.id else { return [:] }
        return try edit(id, with: LeadDraft(previous), expecting: change.versionsAfter[id], outcome: "not undone", in: session).versionsAfter
    }
}

extension LeadDraft: Encodable {}
