import Foundation
import FunnelServices
import FunnelStore

/// Content for the Calendar and Approvals tests, in Acme around the fixed clock (2026-02-10
/// 09:30 UTC): a month of items of every type and status, a busy day, an email campaign with
/// opens, a social post with metrics, a queue of four pending items, and a leap-day item in 2028.
public enum ContentFixture {
    /// A UTC moment: `utc(2026, 2, 12, 9, 30)`.
    public static func utc(_ year: Int, _ month: Int, _ day: Int, _ hour: Int = 9, _ minute: Int = 0) -> Date {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        return calendar.date(from: DateComponents(year: year, month: month, day: day, hour: hour, minute: minute))!
    }

    /// The pending items' titles, oldest submission first.
    public static let queueTitles = ["Spring webinar invite", "Partner spotlight: Initech", "王小明 interview", "Q2 pricing explainer"]

    /// Adds the content to the workspace; returns the ids by title.
    @discardableResult
    public static func seed(_ workspace: TestWorkspace) throws -> [String: Int64] {
        let org = workspace.admin.orgId
        let marketer = workspace.marketer.userId
        let manager = workspace.manager.userId
        let now = TestWorkspace.now
        let product = try workspace.database.transaction { tx -> Int64 in
            var product = Product(orgId: org, name: "Edge Sensor Kit", type: .hardware, createdAt: now, updatedAt: now)
            try tx.insert(&product)
            return product.id ?? 0
        }
        struct Item {
            let title: String
            let type: ContentType
            let status: ContentStatus
            let at: Date?
            var author: Int64
            var submitted: Date? = nil
            var product: Int64? = nil
        }
        var items: [Item] = [
            Item(title: "Winter launch recap", type: .blog, status: .published, at: utc(2026, 2, 2, 9), author: marketer, product: product),
            Item(title: "February newsletter", type: .email, status: .published, at: utc(2026, 2, 3, 14), author: marketer),
            Item(title: "Customer story: Initech", type: .social, status: .published, at: utc(2026, 2, 5, 10, 30), author: manager),
            Item(title: "Pricing page refresh", type: .landingPage, status: .scheduled, at: utc(2026, 2, 10, 11), author: marketer, product: product),
            Item(title: "Product tour video", type: .video, status: .draft, at: utc(2026, 2, 10, 16), author: marketer),
            Item(title: "Valentine's promo", type: .email, status: .scheduled, at: utc(2026, 2, 14, 8), author: marketer),
            Item(title: "Edge kit whitepaper", type: .whitepaper, status: .approved, at: utc(2026, 2, 20, 13), author: manager, product: product),
            Item(title: "Trade show landing page", type: .landingPage, status: .draft, at: utc(2026, 2, 27, 10), author: marketer),
            Item(title: "Mastodon launch thread", type: .social, status: .scheduled, at: utc(2026, 2, 28, 17, 45), author: marketer),
            Item(title: "March roadmap post", type: .blog, status: .approved, at: utc(2026, 3, 2, 9), author: manager),
            Item(title: "Leap day special", type: .blog, status: .scheduled, at: utc(2028, 2, 29, 12), author: marketer),
            Item(title: "Ideas backlog", type: .blog, status: .draft, at: nil, author: marketer),
        ]
        // A busy day: six items on 2026-02-12.
        for (index, title) in ["Morning tips", "Webinar reminder", "LinkedIn poll", "Case study: Globex", "Release notes 4.2", "Evening digest"].enumerated() {
            items.append(Item(title: title, type: [.social, .email, .social, .blog, .blog, .email][index],
                              status: [.scheduled, .scheduled, .draft, .approved, .scheduled, .draft][index],
                              at: utc(2026, 2, 12, 8 + index * 2, index % 2 == 0 ? 0 : 30), author: marketer))
        }
        // The approvals queue: oldest submission first; the third is the manager's own.
        let submitted = [utc(2026, 2, 1, 9), utc(2026, 2, 5, 12), utc(2026, 2, 8, 16, 20), utc(2026, 2, 9, 18)]
        let queueTypes: [ContentType] = [.email, .social, .blog, .blog]
        let queueDays = [utc(2026, 2, 18, 10), utc(2026, 2, 19, 11, 15), utc(2026, 2, 24, 9, 30), nil]
        for (index, title) in queueTitles.enumerated() {
            items.append(Item(title: title, type: queueTypes[index], status: .pendingApproval, at: queueDays[index],
                              author: index == 2 ? manager : marketer, submitted: submitted[index]))
        }
        return try workspace.database.transaction { tx in
            var ids: [String: Int64] = [:]
            for item in items {
                let created = (item.submitted ?? item.at ?? now).addingTimeInterval(-3 * 86_400)
                var content = Content(
                    orgId: org, createdBy: item.author, productId: item.product, title: item.title,
                    body: "About \(item.title).\n\nA second paragraph long enough to wrap on a narrow screen: it says what the piece is for, who reads it and what they should do next.",
                    type: item.type, status: item.status, scheduledAt: item.at, submittedAt: item.submitted,
                    createdAt: min(created, now), updatedAt: min(created, now))
                try tx.insert(&content)
                let id = content.id ?? 0
                ids[item.title] = id
                if item.type == .email {
                    let sent = item.status == .published ? 12_500 : 0
                    var campaign = EmailCampaign(orgId: org, contentId: id, subject: "\(item.title): what's new",
                                                 status: item.status == .published ? .sent : .draft, sentCount: sent,
                                                 openedCount: sent * 32 / 100, createdAt: created, updatedAt: created)
                    try tx.insert(&campaign)
                }
                if item.type == .social {
                    for platform in item.title.hasPrefix("Mastodon") ? [SocialPlatform.mastodon] : [.linkedin, .twitter] {
                        let published = item.status == .published
                        var post = SocialPost(contentId: id, platform: platform, postId: published ? "\(platform.rawValue)-1" : nil,
                                              status: published ? .published : .scheduled,
                                              metrics: published ? #"{"impressions":18250,"likes":412,"shares":37,"comments":12}"# : "{}",
                                              publishedAt: published ? item.at : nil, createdAt: created, updatedAt: created)
                        try tx.insert(&post)
                    }
                }
            }
            return ids
        }
    }
}
