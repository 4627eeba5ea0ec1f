import Foundation
import FunnelServices
import FunnelStore
import FunnelTestSupport
import Testing

/// No lost updates: a change or an undo made on a version someone else changed since is refused,
/// says who changed what and when, and writes nothing; merges and approvals undo like the rest.
@Suite struct StaleChangeTests {
    let workspace: TestWorkspace
    let leads: LeadService
    init() throws {
        workspace = try TestWorkspace.make()
        leads = LeadService(database: workspace.database, clock: { TestWorkspace.now })
    }

    var orgId: Int64 { workspace.admin.orgId }

    func lead(_ id: Int64) throws -> Lead {
        try workspace.database.snapshot { try $0.require(Lead.self, id: id, orgId: orgId) }
    }

    func activityCount(_ id: Int64) throws -> Int {
        try workspace.database.snapshot { try $0.activities(orgId: orgId, entityType: .lead, entityId: id, limit: 1_000).count }
    }

    /// The refusal's text, or nil when `body` did not throw `.stale`.
    func staleText(_ body: () throws -> Void) -> String? {
        do {
            try body()
            return nil
        } catch ServiceError.stale(let text) {
            return text
        } catch {
            Issue.record("expected a stale refusal, got \(error)")
            return nil
        }
    }

    @Test func theDatabaseRaisesAVersionOnEveryChangeButNotOnAScore() throws {
        let id = workspace.acmeLead.id!
        #expect(try lead(id).version == 1)
        _ = try leads.setStatus([id], to: .contacted, in: workspace.salesRep)
        #expect(try lead(id).version == 2)
        // Setting the same status again changes no field: no new version.
        _ = try leads.setStatus([id], to: .contacted, in: workspace.salesRep)
        #expect(try lead(id).version == 2)
        // A score is not a change a person makes.
        _ = try workspace.database.writeScore(77, leadId: id, orgId: orgId)
        #expect(try lead(id).version == 2)
        // A write from a stale copy would lower the version: the database aborts it.
        var stale = try lead(id)
        stale.version = 1
        stale.name = "Overwritten"
        #expect(throws: (any Error).self) { try workspace.database.transaction { tx in try tx.update(stale) } }
        #expect(try lead(id).name == "José García")
    }

    @Test func aLeadAlreadyAsAskedIsNotWrittenAndHasNothingToUndo() throws {
        let id = workspace.acmeLead.id!
        _ = try leads.setStatus([id], to: .contacted, in: workspace.salesRep)
        let activities = try activityCount(id)
        // The status it has: no write, no activity, and the summary says so naming the lead.
        let again = try leads.setStatus([id], to: .contacted, in: workspace.salesRep)
        #expect(again.changedNothing)
        #expect(again.summary == "#\(id) José García is already contacted: nothing changed", "\(again.summary)")
        #expect(again.unchanged == [id])
        #expect(try activityCount(id) == activities)
        #expect(try lead(id).version == 2)
        // Unassigned already: the same.
        let nobody = try leads.assign([id], to: nil, in: workspace.manager)
        #expect(nobody.summary == "#\(id) José García is already unassigned: nothing changed", "\(nobody.summary)")
        // Two leads, one already contacted: only the other is written; the summary names both.
        var other = Lead(orgId: orgId, name: "Ana Silva", email: "ana@silva.example", source: .website, createdAt: TestWorkspace.now, updatedAt: TestWorkspace.now)
        try workspace.database.transaction { tx in try tx.insert(&other) }
        let otherId = try #require(other.id)
        let both = try leads.setStatus([id, otherId], to: .contacted, in: workspace.salesRep)
        #expect(!both.changedNothing)
        #expect(both.before.compactMap(\.id) == [otherId])
        #expect(both.summary == "#\(otherId) Ana Silva set to contacted; #\(id) José García is already contacted", "\(both.summary)")
        #expect(try activityCount(id) == activities)
        #expect(try activityCount(otherId) == 1)
        // Its undo puts back only the lead it changed.
        _ = try leads.undo(both, in: workspace.salesRep)
        #expect(try lead(otherId).status == .new)
        #expect(try lead(id).status == .contacted)
    }

