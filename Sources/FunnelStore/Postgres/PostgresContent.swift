import Foundation

// The content domain on PostgreSQL (the contract's `ContentReading`): the calendar's counts and
// days, the approvals queue and the list, as the SQLite store reads them (ContentRequests.swift,
// Overview.swift), through `idx_content_scheduled`, `idx_content_pending_approval`,
// `idx_content_org_created` and `idx_content_org_status`.

extension PostgresReader: ContentReading {
    /// An item as lists show it, by column position (`contentItem`).
    static let contentSelect = """
        SELECT content.id, content.title, content.type, content.status, content.scheduled_at, content.submitted_at,
               content.created_at, content.updated_at, content.product_id, content.created_by,
               products.name AS product_name, users.name AS author_name,
               CASE content.type WHEN 'social' THEN
                 (SELECT string_agg(platform, ',' ORDER BY id) FROM social_posts WHERE content_id = content.id)
               END AS platforms, content.version
        FROM content
        LEFT JOIN products ON products.id = content.product_id
        JOIN users ON users.id = content.created_by
        """

    static func contentItem(_ row: PGRow) throws -> ContentListItem {
        let typeText = try row.string(2)
        let statusText = try row.string(3)
        guard let type = ContentType(rawValue: typeText), let status = ContentStatus(rawValue: statusText) else {
            throw StoreError.constraint("content #\(try row.int(0)) has an unknown type \(typeText) or status \(statusText)")
        }
        let platforms = try row.optionalString(12).map { $0.split(separator: ",").compactMap { SocialPlatform(rawValue: String($0)) } } ?? []
        return ContentListItem(
            id: try row.int(0), title: try row.string(1), type: type, status: status, scheduledAt: try row.optionalDate(4),
            submittedAt: try row.optionalDate(5), createdAt: try row.date(6), updatedAt: try row.date(7), productId: try row.optionalInt(8),
            productName: try row.optionalString(10), authorId: try row.int(9), authorName: try row.string(11), platforms: platforms,
            version: try row.int(13))
    }

    /// The filter's conditions (every one answered by `idx_content_scheduled`), values added to `arguments`.
    static func contentConditions(_ filter: ContentFilter, _ arguments: inout PGArgumentList) -> String {
        var sql = ""
        if let type = filter.type { sql += " AND content.type = \(arguments.add(type.rawValue))" }
        if let status = filter.status { sql += " AND content.status = \(arguments.add(status.rawValue))" }
        if let product = filter.productId { sql += " AND content.product_id = \(arguments.add(product))" }
        return sql
    }

    /// One statement for every interval: a count per row of a `VALUES` list of bounds, each an
    /// index range of `idx_content_scheduled` (one round trip for a month of days).
    func scheduledContentCounts(orgId: Int64, filter: ContentFilter, bounds: [Date]) throws -> [Int] {
        guard bounds.count > 1 else { return [] }
        var counts: [Int] = []
        counts.reserveCapacity(bounds.count - 1)
        // At most a few hundred intervals a statement (two parameters each).
        let chunk = 500
        var start = 0
        while start < bounds.count - 1 {
            let end = min(start + chunk, bounds.count - 1)
            var arguments = PGArgumentList()
            let org = arguments.add(orgId)
            let conditions = Self.contentConditions(filter, &arguments)
            let intervals = (start..<end).enumerated().map { offset, index -> String in
                "(\(offset), \(arguments.add(bounds[index]))::timestamptz, \(arguments.add(bounds[index + 1]))::timestamptz)"
            }.joined(separator: ", ")
            counts += try all("""
                SELECT (SELECT count(*) FROM content WHERE content.org_id = \(org) AND content.scheduled_at >= b.low
                          AND content.scheduled_at < b.high\(conditions))
                FROM (VALUES \(intervals)) AS b(position, low, high) ORDER BY b.position
                """, arguments.values) { Int(try $0.int(0)) }
            start = end
        }
        return counts
    }

