import Foundation
import FunnelServices
import FunnelStore
import FunnelTestSupport
import Testing

/// Logging, merging and converting leads: checked, audited, one transaction each, undoable.
@Suite struct LeadWorkTests {
    let workspace: TestWorkspace
    let service: LeadService
    init() throws {
        workspace = try TestWorkspace.make()
        service = LeadService(database: workspace.database, clock: { TestWorkspace.now })
    }

    func lead(_ id: Int64) throws -> Lead {
        try workspace.database.snapshot { try $0.require(Lead.self, id: id, orgId: workspace.admin.orgId) }
    }

    @Test func loggingAnActionRescoresAtOnceAndUndoes() throws {
        let id = workspace.acmeLead.id!
        // The fixture's lead was never scored: its score as of now is its fit (no actions yet).
        let before = try ScoringService(database: workspace.database, clock: { TestWorkspace.now }).explanation(leadId: id, in: workspace.salesRep).score
        #expect(before == 28)
        let change = try service.logAction(.meeting, note: "Demo went well", on: id, in: workspace.salesRep)
        let after = try lead(id)
        #expect(after.score == before + 15)
        #expect(after.lastActionAt == TestWorkspace.now)
        let actions = try workspace.database.snapshot { try $0.leadActions(leadId: id, orgId: workspace.admin.orgId) }
        #expect(actions.first?.actionType == .meeting)
        #expect(actions.first?.userId == workspace.salesRep.userId)
        #expect(actions.first?.metadata.contains("Demo went well") == true)
        try service.undo(change, in: workspace.salesRep)
        #expect(try lead(id).score == before)
        #expect(try workspace.database.snapshot { try $0.leadActions(leadId: id, orgId: workspace.admin.orgId) }.isEmpty)
        #expect(try lead(id).lastActionAt == nil)
    }

    /// `funnel leads log --type page_visit --at ...`: any type, at the time it happened.
    @Test func anyActionTypeIsLoggedAtItsOwnTimeAndScoredByItsAge() throws {
        let id = workspace.acmeLead.id!
        let scoring = ScoringService(database: workspace.database, clock: { TestWorkspace.now })
        _ = try service.logAction(.meeting, note: nil, on: id, in: workspace.salesRep)
        let afterMeeting = try lead(id).score
        let tenDaysAgo = TestWorkspace.now.addingTimeInterval(-10 * 86_400)
        let change = try service.logAction(.pageVisit, note: "pricing page", at: tenDaysAgo, on: id, in: workspace.salesRep)
        #expect(change.summary.hasPrefix("Logged a page visit on "))
        #expect(change.summary.contains(" at \(ActivityText.moment(tenDaysAgo, now: TestWorkspace.now)); score \(afterMeeting) → "))

        let actions = try workspace.database.snapshot { try $0.leadActions(leadId: id, orgId: workspace.admin.orgId) }
        let visit = try #require(actions.first { $0.actionType == .pageVisit })
        #expect(visit.createdAt == tenDaysAgo)
        #expect(visit.userId == workspace.salesRep.userId)
        // The latest action is still the meeting; the score is as of now, the visit decayed by its ten days.
        let after = try lead(id)
        #expect(after.lastActionAt == TestWorkspace.now)
        #expect(after.score == (try scoring.explanation(leadId: id, in: workspace.salesRep).score))
        let model = ScoringService.model(for: workspace.salesRep)
        #expect(model.decayedPoints(.pageVisit, ageDays: 10) < model.decayedPoints(.pageVisit, ageDays: 0))

        // The activity: who logged it and when, the action's type, time and id.
        let history = try workspace.database.snapshot { try $0.activities(orgId: workspace.admin.orgId, entityType: .lead, entityId: id) }
        let logged = try #require(history.first { $0.metadata.contains("page_visit") })
        #expect(logged.action == "action_logged")
        #expect(logged.userId == workspace.salesRep.userId)
        #expect(logged.createdAt == TestWorkspace.now)
        let metadata = try #require(JSONSerialization.jsonObject(with: Data(logged.metadata.utf8)) as? [String: Any])
        #expect(metadata["action_at"] as? String == "2026-01-31T09:30:00.000Z")
        #expect(metadata["action_id"] as? String == "\(visit.id!)")
        #expect(metadata["note"] as? String == "pricing page")
        // The story tells it once, by its activity, saying when it happened.
        let timeline = try service.detail(leadId: id, in: workspace.salesRep).timeline
        let told = timeline.filter { $0.what.contains("page visit") }
        #expect(told.count == 1)
        #expect(told.first?.what.hasPrefix("logged a page visit: score ") == true)
        #expect(told.first?.what.contains("note “pricing page”; happened \(ActivityText.moment(tenDaysAgo, now: TestWorkspace.now))") == true)
        #expect(told.first?.at == TestWorkspace.now)

        // Undone: the visit goes, the meeting stays the latest.
        try service.undo(change, in: workspace.salesRep)
        #expect(try workspace.database.snapshot { try $0.leadActions(leadId: id, orgId: workspace.admin.orgId) }.map(\.actionType) == [.meeting])
        #expect(try lead(id).lastActionAt == TestWorkspace.now)
        #expect(try lead(id).score == afterMeeting)

        // An action logged at a time later than the lead's last one becomes its last action.
        let older = TestWorkspace.now.addingTimeInterval(-3600)
        var other = Lead(orgId: workspace.admin.orgId, name: "Backdated", email: "back@example.com", source: .website,
                         createdAt: older, updatedAt: older)
        try workspace.database.transaction { tx in try tx.insert(&other) }
        _ = try service.logAction(.demoRequest, note: nil, at: older, on: other.id!, in: workspace.salesRep)
        _ = try service.logAction(.emailOpen, note: nil, at: older.addingTimeInterval(60), on: other.id!, in: workspace.salesRep)
        #expect(try lead(other.id!).lastActionAt == older.addingTimeInterval(60))
    }

