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
        let actions = try workspace.database.snapshot { try $0.leadActions(leadId: id) }
        #expect(actions.first?.actionType == .meeting)
        #expect(actions.first?.userId == workspace.salesRep.userId)
        #expect(actions.first?.metadata.contains("Demo went well") == true)
        try service.undo(change, in: workspace.salesRep)
        #expect(try lead(id).score == before)
        #expect(try workspace.database.snapshot { try $0.leadActions(leadId: id) }.isEmpty)
        #expect(try lead(id).lastActionAt == nil)
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
        #expect(try workspace.database.snapshot { try $0.leadActions(leadId: survivorId) }.map(\.actionType) == [.demoRequest])
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
