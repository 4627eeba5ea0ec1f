import Foundation
import FunnelStore

/// Everything Funnel shows about one piece of content.
public struct ContentDetail: Sendable {
    public let item: ContentListItem
    public let body: String
    /// The email campaigns sent from it (subject, sent and opened counts).
    public let campaigns: [EmailCampaign]
    /// The social posts made from it (platform, status, metrics).
    public let socialPosts: [SocialPost]
    /// Its history in the audit trail (submissions, approvals, rejections with comments), newest first.
    public let history: [Activity]
    /// The names of the people in the history, by user id.
    public let people: [Int64: String]
}

/// What a change to a piece of content did, so it can be undone.
public struct ContentChange: VersionedChange, Equatable {
    public enum Undo: Sendable, Equatable {
        /// Put the items' fields back as they were.
        case restore([Content])
        /// Delete an item that was created.
        case delete(contentId: Int64)
    }

    /// What was done (`rescheduled`, `created`, `edited`, `submitted`, `approved`, `rejected`).
    public let action: String
    public let undo: Undo
    /// A line for the status bar.
    public let summary: String
    /// The items changed.
    public let contentIds: [Int64]
    /// When the (first) item is now scheduled, if it is.
    public let scheduledAt: Date?
    /// The version each item was left at (an undo is refused once someone changed it since).
    public var versionsAfter: [Int64: Int64]

    public init(action: String, undo: Undo, summary: String, contentIds: [Int64], scheduledAt: Date?, versionsAfter: [Int64: Int64]) {
        self.action = action
        self.undo = undo
        self.summary = summary
        self.contentIds = contentIds
        self.scheduledAt = scheduledAt
        self.versionsAfter = versionsAfter
    }

    public var versionsBefore: [Int64: Int64] {
        switch undo {
        case .restore(let items): return Dictionary(items.compactMap { item in item.id.map { ($0, item.version) } }, uniquingKeysWith: { a, _ in a })
        case .delete: return [:]
        }
    }
}

/// The content calendar and the approvals queue: reading, and every change, each checked by
/// permission and written with its activity in the same transaction.
///
/// Rules: scheduling needs `content.schedule`, drafting and editing `content.edit`, submitting
/// `content.submit`, deciding `content.approve`; nobody decides on their own content; a
/// rejection needs a comment; approved content with a date becomes `scheduled`.
public struct ContentService: Sendable {
    let database: any Store
    let clock: @Sendable () -> Date
    /// The user's calendar and time zone: times are shown and typed in it, stored in UTC.
    public let calendar: Calendar

    public init(database: any Store, clock: @escaping @Sendable () -> Date = WallClock.now, calendar: Calendar = .current) {
        self.database = database
        self.clock = clock
        self.calendar = calendar
    }

    /// The longest comment a decision may carry.
    public static let maxComment = 2_000

    // MARK: - Reading

    /// How many items are scheduled in each interval between consecutive `bounds` (calendar days).
    public func dayCounts(_ filter: ContentFilter, bounds: [Date], in session: Session) throws -> [Int] {
        try session.require(.contentView)
        return try ServiceError.wrapping {
            try database.snapshot { try $0.scheduledContentCounts(orgId: session.orgId, filter: filter, bounds: bounds) }
        }
    }

    /// The items scheduled in `[from, to)`, soonest first; after `item` when given (the next page).
    public func scheduled(_ filter: ContentFilter, from: Date, to: Date, after item: ContentListItem? = nil, limit: Int = 500,
                          in session: Session) throws -> [ContentListItem] {
        try session.require(.contentView)
        let key = item.flatMap { item in item.scheduledAt.map { ($0, item.id) } }
        return try ServiceError.wrapping {
            try database.snapshot { try $0.scheduledContent(orgId: session.orgId, filter: filter, from: from, to: to, after: key, limit: limit) }
        }
    }

