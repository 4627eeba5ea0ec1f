import Foundation
internal import GRDB

/// Which content the calendar, the agenda or `funnel content list` shows.
public struct ContentFilter: Sendable, Equatable {
    public var type: ContentType?
    public var status: ContentStatus?
    public var productId: Int64?

    public init(type: ContentType? = nil, status: ContentStatus? = nil, productId: Int64? = nil) {
        self.type = type
        self.status = status
        self.productId = productId
    }

    /// Whether nothing narrows the content.
    public var isUnfiltered: Bool { type == nil && status == nil && productId == nil }
}

/// A piece of content as lists show it: no body, with its author's and product's names and,
/// for a social post, the platforms it goes to.
public struct ContentListItem: Sendable, Equatable, Identifiable {
    public let id: Int64
    public let title: String
    public let type: ContentType
    public let status: ContentStatus
    public let scheduledAt: Date?
    public let submittedAt: Date?
    public let createdAt: Date
    public let updatedAt: Date
    public let productId: Int64?
    public let productName: String?
    public let authorId: Int64
    public let authorName: String
    /// The social networks of its posts, in id order (empty unless it is a social post).
    public let platforms: [SocialPlatform]
    /// The version read with it (schema v6): a decision made on an older one is stale.
    public let version: Int64

    public init(id: Int64, title: String, type: ContentType, status: ContentStatus, scheduledAt: Date?, submittedAt: Date?,
                createdAt: Date, updatedAt: Date, productId: Int64?, productName: String?, authorId: Int64, authorName: String,
                platforms: [SocialPlatform], version: Int64 = 1) {
        self.id = id
        self.title = title
        self.type = type
        self.status = status
        self.scheduledAt = scheduledAt
        self.submittedAt = submittedAt
        self.createdAt = createdAt
        self.updatedAt = updatedAt
        self.productId = productId
        self.productName = productName
        self.authorId = authorId
        self.authorName = authorName
        self.platforms = platforms
        self.version = version
    }

    /// Its place in the approvals queue.
    public var queueKey: ContentQueueKey { ContentQueueKey(submittedAt: submittedAt ?? createdAt, id: id) }
}

/// A position in the approvals queue (oldest submission first).
public struct ContentQueueKey: Sendable, Hashable {
    public let submittedAt: Date
    public let id: Int64

    public init(submittedAt: Date, id: Int64) {
        self.submittedAt = submittedAt
        self.id = id
    }
}

extension StoreReader {
    static let contentSelect = """
        SELECT content.id, content.title, content.type, content.status, content.scheduled_at, content.submitted_at,
               content.created_at, content.updated_at, content.product_id, content.created_by,
               products.name AS product_name, users.name AS author_name,
               CASE content.type WHEN 'social' THEN
                 (SELECT group_concat(platform) FROM (SELECT platform FROM social_posts WHERE content_id = content.id ORDER BY id))
               END AS platforms, content.version
        FROM content
        LEFT JOIN products ON products.id = content.product_id
        JOIN users ON users.id = content.created_by
        """

    /// Decodes a row of `contentSelect` by column position (lists decode hundreds of rows a frame).
    static func contentItem(_ row: Row) throws -> ContentListItem {
        let typeText: String = row[2]
        let statusText: String = row[3]
        guard let type = ContentType(rawValue: typeText), let status = ContentStatus(rawValue: statusText) else {
            throw StoreError.constraint("content #\(row[0] as Int64? ?? 0) has an unknown type \(typeText) or status \(statusText)")
        }
        let platforms = (row[12] as String?).map { $0.split(separator: ",").compactMap { SocialPlatform(rawValue: String($0)) } } ?? []
        return ContentListItem(
            id: row[0], title: row[1], type: type, status: status, scheduledAt: row[4], submittedAt: row[5], createdAt: row[6],
            updatedAt: row[7], productId: row[8], productName: row[10], authorId: row[9], authorName: row[11], platforms: platforms,
            version: row[13])
    }

    /// The filter's conditions on scheduled content (every one answered by `idx_content_scheduled`).
    static func contentConditions(_ filter: ContentFilter) -> (sql: String, arguments: [any DatabaseValueConvertible]) {
        var sql = ""
        var arguments: [any DatabaseValueConvertible] = []
        if let type = filter.type { sql += " AND content.type = ?"; arguments.append(type.rawValue) }
        if let status = filter.status { sql += " AND content.status = ?"; arguments.append(status.rawValue) }
        if let product = filter.productId { sql += " AND content.product_id = ?"; arguments.append(product) }
        return (sql, arguments)
    }

    /// How many items are scheduled in each interval `[bounds[i], bounds[i + 1])`: one count per
    /// calendar day, each an index range (`idx_content_scheduled` covers the filter's columns).
    public func scheduledContentCounts(orgId: Int64, filter: ContentFilter, bounds: [Date]) throws -> [Int] {
        guard bounds.count > 1 else { return [] }
        let (conditions, filterArguments) = Self.contentConditions(filter)
        let statement = try db.cachedStatement(sql: """
            SELECT count(*) FROM content INDEXED BY idx_content_scheduled
            WHERE content.org_id = ? AND content.scheduled_at >= ? AND content.scheduled_at < ?\(conditions)
            """)
        var counts: [Int] = []
        counts.reserveCapacity(bounds.count - 1)
        for index in 0..<(bounds.count - 1) {
            let arguments: [any DatabaseValueConvertible] = [orgId, bounds[index], bounds[index + 1]] + filterArguments
            counts.append(try Int.fetchOne(statement, arguments: StatementArguments(arguments)) ?? 0)
        }
        return counts
    }

