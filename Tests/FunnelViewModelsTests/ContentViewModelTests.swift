import Foundation
import FunnelServices
import FunnelStore
import FunnelTestSupport
import FunnelViewModels
import Testing

/// The Calendar and Approvals view-models on the content fixture (clock: Tue 2026-02-10 09:30 UTC).
@MainActor
@Suite struct ContentViewModelTests {
    static let utc: Calendar = {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        return calendar
    }()

    func calendar(firstWeekday: Int = 2, session: KeyPath<TestWorkspace, Session> = \.marketer) throws -> (CalendarViewModel, TestWorkspace, [String: Int64]) {
        let workspace = try TestWorkspace.make()
        let ids = try ContentFixture.seed(workspace)
        let model = CalendarViewModel(database: workspace.database, session: workspace[keyPath: session], clock: { TestWorkspace.now },
                                      calendar: Self.utc, firstWeekday: firstWeekday)
        return (model, workspace, ids)
    }

    func day(_ year: Int, _ month: Int, _ day: Int) -> Date { ContentFixture.utc(year, month, day, 0) }

    @Test func theMonthCountsEveryDayAndLoadsOnlyTheFirstItems() throws {
        let (model, _, _) = try calendar()
        #expect(model.days.count == 28)
        #expect(model.selectedDay == day(2026, 2, 10))
        #expect(model.counts[day(2026, 2, 12)] == 6)
        #expect(model.items[day(2026, 2, 12)]?.count == 3)
        #expect(model.items[day(2026, 2, 12)]?.first?.title == "Morning tips")
        #expect(model.agenda.map(\.title) == ["Pricing page refresh", "Product tour video"])
        model.moveDay(by: 2)
        #expect(model.agenda.count == 6)
        #expect(model.agendaTotal == 6)
        model.moveAgenda(by: 10)
        #expect(model.selectedItem?.title == "Evening digest")
    }

    @Test func movingAcrossMonthsReadsTheNewMonthAndLeapYearsHave29Days() throws {
        let (model, _, _) = try calendar()
        model.shiftPeriod(by: -1)
        #expect(model.selectedDay == day(2026, 1, 10))
        #expect(model.days.count == 31)
        model.moveDay(by: 22)
        #expect(model.selectedDay == day(2026, 2, 1))
        #expect(model.days.count == 28)
        model.shiftPeriod(by: 24)
        #expect(model.selectedDay == day(2028, 2, 1))
        #expect(model.days.count == 29)
        #expect(model.counts[day(2028, 2, 29)] == 1)
        model.goToday()
        #expect(model.selectedDay == day(2026, 2, 10))
    }

    @Test func theWeekStartsOnTheConfiguredDay() throws {
        let (monday, _, _) = try calendar(firstWeekday: 2)
        monday.toggleMode()
        #expect(monday.days.first == day(2026, 2, 9))
        #expect(monday.days.count == 7)
        #expect(monday.counts[day(2026, 2, 12)] == 6)
        let (sunday, _, _) = try calendar(firstWeekday: 1)
        sunday.toggleMode()
        #expect(sunday.days.first == day(2026, 2, 8))
        sunday.shiftPeriod(by: 1)
        #expect(sunday.selectedDay == day(2026, 2, 17))
        #expect(sunday.days.first == day(2026, 2, 15))
    }

    @Test func reschedulingFollowsTheItemAndUndoBringsItBack() throws {
        let (model, workspace, ids) = try calendar()
        model.select(day(2026, 2, 20))
        #expect(model.selectedItem?.title == "Edge kit whitepaper")
        #expect(model.reschedule(to: "+3d 15:00"))
        #expect(model.selectedDay == day(2026, 2, 23))
        #expect(model.selectedItem?.title == "Edge kit whitepaper")
        #expect(model.counts[day(2026, 2, 20)] == 0)
        #expect(model.counts[day(2026, 2, 23)] == 1)
        let stored = try workspace.database.snapshot { try $0.require(Content.self, id: ids["Edge kit whitepaper"] ?? 0, orgId: workspace.admin.orgId) }
        #expect(stored.scheduledAt == ContentFixture.utc(2026, 2, 23, 15))
        #expect(stored.status == .scheduled)
        // A typo keeps the item where it was and says what was not understood.
        #expect(!model.reschedule(to: "tomorow"))
        #expect(model.message?.contains("did not understand \"tomorow\"") == true)
        model.undo()
        #expect(model.selectedDay == day(2026, 2, 20))
        #expect(model.counts[day(2026, 2, 20)] == 1)
    }

