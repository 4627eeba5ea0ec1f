import Foundation
internal import GRDB

/// One entry of the audit trail: who did what to which record, with before and after.
public struct Activity: Codable, Sendable, Equatable, Identifiable {
    public var id: Int64?
    public var orgId: Int64
    public var entityType: EntityType
    public var entityId: Int64
    /// What happened, as a lower-case verb (`created`, `assigned`, `status_changed`...).
    public var action: String
    /// Who did it; nil for the system (imports run by a script, the demo generator...).
    public var userId: Int64?
    /// Details as a JSON object, with `before` and `after` for changes.
    public var metadata: String
    public var createdAt: Date

    public init(
        id: Int64? = nil, orgId: Int64, entityType: EntityType, entityId: Int64, action: String,
        userId: Int64?, metadata: String = "{}", createdAt: Date
    ) {
        self.id = id
        self.orgId = orgId
        self.entityType = entityType
        self.entityId = entityId
        self.action = action
        self.userId = userId
        self.metadata = metadata
        self.createdAt = createdAt
    }
}

extension Activity {
    public static let tableName = "activities"
}
