import FunnelStore

/// A signed-in user of one organization: every service call acts as, and is scoped to, one.
public struct Session: Sendable, Equatable {
    public let organization: Organization
    public let user: User
    public let role: Role

    public init(organization: Organization, user: User, role: Role) {
        self.organization = organization
        self.user = user
        self.role = role
    }

    /// The organization every query of this session is scoped to.
    public var orgId: Int64 { organization.id ?? 0 }
    /// The acting user's id, recorded on every activity.
    public var userId: Int64 { user.id ?? 0 }

    /// Whether the user's role grants `permission`.
    public func can(_ permission: Permission) -> Bool {
        permission.isGranted(by: role.permissions)
    }

    /// Throws `permissionDenied` unless the user's role grants `permission`.
    public func require(_ permission: Permission) throws {
        guard can(permission) else {
            throw ServiceError.permissionDenied(permission: permission, user: user.email, role: role.name)
        }
    }
}
