import Foundation
import FunnelStore

/// Creates the first organization and its administrator in a new database.
public struct WorkspaceSetup: Sendable {
    let database: any Store
    let hasher: PasswordHasher
    let clock: @Sendable () -> Date

    public init(database: any Store, hasher: PasswordHasher = .standard, clock: @escaping @Sendable () -> Date = WallClock.now) {
        self.database = database
        self.hasher = hasher
        self.clock = clock
    }

    /// A URL-safe slug for an organization name (`Acme Corp` -> `acme-corp`).
    public static func slug(for name: String) -> String {
        let folded = name.folding(options: [.diacriticInsensitive, .caseInsensitive], locale: nil).lowercased()
        var slug = ""
        for scalar in folded.unicodeScalars {
            if ("a"..."z").contains(scalar) || ("0"..."9").contains(scalar) {
                slug.unicodeScalars.append(scalar)
            } else if !slug.hasSuffix("-"), !slug.isEmpty {
                slug.append("-")
            }
        }
        while slug.hasSuffix("-") { slug.removeLast() }
        return slug.isEmpty ? "org" : String(slug.prefix(64))
    }

    /// Creates an organization and its administrator; returns the administrator's session.
    ///
    /// With a password the organization requires sign-in; without one the operating system's
    /// file permissions are the boundary (the database file is readable by its owner only).
    public func createOrganization(name: String, adminEmail: String, adminName: String, password: String?) throws -> Session {
        let name = name.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !name.isEmpty, name.count <= 200 else {
            throw ServiceError.invalid(field: "organization name", problem: "a name needs 1 to 200 characters")
        }
        if let problem = EmailAddress.problem(with: adminEmail) { throw ServiceError.invalid(field: "admin email", problem: problem) }
        if let password, let problem = PasswordHasher.problem(with: password) {
            throw ServiceError.invalid(field: "password", problem: problem)
        }
        let hash = try password.map { try hasher.hash($0) }
        let now = clock()
        return try ServiceError.wrapping {
            try database.transaction { tx in
                var slug = Self.slug(for: name)
                if try tx.organization(slug: slug) != nil {
                    var suffix = 2
                    while try tx.organization(slug: "\(slug)-\(suffix)") != nil { suffix += 1 }
                    slug = "\(slug)-\(suffix)"
                }
                if try tx.user(email: adminEmail) != nil {
                    throw ServiceError.invalid(field: "admin email", problem: "\(EmailAddress.normalized(adminEmail)) already has an account")
                }
                var organization = Organization(
                    name: name, slug: slug, settings: OrganizationSettings(requireSignIn: password != nil).json,
                    createdAt: now, updatedAt: now)
                try tx.insert(&organization)
                guard let admin = try tx.role(name: "admin") else { throw ServiceError.notInitialized }
                let (user, recorded) = try tx.addUser(User(
                    orgId: organization.id ?? 0, roleId: admin.id ?? 0, email: EmailAddress.normalized(adminEmail),
                    name: adminName, passwordHash: hash, createdAt: now, updatedAt: now), roleName: admin.name, password: password)
                let session = Session(organization: organization, user: user, role: admin)
                try tx.record(AuditTrail.activity(
                    "created", on: .organization, id: organization.id ?? 0, by: session,
                    before: nil as Organization?, after: organization, at: now))
                if !recorded {
                    try tx.record(AuditTrail.activity(
                        "created", on: .user, id: user.id ?? 0, by: session,
                        before: nil as UserSnapshot?, after: UserSnapshot(user, role: admin.name), at: now))
                }
                return session
            }
        }
    }
}
