import Foundation
internal import GRDB

/// Something an organization sells, and that leads, content and deals are about.
public struct Product: Codable, Sendable, Equatable, Identifiable {
    public var id: Int64?
    public var orgId: Int64
    public var name: String
    public var type: ProductType
    public var apiKey: String?
    /// The product's settings as a JSON object.
    public var settings: String
    public var createdAt: Date
    public var updatedAt: Date

    public init(
        id: Int64? = nil, orgId: Int64, name: String, type: ProductType, apiKey: String? = nil,
        settings: String = "{}", createdAt: Date, updatedAt: Date
    ) {
        self.id = id
        self.orgId = orgId
        self.name = name
        self.type = type
        self.apiKey = apiKey
        self.settings = settings
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }
}

extension Product {
    public static let tableName = "products"
}