    @Test func undoIsRefusedWhenATeammateChangedTheLeadSince() throws {
        let id = workspace.acmeLead.id!
        // The rep sets the lead to contacted; the manager then sets it lost with a reason.
        let change = try leads.setStatus([id], to: .contacted, in: workspace.salesRep)
        #expect(change.summary == "#\(id) José García set to contacted")
        _ = try leads.setStatus([id], to: .lost, reason: "went with a competitor", in: workspace.manager)
        let before = try lead(id)
        let activities = try activityCount(id)
        let text = staleText { try leads.undo(change, in: workspace.salesRep) }
        #expect(text?.hasPrefix("#\(id) José García was set to lost by Mia Manager at ") == true)
        #expect(text?.contains("status contacted → lost") == true)
        #expect(text?.contains("“went with a competitor”") == true)
        #expect(text?.contains(": not undone") == true)
        // Nothing was written: the manager's status and reason stand.
        #expect(try lead(id) == before)
        #expect(try activityCount(id) == activities)
    }

    @Test func undoingTwiceInARowWorksThroughTheHistory() throws {
        let id = workspace.acmeLead.id!
        var history = UndoHistory<LeadChange>()
        history.push(try leads.setStatus([id], to: .contacted, in: workspace.salesRep))
        history.push(try leads.assign([id], to: workspace.salesRep.userId, in: workspace.salesRep))
        for _ in 0..<2 {
            guard let change = history.pop()?.change else { Issue.record("the history lost a change"); return }
            let versions = try leads.undo(change, in: workspace.salesRep)
            history.rebase(after: change, to: versions)
        }
        let lead = try lead(id)
        #expect(lead.status == .new)
        #expect(lead.assignedTo == nil)
    }

    @Test func undoingALoggedCallDoesNotHideATeammatesChangeFromTheUndoBefore() throws {
        let id = workspace.acmeLead.id!
        var history = UndoHistory<LeadChange>()
        // The rep sets the lead contacted, then logs a call; the manager then sets it lost.
        history.push(try leads.setStatus([id], to: .contacted, in: workspace.salesRep))
        history.push(try leads.logAction(.call, note: "wants a demo", on: id, in: workspace.salesRep))
        _ = try leads.setStatus([id], to: .lost, reason: "budget", in: workspace.manager)
        // Undoing the call takes nothing of the manager's: it goes through.
        guard let call = history.pop()?.change else { Issue.record("the history lost the call"); return }
        history.rebase(after: call, to: try leads.undo(call, in: workspace.salesRep))
        // Undoing the status change would overwrite the manager's: refused.
        guard let status = history.pop()?.change else { Issue.record("the history lost the status change"); return }
        let text = staleText { try leads.undo(status, in: workspace.salesRep) }
        #expect(text?.contains("was set to lost by Mia Manager") == true)
        #expect(try lead(id).status == .lost)
        #expect(try lead(id).statusReason == "budget")
    }

    @Test func aChangeMadeOnAStaleScreenIsRefused() throws {
        let id = workspace.acmeLead.id!
        let shown = try lead(id)
        _ = try leads.assign([id], to: workspace.manager.userId, in: workspace.manager)
        let text = staleText {
            _ = try leads.setStatus([id], to: .qualified, expecting: [id: shown.version], in: workspace.salesRep)
        }
        #expect(text?.contains("was assigned to Mia Manager by Mia Manager") == true)
        #expect(text?.contains(": not set to qualified") == true)
        #expect(try lead(id).status == .new)
        // The same change on the version now shown goes through.
        _ = try leads.setStatus([id], to: .qualified, expecting: [id: try lead(id).version], in: workspace.salesRep)
        #expect(try lead(id).status == .qualified)
        // An edit too.
        let edited = staleText {
            _ = try leads.edit(id, with: LeadDraft(name: "X", email: "x@y.example"), expecting: shown.version, in: workspace.salesRep)
        }
        #expect(edited?.contains(": not saved") == true)
    }

    @Test func aChangeBySqliteItselfIsSeenToo() throws {
        let id = workspace.acmeLead.id!
        let change = try leads.setStatus([id], to: .contacted, in: workspace.salesRep)
        // Someone edits the file directly (a script): no activity says who.
        var edited = try lead(id)
        edited.company = "Initrode"
        try workspace.database.transaction { tx in try tx.update(edited) }
        let text = staleText { try leads.undo(change, in: workspace.salesRep) }
        // The newest activity is the rep's own status change; the version still tells the truth.
        #expect(text?.contains(": not undone") == true)
        #expect(try lead(id).status == .contacted)
    }

