import Foundation
import FunnelServices
import FunnelStore
import FunnelTestSupport
import Testing

/// Deal changes: each checked by permission, written with an activity, and undone exactly.
@Suite struct PipelineServiceTests {
    static func setUp() throws -> (TestWorkspace, PipelineService, Deal) {
        let workspace = try TestWorkspace.make()
        let deal = try workspace.database.transaction { tx -> Deal in
            var contact = Contact(orgId: workspace.admin.orgId, name: "Ana Silva", email: "ana@initech.example", company: "Initech",
                                  createdAt: TestWorkspace.now, updatedAt: TestWorkspace.now)
            try tx.insert(&contact)
            var deal = Deal(orgId: workspace.admin.orgId, contactId: contact.id, ownerId: workspace.salesRep.userId, title: "Initech – Pilot",
                            value: 1_250_000, stage: .prospecting, probability: 10, closeDate: "2026-03-15",
                            stageChangedAt: TestWorkspace.now.addingTimeInterval(-20 * 86_400), createdAt: TestWorkspace.now, updatedAt: TestWorkspace.now)
            try tx.insert(&deal)
            return deal
        }
        var utc = Calendar(identifier: .gregorian)
        utc.timeZone = TimeZone(identifier: "UTC")!
        return (workspace, PipelineService(database: workspace.database, clock: { TestWorkspace.now }, calendar: utc), deal)
    }

    func history(_ workspace: TestWorkspace, _ id: Int64) throws -> [Activity] {
        try workspace.database.snapshot { try $0.activities(orgId: workspace.admin.orgId, entityType: .deal, entityId: id) }
    }

    @Test func movingRightThenLeftFollowsStageProbabilitiesAndRestartsTheDaysInStage() throws {
        let (workspace, service, deal) = try Self.setUp()
        let id = try #require(deal.id)
        let right = try service.advance(id, by: 1, in: workspace.salesRep)
        var moved = try service.item(id, in: workspace.salesRep).deal
        #expect(moved.stage == .qualification)
        #expect(moved.probability == 25)
        #expect(moved.stageChangedAt == TestWorkspace.now)
        #expect(right.summary == "Moved #\(id) \(moved.title) to qualification")
        try service.advance(id, by: -1, in: workspace.salesRep)
        moved = try service.item(id, in: workspace.salesRep).deal
        #expect(moved.stage == .prospecting && moved.probability == 10)
        #expect(try history(workspace, id).map(\.action) == ["stage_changed", "stage_changed"])
        #expect(throws: ServiceError.self) { try service.advance(id, by: -1, in: workspace.salesRep) }
    }

    @Test func aProbabilitySetByHandSurvivesAMove() throws {
        let (workspace, service, deal) = try Self.setUp()
        let id = try #require(deal.id)
        try service.edit(id, with: DealForm(value: "12,500", probability: "40", closeDate: "2026-04-01", owner: "rep@acme.test"), in: workspace.manager)
        try service.advance(id, by: 1, in: workspace.manager)
        let moved = try service.item(id, in: workspace.manager).deal
        #expect(moved.probability == 40 && moved.probabilityIsManual)
        // An empty probability goes back to the stage's default.
        try service.edit(id, with: DealForm(value: "12500", probability: "", closeDate: "2026-04-01", owner: "rep@acme.test"), in: workspace.manager)
        #expect(try service.item(id, in: workspace.manager).deal.probability == 25)
    }

    @Test func winAndLoseCloseTheDealAndUndoPutsEverythingBack() throws {
        let (workspace, service, deal) = try Self.setUp()
        let id = try #require(deal.id)
        let before = try service.item(id, in: workspace.manager).deal
        let won = try service.win(id, in: workspace.manager)
        var now = try service.item(id, in: workspace.manager).deal
        #expect(now.stage == .won && now.probability == 100 && now.closeDate == "2026-02-10")
        try service.undo(won, in: workspace.manager)
        now = try service.item(id, in: workspace.manager).deal
        #expect(now.stage == before.stage && now.probability == before.probability && now.closeDate == before.closeDate)
        #expect(now.stageChangedAt == before.stageChangedAt)

        #expect(throws: ServiceError.self) { try service.lose(id, reason: nil, in: workspace.manager) }
        let lost = try service.lose(id, reason: .competition, note: "went with Globex", in: workspace.manager)
        now = try service.item(id, in: workspace.manager).deal
        #expect(now.stage == .lost && now.lostReason == .competition && now.probability == 0)
        let activity = try #require(try history(workspace, id).first)
        #expect(activity.action == "lost")
        #expect(activity.metadata.contains(#""reason":"competition""#) && activity.metadata.contains("went with Globex"))
        try service.undo(lost, in: workspace.manager)
        #expect(try service.item(id, in: workspace.manager).deal.lostReason == nil)
        #expect(try history(workspace, id).map(\.action) == ["undone", "lost", "undone", "won"])
    }

