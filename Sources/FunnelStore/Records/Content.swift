import Foundation
internal import GRDB

/// A piece of marketing content: a blog post, an email, a social post...
public struct Content: Codable, Sendable, Equatable, Identifiable {
    public var id: Int64?
    public var orgId: Int64
    public var createdBy: Int64
    public var productId: Int64?
    public var title: String
    public var body: String
    public var type: ContentType
    public var status: ContentStatus
    public var scheduledAt: Date?
    /// When the content was last submitted for approval.
    public var submittedAt: Date?
    public var createdAt: Date
    public var updatedAt: Date
    /// Raised by the database whenever a field a person can change is written with another value
    /// (schema v6): a change made on an older version is stale.
    public var version: Int64

    public init(
        id: Int64? = nil, orgId: Int64, createdBy: Int64, productId: Int64? = nil, title: String,
        body: String = "", type: ContentType, status: ContentStatus, scheduledAt: Date? = nil,
        submittedAt: Date? = nil, createdAt: Date, updatedAt: Date, version: Int64 = 1
    ) {
        self.id = id
        self.orgId = orgId
        self.createdBy = createdBy
        self.productId = productId
        self.title = title
        self.body = body
        self.type = type
        self.status = status
        self.scheduledAt = scheduledAt
        self.submittedAt = submittedAt
        self.createdAt = createdAt
        self.updatedAt = updatedAt
        self.version = version
    }
}

/// A social network post made from a piece of content.
public struct SocialPost: Codable, Sendable, Equatable, Identifiable {
    public var id: Int64?
    public var contentId: Int64
    public var platform: SocialPlatform
    /// The network's own id for the post, once published.
    public var postId: String?
    public var status: SocialPostStatus
    /// Reach and engagement figures as a JSON object.
    public var metrics: String
    public var publishedAt: Date?
    public var createdAt: Date
    public var updatedAt: Date

    public init(
        id: Int64? = nil, contentId: Int64, platform: SocialPlatform, postId: String? = nil,
        status: SocialPostStatus, metrics: String = "{}", publishedAt: Date? = nil, createdAt: Date, updatedAt: Date
    ) {
        self.id = id
        self.contentId = contentId
        self.platform = platform
        self.postId = postId
        self.status = status
        self.metrics = metrics
        self.publishedAt = publishedAt
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }
}

/// An email campaign sent from a piece of content.
public struct EmailCampaign: Codable, Sendable, Equatable, Identifiable {
    public var id: Int64?
    public var orgId: Int64
    public var contentId: Int64
    public var subject: String
    public var templateId: String?
    public var status: CampaignStatus
    public var sentCount: Int
    public var openedCount: Int
    public var createdAt: Date
    public var updatedAt: Date

    public init(
        id: Int64? = nil, orgId: Int64, contentId: Int64, subject: String, templateId: String? = nil,
        status: CampaignStatus, sentCount: Int = 0, openedCount: Int = 0, createdAt: Date, updatedAt: Date
    ) {
        self.id = id
        self.orgId = orgId
        self.contentId = contentId
        self.subject = subject
        self.templateId = templateId
        self.status = status
        self.sentCount = sentCount
        self.openedCount = openedCount
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }
}

extension Content {
    public static let tableName = "content"
}

extension SocialPost {
    public static let tableName = "social_posts"
}

extension EmailCampaign {
    public static let tableName = "email_campaigns"
}
