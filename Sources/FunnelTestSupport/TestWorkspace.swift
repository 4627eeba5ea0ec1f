import Foundation
import FunnelServices
import FunnelStore

/// A small workspace for tests: two organizations, users in every role, a few leads.
public struct TestWorkspace {
    public let database: any Store
    /// The administrator of the first organization (Acme).
    public let admin: Session
    public let manager: Session
    public let salesRep: Session
    public let marketer: Session
    public let viewer: Session
    /// The administrator of the second organization (Globex), to prove isolation.
    public let otherAdmin: Session
    /// A lead of each organization.
    public let acmeLead: Lead
    public let globexLead: Lead

    /// A fixed clock for tests: 2026-02-10 09:30 UTC.
    public static let now = Date(timeIntervalSince1970: 1_770_715_800)

    /// Fast hashing settings for tests (the real ones take a noticeable fraction of a second).
    public static let fastHasher = PasswordHasher(iterations: 1, memoryKiB: 64, parallelism: 1)

    /// Builds the workspace in a new in-memory database (or in `database` when given).
    public static func make(database: (any Store)? = nil) throws -> TestWorkspace {
        let database = try database ?? AppDatabase.inMemory()
        let setup = WorkspaceSetup(database: database, hasher: fastHasher, clock: { now })
        let admin = try setup.createOrganization(name: "Acme Corp", adminEmail: "admin@acme.test", adminName: "Ada Admin", password: nil)
        let otherAdmin = try setup.createOrganization(name: "Globex", adminEmail: "admin@globex.test", adminName: "Gus Admin", password: nil)
        let identity = IdentityService(database: database, hasher: fastHasher, clock: { now })
        try identity.addUser(email: "manager@acme.test", name: "Mia Manager", role: "manager", password: nil, by: admin)
        try identity.addUser(email: "rep@acme.test", name: "王小明", role: "sales_rep", password: nil, by: admin)
        try identity.addUser(email: "marketer@acme.test", name: "Zoë Marketer", role: "marketer", password: nil, by: admin)
        try identity.addUser(email: "viewer@acme.test", name: "Vic Viewer", role: "viewer", password: nil, by: admin)
        func session(_ email: String) throws -> Session { try identity.signIn(email: email, password: nil) }
        let leads = try database.transaction { tx -> (Lead, Lead) in
            var acme = Lead(orgId: admin.orgId, name: "José García", company: "Initech", email: "Jose@Initech.example",
                            phone: "+1 (415) 555-0100", source: .website, createdAt: now, updatedAt: now)
            try tx.insert(&acme)
            var globex = Lead(orgId: otherAdmin.orgId, name: "佐藤花子", company: "株式会社サクラ", email: "hanako@sakura.example",
                              source: .referral, createdAt: now, updatedAt: now)
            try tx.insert(&globex)
            return (acme, globex)
        }
        return TestWorkspace(
            database: database, admin: admin, manager: try session("manager@acme.test"), salesRep: try session("rep@acme.test"),
            marketer: try session("marketer@acme.test"), viewer: try session("viewer@acme.test"), otherAdmin: otherAdmin,
            acmeLead: leads.0, globexLead: leads.1)
    }
}

/// A temporary folder removed when the value is released.
public final class TemporaryFolder: @unchecked Sendable {
    public let path: String

    public init() throws {
        path = NSTemporaryDirectory() + "funnel-test-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    /// A path inside the folder.
    public func file(_ name: String) -> String { path + "/" + name }

    deinit { try? FileManager.default.removeItem(atPath: path) }
}

/// The repository's root folder (for the built binary and the shared data).
public enum Repository {
    public static var root: String {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        return url.path
    }

    /// The built `funnel` binary: $FUNNEL_BINARY, or the debug build in .build.
    public static var funnelBinary: String {
        if let path = ProcessInfo.processInfo.environment["FUNNEL_BINARY"], !path.isEmpty { return path }
        return root + "/.build/debug/funnel"
    }
}
