import ArgumentParser
import Foundation
import FunnelServices
import FunnelStore

/// `funnel content`: the content calendar and the approvals queue for scripts: list, show,
/// schedule, submit, approve, reject. Times are shown and typed in the user's time zone.
struct ContentCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "content",
        abstract: "List, show, schedule, submit, approve and reject content; the approvals queue and the calendar.",
        subcommands: [List.self, Show.self, Schedule.self, Submit.self, Approve.self, Reject.self]
    )

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Content, newest first; the approvals queue oldest first (--pending); the calendar soonest first (--from/--to).")
        @OptionGroup var database: DatabaseOptions
        @Option(help: "Only content in this status (draft, pending_approval, approved, scheduled, published, archived).") var status: String?
        @Option(help: "Only content of this type (blog, email, social, landing_page, video, whitepaper).") var type: String?
        @Option(help: "Only content of this product (its name).") var product: String?
        @Flag(help: "The approvals queue, longest waiting first, with how long each has waited.") var pending = false
        @Option(help: ArgumentHelp("Content scheduled from this day (2026-12-03, today, +7d; default today).", valueName: "day")) var from: String?
        @Option(help: ArgumentHelp("...up to this day, included (default 30 days after --from).", valueName: "day")) var to: String?
        @Option(help: "At most this many items.") var limit: Int = 50
        @Option(help: "table, json or csv") var format: OutputFormat = .table

        func validate() throws {
            guard (1...1_000_000).contains(limit) else { throw ValidationError("--limit needs 1 to 1000000") }
            let chosenStatus = try status.map { try ContentCommand.status($0) }
            if let type { _ = try ContentCommand.type(type) }
            if pending {
                guard from == nil, to == nil else {
                    throw ValidationError("--pending lists the approvals queue and --from/--to the calendar: choose one")
                }
                if let chosenStatus, chosenStatus != .pendingApproval {
                    throw ValidationError("--pending lists pending_approval content: it cannot also have --status \(chosenStatus.rawValue)")
                }
            }
            if from != nil || to != nil { _ = try range(now: Date(), calendar: .current) }
        }

        /// The calendar days `--from` and `--to` name, as `[start of from, end of to)` in `calendar`'s time zone.
        func range(now: Date, calendar: Calendar) throws -> (from: Date, to: Date) {
            func day(_ text: String, option: String) throws -> Date {
                switch DateInput.day(text, today: now, calendar: calendar) {
                case .failure(let error): throw ValidationError("\(option): \(error.problem)")
                case .success(let day):
                    let parts = day.split(separator: "-").compactMap { Int($0) }
                    var components = DateComponents(year: parts.first, month: parts.dropFirst().first, day: parts.last)
                    components.timeZone = calendar.timeZone
                    guard parts.count == 3, let date = calendar.date(from: components) else {
                        throw ValidationError("\(option): \(text) is not a day of the calendar")
                    }
                    return calendar.startOfDay(for: date)
                }
            }
            let start = try from.map { try day($0, option: "--from") } ?? calendar.startOfDay(for: now)
            let last = try to.map { try day($0, option: "--to") } ?? (calendar.date(byAdding: .day, value: 30, to: start) ?? start)
            guard last >= start else { throw ValidationError("--to (\(to ?? "")) is before --from (\(from ?? "today"))") }
            return (start, calendar.date(byAdding: .day, value: 1, to: last) ?? last)
        }

        func run() throws {
            let (db, session) = try database.choice.signIn()
            let service = ContentService(database: db)
            let calendar = service.calendar
            let now = Date()
            var filter = ContentFilter(type: try type.map { try ContentCommand.type($0) }, status: try status.map { try ContentCommand.status($0) })
            if let product { filter.productId = try ContentCommand.product(product, service: service, session: session).id }

            var columns = ["id", "title", "type", "status", "scheduled", "author", "product"]
            if pending { columns.append("waited") }
            var printer = DataPrinter(columns: columns)
            func add(_ item: ContentListItem) {
                var cells = [
                    "\(item.id)", item.title, ContentCommand.typeText(item), item.status.rawValue,
                    item.scheduledAt.map { ContentCommand.local($0, calendar) } ?? "", item.authorName, item.productName ?? "",
                ]
                var object = ContentCommand.json(item, calendar: calendar)
                if pending {
                    let waited = max(0, now.timeIntervalSince(item.submittedAt ?? item.createdAt))
                    cells.append(ContentCommand.waited(waited))
                    object["waited"] = ContentCommand.waited(waited)
                    object["waited_seconds"] = Int(waited)
                }
                printer.add(cells, json: object)
            }

            if pending {
                // The queue has no filter of its own: type and product are applied page by page.
                let filtered = filter.type != nil || filter.productId != nil
                var key: ContentQueueKey?
                var remaining = limit
                while remaining > 0 {
                    let size = filtered ? 500 : min(remaining, 500)
                    let page = try service.queue(after: key, limit: size, in: session)
                    for item in page where remaining > 0 {
                        if let type = filter.type, item.type != type { continue }
                        if let productId = filter.productId, item.productId != productId { continue }
                        add(item)
                        remaining -= 1
                    }
                    guard page.count == size, let last = page.last else { break }
                    key = last.queueKey
                }
            } else if from != nil || to != nil {
                let range = try range(now: now, calendar: calendar)
                for item in try service.scheduled(filter, from: range.from, to: range.to, limit: limit, in: session) { add(item) }
            } else {
                var key: (createdAt: Date, id: Int64)?
                var remaining = limit
                while remaining > 0 {
                    let page = try service.list(filter, after: key, limit: min(remaining, 500), in: session)
                    page.forEach(add)
                    remaining -= page.count
                    guard !page.isEmpty, let last = page.last else { break }
                    key = (last.createdAt, last.id)
                }
            }
            printer.print(format)
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "One item: its fields, its body, its email campaigns and social posts, its history.")
        @OptionGroup var database: DatabaseOptions
        @Argument(help: "The content item's id.") var id: Int64
        @Option(help: "table or json") var format: OutputFormat = .table

        func validate() throws {
            guard format != .csv else { throw ValidationError("content show prints table or json") }
        }

        func run() throws {
            let (db, session) = try database.choice.signIn()
            let service = ContentService(database: db)
            let calendar = service.calendar
            let detail = try service.detail(id, in: session)
            let item = detail.item
            func who(_ activity: Activity) -> String {
                activity.userId.map { detail.people[$0] ?? "user #\($0)" } ?? "system"
            }
            if format == .json {
                var object = ContentCommand.json(item, calendar: calendar)
                object["body"] = detail.body
                object["campaigns"] = detail.campaigns.map { campaign in
                    ["id": campaign.id as Any, "subject": campaign.subject, "status": campaign.status.rawValue,
                     "template_id": campaign.templateId as Any, "sent": campaign.sentCount, "opened": campaign.openedCount,
                     "open_rate": SocialMetrics.openRate(campaign) as Any] as [String: Any]
                }
                object["social_posts"] = detail.socialPosts.map { post in
                    ["id": post.id as Any, "platform": post.platform.rawValue, "status": post.status.rawValue, "post_id": post.postId as Any,
                     "published_at": post.publishedAt.map(DealsCommand.iso) as Any,
                     "metrics": Dictionary(SocialMetrics.pairs(post.metrics).map { ($0.name, $0.value) }) { first, _ in first }] as [String: Any]
                }
                object["history"] = detail.history.map { activity in
                    ["action": activity.action, "at": DealsCommand.iso(activity.createdAt), "when": ContentCommand.local(activity.createdAt, calendar),
                     "user_id": activity.userId as Any, "user": activity.userId.map { _ in who(activity) } as Any,
                     "comment": ContentCommand.comment(activity) as Any, "metadata": DealsCommand.jsonObject(activity.metadata)] as [String: Any]
                }
                let data = (try? JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys])) ?? Data()
                print(String(decoding: data, as: UTF8.self))
                return
            }
            print("\(item.title)  #\(item.id)  \(item.status.label)")
            let platforms = item.platforms.isEmpty ? "" : " (\(item.platforms.map(\.rawValue).joined(separator: ", ")))"
            for (label, value) in [
                ("type", item.type.label + platforms), ("status", item.status.label), ("author", item.authorName), ("product", item.productName),
                ("scheduled", item.scheduledAt.map { ContentCommand.local($0, calendar) } ?? "not on the calendar"),
                ("submitted", item.submittedAt.map { ContentCommand.local($0, calendar) }),
            ] {
                if let value { print("  \(label.padding(toLength: 9, withPad: " ", startingAt: 0)) \(value)") }
            }
            print("Body:")
            let body = detail.body.trimmingCharacters(in: .whitespacesAndNewlines)
            if body.isEmpty { print("  (empty)") }
            for line in body.split(separator: "\n", omittingEmptySubsequences: false) where !body.isEmpty {
                print(line.isEmpty ? "" : "  \(line)")
            }
            if !detail.campaigns.isEmpty {
                print("Email campaigns:")
                let rows = detail.campaigns.map { campaign in
                    [campaign.subject, campaign.status.rawValue, NumberText.grouped(campaign.sentCount), NumberText.grouped(campaign.openedCount),
                     SocialMetrics.openRate(campaign).map { String(format: "%.1f%%", $0) } ?? "-"]
                }
                print(ContentCommand.indented(TextTable(header: ["subject", "status", "sent", "opened", "open rate"], rows: rows).rendered))
            }
            if !detail.socialPosts.isEmpty {
                print("Social posts:")
                let rows = detail.socialPosts.map { post in
                    [post.platform.rawValue, post.status.rawValue,
                     SocialMetrics.pairs(post.metrics).isEmpty ? "-"
                        : SocialMetrics.pairs(post.metrics).map { "\($0.name) \(NumberText.grouped($0.value))" }.joined(separator: ", ")]
                }
                print(ContentCommand.indented(TextTable(header: ["platform", "status", "metrics"], rows: rows).rendered))
            }
            print("History (newest first):")
            if detail.history.isEmpty { print("  nothing yet") }
            for activity in detail.history {
                let what = ContentCommand.describe(activity, calendar: calendar)
                print("  \(ContentCommand.local(activity.createdAt, calendar))  \(activity.action)  by \(who(activity))\(what.isEmpty ? "" : "  \(what)")")
            }
        }
    }

    struct Schedule: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Move an item to a moment (`2026-12-03 09:30`, `tomorrow 9am`, `fri 2pm`, `+2d`), or take it off the calendar (--clear).")
        @OptionGroup var database: DatabaseOptions
        @Argument(help: "The content item's id.") var id: Int64
        @Argument(help: ArgumentHelp("When, in your time zone (quoted or not).", valueName: "when")) var when: [String] = []
        @Flag(help: "Take the item off the calendar.") var clear = false

        func validate() throws {
            if clear, !when.isEmpty { throw ValidationError("give a time or --clear, not both") }
            if !clear, when.isEmpty { throw ValidationError("say when (like \"tomorrow 9am\", \"2026-12-03 09:30\" or +2d), or --clear") }
        }

        func run() throws {
            let (db, session) = try database.choice.signIn()
            let service = ContentService(database: db)
            let change = clear
                ? try service.reschedule(id, at: nil, in: session)
                : try service.reschedule(id, to: when.joined(separator: " "), in: session)
            print(change.summary)
        }
    }

    struct Submit: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Send drafts for approval (each on its own; stops at the first refusal).")
        @OptionGroup var database: DatabaseOptions
        @Argument(help: "Content item ids.") var ids: [Int64]

        func run() throws {
            let (db, session) = try database.choice.signIn()
            let service = ContentService(database: db)
            for id in ContentCommand.unique(ids) { print(try service.submit(id, in: session).summary) }
        }
    }

    struct Approve: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Approve pending items, all in one go: if one may not be approved, none is. Items with a date become scheduled.")
        @OptionGroup var database: DatabaseOptions
        @Argument(help: "Content item ids.") var ids: [Int64]
        @Option(help: "A note for the author.") var comment: String?

        func run() throws {
            let (db, session) = try database.choice.signIn()
            print(try ContentService(database: db).approve(ContentCommand.unique(ids), comment: comment, in: session).summary)
        }
    }

    struct Reject: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Send pending items back to draft, all in one go, saying why (--comment).")
        @OptionGroup var database: DatabaseOptions
        @Argument(help: "Content item ids.") var ids: [Int64]
        @Option(help: "Why, so the author knows what to change (required).") var comment: String?

        func validate() throws {
            guard let comment, !comment.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
                throw ValidationError("reject needs --comment TEXT: say why, so the author knows what to change")
            }
        }

        func run() throws {
            let (db, session) = try database.choice.signIn()
            print(try ContentService(database: db).reject(ContentCommand.unique(ids), comment: comment, in: session).summary)
        }
    }

    // MARK: - Helpers

    /// A status by name (`pending_approval`, `pending approval`, `pending-approval` or `pending`).
    static func status(_ text: String) throws -> ContentStatus {
        let name = key(text)
        guard let status = ContentStatus(rawValue: name == "pending" ? ContentStatus.pendingApproval.rawValue : name) else {
            throw ValidationError("unknown status \"\(text)\": use one of " + ContentStatus.allCases.map(\.rawValue).joined(separator: ", "))
        }
        return status
    }

    /// A type by name (`landing_page`, `landing page`).
    static func type(_ text: String) throws -> ContentType {
        guard let type = ContentType(rawValue: key(text)) else {
            throw ValidationError("unknown type \"\(text)\": use one of " + ContentType.allCases.map(\.rawValue).joined(separator: ", "))
        }
        return type
    }

    static func key(_ text: String) -> String {
        text.trimmingCharacters(in: .whitespaces).lowercased().replacingOccurrences(of: " ", with: "_").replacingOccurrences(of: "-", with: "_")
    }

    /// A product of the organization by name (case and spaces aside).
    static func product(_ name: String, service: ContentService, session: Session) throws -> Product {
        let products = try service.products(in: session)
        let key = { (name: String) in String(name.lowercased().filter { !$0.isWhitespace }) }
        guard let match = products.first(where: { $0.name.lowercased() == name.lowercased() }) ?? products.first(where: { key($0.name) == key(name) }) else {
            throw CLIError("no product named \(name) (products: \(products.map(\.name).joined(separator: ", ")))")
        }
        return match
    }

    /// Ids in the order given, each once.
    static func unique(_ ids: [Int64]) -> [Int64] {
        var seen = Set<Int64>()
        return ids.filter { seen.insert($0).inserted }
    }

    /// `social (linkedin, twitter)` for a social post, the type otherwise.
    static func typeText(_ item: ContentListItem) -> String {
        item.platforms.isEmpty ? item.type.rawValue : "\(item.type.rawValue) (\(item.platforms.map(\.rawValue).joined(separator: ", ")))"
    }

    /// `2026-12-03 09:30` in `calendar`'s time zone.
    static func local(_ date: Date, _ calendar: Calendar) -> String {
        let parts = calendar.dateComponents([.year, .month, .day, .hour, .minute], from: date)
        return String(format: "%04d-%02d-%02d %02d:%02d", parts.year ?? 0, parts.month ?? 0, parts.day ?? 0, parts.hour ?? 0, parts.minute ?? 0)
    }

    /// How long something has waited: `3d 4h`, `5h 12m`, `7m`.
    static func waited(_ seconds: TimeInterval) -> String { DurationText.short(seconds) }

    /// An item as JSON: local times as shown, and ISO-8601 UTC times.
    static func json(_ item: ContentListItem, calendar: Calendar) -> [String: Any] {
        [
            "id": item.id, "title": item.title, "type": item.type.rawValue, "platforms": item.platforms.map(\.rawValue),
            "status": item.status.rawValue, "author": item.authorName, "author_id": item.authorId,
            "product": item.productName as Any, "product_id": item.productId as Any,
            "scheduled": item.scheduledAt.map { local($0, calendar) } as Any, "scheduled_at": item.scheduledAt.map(DealsCommand.iso) as Any,
            "submitted_at": item.submittedAt.map(DealsCommand.iso) as Any, "created_at": DealsCommand.iso(item.createdAt),
            "updated_at": DealsCommand.iso(item.updatedAt),
        ]
    }

    /// The comment a decision carried, if any.
    static func comment(_ activity: Activity) -> String? {
        ((DealsCommand.jsonObject(activity.metadata) as? [String: Any])?["comment"] as? String).flatMap { $0.isEmpty ? nil : $0 }
    }

    /// What an activity changed, in a few words: `status pending approval -> draft`, `comment "Too long"`.
    static func describe(_ activity: Activity, calendar: Calendar) -> String {
        guard let object = DealsCommand.jsonObject(activity.metadata) as? [String: Any] else { return "" }
        var parts: [String] = []
        if let before = object["before"] as? [String: Any], let after = object["after"] as? [String: Any] {
            let status = { (snapshot: [String: Any]) in (snapshot["status"] as? String).map { $0.replacingOccurrences(of: "_", with: " ") } ?? "none" }
            if status(before) != status(after) { parts.append("status \(status(before)) -> \(status(after))") }
            let parser = ISO8601DateFormatter()
            let moment = { (snapshot: [String: Any]) in
                (snapshot["scheduled_at"] as? String).map { text in parser.date(from: text).map { local($0, calendar) } ?? text } ?? "none"
            }
            if moment(before) != moment(after) { parts.append("scheduled \(moment(before)) -> \(moment(after))") }
        }
        if let comment = comment(activity) { parts.append("comment \"\(comment)\"") }
        if let undid = object["undid"] as? String { parts.append("undid \(undid)") }
        return parts.joined(separator: ", ")
    }

    static func indented(_ text: String) -> String {
        text.split(separator: "\n", omittingEmptySubsequences: false).map { "  " + $0 }.joined(separator: "\n")
    }
}
