import Foundation
import FunnelServices
import FunnelStore
import FunnelTestSupport
import Testing

/// `funnel content`, run as a script would run it, on a small workspace (Acme's users in every
/// role) with content made through ContentService; the binary runs in Tokyo time (UTC+9).
@Suite struct ContentCommandTests {
    let folder: TemporaryFolder
    let database: String
    let now: Date
    let ids: Fixture
    static let manager = "manager@acme.test"
    static let marketer = "marketer@acme.test"
    static let timeZone = "Asia/Tokyo"

    /// The content: written by the marketer unless said otherwise.
    struct Fixture {
        /// Email, product Funnel Cloud, in 3 days, submitted 2 days ago, a campaign of 2,000 sent and 500 opened.
        let email: Int64
        /// Social (LinkedIn, then Twitter), in 5 days, submitted 1 day 2 hours ago.
        let social: Int64
        /// Landing page, no date, submitted 3 days 4 hours ago (the oldest in the queue).
        let landing: Int64
        /// The manager's own blog post, in 40 days, submitted 30 minutes ago.
        let memo: Int64
        /// A draft video, no date (the newest item).
        let idea: Int64
    }

    init() throws {
        folder = try TemporaryFolder()
        database = folder.file("content.sqlite")
        now = Date(timeIntervalSince1970: Date().timeIntervalSince1970.rounded(.down))
        ids = try Self.build(at: database, now: now)
    }