    /// The first `limit` items of each interval between consecutive `bounds`, in one read.
    public func dayItems(_ filter: ContentFilter, bounds: [Date], limit: Int, in session: Session) throws -> [[ContentListItem]] {
        try session.require(.contentView)
        guard bounds.count > 1, limit > 0 else { return Array(repeating: [], count: max(0, bounds.count - 1)) }
        return try ServiceError.wrapping {
            try database.snapshot { reader in
                try (0..<(bounds.count - 1)).map { index in
                    try reader.scheduledContent(orgId: session.orgId, filter: filter, from: bounds[index], to: bounds[index + 1], limit: limit)
                }
            }
        }
    }

    /// Content of the organization, newest first (for `funnel content list`).
    public func list(_ filter: ContentFilter, after key: (createdAt: Date, id: Int64)? = nil, limit: Int = 50, in session: Session) throws -> [ContentListItem] {
        try session.require(.contentView)
        return try ServiceError.wrapping {
            try database.snapshot { try $0.contentList(orgId: session.orgId, filter: filter, after: key, limit: limit) }
        }
    }

    /// How many items wait for approval (maintained by the schema).
    public func queueCount(in session: Session) throws -> Int {
        try session.require(.contentView)
        return try ServiceError.wrapping { try database.snapshot { try $0.contentStatusCounts(orgId: session.orgId)[.pendingApproval] ?? 0 } }
    }

    /// How many items of each status the organization has (maintained by the schema).
    public func statusCounts(in session: Session) throws -> [ContentStatus: Int] {
        try session.require(.contentView)
        return try ServiceError.wrapping { try database.snapshot { try $0.contentStatusCounts(orgId: session.orgId) } }
    }

    /// A page of the approvals queue after `key` (from the oldest), oldest first.
    public func queue(after key: ContentQueueKey?, limit: Int = 50, in session: Session) throws -> [ContentListItem] {
        try session.require(.contentView)
        return try ServiceError.wrapping { try database.snapshot { try $0.pendingContent(orgId: session.orgId, after: key, limit: limit) } }
    }

    /// A page of the approvals queue before `key` (the newest page when nil), oldest first.
    public func queue(before key: ContentQueueKey?, limit: Int = 50, in session: Session) throws -> [ContentListItem] {
        try session.require(.contentView)
        return try ServiceError.wrapping { try database.snapshot { try $0.pendingContent(orgId: session.orgId, before: key, limit: limit) } }
    }

    /// The row number of a pending item in the queue.
    public func queuePosition(of item: ContentListItem, in session: Session) throws -> Int {
        try session.require(.contentView)
        return try ServiceError.wrapping { try database.snapshot { try $0.pendingPosition(orgId: session.orgId, key: item.queueKey) } }
    }

    /// One item as lists show it.
    public func item(_ contentId: Int64, in session: Session) throws -> ContentListItem {
        try session.require(.contentView)
        return try ServiceError.wrapping {
            try database.snapshot { try $0.contentItem(id: contentId, orgId: session.orgId) }
        }
    }

    /// An item with its body, linked campaigns and posts, and its history.
    public func detail(_ contentId: Int64, in session: Session) throws -> ContentDetail {
        try session.require(.contentView)
        return try ServiceError.wrapping {
            try database.snapshot { reader in
                let item = try reader.contentItem(id: contentId, orgId: session.orgId)
                let content = try reader.require(Content.self, id: contentId, orgId: session.orgId)
                let history = try reader.activities(orgId: session.orgId, entityType: .content, entityId: contentId, limit: 50)
                let people = try reader.userNames(orgId: session.orgId)
                return ContentDetail(
                    item: item, body: content.body, campaigns: try reader.emailCampaigns(contentId: contentId, orgId: session.orgId),
                    socialPosts: try reader.socialPosts(contentId: contentId, orgId: session.orgId), history: history, people: people)
            }
        }
    }