    @Test func aMergeKeepsTheConversionTheMostAdvancedStatusAndUndoes() throws {
        let survivorId = workspace.acmeLead.id!
        var duplicate = Lead(orgId: orgId, name: "J. García", email: "jose@initech.example", source: .event,
                             createdAt: TestWorkspace.now, updatedAt: TestWorkspace.now)
        try workspace.database.transaction { tx in
            try tx.insert(&duplicate)
            var action = LeadAction(leadId: duplicate.id!, actionType: .demoRequest, createdAt: TestWorkspace.now)
            try tx.insert(&action)
        }
        let duplicateId = duplicate.id!
        // The duplicate was converted: a contact and a deal hang off it.
        let conversion = try leads.convert(duplicateId, productId: nil, valueCents: 500_000, in: workspace.manager)
        let convertedDuplicate = try lead(duplicateId)
        #expect(convertedDuplicate.status == .converted)
        let survivorBefore = try lead(survivorId)
        #expect(survivorBefore.status == .new)

        let result = try leads.merge([duplicateId], into: survivorId, in: workspace.manager)
        #expect(result.summary.contains("#\(duplicateId) J. García into #\(survivorId) José García"))
        let survivor = try lead(survivorId)
        #expect(survivor.status == .converted)  // not left `new`: the conversion is kept
        guard case .unconvert(_, let contactId, _) = conversion.undo else { Issue.record("a conversion undoes by unconverting"); return }
        func contact() throws -> Contact? { try workspace.database.snapshot { try $0.fetch(Contact.self, id: contactId, orgId: orgId) } }
        #expect(try contact()?.leadId == survivorId)

        // Undo: the duplicate comes back whole, with its action, history and contact.
        try leads.undo(result.change, in: workspace.manager)
        #expect(try lead(duplicateId) == convertedDuplicate)
        let restoredSurvivor = try lead(survivorId)
        #expect(restoredSurvivor.status == .new)
        #expect(try workspace.database.snapshot { try $0.leadActions(leadId: duplicateId, orgId: workspace.admin.orgId) }.map(\.actionType) == [.demoRequest])
        #expect(try contact()?.leadId == duplicateId)
        let history = try workspace.database.snapshot { try $0.activities(orgId: orgId, entityType: .lead, entityId: duplicateId) }
        #expect(history.contains { $0.action == "converted" })
    }

    @Test func aConversionIsNotUndoneOnceItsContactHasAnotherDeal() throws {
        let id = workspace.acmeLead.id!
        let conversion = try leads.convert(id, productId: nil, valueCents: 100, in: workspace.salesRep)
        guard case .unconvert(_, let contactId, _) = conversion.undo else { Issue.record("a conversion undoes by unconverting"); return }
        let pipeline = PipelineService(database: workspace.database, clock: { TestWorkspace.now })
        let second = try pipeline.create(DealForm(title: "Initech add-on", contact: "#\(contactId)", value: "500"), in: workspace.manager)
        let text = staleText { try leads.undo(conversion, in: workspace.salesRep) }
        #expect(text?.contains("#\(second.dealId) Initech add-on") == true)
        #expect(text?.hasSuffix("the conversion was not undone") == true)
        #expect(try workspace.database.snapshot { try $0.fetch(Contact.self, id: contactId, orgId: orgId) } != nil)
        #expect(try lead(id).status == .converted)
    }

    @Test func aMergeRaisesTheSurvivorsVersionEvenWhenNoFieldOfItChanges() throws {
        let survivorId = workspace.acmeLead.id!
        var duplicate = Lead(orgId: orgId, name: "José García", company: "Initech", email: "jose@initech.example", source: .website,
                             createdAt: TestWorkspace.now, updatedAt: TestWorkspace.now)
        try workspace.database.transaction { tx in try tx.insert(&duplicate) }
        let before = try lead(survivorId).version
        let result = try leads.merge([duplicate.id!], into: survivorId, in: workspace.manager)
        #expect(try lead(survivorId).version == before + 1)
        #expect(result.change.versionsAfter[survivorId] == before + 1)
    }