    /// The items scheduled in `[from, to)`, soonest first, at most `limit`; after the item with
    /// `after` (its time and id) when given. Read in index order: the scan stops at the limit.
    public func scheduledContent(orgId: Int64, filter: ContentFilter, from: Date, to: Date, after: (Date, Int64)? = nil,
                                 limit: Int) throws -> [ContentListItem] {
        let (conditions, filterArguments) = Self.contentConditions(filter)
        var arguments: [any DatabaseValueConvertible] = [orgId, from, to]
        var keyCondition = ""
        if let (at, id) = after {
            keyCondition = " AND (content.scheduled_at, content.id) > (?, ?)"
            arguments += [at, id]
        }
        return try Row.fetchAll(db.cachedStatement(sql: """
            \(Self.contentSelect)
            WHERE content.org_id = ? AND content.scheduled_at >= ? AND content.scheduled_at < ?\(keyCondition)\(conditions)
            ORDER BY content.scheduled_at, content.id LIMIT ?
            """), arguments: StatementArguments(arguments + filterArguments + [limit])).map(Self.contentItem)
    }

    /// One page of the approvals queue after `key` (from the oldest when nil), oldest first.
    public func pendingContent(orgId: Int64, after key: ContentQueueKey?, limit: Int) throws -> [ContentListItem] {
        try pendingPage(orgId: orgId, key: key, forward: true, limit: limit)
    }

    /// One page of the approvals queue before `key` (the newest page when nil), oldest first.
    public func pendingContent(orgId: Int64, before key: ContentQueueKey?, limit: Int) throws -> [ContentListItem] {
        try pendingPage(orgId: orgId, key: key, forward: false, limit: limit).reversed()
    }

    func pendingPage(orgId: Int64, key: ContentQueueKey?, forward: Bool, limit: Int) throws -> [ContentListItem] {
        var sql = "\(Self.contentSelect) WHERE content.org_id = ? AND content.status = 'pending_approval'"
        var arguments: [any DatabaseValueConvertible] = [orgId]
        if let key {
            sql += " AND (content.submitted_at, content.id) \(forward ? ">" : "<") (?, ?)"
            arguments += [key.submittedAt, key.id]
        }
        sql += forward ? " ORDER BY content.submitted_at, content.id LIMIT ?" : " ORDER BY content.submitted_at DESC, content.id DESC LIMIT ?"
        return try Row.fetchAll(db.cachedStatement(sql: sql), arguments: StatementArguments(arguments + [limit])).map(Self.contentItem)
    }

    /// How many items wait before `key` in the approvals queue (its row number), through the index.
    public func pendingPosition(orgId: Int64, key: ContentQueueKey) throws -> Int {
        try Int.fetchOne(db, sql: """
            SELECT count(*) FROM content WHERE org_id = ? AND status = 'pending_approval' AND (submitted_at, id) < (?, ?)
            """, arguments: [orgId, key.submittedAt, key.id]) ?? 0
    }

    /// Content of an organization, newest first, for `funnel content list`; after the item with
    /// `(createdAt, id)` when given. With a status filter it walks `(org_id, status)`.
    public func contentList(orgId: Int64, filter: ContentFilter, after key: (createdAt: Date, id: Int64)?, limit: Int) throws -> [ContentListItem] {
        let (conditions, filterArguments) = Self.contentConditions(filter)
        var sql = "\(Self.contentSelect) WHERE content.org_id = ?\(conditions)"
        var arguments: [any DatabaseValueConvertible] = [orgId] + filterArguments
        if let key {
            sql += " AND (content.created_at, content.id) < (?, ?)"
            arguments += [key.createdAt, key.id]
        }
        sql += " ORDER BY content.created_at DESC, content.id DESC LIMIT ?"
        return try Row.fetchAll(db, sql: sql, arguments: StatementArguments(arguments + [limit])).map(Self.contentItem)
    }

    /// One item of the organization as lists show it (`StoreError.notFound` when there is none).
    public func contentItem(id: Int64, orgId: Int64) throws -> ContentListItem {
        guard let item = try Row.fetchOne(db, sql: "\(Self.contentSelect) WHERE content.id = ? AND content.org_id = ?", arguments: [id, orgId])
            .map(Self.contentItem) else { throw StoreError.notFound(entity: "content item", id: id) }
        return item
    }

    /// The email campaigns sent from an item.
    public func emailCampaigns(contentId: Int64, orgId: Int64) throws -> [EmailCampaign] {
        try EmailCampaign.rows.filter(Column("content_id") == contentId && Column("org_id") == orgId).order(Column("id")).fetchAll(db).map(\.value)
    }

    /// The social posts made from an item of the organization.
    public func socialPosts(contentId: Int64, orgId: Int64) throws -> [SocialPost] {
        try RecordRow<SocialPost>.fetchAll(db, sql: """
            SELECT social_posts.* FROM social_posts JOIN content ON content.id = social_posts.content_id
            WHERE social_posts.content_id = ? AND content.org_id = ? ORDER BY social_posts.id
            """, arguments: [contentId, orgId]).map(\.value)
    }
}
