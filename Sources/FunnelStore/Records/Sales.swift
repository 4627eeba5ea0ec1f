import Foundation
internal import GRDB

/// A person the organization sells to, often a converted lead.
public struct Contact: Codable, Sendable, Equatable, Identifiable {
    public var id: Int64?
    public var orgId: Int64
    public var leadId: Int64?
    public var name: String
    public var email: String?
    public var phone: String?
    public var company: String?
    public var metadata: String
    public var createdAt: Date
    public var updatedAt: Date

    public init(
        id: Int64? = nil, orgId: Int64, leadId: Int64? = nil, name: String, email: String? = nil,
        phone: String? = nil, company: String? = nil, metadata: String = "{}", createdAt: Date, updatedAt: Date
    ) {
        self.id = id
        self.orgId = orgId
        self.leadId = leadId
        self.name = name
        self.email = email
        self.phone = phone
        self.company = company
        self.metadata = metadata
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }
}

/// A sales opportunity moving through the pipeline's stages.
public struct Deal: Codable, Sendable, Equatable, Identifiable {
    public var id: Int64?
    public var orgId: Int64
    public var contactId: Int64?
    public var productId: Int64?
    public var ownerId: Int64?
    public var title: String
    /// The deal's value in cents.
    public var value: Int64
    public var stage: DealStage
    /// The chance of winning, 0 to 100.
    public var probability: Int
    /// Whether someone set the probability by hand (then moving stages keeps it).
    public var probabilityIsManual: Bool
    /// The expected (or actual) close date as `YYYY-MM-DD`.
    public var closeDate: String?
    public var lostReason: LostReason?
    public var stageChangedAt: Date
    public var createdAt: Date
    public var updatedAt: Date
    /// The deal's id in the system it was imported from (unique in the organization).
    public var externalRef: String?
    /// Raised by the database whenever a field a person can change is written with another value
    /// (schema v6): a change made on an older version is stale.
    public var version: Int64

    public init(
        id: Int64? = nil, orgId: Int64, contactId: Int64? = nil, productId: Int64? = nil, ownerId: Int64? = nil,
        title: String, value: Int64, stage: DealStage, probability: Int, probabilityIsManual: Bool = false,
        closeDate: String? = nil, lostReason: LostReason? = nil, stageChangedAt: Date, createdAt: Date, updatedAt: Date,
        externalRef: String? = nil, version: Int64 = 1
    ) {
        self.id = id
        self.orgId = orgId
        self.contactId = contactId
        self.productId = productId
        self.ownerId = ownerId
        self.title = title
        self.value = value
        self.stage = stage
        self.probability = probability
        self.probabilityIsManual = probabilityIsManual
        self.closeDate = closeDate
        self.lostReason = lostReason
        self.stageChangedAt = stageChangedAt
        self.createdAt = createdAt
        self.updatedAt = updatedAt
        self.externalRef = externalRef
        self.version = version
    }
}

extension Contact {
    public static let tableName = "contacts"
}

extension Deal {
    public static let tableName = "deals"
}

extension Deal: RowDecodable {
    /// Reads a deal column by column: lists read thousands of them, and this is several times
    /// faster than decoding through `Decodable` with the snake-case key strategy.
    init(row: Row) throws {
        id = row["id"]
        orgId = row["org_id"]
        contactId = row["contact_id"]
        productId = row["product_id"]
        ownerId = row["owner_id"]
        title = row["title"]
        value = row["value"]
        guard let stage = DealStage(rawValue: row["stage"]) else {
            throw StoreError.constraint("deal #\(id ?? 0) has an unknown stage \(String(describing: row["stage"] as String?))")
        }
        self.stage = stage
        probability = row["probability"]
        probabilityIsManual = row["probability_is_manual"]
        closeDate = row["close_date"]
        lostReason = (row["lost_reason"] as String?).flatMap(LostReason.init(rawValue:))
        stageChangedAt = row["stage_changed_at"]
        createdAt = row["created_at"]
        updatedAt = row["updated_at"]
        externalRef = row["external_ref"]
        version = row["version"]
    }
}
