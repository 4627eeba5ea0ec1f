import Foundation
import FunnelServices
import FunnelStore
import FunnelTestSupport
import Testing

/// Content changes: permissions, the approval rules, activities with comments, all-or-nothing
/// batches, undo; and the calendar's counts against a count made here.
@Suite struct ContentServiceTests {
    static func setUp(timeZone: String = "UTC") throws -> (TestWorkspace, ContentService, [String: Int64]) {
        let workspace = try TestWorkspace.make()
        let ids = try ContentFixture.seed(workspace)
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: timeZone)!
        return (workspace, ContentService(database: workspace.database, clock: { TestWorkspace.now }, calendar: calendar), ids)
    }

    func content(_ workspace: TestWorkspace, _ id: Int64?) throws -> Content {
        try workspace.database.snapshot { try $0.require(Content.self, id: id ?? 0, orgId: workspace.admin.orgId) }
    }

    func history(_ workspace: TestWorkspace, _ id: Int64?) throws -> [Activity] {
        try workspace.database.snapshot { try $0.activities(orgId: workspace.admin.orgId, entityType: .content, entityId: id ?? 0) }
    }

    @Test func theQueueIsOldestFirstAndPagesByKey() throws {
        let (workspace, service, _) = try Self.setUp()
        #expect(try service.queueCount(in: workspace.viewer) == 4)
        let all = try service.queue(after: nil, limit: 10, in: workspace.viewer)
        #expect(all.map(\.title) == ContentFixture.queueTitles)
        let second = try service.queue(after: all[1].queueKey, limit: 10, in: workspace.viewer)
        #expect(second.map(\.title) == Array(ContentFixture.queueTitles.dropFirst(2)))
        let before = try service.queue(before: all[3].queueKey, limit: 2, in: workspace.viewer)
        #expect(before.map(\.title) == Array(ContentFixture.queueTitles[1...2]))
        #expect(try service.queuePosition(of: all[2], in: workspace.viewer) == 2)
        // Another organization sees none of it.
        #expect(try service.queue(after: nil, limit: 10, in: workspace.otherAdmin).isEmpty)
    }

    @Test func approvingSchedulesDatedContentAndRecordsTheComment() throws {
        let (workspace, service, ids) = try Self.setUp()
        let id = try #require(ids["Spring webinar invite"])
        let change = try service.approve([id], comment: "Ship it", in: workspace.manager)
        #expect(change.summary.hasPrefix("Approved #\(id) \"Spring webinar invite\": scheduled for Wed 18 Feb 2026 10:00"))
        #expect(try content(workspace, id).status == .scheduled)
        let activity = try #require(try history(workspace, id).first)
        #expect(activity.action == "approved")
        #expect(activity.userId == workspace.manager.userId)
        #expect(activity.metadata.contains(#""comment":"Ship it""#))
        #expect(activity.metadata.contains(#""status":"pending_approval""#))
        // Undated content becomes approved, not scheduled.
        try service.approve([try #require(ids["Q2 pricing explainer"])], in: workspace.manager)
        #expect(try content(workspace, ids["Q2 pricing explainer"]).status == .approved)
        #expect(try service.queueCount(in: workspace.manager) == 2)
    }

    @Test func nobodyApprovesTheirOwnContentAndSalesRepsCannotDecide() throws {
        let (workspace, service, ids) = try Self.setUp()
        let own = try #require(ids["王小明 interview"])
        #expect(throws: ServiceError.forbidden("you wrote \"王小明 interview\": someone else with content.approve must decide on it")) {
            try service.approve([own], in: workspace.manager)
        }
        #expect(throws: ServiceError.permissionDenied(permission: .contentApprove, user: "rep@acme.test", role: "sales_rep")) {
            try service.approve([own], in: workspace.salesRep)
        }
        #expect(throws: ServiceError.self) { try service.reject([own], comment: "no", in: workspace.viewer) }
        #expect(try content(workspace, own).status == .pendingApproval)
        #expect(try history(workspace, own).isEmpty)
    }

    @Test func aBatchIsAllOrNothing() throws {
        let (workspace, service, ids) = try Self.setUp()
        let batch = ContentFixture.queueTitles.compactMap { ids[$0] }
        // The manager wrote the third: the whole batch is refused and nothing changes.
        #expect(throws: ServiceError.self) { try service.approve(batch, in: workspace.manager) }
        for id in batch { #expect(try content(workspace, id).status == .pendingApproval) }
        let others = batch.filter { $0 != ids["王小明 interview"] }
        let change = try service.approve(others, in: workspace.manager)
        #expect(change.summary == "Approved 3 items")
        #expect(try service.queueCount(in: workspace.manager) == 1)
        try service.undo(change, in: workspace.manager)
        #expect(try service.queueCount(in: workspace.manager) == 4)
    }

    @Test func aRejectionNeedsACommentAndGoesBackToDraft() throws {
        let (workspace, service, ids) = try Self.setUp()
        let id = try #require(ids["Partner spotlight: Initech"])
        #expect(throws: ServiceError.invalid(field: "comment", problem: "say why, so the author knows what to change")) {
            try service.reject([id], comment: "   ", in: workspace.manager)
        }
        try service.reject([id], comment: "Add the customer's quote", in: workspace.manager)
        #expect(try content(workspace, id).status == .draft)
        let detail = try service.detail(id, in: workspace.marketer)
        #expect(detail.history.first?.metadata.contains("Add the customer's quote") == true)
        #expect(detail.people[workspace.manager.userId] == "Mia Manager")
        // The author fixes it and submits again: back in the queue, at the end.
        try service.edit(id, body: "Now with the quote.", in: workspace.marketer)
        try service.submit(id, in: workspace.marketer)
        #expect(try service.queue(after: nil, limit: 10, in: workspace.marketer).last?.id == id)
        #expect(try history(workspace, id).map(\.action) == ["submitted", "edited", "rejected"])
    }

    @Test func reschedulingReadsWordsAndKeepsRules() throws {
        let (workspace, service, ids) = try Self.setUp(timeZone: "America/New_York")
        let whitepaper = try #require(ids["Edge kit whitepaper"])
        // 2026-02-20 13:00 UTC is 08:00 in New York; "+2d" keeps the time of day.
        try service.reschedule(whitepaper, to: "+2d", in: workspace.marketer)
        var moved = try content(workspace, whitepaper)
        #expect(moved.scheduledAt == ContentFixture.utc(2026, 2, 22, 13))
        #expect(moved.status == .scheduled)
        let change = try service.reschedule(whitepaper, to: "tomorrow 9am", in: workspace.marketer)
        moved = try content(workspace, whitepaper)
        #expect(moved.scheduledAt == ContentFixture.utc(2026, 2, 11, 14))
        #expect(change.summary == "Moved #\(whitepaper) \"Edge kit whitepaper\" to Wed 11 Feb 2026 09:00")
        try service.reschedule(whitepaper, to: "2026-03-09 09:30", in: workspace.marketer)
        // After the switch to summer time New York is UTC-4.
        #expect(try content(workspace, whitepaper).scheduledAt == ContentFixture.utc(2026, 3, 9, 13, 30))
        #expect(throws: ServiceError.invalid(field: "when", problem: "did not understand \"blursday\": use 2026-12-03 09:30, tomorrow 9am, fri 2pm or +2d")) {
            try service.reschedule(whitepaper, to: "blursday 9am", in: workspace.marketer)
        }
        #expect(throws: ServiceError.invalid(field: "when", problem: "did not understand the time \"9xm\": use 09:30, 9am or 2:30pm")) {
            try service.reschedule(whitepaper, to: "tomorrow 9xm", in: workspace.marketer)
        }
        #expect(throws: ServiceError.invalid(field: "when", problem: "Mon 9 Feb 2026 09:00 is in the past")) {
            try service.reschedule(whitepaper, to: "2026-02-09 09:00", in: workspace.marketer)
        }
        let published = try #require(ids["Winter launch recap"])
        #expect(throws: ServiceError.self) { try service.reschedule(published, to: "+1d", in: workspace.marketer) }
        #expect(throws: ServiceError.permissionDenied(permission: .contentSchedule, user: "rep@acme.test", role: "sales_rep")) {
            try service.reschedule(whitepaper, to: "+1d", in: workspace.salesRep)
        }
        // Every move is in the history; undo puts the last one back.
        #expect(try history(workspace, whitepaper).filter { $0.action == "rescheduled" }.count == 3)
        let last = try service.reschedule(whitepaper, to: "+1w", in: workspace.marketer)
        try service.undo(last, in: workspace.marketer)
        #expect(try content(workspace, whitepaper).scheduledAt == ContentFixture.utc(2026, 3, 9, 13, 30))
    }

    @Test func dateTimeInputReadsWhatPeopleType() throws {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let now = TestWorkspace.now // Tuesday 2026-02-10 09:30
        func moment(_ text: String, base: Date? = nil) -> Date? { try? DateTimeInput.moment(text, now: now, base: base, calendar: calendar).get() }
        #expect(moment("2026-12-03 09:30") == ContentFixture.utc(2026, 12, 3, 9, 30))
        #expect(moment("12/3/2026 2:30 pm") == ContentFixture.utc(2026, 12, 3, 14, 30))
        #expect(moment("tomorrow 9am") == ContentFixture.utc(2026, 2, 11, 9))
        #expect(moment("fri 2pm") == ContentFixture.utc(2026, 2, 13, 14))
        #expect(moment("tue noon") == ContentFixture.utc(2026, 2, 17, 12))
        #expect(moment("+2d") == ContentFixture.utc(2026, 2, 12, 9))
        #expect(moment("+2d", base: ContentFixture.utc(2026, 3, 1, 17, 45)) == ContentFixture.utc(2026, 3, 3, 17, 45))
        #expect(moment("16:15", base: ContentFixture.utc(2026, 3, 1, 17, 45)) == ContentFixture.utc(2026, 3, 1, 16, 15))
        #expect(moment("2028-02-29 12:00") == ContentFixture.utc(2028, 2, 29, 12))
        #expect(moment("2027-02-29 12:00") == nil)
        #expect(moment("25:00") == nil)
        #expect(moment("13pm") == nil)
        #expect(moment("") == nil)
    }

    @Test func dayCountsMatchACountMadeHereWithEveryFilter() throws {
        let (workspace, service, _) = try Self.setUp()
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let first = ContentFixture.utc(2026, 2, 1, 0)
        let bounds = (0...28).map { calendar.date(byAdding: .day, value: $0, to: first)! }
        let all = try workspace.database.snapshot { reader in
            try reader.contentList(orgId: workspace.admin.orgId, filter: ContentFilter(), after: nil, limit: 1_000)
        }
        let product = all.compactMap(\.productId).first
        let filters = [ContentFilter(), ContentFilter(type: .social), ContentFilter(status: .scheduled), ContentFilter(productId: product),
                       ContentFilter(type: .email, status: .pendingApproval)]
        for filter in filters {
            let counts = try service.dayCounts(filter, bounds: bounds, in: workspace.viewer)
            let items = try service.dayItems(filter, bounds: bounds, limit: 2, in: workspace.viewer)
            for day in 0..<28 {
                let expected = all.filter { item in
                    guard let at = item.scheduledAt, at >= bounds[day], at < bounds[day + 1] else { return false }
                    return (filter.type == nil || item.type == filter.type) && (filter.status == nil || item.status == filter.status)
                        && (filter.productId == nil || item.productId == filter.productId)
                }.sorted { ($0.scheduledAt!, $0.id) < ($1.scheduledAt!, $1.id) }
                #expect(counts[day] == expected.count, "day \(day + 1) with \(filter)")
                #expect(items[day].map(\.id) == Array(expected.prefix(2).map(\.id)), "day \(day + 1) with \(filter)")
            }
        }
        #expect(try service.dayCounts(ContentFilter(), bounds: bounds, in: workspace.viewer)[11] == 6)
    }

    @Test func detailShowsTheCampaignAndThePosts() throws {
        let (workspace, service, ids) = try Self.setUp()
        let email = try service.detail(try #require(ids["February newsletter"]), in: workspace.viewer)
        let campaign = try #require(email.campaigns.first)
        #expect(campaign.sentCount == 12_500 && campaign.openedCount == 4_000)
        #expect(SocialMetrics.openRate(campaign) == 32)
        let social = try service.detail(try #require(ids["Customer story: Initech"]), in: workspace.viewer)
        #expect(social.item.platforms == [.linkedin, .twitter])
        #expect(SocialMetrics.pairs(social.socialPosts[0].metrics).map(\.name) == ["impressions", "likes", "shares", "comments"])
        #expect(throws: ServiceError.self) { try service.detail(try #require(ids["February newsletter"]), in: workspace.otherAdmin) }
    }

    @Test func draftsAreCreatedEditedAndSubmittedByTheRightRoles() throws {
        let (workspace, service, _) = try Self.setUp()
        let created = try service.createDraft(title: "  Launch FAQ ", type: .blog, at: ContentFixture.utc(2026, 2, 16, 10), in: workspace.marketer)
        let id = try #require(created.contentIds.first)
        var draft = try content(workspace, id)
        #expect(draft.title == "Launch FAQ" && draft.status == .draft && draft.createdBy == workspace.marketer.userId)
        #expect(throws: ServiceError.invalid(field: "title", problem: "give the draft a title")) {
            try service.createDraft(title: " ", type: .blog, at: nil, in: workspace.marketer)
        }
        #expect(throws: ServiceError.self) { try service.createDraft(title: "x", type: .blog, at: nil, in: workspace.salesRep) }
        #expect(throws: ServiceError.invalid(field: "body", problem: "at most 1,000,000 bytes")) {
            try service.edit(id, body: String(repeating: "x", count: 1_000_001), in: workspace.marketer)
        }
        try service.edit(id, body: "Questions and answers.", in: workspace.marketer)
        try service.submit(id, in: workspace.marketer)
        draft = try content(workspace, id)
        #expect(draft.status == .pendingApproval && draft.submittedAt == TestWorkspace.now)
        #expect(throws: ServiceError.self) { try service.submit(id, in: workspace.marketer) }
        // Editing content that waits for approval sends it back to draft.
        let edit = try service.edit(id, body: "Changed after submitting.", in: workspace.marketer)
        #expect(edit.summary.hasSuffix("back to draft, submit it again"))
        #expect(try content(workspace, id).status == .draft)
        // Undoing the creation now would delete the edits made since: refused, the draft stays.
        #expect(throws: ServiceError.self) { try service.undo(created, in: workspace.marketer) }
        #expect(try service.item(id, in: workspace.marketer).status == .draft)
        // Undone at once, a draft is deleted.
        let another = try service.createDraft(title: "Scratch", type: .blog, at: nil, in: workspace.marketer)
        try service.undo(another, in: workspace.marketer)
        #expect(throws: ServiceError.self) { try service.item(another.contentIds[0], in: workspace.marketer) }
    }
}
