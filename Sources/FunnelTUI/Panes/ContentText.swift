import Foundation
import FunnelServices
import FunnelStore
import FunnelUI

/// How content reads on screen, shared by the Calendar and Approvals panes.
enum ContentText {
    /// One letter per type, for calendar cells.
    static func letter(_ type: ContentType) -> String {
        switch type {
        case .blog: return "B"
        case .email: return "E"
        case .social: return "S"
        case .landingPage: return "L"
        case .video: return "V"
        case .whitepaper: return "W"
        }
    }

    /// One mark per status, for calendar cells.
    static func mark(_ status: ContentStatus) -> String {
        switch status {
        case .draft: return "✎"
        case .pendingApproval: return "?"
        case .approved: return "✓"
        case .scheduled: return "◷"
        case .published: return "●"
        case .archived: return "▪"
        }
    }

    /// The colour of a status.
    static func role(_ status: ContentStatus) -> ColorRole {
        switch status {
        case .draft, .archived: return .muted
        case .pendingApproval: return .warning
        case .approved: return .info
        case .scheduled: return .accent
        case .published: return .success
        }
    }

    /// The key to the letters and marks.
    static let legend = "B blog E email S social L landing V video W whitepaper · ✎ draft ? pending ✓ approved ◷ scheduled ● published ▪ archived"

    /// The type in words, with a social post's platforms: "social post · linkedin, twitter".
    static func type(_ item: ContentListItem) -> String {
        item.platforms.isEmpty ? item.type.label : "\(item.type.label) · " + item.platforms.map(\.rawValue).joined(separator: ", ")
    }

    /// Status in words, capitalised: "Pending approval".
    static func status(_ status: ContentStatus) -> String {
        let label = status.label
        return label.prefix(1).uppercased() + label.dropFirst()
    }

    /// Everything about an item, as lines `width` wide: what it is, when, its campaign or posts,
    /// the body wrapped, and its history with comments.
    static func lines(_ detail: ContentDetail, width: Int, describe: (Date) -> String, waited: String? = nil) -> [String] {
        let item = detail.item
        var lines = ["\(item.title)   #\(item.id)", ""]
        func field(_ label: String, _ value: String) { lines.append(label.padding(toLength: 11, withPad: " ", startingAt: 0) + value) }
        field("Type", type(item))
        field("Status", status(item.status))
        field("Author", item.authorName)
        field("Product", item.productName ?? "—")
        field("Scheduled", item.scheduledAt.map(describe) ?? "not scheduled")
        if let submitted = item.submittedAt {
            field("Submitted", describe(submitted) + (waited.map { " (waiting \($0))" } ?? ""))
        }
        for campaign in detail.campaigns {
            let rate = SocialMetrics.openRate(campaign).map { String(format: "%.1f%%", $0) } ?? "—"
            field("Email", "\"\(campaign.subject)\" · \(campaign.status.rawValue) · sent \(NumberText.grouped(campaign.sentCount))"
                  + " · opened \(NumberText.grouped(campaign.openedCount)) · open rate \(rate)")
        }
        for post in detail.socialPosts {
            let metrics = SocialMetrics.pairs(post.metrics).map { "\($0.name) \(NumberText.grouped($0.value))" }
            field("Post", "\(post.platform.rawValue) · \(post.status.rawValue)" + (metrics.isEmpty ? "" : " · " + metrics.joined(separator: " · ")))
        }
        lines.append("")
        if detail.body.isEmpty {
            lines.append("(no body yet: e edits it in $EDITOR from the Calendar)")
        } else {
            for paragraph in detail.body.split(separator: "\n", omittingEmptySubsequences: false) {
                lines += paragraph.isEmpty ? [""] : TextLayout.wrap(String(paragraph), width: max(10, width))
            }
        }
        lines.append("")
        lines.append("History (newest first):")
        if detail.history.isEmpty { lines.append("  nothing yet") }
        for activity in detail.history {
            let who = activity.userId.flatMap { detail.people[$0] } ?? "system"
            lines.append("  \(PromptBox.timeFormatter.string(from: activity.createdAt))  \(describeActivity(activity, describe: describe)) by \(who)")
        }
        return lines
    }

    /// An activity on content in words: "approved: “Looks good”", "rescheduled: Tue 3 Feb 09:30 → Thu 5 Feb 10:00".
    static func describeActivity(_ activity: Activity, describe: (Date) -> String) -> String {
        let action = ActivityMetadata.action(activity)
        guard let metadata = ActivityMetadata(activity) else { return action }
        let (before, after, object) = (metadata.before, metadata.after, metadata.details)
        var details: [String] = []
        if let old = before?["status"] as? String, let new = after?["status"] as? String, old != new {
            details.append("\(old.replacingOccurrences(of: "_", with: " ")) → \(new.replacingOccurrences(of: "_", with: " "))")
        }
        if activity.action == "rescheduled" {
            let moment = (after?["scheduled_at"] as? String).flatMap { ISO8601DateFormatter().date(from: $0) }
            details.append(moment.map { "to \(describe($0))" } ?? "off the calendar")
        }
        if let comment = object["comment"] as? String { details.append("“\(comment)”") }
        if let undid = object["undid"] as? String { details.append("undid \(undid)") }
        return details.isEmpty ? action : "\(action): \(details.joined(separator: ", "))"
    }
}