    static func build(at path: String, now: Date) throws -> Fixture {
        let workspace = try TestWorkspace.make(database: AppDatabase.open(path: path))
        let db = workspace.database
        let minute = 60.0, hour = 3_600.0, day = 86_400.0
        func at(_ offset: TimeInterval) -> ContentService { ContentService(database: db, clock: { now.addingTimeInterval(offset) }) }
        let product = try db.transaction { tx -> Product in
            var product = Product(orgId: workspace.admin.orgId, name: "Funnel Cloud", type: .software, createdAt: now, updatedAt: now)
            try tx.insert(&product)
            return product
        }
        let marketer = workspace.marketer, manager = workspace.manager
        let email = try at(-10 * day).createDraft(title: "Spring launch email", type: .email, at: now.addingTimeInterval(3 * day),
                                                  productId: product.id, body: "Dear customer,\n\nSpring is here.", in: marketer).contentIds[0]
        let social = try at(-9 * day).createDraft(title: "Launch thread", type: .social, at: now.addingTimeInterval(5 * day), in: marketer).contentIds[0]
        let landing = try at(-8 * day).createDraft(title: "Pricing page", type: .landingPage, at: nil, in: marketer).contentIds[0]
        let memo = try at(-7 * day).createDraft(title: "Manager's memo", type: .blog, at: now.addingTimeInterval(40 * day), in: manager).contentIds[0]
        let idea = try at(-6 * day).createDraft(title: "Demo video", type: .video, at: nil, in: marketer).contentIds[0]
        try at(-(3 * day + 4 * hour)).submit(landing, in: marketer)
        try at(-2 * day).submit(email, in: marketer)
        try at(-(day + 2 * hour)).submit(social, in: marketer)
        try at(-30 * minute).submit(memo, in: manager)
        try db.transaction { tx in
            var campaign = EmailCampaign(orgId: workspace.admin.orgId, contentId: email, subject: "Spring is here", status: .sent,
                                         sentCount: 2_000, openedCount: 500, createdAt: now, updatedAt: now)
            try tx.insert(&campaign)
            for platform in [SocialPlatform.linkedin, .twitter] {
                var post = SocialPost(contentId: social, platform: platform, status: .draft,
                                      metrics: #"{"likes":40,"impressions":1200}"#, createdAt: now, updatedAt: now)
                try tx.insert(&post)
            }
        }
        return Fixture(email: email, social: social, landing: landing, memo: memo, idea: idea)
    }

    func content(_ arguments: [String], user: String = ContentCommandTests.manager) throws -> ProcessResult {
        try ProcessRunner.run(BuiltFunnel.path, ["content"] + arguments + ["--db", database, "--user", user], environment: [
            "XDG_DATA_HOME": folder.file("data"), "XDG_CONFIG_HOME": folder.file("config"),
            "XDG_STATE_HOME": folder.file("state"), "FUNNEL_DB": "", "FUNNEL_USER": "", "TZ": Self.timeZone,
        ])
    }

    /// `content ... --format json` parsed (an array of objects).
    func listed(_ arguments: [String]) throws -> [[String: Any]] {
        let result = try content(["list"] + arguments + ["--format", "json"])
        try #require(result.status == 0, "\(arguments): \(result.standardError)")
        return try #require(try JSONSerialization.jsonObject(with: Data(result.standardOutput.utf8)) as? [[String: Any]])
    }

    func shown(_ id: Int64) throws -> [String: Any] {
        let result = try content(["show", "\(id)", "--format", "json"])
        try #require(result.status == 0, "\(result.standardError)")
        return try #require(try JSONSerialization.jsonObject(with: Data(result.standardOutput.utf8)) as? [String: Any])
    }

    func status(_ id: Int64) throws -> String? { try shown(id)["status"] as? String }

    func sqlite(_ sql: String) throws -> String {
        try ProcessRunner.run("/usr/bin/sqlite3", [database, sql]).standardOutput.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// `2026-12-03 09:30` in Tokyo.
    func tokyo(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: Self.timeZone)
        formatter.dateFormat = "yyyy-MM-dd HH:mm"
        return formatter.string(from: date)
    }

    func idList(_ rows: [[String: Any]]) -> [Int64] { rows.compactMap { ($0["id"] as? Int).map(Int64.init) } }

    @Test func listIsNewestFirstInTableJSONAndCSV() throws {
        let json = try listed([])
        #expect(idList(json) == [ids.idea, ids.memo, ids.landing, ids.social, ids.email])
        let social = try #require(json.first { $0["id"] as? Int == Int(ids.social) })
        #expect(social["type"] as? String == "social")
        #expect(social["platforms"] as? [String] == ["linkedin", "twitter"])
        #expect(social["status"] as? String == "pending_approval")
        #expect(social["author"] as? String == "Zoë Marketer")
        let email = try #require(json.first { $0["id"] as? Int == Int(ids.email) })
        #expect(email["product"] as? String == "Funnel Cloud")
        let scheduled = now.addingTimeInterval(3 * 86_400)
        #expect(email["scheduled"] as? String == tokyo(scheduled))
        #expect(email["scheduled_at"] as? String == ISO8601DateFormatter().string(from: scheduled))

        let table = try content(["list"])
        #expect(table.status == 0, "\(table.standardError)")
        let lines = table.standardOutput.split(separator: "\n")
        #expect(lines.count == 6)
        #expect(lines.first?.split(separator: " ", omittingEmptySubsequences: true) == ["id", "title", "type", "status", "scheduled", "author", "product"])
        #expect(lines.dropFirst().map { String($0.split(separator: " ").first ?? "") } == idList(json).map { "\($0)" })
        #expect(table.standardOutput.contains("social (linkedin, twitter)"))
        #expect(table.standardOutput.contains(tokyo(scheduled)))

        let csv = try content(["list", "--format", "csv"])
        let rows = csv.standardOutput.split(separator: "\n")
        #expect(rows.first == "id,title,type,status,scheduled,author,product")
        #expect(rows.count == 6)
        #expect(rows.contains { $0.hasPrefix("\(ids.social),Launch thread,\"social (linkedin, twitter)\",pending_approval,") })

        #expect(idList(try listed(["--limit", "2"])) == [ids.idea, ids.memo])
        #expect(idList(try listed(["--status", "draft"])) == [ids.idea])
        #expect(idList(try listed(["--type", "landing page"])) == [ids.landing])
        #expect(idList(try listed(["--product", "funnel cloud"])) == [ids.email])

        let badStatus = try content(["list", "--status", "done"])
        #expect(badStatus.status != 0)
        #expect(badStatus.standardError.contains("draft, pending_approval, approved, scheduled, published, archived"))
        let badType = try content(["list", "--type", "podcast"])
        #expect(badType.status != 0)
        #expect(badType.standardError.contains("blog, email, social, landing_page, video, whitepaper"))
        let badProduct = try content(["list", "--product", "Nothing"])
        #expect(badProduct.status == 1)
        #expect(badProduct.standardError.contains("products: Funnel Cloud"))
    }

    @Test func pendingListsTheQueueOldestFirstWithHowLongEachWaited() throws {
        let json = try listed(["--pending"])
        #expect(idList(json) == [ids.landing, ids.email, ids.social, ids.memo])
        #expect(json.map { $0["waited"] as? String } == ["3d 4h", "2d 0h", "1d 2h", "30m"])
        #expect(json.first?["waited_seconds"] as? Int ?? 0 >= 3 * 86_400 + 4 * 3_600)
        #expect(idList(try listed(["--pending", "--type", "social"])) == [ids.social])
        #expect(idList(try listed(["--pending", "--limit", "1"])) == [ids.landing])

        let table = try content(["list", "--pending"])
        let lines = table.standardOutput.split(separator: "\n")
        #expect(lines.first?.hasSuffix("waited") == true)
        #expect(lines.dropFirst().first?.hasSuffix("3d 4h") == true)
        let csv = try content(["list", "--pending", "--format", "csv"])
        #expect(csv.standardOutput.hasPrefix("id,title,type,status,scheduled,author,product,waited\n"))

        let mixed = try content(["list", "--pending", "--from", "today"])
        #expect(mixed.status != 0)
        #expect(mixed.standardError.contains("choose one"))
    }

    @Test func fromToListsTheCalendarSoonestFirst() throws {
        let week = try listed(["--from", "today", "--to", "+7d"])
        #expect(idList(week) == [ids.email, ids.social])
        #expect(week.map { $0["scheduled"] as? String } == [tokyo(now.addingTimeInterval(3 * 86_400)), tokyo(now.addingTimeInterval(5 * 86_400))])
        #expect(idList(try listed(["--from", "today", "--to", "+60d"])) == [ids.email, ids.social, ids.memo])
        #expect(idList(try listed(["--from", "today", "--to", "+60d", "--type", "blog"])) == [ids.memo])
        // --to is included: the day of the memo, typed as a date in Tokyo.
        let memoDay = String(tokyo(now.addingTimeInterval(40 * 86_400)).prefix(10))
        #expect(idList(try listed(["--from", memoDay, "--to", memoDay])) == [ids.memo])

        let csv = try content(["list", "--from", "today", "--to", "+7d", "--format", "csv"])
        #expect(csv.standardOutput.split(separator: "\n").count == 3)
        let backwards = try content(["list", "--from", "+7d", "--to", "today"])
        #expect(backwards.status != 0)
        #expect(backwards.standardError.contains("is before --from"))
        let notADay = try content(["list", "--from", "2026-02-30"])
        #expect(notADay.status != 0)
        #expect(notADay.standardError.contains("--from: 2026-02-30 is not a day of the calendar"))
    }

    @Test func showGivesTheCampaignOpenRateAndTheCommentOfARejection() throws {
        let refused = try content(["reject", "\(ids.email)"])
        #expect(refused.status != 0)
        #expect(refused.standardError.contains("reject needs --comment TEXT"))
        #expect(try status(ids.email) == "pending_approval")

        let rejected = try content(["reject", "\(ids.email)", "--comment", "Subject too long"])
        #expect(rejected.status == 0, "\(rejected.standardError)")
        #expect(rejected.standardOutput == "Sent #\(ids.email) \"Spring launch email\" back to draft\n")

        let text = try content(["show", "\(ids.email)"])
        #expect(text.status == 0, "\(text.standardError)")
        let output = text.standardOutput
        #expect(output.hasPrefix("Spring launch email  #\(ids.email)  draft\n"))
        for line in ["  type      email campaign", "  author    Zoë Marketer", "  product   Funnel Cloud",
                     "  scheduled \(tokyo(now.addingTimeInterval(3 * 86_400)))", "  submitted \(tokyo(now.addingTimeInterval(-2 * 86_400)))",
                     "Body:\n  Dear customer,\n\n  Spring is here.\n", "Email campaigns:", "Spring is here", "2,000", "25.0%",
                     "rejected  by Mia Manager  status pending approval -> draft, comment \"Subject too long\""] {
            #expect(output.contains(line), "\(line) missing from:\n\(output)")
        }
        let history = output.components(separatedBy: "History (newest first):\n").last?.split(separator: "\n") ?? []
        #expect(history.map { $0.contains("rejected") } == [true, false, false])
        #expect(history.last?.contains("created  by Zoë Marketer") == true)

        let json = try shown(ids.email)
        #expect(json["body"] as? String == "Dear customer,\n\nSpring is here.")
        let campaign = try #require((json["campaigns"] as? [[String: Any]])?.first)
        #expect(campaign["open_rate"] as? Double == 25.0)
        #expect(campaign["sent"] as? Int == 2_000)
        let entries = try #require(json["history"] as? [[String: Any]])
        #expect(entries.map { $0["action"] as? String } == ["rejected", "submitted", "created"])
        #expect(entries.first?["comment"] as? String == "Subject too long")
        #expect(entries.first?["user"] as? String == "Mia Manager")

        let social = try content(["show", "\(ids.social)"])
        #expect(social.standardOutput.contains("  type      social post (linkedin, twitter)"))
        #expect(social.standardOutput.contains("impressions 1,200, likes 40"))
        let posts = try #require(try shown(ids.social)["social_posts"] as? [[String: Any]])
        #expect(posts.map { $0["platform"] as? String } == ["linkedin", "twitter"])
        #expect((posts.first?["metrics"] as? [String: Int]) == ["impressions": 1_200, "likes": 40])
    }

    @Test func scheduleReadsWordsInTheUsersTimeZoneAndStoresUTC() throws {
        let moved = try content(["schedule", "\(ids.landing)", "tomorrow 9am"])
        #expect(moved.status == 0, "\(moved.standardError)")
        #expect(moved.standardOutput.hasPrefix("Moved #\(ids.landing) \"Pricing page\" to "))
        #expect(moved.standardOutput.hasSuffix(" 09:00\n"))
        // Tomorrow 09:00 in Tokyo is midnight UTC of that day.
        var tokyo = Calendar(identifier: .gregorian)
        tokyo.timeZone = try #require(TimeZone(identifier: Self.timeZone))
        let tomorrow = try #require(tokyo.date(byAdding: .day, value: 1, to: tokyo.startOfDay(for: Date())))
        let day = String(self.tokyo(tomorrow).prefix(10))
        #expect(try sqlite("SELECT scheduled_at FROM content WHERE id = \(ids.landing)") == "\(day) 00:00:00.000")
        #expect(try shown(ids.landing)["scheduled"] as? String == "\(day) 09:00")

        // Unquoted words and a shift from the current time.
        let shifted = try content(["schedule", "\(ids.landing)", "+2d"])
        #expect(shifted.status == 0, "\(shifted.standardError)")
        let later = try #require(tokyo.date(byAdding: .day, value: 2, to: tomorrow))
        #expect(try sqlite("SELECT scheduled_at FROM content WHERE id = \(ids.landing)") == "\(self.tokyo(later).prefix(10)) 00:00:00.000")
        let unquoted = try content(["schedule", "\(ids.landing)", "2030-12-03", "14:30"])
        #expect(unquoted.status == 0, "\(unquoted.standardError)")
        #expect(try sqlite("SELECT scheduled_at FROM content WHERE id = \(ids.landing)") == "2030-12-03 05:30:00.000")

        let bad = try content(["schedule", "\(ids.landing)", "someday soon"])
        #expect(bad.status == 1)
        #expect(bad.standardError.contains("when: did not understand \"someday soon\": use 2026-12-03 09:30, tomorrow 9am, fri 2pm or +2d"))
        let past = try content(["schedule", "\(ids.landing)", "2020-01-01 09:00"])
        #expect(past.status == 1)
        #expect(past.standardError.contains("is in the past"))
        let neither = try content(["schedule", "\(ids.landing)"])
        #expect(neither.status != 0)
        #expect(neither.standardError.contains("--clear"))

        let cleared = try content(["schedule", "\(ids.landing)", "--clear"])
        #expect(cleared.standardOutput == "Took #\(ids.landing) \"Pricing page\" off the calendar\n")
        #expect(try sqlite("SELECT scheduled_at IS NULL FROM content WHERE id = \(ids.landing)") == "1")
        let history = try #require(try shown(ids.landing)["history"] as? [[String: Any]])
        #expect(history.prefix(4).map { $0["action"] as? String } == ["rescheduled", "rescheduled", "rescheduled", "rescheduled"])
    }

    @Test func approveDecidesOnSeveralItemsInOneTransaction() throws {
        let approved = try content(["approve", "\(ids.email)", "\(ids.social)", "--comment", "Ship it"])
        #expect(approved.status == 0, "\(approved.standardError)")
        #expect(approved.standardOutput == "Approved 2 items\n")
        // Both have a date ahead: both are on the calendar now.
        #expect(try status(ids.email) == "scheduled")
        #expect(try status(ids.social) == "scheduled")
        let entry = try #require((try shown(ids.social)["history"] as? [[String: Any]])?.first)
        #expect(entry["action"] as? String == "approved")
        #expect(entry["comment"] as? String == "Ship it")
        #expect(try sqlite("SELECT count(*) FROM activities WHERE action = 'approved'") == "2")

        // The memo is the manager's own: none of the two is approved.
        let mixed = try content(["approve", "\(ids.landing)", "\(ids.memo)"])
        #expect(mixed.status == 1)
        #expect(mixed.standardError.contains("you wrote \"Manager's memo\": someone else with content.approve must decide on it"))
        #expect(try status(ids.landing) == "pending_approval")
        #expect(try status(ids.memo) == "pending_approval")

        // Someone else with content.approve may.
        let byMarketer = try content(["approve", "\(ids.memo)"], user: Self.marketer)
        #expect(byMarketer.status == 0, "\(byMarketer.standardError)")
        #expect(byMarketer.standardOutput.hasPrefix("Approved #\(ids.memo) \"Manager's memo\": scheduled for "))
        let again = try content(["approve", "\(ids.memo)"])
        #expect(again.status == 1)
        #expect(again.standardError.contains("is scheduled, not waiting for approval"))
    }

    @Test func submitSendsDraftsAndRefusalsSayWhy() throws {
        let submitted = try content(["submit", "\(ids.idea)"], user: Self.marketer)
        #expect(submitted.status == 0, "\(submitted.standardError)")
        #expect(submitted.standardOutput == "Submitted #\(ids.idea) \"Demo video\" for approval\n")
        #expect(idList(try listed(["--pending"])).last == ids.idea)
        let twice = try content(["submit", "\(ids.idea)"], user: Self.marketer)
        #expect(twice.status == 1)
        #expect(twice.standardError.contains("only a draft can be submitted"))

        let rep = try content(["approve", "\(ids.email)"], user: "rep@acme.test")
        #expect(rep.status == 1)
        #expect(rep.standardError.contains("rep@acme.test (sales_rep) may not do this: it needs the content.approve permission"))
        let repSchedule = try content(["schedule", "\(ids.email)", "tomorrow 9am"], user: "rep@acme.test")
        #expect(repSchedule.status == 1)
        #expect(repSchedule.standardError.contains("content.schedule"))
        #expect(try status(ids.email) == "pending_approval")

        let own = try content(["reject", "\(ids.idea)", "--comment", "No"], user: Self.marketer)
        #expect(own.status == 1)
        #expect(own.standardError.contains("you wrote \"Demo video\""))

        for arguments in [["show", "999999"], ["submit", "999999"], ["approve", "999999"], ["reject", "999999", "--comment", "x"],
                          ["schedule", "999999", "+1d"]] {
            let result = try content(arguments)
            #expect(result.status == 1, "\(arguments)")
            #expect(result.standardError.contains("no content item with id 999999"), "\(arguments): \(result.standardError)")
        }
    }
}
