import Foundation
internal import GRDB

/// A tenant of the platform: every other record belongs to exactly one.
public struct Organization: Codable, Sendable, Equatable, Identifiable {
    public var id: Int64?
    public var name: String
    public var slug: String
    /// The organization's settings as a JSON object (scoring weights, sign-in policy...).
    public var settings: String
    public var createdAt: Date
    public var updatedAt: Date

    public init(id: Int64? = nil, name: String, slug: String, settings: String = "{}", createdAt: Date, updatedAt: Date) {
        self.id = id
        self.name = name
        self.slug = slug
        self.settings = settings
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }
}

/// A named set of permissions, shared by every organization.
public struct Role: Codable, Sendable, Equatable, Identifiable {
    public var id: Int64?
    public var name: String
    public var permissions: [String]
    public var createdAt: Date

    public init(id: Int64? = nil, name: String, permissions: [String], createdAt: Date) {
        self.id = id
        self.name = name
        self.permissions = permissions
        self.createdAt = createdAt
    }
}

/// A person who signs in to one organization with one role.
public struct User: Codable, Sendable, Equatable, Identifiable {
    public var id: Int64?
    public var orgId: Int64
    public var roleId: Int64
    public var email: String
    public var name: String
    /// An argon2id hash in PHC string form, or nil when no password is set.
    public var passwordHash: String?
    public var isActive: Bool
    public var createdAt: Date
    public var updatedAt: Date
    /// The user this one reports to (a sales rep's manager), in the same organization.
    public var managerId: Int64?
    /// The team or office the user works in.
    public var team: String?

    public init(
        id: Int64? = nil, orgId: Int64, roleId: Int64, email: String, name: String,
        passwordHash: String? = nil, isActive: Bool = true, createdAt: Date, updatedAt: Date,
        managerId: Int64? = nil, team: String? = nil
    ) {
        self.id = id
        self.orgId = orgId
        self.roleId = roleId
        self.email = email
        self.name = name
        self.passwordHash = passwordHash
        self.isActive = isActive
        self.createdAt = createdAt
        self.updatedAt = updatedAt
        self.managerId = managerId
        self.team = team
    }
}

extension Organization {
    public static let tableName = "organizations"
}

extension Role {
    public static let tableName = "roles"
}

extension User {
    public static let tableName = "users"
}
