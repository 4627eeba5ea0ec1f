import Foundation
import FunnelStore
import FunnelTestSupport
import Testing

/// `FUNNEL_NOW` sets the built program's "now": what a command writes carries that time.
@Suite struct ClockCommandTests {
    @Test func aCommandsChangeCarriesTheTimeFunnelNowNames() throws {
        let folder = try TemporaryFolder()
        let db = folder.file("clock.sqlite")
        let demo = try BuiltFunnel.run(["demo", "--db", db, "--leads", "200", "--no-open"], folder: folder)
        try #require(demo.status == 0, "\(demo.standardError)")
        let store = try StoreLocation.file(db).openStore(create: false)
        let (orgId, leadId) = try store.snapshot { reader -> (Int64, Int64) in
            let manager = try #require(try reader.user(email: "manager@northwind.example"))
            let lead = try #require(try reader.leads(orgId: manager.orgId, filter: LeadFilter(), limit: 1).first)
            return (manager.orgId, lead.id)
        }
        let now = try #require(ISO8601DateFormatter().date(from: "2031-05-06T07:08:09Z"))
        let logged = try BuiltFunnel.run(["leads", "log", "\(leadId)", "--type", "call", "--db", db, "--user", "manager@northwind.example"],
                                         folder: folder, environment: ["FUNNEL_NOW": "2031-05-06T07:08:09Z"])
        try #require(logged.status == 0, "\(logged.standardError)")
        let action = try #require(try store.snapshot { try $0.leadActions(leadId: leadId, orgId: orgId, limit: 1).first })
        #expect(action.actionType == .call)
        #expect(action.createdAt >= now && action.createdAt < now.addingTimeInterval(60), "\(action.createdAt)")
        let activity = try #require(try store.snapshot { try $0.activities(orgId: orgId, entityType: .lead, entityId: leadId, limit: 1).first })
        #expect(activity.createdAt >= now && activity.createdAt < now.addingTimeInterval(60), "\(activity.createdAt)")

        // A FUNNEL_NOW that is no time is said, and the real time is used.
        let before = Date()
        let wrong = try BuiltFunnel.run(["leads", "log", "\(leadId)", "--type", "note", "--note", "x", "--db", db, "--user", "manager@northwind.example"],
                                        folder: folder, environment: ["FUNNEL_NOW": "next tuesday"])
        #expect(wrong.status == 0, "\(wrong.standardError)")
        #expect(wrong.standardError.contains("FUNNEL_NOW=next tuesday is not an ISO 8601 time"), "\(wrong.standardError)")
        let note = try #require(try store.snapshot { try $0.allLeadActions(leadId: leadId, orgId: orgId).filter { $0.actionType == .note }.max { $0.createdAt < $1.createdAt } })
        #expect(note.createdAt >= before.addingTimeInterval(-1) && note.createdAt < Date().addingTimeInterval(1), "\(note.createdAt)")
    }
}