    func scheduledContent(orgId: Int64, filter: ContentFilter, from: Date, to: Date, after: (Date, Int64)?, limit: Int) throws -> [ContentListItem] {
        var arguments = PGArgumentList()
        var sql = "\(Self.contentSelect) WHERE content.org_id = \(arguments.add(orgId)) AND content.scheduled_at >= \(arguments.add(from))"
        sql += " AND content.scheduled_at < \(arguments.add(to))"
        if let (at, id) = after {
            sql += " AND (content.scheduled_at, content.id) > (\(arguments.add(at)), \(arguments.add(id)))"
        }
        sql += Self.contentConditions(filter, &arguments)
        sql += " ORDER BY content.scheduled_at, content.id LIMIT \(arguments.add(limit))"
        return try all(sql, arguments.values, Self.contentItem)
    }

    func pendingContent(orgId: Int64, after key: ContentQueueKey?, limit: Int) throws -> [ContentListItem] {
        try pendingPage(orgId: orgId, key: key, forward: true, limit: limit)
    }

    func pendingContent(orgId: Int64, before key: ContentQueueKey?, limit: Int) throws -> [ContentListItem] {
        try pendingPage(orgId: orgId, key: key, forward: false, limit: limit).reversed()
    }

    /// A page of the queue through `idx_content_pending_approval` `(org_id, submitted_at, id)`.
    func pendingPage(orgId: Int64, key: ContentQueueKey?, forward: Bool, limit: Int) throws -> [ContentListItem] {
        var arguments = PGArgumentList()
        var sql = "\(Self.contentSelect) WHERE content.org_id = \(arguments.add(orgId)) AND content.status = 'pending_approval'"
        if let key {
            sql += " AND (content.submitted_at, content.id) \(forward ? ">" : "<") (\(arguments.add(key.submittedAt)), \(arguments.add(key.id)))"
        }
        sql += forward ? " ORDER BY content.submitted_at, content.id" : " ORDER BY content.submitted_at DESC, content.id DESC"
        sql += " LIMIT \(arguments.add(limit))"
        return try all(sql, arguments.values, Self.contentItem)
    }

    func pendingPosition(orgId: Int64, key: ContentQueueKey) throws -> Int {
        Int(try scalar(Int64.self, """
            SELECT count(*) FROM content WHERE org_id = $1 AND status = 'pending_approval' AND (submitted_at, id) < ($2, $3)
            """, [orgId, key.submittedAt, key.id]) ?? 0)
    }

    func contentList(orgId: Int64, filter: ContentFilter, after key: (createdAt: Date, id: Int64)?, limit: Int) throws -> [ContentListItem] {
        var arguments = PGArgumentList()
        var sql = "\(Self.contentSelect) WHERE content.org_id = \(arguments.add(orgId))"
        sql += Self.contentConditions(filter, &arguments)
        if let key {
            sql += " AND (content.created_at, content.id) < (\(arguments.add(key.createdAt)), \(arguments.add(key.id)))"
        }
        sql += " ORDER BY content.created_at DESC, content.id DESC LIMIT \(arguments.add(limit))"
        return try all(sql, arguments.values, Self.contentItem)
    }

    func contentItem(id: Int64, orgId: Int64) throws -> ContentListItem {
        guard let item = try one("\(Self.contentSelect) WHERE content.id = $1 AND content.org_id = $2", [id, orgId], Self.contentItem) else {
            throw StoreError.notFound(entity: "content item", id: id)
        }
        return item
    }

    func emailCampaigns(contentId: Int64, orgId: Int64) throws -> [EmailCampaign] {
        try records(EmailCampaign.self, "WHERE content_id = $1 AND org_id = $2 ORDER BY id", [contentId, orgId])
    }

    func socialPosts(contentId: Int64, orgId: Int64) throws -> [SocialPost] {
        try records(SocialPost.self, """
            WHERE content_id = $1 AND EXISTS (SELECT 1 FROM content WHERE content.id = social_posts.content_id AND content.org_id = $2)
            ORDER BY id
            """, [contentId, orgId])
    }

    func contentStatusCounts(orgId: Int64) throws -> [ContentStatus: Int] {
        var counts: [ContentStatus: Int] = [:]
        for (status, count) in try all("SELECT status, content_count FROM content_status_counts WHERE org_id = $1", [orgId], {
            (try $0.string(0), Int(try $0.int(1)))
        }) {
            if let status = ContentStatus(rawValue: status) { counts[status] = count }
        }
        return counts
    }
}