    @Test func filtersNarrowTheCountsAndTheAgenda() throws {
        let (model, _, _) = try calendar()
        model.cycleType()
        #expect(model.filter.type == .blog)
        #expect(model.counts[day(2026, 2, 12)] == 2)
        model.cycleStatus()
        #expect(model.filter.status == .draft)
        #expect(model.counts[day(2026, 2, 12)] == 0)
        model.clearFilters()
        model.cycleProduct()
        #expect(model.product?.name == "Edge Sensor Kit")
        #expect(model.counts[day(2026, 2, 20)] == 1)
        #expect(model.counts[day(2026, 2, 12)] == 0)
        #expect(model.filterLabel == "all types · all statuses · Edge Sensor Kit")
    }

    @Test func aNewDraftLandsOnTheSelectedDayAndCanBeSubmitted() throws {
        let (model, _, _) = try calendar()
        model.select(day(2026, 2, 16))
        #expect(model.createDraft(title: "Launch FAQ", type: .blog, time: "2:30pm"))
        #expect(model.selectedItem?.title == "Launch FAQ")
        #expect(model.time(of: try #require(model.selectedItem)) == "14:30")
        model.submitSelected()
        #expect(model.selectedItem?.status == .pendingApproval)
        #expect(!model.createDraft(title: "", type: .blog))
        #expect(model.message == "title: give the draft a title")
    }

    func approvals(_ session: KeyPath<TestWorkspace, Session> = \.manager) throws -> (ApprovalsViewModel, TestWorkspace, [String: Int64]) {
        let workspace = try TestWorkspace.make()
        let ids = try ContentFixture.seed(workspace)
        let model = ApprovalsViewModel(database: workspace.database, session: workspace[keyPath: session], clock: { TestWorkspace.now }, calendar: Self.utc)
        return (model, workspace, ids)
    }

    @Test func theQueueIsOldestFirstWithHowLongEachWaited() throws {
        let (model, _, _) = try approvals()
        #expect(model.queue.total == 4)
        #expect(model.queue.items.map(\.title) == ContentFixture.queueTitles)
        #expect(model.waited(try #require(model.selectedItem)) == "9d 0h")
        #expect(model.preview?.item.title == "Spring webinar invite")
        model.move(.bottom)
        #expect(model.selectedItem?.title == "Q2 pricing explainer")
        #expect(model.waited(try #require(model.selectedItem)) == "15h 30m")
        model.move(.up)
        #expect(model.refusal == "you wrote \"王小明 interview\": someone else with content.approve must decide on it")
    }

    @Test func approvingTheOldestRemovesItAndMarksApproveTogether() throws {
        let (model, workspace, ids) = try approvals()
        model.approve()
        #expect(model.queue.total == 3)
        #expect(model.selectedItem?.title == "Partner spotlight: Initech")
        let approved = try workspace.database.snapshot { try $0.require(Content.self, id: ids["Spring webinar invite"] ?? 0, orgId: workspace.admin.orgId) }
        #expect(approved.status == .scheduled)
        model.toggleMark()
        model.move(.down)
        model.toggleMark()
        #expect(model.marked.count == 2)
        #expect(model.decisionTargets == [ids["Partner spotlight: Initech"], ids["Q2 pricing explainer"]].compactMap { $0 })
        model.approve()
        let both = [ids["Partner spotlight: Initech"], ids["Q2 pricing explainer"]].compactMap { $0 }.map { "#\($0)" }.joined(separator: ", ")
        #expect(model.message == "Approved 2 items (\(both)) (u undoes)")
        #expect(model.queue.total == 1)
        #expect(model.marked.isEmpty)
        // The last is the manager's own: refused, and it stays.
        model.approve()
        #expect(model.message?.hasPrefix("you wrote") == true)
        #expect(model.queue.total == 1)
    }

    @Test func aRejectionNeedsAComment() throws {
        let (model, workspace, ids) = try approvals()
        model.reject(comment: "")
        #expect(model.queue.total == 4)
        #expect(model.message == "comment: say why, so the author knows what to change")
        model.reject(comment: "Needs the date of the webinar")
        #expect(model.queue.total == 3)
        let history = try workspace.database.snapshot {
            try $0.activities(orgId: workspace.admin.orgId, entityType: .content, entityId: ids["Spring webinar invite"] ?? 0)
        }
        #expect(history.first?.action == "rejected")
        #expect(history.first?.metadata.contains("Needs the date of the webinar") == true)
    }

    @Test func aSalesRepSeesTheQueueButCannotDecide() throws {
        let (model, _, _) = try approvals(\.salesRep)
        #expect(!model.canDecide)
        #expect(model.queue.total == 4)
        model.approve()
        #expect(model.message == "rep@acme.test (sales_rep) may not do this: it needs the content.approve permission")
        #expect(model.queue.total == 4)
    }
}
