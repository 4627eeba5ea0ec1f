import Foundation
import FunnelServices
import FunnelStore
import FunnelTestSupport
import Testing

/// A change writes only the columns it changed (issue 16: `updateChanges`), so the triggers kept
/// on the other columns (the full-text index, the attribute value index) do not run for it.
@Suite struct WrittenColumnsTests {
    @Test func anAssignmentWritesTheLeadTheVersionAndTheActivityOnly() throws {
        let workspace = try TestWorkspace.make()
        let leadId = try #require(workspace.acmeLead.id)
        let orgId = workspace.admin.orgId
        try LeadAttributesFixture.write(workspace.database, orgId: orgId, specs: [
            LeadAttributeSpec(name: "job", kind: .text), LeadAttributeSpec(name: "age", kind: .number),
            LeadAttributeSpec(name: "member", kind: .yesNo), LeadAttributeSpec(name: "joined", kind: .date),
        ], values: [leadId: [AttributeEntry("job", .text("management")), AttributeEntry("age", .number(42)),
                             AttributeEntry("member", .yesNo(true)), AttributeEntry("joined", .date("2024-03-15"))]])
        let service = LeadService(database: workspace.database, clock: { TestWorkspace.now })
        let searchBefore = try workspace.database.snapshot { try $0.searchLeadIDs("acme", orgId: orgId) }

        let before = try workspace.database.transaction { $0.totalChangesForTests }
        _ = try service.assign([leadId], to: workspace.salesRep.userId, in: workspace.admin)
        let after = try workspace.database.transaction { $0.totalChangesForTests }
        // The lead's row (assigned_to, updated_at), its version (the trigger), the activity: 3 rows.
        // Writing every column, the full-text index (2 rows) and the 4 attribute values (8) were rewritten too.
        #expect(after - before == 3, "\(after - before) rows written")

        // The lead is as it should be, still found by search and by its attributes.
        let lead = try workspace.database.snapshot { try $0.require(Lead.self, id: leadId, orgId: orgId) }
        #expect(lead.assignedTo == workspace.salesRep.userId && lead.version == workspace.acmeLead.version + 1)
        #expect(try workspace.database.snapshot { try $0.searchLeadIDs("acme", orgId: orgId) } == searchBefore)
    }
}