    /// The organization's products (for the product filter and new drafts).
    public func products(in session: Session) throws -> [Product] {
        try session.require(.contentView)
        return try ServiceError.wrapping { try database.snapshot { try $0.products(orgId: session.orgId) } }
    }

    // MARK: - Changes

    /// Moves an item to the moment `text` names (`2026-12-03 09:30`, `tomorrow 9am`, `+2d`);
    /// an approved item with a date becomes scheduled.
    @discardableResult
    public func reschedule(_ contentId: Int64, to text: String, expecting version: Int64? = nil, in session: Session) throws -> ContentChange {
        try session.require(.contentSchedule)
        let current = try ServiceError.wrapping { try database.snapshot { try $0.require(Content.self, id: contentId, orgId: session.orgId) } }
        switch DateTimeInput.moment(text, now: clock(), base: current.scheduledAt, calendar: calendar) {
        case .failure(let error): throw ServiceError.invalid(field: "when", problem: error.problem)
        case .success(let date): return try reschedule(contentId, at: date, expecting: version, in: session)
        }
    }

    /// Moves an item to `date` (nil takes it off the calendar).
    @discardableResult
    public func reschedule(_ contentId: Int64, at date: Date?, expecting version: Int64? = nil, in session: Session) throws -> ContentChange {
        try session.require(.contentSchedule)
        let now = clock()
        return try change([contentId], action: "rescheduled", expecting: version.map { [contentId: $0] } ?? [:], outcome: "not moved", in: session) { content, _ in
            guard content.status != .published, content.status != .archived else {
                throw ServiceError.invalid(field: "when", problem: "\(Self.name(content)) is \(content.status.label): it can no longer move")
            }
            if let date, date < now {
                throw ServiceError.invalid(field: "when", problem: "\(DateTimeInput.describe(date, calendar: calendar)) is in the past")
            }
            content.scheduledAt = date.map(Self.wholeSeconds)
            if date != nil, content.status == .approved { content.status = .scheduled }
            if date == nil, content.status == .scheduled { content.status = .approved }
            guard let date else { return "Took \(Self.name(content)) off the calendar" }
            return "Moved \(Self.name(content)) to \(DateTimeInput.describe(date, calendar: calendar))"
        }
    }

    /// A new draft, on `date` when given.
    @discardableResult
    public func createDraft(title: String, type: ContentType, at date: Date?, productId: Int64? = nil, body: String = "",
                            in session: Session) throws -> ContentChange {
        try session.require(.contentEdit)
        let title = title.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !title.isEmpty else { throw ServiceError.invalid(field: "title", problem: "give the draft a title") }
        guard title.count <= 300 else { throw ServiceError.invalid(field: "title", problem: "at most 300 characters") }
        try TypedText.refuseNUL(title, field: "title")
        try Self.checkBody(body)
        let now = clock()
        return try ServiceError.wrapping {
            try database.transaction { tx in
                if let productId { _ = try tx.require(Product.self, id: productId, orgId: session.orgId) }
                var content = Content(orgId: session.orgId, createdBy: session.userId, productId: productId, title: title, body: body,
                                      type: type, status: .draft, scheduledAt: date.map(Self.wholeSeconds), createdAt: now, updatedAt: now)
                try tx.insert(&content)
                let id = content.id ?? 0
                try tx.record(AuditTrail.activity("created", on: .content, id: id, by: session, before: nil as ContentSnapshot?,
                                                  after: ContentSnapshot(content), at: now))
                return ContentChange(action: "created", undo: .delete(contentId: id), summary: "Drafted \(Self.name(content))",
                                     contentIds: [id], scheduledAt: content.scheduledAt, versionsAfter: [id: content.version])
            }
        }
    }

