import Foundation
import FunnelStore
import FunnelTestSupport
import GRDB
import Testing

/// The schema refuses bad data with a clear error, and a refused write changes nothing.
@Suite struct ConstraintTests {
    let workspace: TestWorkspace
    init() throws { workspace = try TestWorkspace.make() }

    func leadCount() throws -> Int { try workspace.database.snapshot { try $0.tableRowCounts() }.first { $0.table == "leads" }!.rows }

    func refusal(_ change: (any StoreWriting) throws -> Void) throws -> String {
        let before = try leadCount()
        let activitiesBefore = try workspace.database.snapshot { try $0.recentActivities(orgId: workspace.admin.orgId).count }
        var message = ""
        do {
            try workspace.database.transaction { tx in
                // A change that would have landed, to prove the whole transaction is rolled back.
                var lead = Lead(orgId: workspace.admin.orgId, email: "first@ok.example", source: .website, createdAt: TestWorkspace.now, updatedAt: TestWorkspace.now)
                try tx.insert(&lead)
                try change(tx)
            }
            Issue.record("the change was accepted")
        } catch let error as StoreError {
            message = error.description
        }
        #expect(try leadCount() == before)
        #expect(try workspace.database.snapshot { try $0.recentActivities(orgId: workspace.admin.orgId).count } == activitiesBefore)
        return message
    }

    @Test func aBadStatusIsRefused() throws {
        let message = try refusal { tx in
            var lead = workspace.acmeLead
            lead.id = nil
            try tx.insert(&lead)
            try tx.rawExecuteForTests("UPDATE leads SET status = 'maybe' WHERE id = ?", lead.id!)
        }
        #expect(message.contains("CHECK constraint failed"))
        #expect(message.contains("status"))
    }

    @Test func invalidJSONIsRefused() throws {
        let message = try refusal { tx in
            var action = LeadAction(leadId: workspace.acmeLead.id!, actionType: .note, metadata: "{not json", createdAt: TestWorkspace.now)
            try tx.insert(&action)
        }
        #expect(message.contains("json_valid"))
    }

    @Test func aReferenceToAnotherOrganizationIsRefused() throws {
        let message = try refusal { tx in
            var contact = Contact(orgId: workspace.admin.orgId, leadId: workspace.globexLead.id, name: "Cross", createdAt: TestWorkspace.now, updatedAt: TestWorkspace.now)
            try tx.insert(&contact)
        }
        #expect(message.contains("contacts.lead_id refers to a leads row of another organization"))
    }

    @Test func aLeadNeedsAnEmailOrAPhone() throws {
        let message = try refusal { tx in
            var lead = Lead(orgId: workspace.admin.orgId, name: "Nobody", source: .event, createdAt: TestWorkspace.now, updatedAt: TestWorkspace.now)
            try tx.insert(&lead)
        }
        #expect(message.contains("email IS NOT NULL OR phone IS NOT NULL"))
    }

    @Test func aMalformedEmailIsRefused() throws {
        let message = try refusal { tx in
            var lead = Lead(orgId: workspace.admin.orgId, email: "not-an-email", source: .event, createdAt: TestWorkspace.now, updatedAt: TestWorkspace.now)
            try tx.insert(&lead)
        }
        #expect(message.contains("email_normalized"))
    }

    @Test func anotherOrganizationsLeadCannotBeReached() throws {
        let found = try workspace.database.snapshot { try $0.fetch(Lead.self, id: workspace.globexLead.id!, orgId: workspace.admin.orgId) }
        #expect(found == nil)
        #expect(throws: StoreError.notFound(entity: "lead", id: workspace.globexLead.id!)) {
            try workspace.database.snapshot { try $0.require(Lead.self, id: workspace.globexLead.id!, orgId: workspace.admin.orgId) }
        }
    }

    @Test func normalizedEmailAndPhoneAreKept() throws {
        let lead = try workspace.database.snapshot { try $0.require(Lead.self, id: workspace.acmeLead.id!, orgId: workspace.admin.orgId) }
        #expect(lead.emailNormalized == "jose@initech.example")
        #expect(lead.phoneNormalized == "+14155550100")
        #expect(PhoneNumber.normalized("0044 20 7946 0958") == "+442079460958")
        #expect(PhoneNumber.normalized("(212) 555-0199") == "+12125550199")
        #expect(PhoneNumber.normalized("555-CALL-NOW") == nil)
        #expect(PhoneNumber.normalized("\t +1 (415) 555-0100\n") == "+14155550100")
        #expect(PhoneNumber.normalized("+49\u{00A0}30 901820") == "+4930901820")
        #expect(PhoneNumber.normalized("1 212 555 0199") == "+12125550199")
        #expect(PhoneNumber.normalized("+1 415\t555 0100") == nil)  // a tab inside is not a separator
        #expect(PhoneNumber.normalized("１２１２５５５０１９９") == nil)  // full-width digits
        #expect(PhoneNumber.normalized("1+415 555 0100") == nil)
        #expect(PhoneNumber.normalized("+0 415 555 0100") == nil)
        #expect(PhoneNumber.normalized("00") == nil && PhoneNumber.normalized("") == nil && PhoneNumber.normalized("+") == nil)
        #expect(EmailAddress.problem(with: "a@b") != nil)
        #expect(EmailAddress.problem(with: " Ana@Example.COM ") == nil)
    }

    @Test func fullTextSearchFollowsTheRows() throws {
        let db = workspace.database
        #expect(try db.snapshot { try $0.searchLeadIDs("garcía", orgId: workspace.admin.orgId) } == [workspace.acmeLead.id!])
        #expect(try db.snapshot { try $0.searchLeadIDs("garcia", orgId: workspace.admin.orgId) } == [workspace.acmeLead.id!])
        // Another organization's lead never matches.
        #expect(try db.snapshot { try $0.searchLeadIDs("佐藤花子", orgId: workspace.admin.orgId) }.isEmpty)
        #expect(try db.snapshot { try $0.searchLeadIDs("佐藤花子", orgId: workspace.otherAdmin.orgId) } == [workspace.globexLead.id!])
        try db.transaction { tx in
            var lead = workspace.acmeLead
            lead.name = "Joseph Gardner"
            try tx.update(lead)
        }
        #expect(try db.snapshot { try $0.searchLeadIDs("garcia", orgId: workspace.admin.orgId) }.isEmpty)
        #expect(try db.snapshot { try $0.searchLeadIDs("gardner", orgId: workspace.admin.orgId) } == [workspace.acmeLead.id!])
    }

    @Test func statusCountsAreMaintained() throws {
        let db = workspace.database
        #expect(try db.snapshot { try $0.leadStatusCounts(orgId: workspace.admin.orgId) } == [.new: 1])
        try db.transaction { tx in
            var lead = workspace.acmeLead
            lead.status = .contacted
            try tx.update(lead)
            var second = Lead(orgId: workspace.admin.orgId, phone: "+1 212 555 0100", source: .event, createdAt: TestWorkspace.now, updatedAt: TestWorkspace.now)
            try tx.insert(&second)
        }
        #expect(try db.snapshot { try $0.leadStatusCounts(orgId: workspace.admin.orgId) } == [.new: 1, .contacted: 1])
        try db.transaction { tx in _ = try tx.delete(Lead.self, id: workspace.acmeLead.id!, orgId: workspace.admin.orgId) }
        #expect(try db.snapshot { try $0.leadStatusCounts(orgId: workspace.admin.orgId) }[.contacted] == 0)
        #expect(try db.snapshot { try $0.leadStatusCounts(orgId: workspace.otherAdmin.orgId) } == [.new: 1])
    }
}
