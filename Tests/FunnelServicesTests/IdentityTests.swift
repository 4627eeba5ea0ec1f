import Foundation
import FunnelServices
import FunnelStore
import FunnelTestSupport
import Testing

/// Roles, permissions, passwords and the audit trail, as the services enforce them.
@Suite struct IdentityTests {
    let workspace: TestWorkspace
    let identity: IdentityService
    init() throws {
        workspace = try TestWorkspace.make()
        identity = IdentityService(database: workspace.database, hasher: TestWorkspace.fastHasher, clock: { TestWorkspace.now })
    }

    @Test func aUserWithoutPermissionIsRefusedAndNothingChanges() throws {
        let before = try identity.users(in: workspace.admin).count
        let activities = try workspace.database.snapshot { try $0.recentActivities(orgId: workspace.admin.orgId).count }
        #expect(throws: ServiceError.permissionDenied(permission: .usersManage, user: "rep@acme.test", role: "sales_rep")) {
            try identity.addUser(email: "new@acme.test", name: "New", role: "viewer", password: nil, by: workspace.salesRep)
        }
        #expect(try identity.users(in: workspace.admin).count == before)
        #expect(try workspace.database.snapshot { try $0.recentActivities(orgId: workspace.admin.orgId).count } == activities)
        let message = ServiceError.permissionDenied(permission: .usersManage, user: "rep@acme.test", role: "sales_rep").description
        #expect(message == "rep@acme.test (sales_rep) may not do this: it needs the users.manage permission")
    }

    @Test func rolesGrantWhatTheyList() {
        #expect(workspace.admin.can(.contentApprove))
        #expect(workspace.manager.can(.leadsAssign))
        #expect(workspace.salesRep.can(.leadsAssign))
        #expect(!workspace.salesRep.can(.contentApprove))
        #expect(workspace.marketer.can(.contentApprove))
        #expect(!workspace.marketer.can(.leadsAssign))
        #expect(!workspace.viewer.can(.leadsEdit))
        #expect(Permission("leads.assign").isGranted(by: ["leads.*"]))
    }

    @Test func addingAUserIsAnActivityWithoutTheHash() throws {
        let user = try identity.addUser(email: "New.Person@Acme.test", name: "New Person", role: "viewer", password: "correct horse battery", by: workspace.admin)
        #expect(user.email == "new.person@acme.test")
        #expect(user.passwordHash?.hasPrefix("$argon2id$") == true)
        let history = try workspace.database.snapshot {
            try $0.activities(orgId: workspace.admin.orgId, entityType: .user, entityId: user.id!)
        }
        #expect(history.count == 1)
        #expect(history[0].action == "created")
        #expect(history[0].userId == workspace.admin.userId)
        #expect(history[0].metadata.contains(#""after":{"#))
        #expect(history[0].metadata.contains("new.person@acme.test"))
        #expect(!history[0].metadata.contains("argon2"))
    }

    @Test func passwordsAreCheckedWhenTheOrganizationRequiresSignIn() throws {
        let folder = try TemporaryFolder()
        let database = try AppDatabase.open(path: folder.file("signin.sqlite"))
        let setup = WorkspaceSetup(database: database, hasher: TestWorkspace.fastHasher)
        _ = try setup.createOrganization(name: "Secure Co", adminEmail: "boss@secure.test", adminName: "Boss", password: "a long enough secret")
        let identity = IdentityService(database: database, hasher: TestWorkspace.fastHasher)
        #expect(try identity.requiresPassword(email: "boss@secure.test"))
        #expect(throws: ServiceError.passwordRequired("boss@secure.test")) { try identity.signIn(email: "boss@secure.test", password: nil) }
        #expect(throws: ServiceError.wrongPassword("boss@secure.test")) { try identity.signIn(email: "boss@secure.test", password: "guess") }
        let session = try identity.signIn(email: "BOSS@secure.test", password: "a long enough secret")
        #expect(session.role.name == "admin")
        try identity.setPassword(email: "boss@secure.test", to: "another long secret", by: session)
        #expect(throws: ServiceError.wrongPassword("boss@secure.test")) { try identity.signIn(email: "boss@secure.test", password: "a long enough secret") }
        #expect(try identity.signIn(email: "boss@secure.test", password: "another long secret").user.email == "boss@secure.test")
    }

    @Test func aShortPasswordIsRefusedWithAReason() {
        #expect(throws: ServiceError.invalid(field: "password", problem: "a password needs at least 10 characters")) {
            try identity.setPassword(email: "admin@acme.test", to: "short", by: workspace.admin)
        }
    }

    @Test func anUnknownUserIsNamed() {
        #expect(throws: ServiceError.unknownUser("ghost@acme.test")) { try identity.signIn(email: "ghost@acme.test", password: nil) }
        #expect(throws: ServiceError.noUserChosen(candidates: 6)) { try identity.signIn(email: nil, password: nil) }
    }

    @Test func anAdministratorCannotManageAnotherOrganizationsUsers() {
        #expect(throws: ServiceError.unknownUser("rep@acme.test")) {
            try identity.setPassword(email: "rep@acme.test", to: "a long enough secret", by: workspace.otherAdmin)
        }
    }
}