    /// Replaces an item's body (and title, when given). Content waiting for or past approval goes
    /// back to draft: what was approved is not what will be published any more.
    @discardableResult
    public func edit(_ contentId: Int64, body: String, title: String? = nil, expecting version: Int64? = nil, in session: Session) throws -> ContentChange {
        try session.require(.contentEdit)
        try Self.checkBody(body)
        let newTitle = title?.trimmingCharacters(in: .whitespacesAndNewlines)
        if let newTitle {
            guard !newTitle.isEmpty else { throw ServiceError.invalid(field: "title", problem: "a title cannot be empty") }
            guard newTitle.count <= 300 else { throw ServiceError.invalid(field: "title", problem: "at most 300 characters") }
            try TypedText.refuseNUL(newTitle, field: "title")
        }
        return try change([contentId], action: "edited", expecting: version.map { [contentId: $0] } ?? [:], outcome: "not saved", in: session) { content, _ in
            guard content.status != .published, content.status != .archived else {
                throw ServiceError.invalid(field: "body", problem: "\(Self.name(content)) is \(content.status.label): it can no longer change")
            }
            guard content.body != body || (newTitle != nil && newTitle != content.title) else {
                throw ServiceError.invalid(field: "body", problem: "nothing changed")
            }
            let wasDecided = [.pendingApproval, .approved, .scheduled].contains(content.status)
            content.body = body
            if let newTitle { content.title = newTitle }
            if wasDecided { content.status = .draft }
            return "Saved \(Self.name(content))" + (wasDecided ? ": back to draft, submit it again" : "")
        }
    }

    /// Sends a draft for approval.
    @discardableResult
    public func submit(_ contentId: Int64, expecting version: Int64? = nil, in session: Session) throws -> ContentChange {
        try session.require(.contentSubmit)
        let now = clock()
        return try change([contentId], action: "submitted", expecting: version.map { [contentId: $0] } ?? [:], outcome: "not submitted", in: session) { content, _ in
            guard content.status == .draft else {
                throw ServiceError.invalid(field: "status", problem: "\(Self.name(content)) is \(content.status.label); only a draft can be submitted")
            }
            content.status = .pendingApproval
            content.submittedAt = now
            return "Submitted \(Self.name(content)) for approval"
        }
    }

    /// Approves pending items, all in one transaction: if one may not be approved, none is.
    @discardableResult
    public func approve(_ contentIds: [Int64], comment: String? = nil, expecting versions: [Int64: Int64] = [:], in session: Session) throws -> ContentChange {
        try session.require(.contentApprove)
        guard !contentIds.isEmpty else { throw ServiceError.invalid(field: "content", problem: "nothing chosen to approve") }
        let comment = try Self.checkComment(comment, required: false)
        let now = clock()
        return try change(contentIds, action: "approved", expecting: versions, outcome: "nothing approved", in: session, details: comment.map { ["comment": $0] } ?? [:]) { content, _ in
            try requireDecidable(content, in: session)
            // Approved content with a date is on the calendar: scheduled, unless its time has passed.
            if let date = content.scheduledAt, date > now { content.status = .scheduled } else { content.status = .approved }
            return contentIds.count == 1
                ? "Approved \(Self.name(content))" + (content.status == .scheduled ? ": scheduled for \(DateTimeInput.describe(content.scheduledAt ?? now, calendar: calendar))" : "")
                : "Approved \(contentIds.count) items"
        }
    }

    /// Sends pending items back to draft with a comment saying why (required).
    @discardableResult
    public func reject(_ contentIds: [Int64], comment: String?, expecting versions: [Int64: Int64] = [:], in session: Session) throws -> ContentChange {
        try session.require(.contentApprove)
        guard !contentIds.isEmpty else { throw ServiceError.invalid(field: "content", problem: "nothing chosen to reject") }
        let comment = try Self.checkComment(comment, required: true) ?? ""
        return try change(contentIds, action: "rejected", expecting: versions, outcome: "nothing rejected", in: session, details: ["comment": comment]) { content, _ in
            try requireDecidable(content, in: session)
            content.status = .draft
            return contentIds.count == 1 ? "Sent \(Self.name(content)) back to draft" : "Sent \(contentIds.count) items back to draft"
        }
    }