    @Test func theMaintainedTotalsFollowEveryChange() throws {
        let (workspace, service, deal) = try Self.setUp()
        let id = try #require(deal.id)
        try service.win(id, in: workspace.manager)
        let totals = try service.totals(DealFilter(), in: workspace.manager)
        #expect(totals[.won]?.deals == 1 && totals[.won]?.value == 1_250_000 && totals[.won]?.weightedValue == 1_250_000)
        #expect((totals[.prospecting]?.deals ?? 0) == 0)
        let forecast = try service.forecast(DealFilter(), firstMonth: "2026-02", months: 2, in: workspace.manager)
        #expect(forecast[0].wonValue == 1_250_000 && forecast[1].openDeals == 0)
    }

    @Test func aNewDealNeedsAContactAndIsUndoneByDeletingIt() throws {
        let (workspace, service, _) = try Self.setUp()
        var problems = service.problems(DealForm(title: "", contact: "nobody at all", value: "ten", probability: "140", closeDate: "2026-02-30"),
                                        editing: nil, in: workspace.salesRep)
        #expect(problems["title"] != nil && problems["contact"] != nil && problems["value"] != nil)
        #expect(problems["probability"] != nil && problems["close"] == "2026-02-30 is not a day of the calendar")
        problems = service.problems(DealForm(title: "Renewal", contact: "Ana", value: "$8.5k", closeDate: "+30d"), editing: nil, in: workspace.salesRep)
        #expect(problems.isEmpty)
        let created = try service.create(DealForm(title: "Renewal", contact: "Ana", value: "$8.5k", closeDate: "+30d"), in: workspace.salesRep)
        let deal = try service.item(created.dealId, in: workspace.salesRep)
        #expect(deal.deal.value == 850_000 && deal.deal.closeDate == "2026-03-12" && deal.contactName == "Ana Silva")
        #expect(deal.deal.stage == .prospecting && deal.deal.probability == 10)
        try service.undo(created, in: workspace.salesRep)
        #expect(throws: ServiceError.self) { try service.item(created.dealId, in: workspace.salesRep) }
        #expect(try history(workspace, created.dealId).map(\.action) == ["deleted", "created"])
    }

    @Test func permissionsAndOrganizationsAreEnforcedInTheService() throws {
        let (workspace, service, deal) = try Self.setUp()
        let id = try #require(deal.id)
        #expect(throws: ServiceError.permissionDenied(permission: .dealsEdit, user: "viewer@acme.test", role: "viewer")) {
            try service.win(id, in: workspace.viewer)
        }
        #expect(throws: ServiceError.permissionDenied(permission: .dealsEdit, user: "marketer@acme.test", role: "marketer")) {
            try service.advance(id, by: 1, in: workspace.marketer)
        }
        // Another organization's administrator cannot see or change the deal: it does not exist for them.
        #expect(throws: ServiceError.self) { try service.win(id, in: workspace.otherAdmin) }
        #expect(try service.list(DealFilter(), in: workspace.otherAdmin).isEmpty)
        #expect(try service.item(id, in: workspace.viewer).deal.stage == .prospecting)
    }

    @Test func staleAndOverdueDealsStandOut() throws {
        let (workspace, service, deal) = try Self.setUp()
        let item = try service.item(try #require(deal.id), in: workspace.manager)
        // Closing 2026-03-15 is not overdue on 2026-02-10, and 20 idle days in prospecting is within its 21-day threshold.
        var health = service.health(of: item, in: workspace.manager)
        #expect(!health.isOverdue && !health.isStale && health.daysInStage == 20)
        let later = PipelineService(database: workspace.database, clock: { TestWorkspace.now.addingTimeInterval(40 * 86_400) })
        health = later.health(of: item, in: workspace.manager)
        #expect(health.isOverdue && health.isStale && health.daysIdle == 60)
    }

    @Test func typedDatesAndAmounts() throws {
        var utc = Calendar(identifier: .gregorian)
        utc.timeZone = TimeZone(identifier: "UTC")!
        let today = TestWorkspace.now
        func day(_ text: String) -> String {
            switch DateInput.day(text, today: today, calendar: utc) {
            case .success(let value): return value
            case .failure(let error): return "error: \(error.problem)"
            }
        }
        #expect(day("2026-12-03") == "2026-12-03")
        #expect(day("12/3/2026") == "2026-12-03")
        #expect(day("tomorrow") == "2026-02-11")
        #expect(day("+2d") == "2026-02-12")
        #expect(day("+1m") == "2026-03-10")
        #expect(day("2028-02-29") == "2028-02-29")
        #expect(day("2026-02-29") == "error: 2026-02-29 is not a day of the calendar")
        #expect(day("next tuesday").hasPrefix("error: not a date"))
        #expect(day("+2x") == "error: the unit of \"+2x\" must be d, w, m or y")
        #expect(try MoneyInput.cents("$12.5k").get() == 1_250_000)
        #expect(try MoneyInput.cents("1,234.56").get() == 123_456)
        #expect(throws: DateInputError.self) { try MoneyInput.cents("-5").get() }
    }
}