    @Test func aLoggedTimeInTheFutureIsRefusedAndWritesNothing() throws {
        let id = workspace.acmeLead.id!
        let before = try lead(id)
        #expect {
            try service.logAction(.call, note: nil, at: TestWorkspace.now.addingTimeInterval(3600), on: id, in: workspace.salesRep)
        } throws: { error in
            guard case ServiceError.invalid(let field, let problem) = error else { return false }
            return field == "at" && problem.hasSuffix("is in the future: an action is logged once it happened")
        }
        #expect(try lead(id) == before)
        #expect(try workspace.database.snapshot { try $0.leadActions(leadId: id, orgId: workspace.admin.orgId) }.isEmpty)
        // Now itself is not the future.
        _ = try service.logAction(.call, note: nil, at: TestWorkspace.now, on: id, in: workspace.salesRep)
        #expect(try lead(id).lastActionAt == TestWorkspace.now)
    }

    @Test func actionTypesAndTimesAreReadFromText() throws {
        #expect(try LeadService.actionType("page_visit") == .pageVisit)
        #expect(try LeadService.actionType("Demo Request") == .demoRequest)
        #expect(try LeadService.actionType("form-submit") == .formSubmit)
        #expect(try LeadService.actionType("email") == .emailSent)
        for type in LeadActionType.allCases { #expect(try LeadService.actionType(type.rawValue) == type) }
        #expect {
            try LeadService.actionType("tweet")
        } throws: { error in
            (error as? ServiceError)?.description == "type: \"tweet\" is not an action type: use one of email_sent, email_open, email_click, page_visit, "
                + "form_submit, content_download, webinar, demo_request, reply, call, meeting, note, unsubscribe, bounce (email is email_sent)"
        }

        let utc = TimeZone(identifier: "UTC")!, paris = TimeZone(identifier: "Europe/Paris")!
        let march14 = Date(timeIntervalSince1970: 1_773_446_400)  // 2026-03-14 00:00 UTC
        #expect(try LeadService.actionTime("2026-03-14", timeZone: utc) == march14)
        #expect(try LeadService.actionTime("2026-03-14", timeZone: paris) == march14.addingTimeInterval(-3600))
        #expect(try LeadService.actionTime("2026-03-14 09:30", timeZone: paris) == march14.addingTimeInterval(8.5 * 3600))
        #expect(try LeadService.actionTime("2026-03-14T09:30:00Z", timeZone: paris) == march14.addingTimeInterval(9.5 * 3600))
        #expect(try LeadService.actionTime("2026-03-14T09:30+02:00", timeZone: paris) == march14.addingTimeInterval(7.5 * 3600))
        func problem(_ text: String) -> String {
            do { _ = try LeadService.actionTime(text, timeZone: utc); return "read" } catch { return "\(error)" }
        }
        #expect(problem("3/14/2026") == "at: \"3/14/2026\" is not a date or time: use 2026-03-14, 2026-03-14 09:30 or 2026-03-14T09:30:00Z")
        #expect(problem("yesterday") == "at: \"yesterday\" is not a date or time: use 2026-03-14, 2026-03-14 09:30 or 2026-03-14T09:30:00Z")
        #expect(problem("2026-03-14 25:00") == "at: \"2026-03-14 25:00\": the time \"25:00\" is not a time (hour 25 is past 23)")
        #expect(problem("2026-02-30") == "at: \"2026-02-30\" is not a day of the calendar (February 2026 has 28 days)")
    }

    @Test func mergingMovesEverythingAndLosesNothing() throws {
        let survivorId = workspace.acmeLead.id!
        var duplicate = Lead(orgId: workspace.admin.orgId, name: "J. García", company: nil, email: "JOSE@initech.example",
                             phone: "+1 555 010 0999", source: .event, createdAt: TestWorkspace.now, updatedAt: TestWorkspace.now)
        try workspace.database.transaction { tx in
            try tx.insert(&duplicate)
            var action = LeadAction(leadId: duplicate.id!, actionType: .demoRequest, createdAt: TestWorkspace.now)
            try tx.insert(&action)
        }
        _ = try service.assign([duplicate.id!], to: workspace.salesRep.userId, in: workspace.manager)
        let detail = try service.detail(leadId: survivorId, in: workspace.manager)
        #expect(detail.duplicates.map(\.id) == [duplicate.id])
        let result = try service.merge([duplicate.id!], into: survivorId, in: workspace.manager)
        #expect(result.movedActions == 1)
        #expect(result.movedActivities == 1)
        let survivor = try lead(survivorId)
        #expect(survivor.assignedTo == workspace.salesRep.userId)  // filled from the duplicate
        #expect(try workspace.database.snapshot { try $0.fetch(Lead.self, id: duplicate.id!, orgId: workspace.admin.orgId) } == nil)
        #expect(try workspace.database.snapshot { try $0.leadActions(leadId: survivorId, orgId: workspace.admin.orgId) }.map(\.actionType) == [.demoRequest])
        let history = try workspace.database.snapshot { try $0.activities(orgId: workspace.admin.orgId, entityType: .lead, entityId: survivorId) }
        #expect(history.contains { $0.action == "assigned" })  // the duplicate's history moved
        let merged = try #require(history.first { $0.action == "merged" })
        #expect(merged.metadata.contains("J. García"))  // the merged lead is kept whole
        #expect(survivor.score > 0)
    }

    @Test func mergingNeedsThePermissionAndTheSameOrganization() throws {
        #expect(throws: ServiceError.permissionDenied(permission: .leadsMerge, user: "viewer@acme.test", role: "viewer")) {
            try service.merge([workspace.globexLead.id!], into: workspace.acmeLead.id!, in: workspace.viewer)
        }
        #expect(throws: ServiceError.store(.notFound(entity: "lead", id: workspace.globexLead.id!))) {
            try service.merge([workspace.globexLead.id!], into: workspace.acmeLead.id!, in: workspace.manager)
        }
        #expect(try workspace.database.snapshot { try $0.fetch(Lead.self, id: workspace.globexLead.id!, orgId: workspace.otherAdmin.orgId) } != nil)
    }

    @Test func convertingMakesAContactAndADealInOneTransactionAndUndoes() throws {
        let id = workspace.acmeLead.id!
        let change = try service.convert(id, productId: nil, valueCents: 1_250_000, in: workspace.salesRep)
        #expect(try lead(id).status == .converted)
        guard case .unconvert(_, let contactId, let dealId) = change.undo else {
            Issue.record("no undo for the conversion")
            return
        }
        let (contact, deal) = try workspace.database.snapshot { reader in
            (try reader.fetch(Contact.self, id: contactId, orgId: workspace.admin.orgId), try reader.fetch(Deal.self, id: dealId, orgId: workspace.admin.orgId))
        }
        #expect(contact?.leadId == id)
        #expect(contact?.email == "jose@initech.example")
        #expect(deal?.value == 1_250_000)
        #expect(deal?.stage == .prospecting)
        #expect(deal?.contactId == contactId)
        #expect(throws: ServiceError.invalid(field: "lead", problem: "#\(id) José García is already converted")) {
            try service.convert(id, productId: nil, valueCents: 1, in: workspace.salesRep)
        }
        try service.undo(change, in: workspace.salesRep)
        #expect(try lead(id).status == .new)
        #expect(try workspace.database.snapshot { try $0.fetch(Deal.self, id: dealId, orgId: workspace.admin.orgId) } == nil)
    }

    @Test func aFailedConversionWritesNothing() throws {
        let id = workspace.acmeLead.id!
        let counts = try workspace.database.snapshot { try $0.tableRowCounts() }
        #expect(throws: ServiceError.invalid(field: "product", problem: "no product with id 999 in Acme Corp")) {
            try service.convert(id, productId: 999, valueCents: 100, in: workspace.salesRep)
        }
        #expect(try workspace.database.snapshot { try $0.tableRowCounts() }.map(\.rows) == counts.map(\.rows))
        #expect(try lead(id).status == .new)
    }
}