    /// Undoes a change: restores the items' earlier fields, or deletes a created draft; refused (all
    /// of it) when someone changed an item since, saying who changed what. Returns the versions the
    /// items are left at.
    @discardableResult
    public func undo(_ change: ContentChange, in session: Session) throws -> [Int64: Int64] {
        let now = clock()
        return try ServiceError.wrapping {
            try database.transaction { tx -> [Int64: Int64] in
                var versions: [Int64: Int64] = [:]
                switch change.undo {
                case .delete(let id):
                    try session.require(.contentEdit)
                    let before = try tx.require(Content.self, id: id, orgId: session.orgId)
                    try StaleCheck.require(before, at: change.versionsAfter[id], "not deleted", tx: tx, session: session, now: now)
                    try tx.delete(Content.self, id: id, orgId: session.orgId)
                    try tx.record(AuditTrail.activity("deleted", on: .content, id: id, by: session, before: ContentSnapshot(before),
                                                      after: nil as ContentSnapshot?, details: ["undid": change.action], at: now))
                case .restore(let previous):
                    try session.require(Self.permission(for: change.action))
                    for earlier in previous {
                        let id = earlier.id ?? 0
                        guard var content = try tx.fetch(Content.self, id: id, orgId: session.orgId) else {
                            throw ServiceError.stale("\(Self.name(earlier)) no longer exists: not undone")
                        }
                        try StaleCheck.require(content, at: change.versionsAfter[id], "not undone", tx: tx, session: session, now: now)
                        let before = ContentSnapshot(content)
                        content.title = earlier.title
                        content.body = earlier.body
                        content.status = earlier.status
                        content.scheduledAt = earlier.scheduledAt
                        content.submittedAt = earlier.submittedAt
                        content.updatedAt = now
                        try tx.update(content)
                        try tx.record(AuditTrail.activity("undone", on: .content, id: id, by: session, before: before, after: ContentSnapshot(content),
                                                          details: ["undid": change.action], at: now))
                        versions[id] = try tx.require(Content.self, id: id, orgId: session.orgId).version
                    }
                }
                return versions
            }
        }
    }

    // MARK: - Rules

    /// Whether this session may decide on `item` (and if not, why not), for the screen to say before asking.
    public func refusal(toDecide item: ContentListItem, in session: Session) -> String? {
        guard session.can(.contentApprove) else {
            return ServiceError.permissionDenied(permission: .contentApprove, user: session.user.email, role: session.role.name).description
        }
        if item.authorId == session.userId { return Self.ownContentRefusal(item.title) }
        if item.status != .pendingApproval { return "\"\(item.title)\" is \(item.status.label), not waiting for approval" }
        return nil
    }

    func requireDecidable(_ content: Content, in session: Session) throws {
        guard content.status == .pendingApproval else {
            throw ServiceError.invalid(field: "status", problem: "\(Self.name(content)) is \(content.status.label), not waiting for approval")
        }
        guard content.createdBy != session.userId else { throw ServiceError.forbidden(Self.ownContentRefusal(content.title)) }
    }

    static func ownContentRefusal(_ title: String) -> String {
        "you wrote \"\(title)\": someone else with content.approve must decide on it"
    }

    static func permission(for action: String) -> Permission {
        switch action {
        case "rescheduled": return .contentSchedule
        case "submitted": return .contentSubmit
        case "approved", "rejected": return .contentApprove
        default: return .contentEdit
        }
    }

    static func checkBody(_ body: String) throws {
        guard body.utf8.count <= 1_000_000 else { throw ServiceError.invalid(field: "body", problem: "at most 1,000,000 bytes") }
        try TypedText.refuseNUL(body, field: "body")
    }