    @Test func aMergeUndoIsRefusedWhenTheSurvivorChangedSince() throws {
        let survivorId = workspace.acmeLead.id!
        var duplicate = Lead(orgId: orgId, name: "J. García", email: "jose@initech.example", source: .event,
                             createdAt: TestWorkspace.now, updatedAt: TestWorkspace.now)
        try workspace.database.transaction { tx in try tx.insert(&duplicate) }
        let result = try leads.merge([duplicate.id!], into: survivorId, in: workspace.salesRep)
        _ = try leads.setStatus([survivorId], to: .qualified, in: workspace.manager)
        let text = staleText { try leads.undo(result.change, in: workspace.salesRep) }
        #expect(text?.contains("was set to qualified by Mia Manager") == true)
        #expect(text?.contains(": the merge was not undone") == true)
        #expect(try workspace.database.snapshot { try $0.fetch(Lead.self, id: duplicate.id!, orgId: orgId) } == nil)
    }

    @Test func dealUndoIsRefusedAfterATeammateWonIt() throws {
        let pipeline = PipelineService(database: workspace.database, clock: { TestWorkspace.now })
        let conversion = try leads.convert(workspace.acmeLead.id!, productId: nil, valueCents: 100, in: workspace.manager)
        guard case .unconvert(_, let contactId, _) = conversion.undo else { Issue.record("a conversion undoes by unconverting"); return }
        let created = try pipeline.create(DealForm(title: "Initech renewal", contact: "#\(contactId)", value: "12000"), in: workspace.manager)
        let move = try pipeline.advance(created.dealId, by: 1, in: workspace.salesRep)
        #expect(move.summary.hasPrefix("Moved #\(created.dealId) Initech renewal to "))
        _ = try pipeline.win(created.dealId, in: workspace.manager)
        let text = staleText { try pipeline.undo(move, in: workspace.salesRep) }
        #expect(text?.contains("Initech renewal was won by Mia Manager") == true)
        #expect(text?.contains(": not undone") == true)
        let deal = try workspace.database.snapshot { try $0.require(Deal.self, id: created.dealId, orgId: orgId) }
        #expect(deal.stage == .won)
        // A decision on the stale board is refused too.
        let lose = staleText { _ = try pipeline.lose(created.dealId, reason: .pricing, expecting: move.versionsAfter[created.dealId], in: workspace.salesRep) }
        #expect(lose?.contains(": not lost") == true)
    }

    @Test func approvalsUndoAndAStaleApprovalIsRefused() throws {
        let content = ContentService(database: workspace.database, clock: { TestWorkspace.now }, calendar: Calendar(identifier: .gregorian))
        let draft = try content.createDraft(title: "Spring launch", type: .blog, at: nil, body: "Hello", in: workspace.marketer)
        let id = draft.contentIds[0]
        let submitted = try content.submit(id, in: workspace.marketer)
        let shownVersion = try #require(submitted.versionsAfter[id])
        let approval = try content.approve([id], in: workspace.manager)
        try content.undo(approval, in: workspace.manager)
        #expect(try content.item(id, in: workspace.manager).status == .pendingApproval)
        // The author edits the body while the manager still shows the old version: approving that is refused.
        _ = try content.edit(id, body: "Hello again", in: workspace.marketer)
        _ = try content.submit(id, in: workspace.marketer)
        let text = staleText { _ = try content.approve([id], expecting: [id: shownVersion], in: workspace.manager) }
        #expect(text?.contains("“Spring launch”") == true || text?.contains("\"Spring launch\"") == true)
        #expect(text?.contains("by Zoë Marketer") == true)
        #expect(text?.contains(": nothing approved") == true)
        #expect(try content.item(id, in: workspace.manager).status == .pendingApproval)
    }

    @Test func theTimelineTellsWhoWhenFromToAndTheNote() throws {
        let id = workspace.acmeLead.id!
        _ = try leads.setStatus([id], to: .contacted, in: workspace.salesRep)
        _ = try leads.logAction(.note, note: "Prefers email after 5pm", on: id, in: workspace.salesRep)
        _ = try leads.assign([id], to: workspace.manager.userId, in: workspace.manager)
        let timeline = try leads.detail(leadId: id, in: workspace.manager).timeline
        let lines = timeline.map { "\($0.who): \($0.what)" }
        #expect(lines.contains("王小明: status changed: status new → contacted"))
        #expect(lines.contains { $0.hasPrefix("王小明: logged a note") && $0.contains("note “Prefers email after 5pm”") })
        #expect(lines.contains("Mia Manager: assigned: owner nobody → Mia Manager"))
        #expect(!lines.contains { $0.contains("(activity)") })
    }
}
