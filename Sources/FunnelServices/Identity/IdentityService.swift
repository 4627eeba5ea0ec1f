import Foundation
import FunnelStore

/// Signs users in and manages the users of an organization.
public struct IdentityService: Sendable {
    let database: any Store
    let hasher: PasswordHasher
    let clock: @Sendable () -> Date

    public init(database: any Store, hasher: PasswordHasher = .standard, clock: @escaping @Sendable () -> Date = WallClock.now) {
        self.database = database
        self.hasher = hasher
        self.clock = clock
    }

    /// Signs in as the user with `email` (or, when nil, the only active user of the database).
    ///
    /// When the user's organization requires sign-in, `password` must match the stored hash.
    public func signIn(email: String?, password: String?) throws -> Session {
        try ServiceError.wrapping {
            try database.snapshot { reader in
                let user: User
                if let signedIn = try reader.serverSignIn() {
                    // The server signed this user in (their own login role and password): they act.
                    if let email, EmailAddress.normalized(email) != signedIn {
                        throw ServiceError.invalid(field: "user", problem: "this connection signed in to the server as \(signedIn), not \(EmailAddress.normalized(email))")
                    }
                    guard let found = try reader.user(email: signedIn) else { throw ServiceError.unknownUser(signedIn) }
                    guard found.isActive else { throw ServiceError.inactiveUser(found.email) }
                    guard let organization = try reader.organization(id: found.orgId), let role = try reader.role(id: found.roleId) else {
                        throw ServiceError.unknownUser(found.email)
                    }
                    return Session(organization: organization, user: found, role: role)
                }
                if let email {
                    guard let found = try reader.user(email: email) else { throw ServiceError.unknownUser(email) }
                    user = found
                } else {
                    let organizations = try reader.organizations()
                    guard !organizations.isEmpty else { throw ServiceError.notInitialized }
                    let active = try organizations.flatMap { try reader.users(orgId: $0.id ?? 0) }.filter(\.isActive)
                    guard active.count == 1, let only = active.first else {
                        throw ServiceError.noUserChosen(candidates: active.count)
                    }
                    user = only
                }
                guard user.isActive else { throw ServiceError.inactiveUser(user.email) }
                guard let organization = try reader.organization(id: user.orgId),
                      let role = try reader.role(id: user.roleId) else {
                    throw ServiceError.unknownUser(user.email)
                }
                if OrganizationSettings(of: organization).requireSignIn {
                    guard let password else { throw ServiceError.passwordRequired(user.email) }
                    guard let hash = user.passwordHash, PasswordHasher.verify(password, against: hash) else {
                        throw ServiceError.wrongPassword(user.email)
                    }
                }
                return Session(organization: organization, user: user, role: role)
            }
        }
    }

    /// Whether the user with `email` must give a password to sign in.
    public func requiresPassword(email: String) throws -> Bool {
        try ServiceError.wrapping {
            try database.snapshot { reader in
                // A server signed the connection in with its own password already.
                if try reader.serverSignIn() != nil { return false }
                guard let user = try reader.user(email: email), let organization = try reader.organization(id: user.orgId) else {
                    return false
                }
                return OrganizationSettings(of: organization).requireSignIn
            }
        }
    }

    /// The users of the session's organization with their roles.
    public func users(in session: Session) throws -> [(user: User, role: String)] {
        try session.require(.usersView)
        return try ServiceError.wrapping {
            try database.snapshot { reader in
                let roles = Dictionary(uniqueKeysWithValues: try reader.roles().map { ($0.id ?? 0, $0.name) })
                return try reader.users(orgId: session.orgId).map { ($0, roles[$0.roleId] ?? "?") }
            }
        }
    }

    /// Adds a user to the session's organization (administrators only).
    @discardableResult
    public func addUser(email: String, name: String, role roleName: String, password: String?, by session: Session) throws -> User {
        try session.require(.usersManage)
        if let problem = EmailAddress.problem(with: email) { throw ServiceError.invalid(field: "email", problem: problem) }
        let name = name.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !name.isEmpty, name.count <= 200 else {
            throw ServiceError.invalid(field: "name", problem: "a name needs 1 to 200 characters")
        }
        if let password, let problem = PasswordHasher.problem(with: password) {
            throw ServiceError.invalid(field: "password", problem: problem)
        }
        let hash = try password.map { try hasher.hash($0) }
        let now = clock()
        return try ServiceError.wrapping {
            try database.transaction { tx in
                guard let role = try tx.role(name: roleName) else {
                    let names = try tx.roles().map(\.name).joined(separator: ", ")
                    throw ServiceError.invalid(field: "role", problem: "no role named \(roleName) (roles: \(names))")
                }
                if try tx.user(email: email) != nil {
                    throw ServiceError.invalid(field: "email", problem: "\(EmailAddress.normalized(email)) already has an account")
                }
                let (user, recorded) = try tx.addUser(User(
                    orgId: session.orgId, roleId: role.id ?? 0, email: EmailAddress.normalized(email), name: name,
                    passwordHash: hash, createdAt: now, updatedAt: now), roleName: role.name, password: password)
                if !recorded {
                    try tx.record(AuditTrail.activity(
                        "created", on: .user, id: user.id ?? 0, by: session,
                        before: nil as UserSnapshot?, after: UserSnapshot(user, role: role.name), at: now))
                }
                return user
            }
        }
    }

    /// Sets the password of the user with `email`: one's own, or anyone's for an administrator.
    public func setPassword(email: String, to password: String, by session: Session) throws {
        let target = EmailAddress.normalized(email)
        if target != session.user.email { try session.require(.usersManage) }
        if let problem = PasswordHasher.problem(with: password) { throw ServiceError.invalid(field: "password", problem: problem) }
        let hash = try hasher.hash(password)
        let now = clock()
        try ServiceError.wrapping {
            try database.transaction { tx in
                guard let user = try tx.user(email: target), user.orgId == session.orgId else {
                    throw ServiceError.unknownUser(target)
                }
                let hadPassword = user.passwordHash != nil
                try tx.setPassword(user, password: password, hash: hash, at: now)
                try tx.record(AuditTrail.activity(
                    "password_changed", on: .user, id: user.id ?? 0, by: session,
                    before: nil as UserSnapshot?, after: nil as UserSnapshot?,
                    details: ["had_password": hadPassword ? "yes" : "no"], at: now))
            }
        }
    }
}

/// What the audit trail records of a user: never the password hash.
struct UserSnapshot: Encodable {
    let email: String
    let name: String
    let role: String
    let isActive: Bool

    init(_ user: User, role: String) {
        email = user.email
        name = user.name
        self.role = role
        isActive = user.isActive
    }
}