    static func checkComment(_ comment: String?, required: Bool) throws -> String? {
        let trimmed = comment?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
        if trimmed.isEmpty {
            if required { throw ServiceError.invalid(field: "comment", problem: "say why, so the author knows what to change") }
            return nil
        }
        guard trimmed.count <= maxComment else { throw ServiceError.invalid(field: "comment", problem: "at most 2,000 characters") }
        try TypedText.refuseNUL(trimmed, field: "comment")
        return trimmed
    }

    static func name(_ content: Content) -> String { "#\(content.id ?? 0) \"\(content.title)\"" }

    /// Times are stored to the second (what a person schedules).
    static func wholeSeconds(_ date: Date) -> Date { Date(timeIntervalSince1970: date.timeIntervalSince1970.rounded(.down)) }

    /// Reads the items, applies `apply` to each (it returns the summary), writes them and their
    /// activities in one transaction.
    func change(_ contentIds: [Int64], action: String, expecting versions: [Int64: Int64], outcome: String, in session: Session,
                details: [String: String] = [:], apply: (inout Content, any StoreWriting) throws -> String) throws -> ContentChange {
        let now = clock()
        return try ServiceError.wrapping {
            try database.transaction { tx in
                var previous: [Content] = []
                var after: [Int64: Int64] = [:]
                var summary = ""
                var firstScheduled: Date?
                for (index, contentId) in contentIds.enumerated() {
                    var content = try tx.require(Content.self, id: contentId, orgId: session.orgId)
                    try StaleCheck.require(content, at: versions[contentId], outcome, tx: tx, session: session, now: now)
                    let before = content
                    summary = try apply(&content, tx)
                    content.updatedAt = now
                    try tx.update(content)
                    try tx.record(AuditTrail.activity(action, on: .content, id: contentId, by: session, before: ContentSnapshot(before),
                                                      after: ContentSnapshot(content), details: details, at: now))
                    previous.append(before)
                    after[contentId] = try tx.require(Content.self, id: contentId, orgId: session.orgId).version
                    if index == 0 { firstScheduled = content.scheduledAt }
                }
                return ContentChange(action: action, undo: .restore(previous), summary: summary, contentIds: contentIds, scheduledAt: firstScheduled,
                                     versionsAfter: after)
            }
        }
    }
}

/// What an activity records of a piece of content (the body by its length: it can be a megabyte).
struct ContentSnapshot: Encodable {
    let title: String
    let status: String
    let scheduledAt: Date?
    let bodyCharacters: Int

    init(_ content: Content) {
        title = content.title
        status = content.status.rawValue
        scheduledAt = content.scheduledAt
        bodyCharacters = content.body.count
    }

    enum CodingKeys: String, CodingKey {
        case title, status, scheduledAt = "scheduled_at", bodyCharacters = "body_characters"
    }
}

extension ContentStatus {
    /// In words: "pending approval".
    public var label: String { rawValue.replacingOccurrences(of: "_", with: " ") }
}

extension ContentType {
    /// In words: "landing page", "email campaign", "social post".
    public var label: String {
        switch self {
        case .email: return "email campaign"
        case .social: return "social post"
        default: return rawValue.replacingOccurrences(of: "_", with: " ")
        }
    }
}

/// A social post's metrics (`{"impressions": 1200, "likes": 40}`) as ordered name/value pairs.
public enum SocialMetrics {
    public static func pairs(_ json: String) -> [(name: String, value: Int)] {
        guard let data = json.data(using: .utf8),
              let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else { return [] }
        let order = ["impressions", "likes", "shares", "comments", "clicks"]
        return object.compactMap { key, value in (value as? NSNumber).map { (key, $0.intValue) } }
            .sorted { (order.firstIndex(of: $0.name) ?? 99, $0.name) < (order.firstIndex(of: $1.name) ?? 99, $1.name) }
    }

    /// An email campaign's open rate in percent, when it sent anything.
    public static func openRate(_ campaign: EmailCampaign) -> Double? {
        campaign.sentCount > 0 ? Double(campaign.openedCount) * 100 / Double(campaign.sentCount) : nil
    }
}
