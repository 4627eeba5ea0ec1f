import Foundation
import FunnelServices
import FunnelStore
import FunnelTestSupport
import FunnelViewModels
import Testing

/// The Leads pane's state and intents, on a real demo database, without a terminal.
@MainActor
@Suite(.serialized) struct LeadTriageViewModelTests {
    static let fixture = DemoDatabase(leads: 3_000)

    func viewModel(_ email: String = DemoWorkspaceBuilder.managerEmail) throws -> LeadTriageViewModel {
        let database = try AppDatabase.open(path: Self.fixture.path)
        let session = try IdentityService(database: database).signIn(email: email, password: nil)
        let model = LeadTriageViewModel(database: database, session: session)
        model.resize(visibleRows: 20)
        return model
    }

    @Test func leadsComeBestScoreFirstAndPageByKey() throws {
        let model = try viewModel()
        #expect(model.total == 2_400)
        var previous = Int.max
        var seen = Set<Int64>()
        // Walk the whole ranking a page at a time: never out of order, never a lead twice.
        for _ in 0..<200 {
            guard let item = model.selectedItem else { break }
            #expect(item.lead.score <= previous)
            #expect(seen.insert(item.id).inserted)
            previous = item.lead.score
            if model.selected == model.total - 1 { break }
            model.move(.down)
        }
        model.move(.bottom)
        #expect(model.selected == 2_399)
        let last = try #require(model.selectedItem)
        model.move(.pageUp)
        #expect(model.selected == 2_379)
        #expect(try #require(model.selectedItem).lead.score >= last.lead.score)
        model.move(.top)
        #expect(model.selected == 0)
        #expect(model.window.count <= 600)
    }

    @Test func statusTabsCountAndFilter() throws {
        let model = try viewModel()
        model.selectTab(1)
        #expect(model.status == .new)
        #expect(model.total == model.count(forTab: 1))
        #expect(model.selectedItem?.lead.status == .new)
        model.selectTab(-1)
        #expect(model.status == .lost)
    }

    @Test func tabCountsDescribeTheListShown() throws {
        let model = try viewModel()
        let everyone = (0..<LeadTriageViewModel.tabs.count).map { model.count(forTab: $0) }
        #expect(everyone[0] == 2_400)
        // A search with few matches counts them by status: the tabs add up to its total.
        let email = try #require(model.selectedItem?.lead.email)
        model.setSearch(email)
        #expect(model.total < 300)
        let searched = (0..<LeadTriageViewModel.tabs.count).map { model.count(forTab: $0) }
        #expect(searched[0] == model.total)
        #expect(searched.dropFirst().compactMap { $0 }.reduce(0, +) == model.total)
        let status = try #require(model.selectedItem?.lead.status)
        let tab = try #require(LeadTriageViewModel.tabs.firstIndex(of: status))
        model.selectTab(tab)
        #expect(model.total == model.count(forTab: tab) && model.total >= 1)
        // A search with hundreds of matches, or a filter, shows no counts rather than the organization's.
        model.setSearch("example")
        #expect(model.count(forTab: 0) == nil)
        model.setSearch("")
        #expect((0..<LeadTriageViewModel.tabs.count).map { model.count(forTab: $0) } == everyone)
        model.cycleOwner()
        #expect(model.count(forTab: 0) == nil)
    }

    @Test func searchFindsAccentlessNames() throws {
        let model = try viewModel()
        model.setSearch("garcia")
        #expect(model.total > 0)
        #expect(model.selectedItem?.lead.name?.contains("García") == true)
        model.setSearch("")
        #expect(model.total == 2_400)
    }

    @Test func assignToMeThenUndo() throws {
        let model = try viewModel()
        model.selectTab(1)
        model.cycleOwner()
        model.cycleOwner()  // unassigned
        let target = try #require(model.selectedItem)
        #expect(target.lead.assignedTo == nil)
        model.assignToMe()
        #expect(model.message?.hasPrefix("Assigned #\(target.id) \(target.lead.name ?? "")") == true)
        // The lead left the "unassigned" list: the cursor is on the next lead that needs triage.
        #expect(model.selectedItem?.id != target.id)
        #expect(model.selectedItem?.lead.assignedTo == nil)
        let database = try AppDatabase.open(path: Self.fixture.path)
        let history = try database.snapshot { try $0.activities(orgId: model.session.orgId, entityType: .lead, entityId: target.id) }
        #expect(history.first?.action == "assigned")
        #expect(history.first?.userId == model.session.userId)
        model.undo()
        let restored = try database.snapshot { try $0.require(Lead.self, id: target.id, orgId: model.session.orgId) }
        #expect(restored.assignedTo == nil)
        #expect(try database.snapshot { try $0.activities(orgId: model.session.orgId, entityType: .lead, entityId: target.id) }.first?.action == "undone")
    }

    @Test func aRoleWithoutThePermissionIsRefusedAndNothingChanges() throws {
        let model = try viewModel("viewer@northwind.example")
        let target = try #require(model.selectedItem)
        model.assignToMe()
        #expect(model.message == "viewer@northwind.example (viewer) may not do this: it needs the leads.assign permission")
        let database = try AppDatabase.open(path: Self.fixture.path)
        #expect(try database.snapshot { try $0.require(Lead.self, id: target.id, orgId: model.session.orgId) } == target.lead)
    }

    @Test func disqualifyingNeedsAReasonAndMarksActOnAll() throws {
        let model = try viewModel()
        model.selectTab(2)  // contacted
        let before = model.total
        model.setStatus(.unqualified, reason: "  ")
        #expect(model.message == "reason: say why the lead is unqualified")
        #expect(model.total == before)
        model.toggleMark()
        model.toggleMark()
        #expect(model.marked.count == 2)
        model.setStatus(.unqualified, reason: "no budget")
        #expect(model.total == before - 2)
        #expect(model.marked.isEmpty)
        model.undo()
        #expect(model.total == before)
    }

    @Test func anotherOrganizationsLeadCannotBeOpened() throws {
        let model = try viewModel("admin@cafe-lumiere.example")
        #expect(model.total == 450)
        let database = try AppDatabase.open(path: Self.fixture.path)
        let session = model.session
        // Northwind's first lead is not reachable from Café Lumière's session.
        #expect(throws: ServiceError.self) { try LeadService(database: database).detail(leadId: 1, in: session) }
    }

    @Test func marksFollowTheVersionsTheirOwnChangesLeave() throws {
        let model = try viewModel()
        model.selectTab(3)  // qualified: leads stay in the tab when assigned
        let first = try #require(model.selectedItem)
        // The lead changes by this pane's own hand, then is marked with a neighbour and the change undone.
        model.assignToMe()
        #expect(model.message?.hasSuffix("(u undoes)") == true)
        model.move(.top)
        let firstNow = try #require(model.selectedItem)
        #expect(firstNow.id == first.id)
        model.toggleMark()
        model.toggleMark()
        #expect(model.marked.count == 2)
        model.undo()
        #expect(model.message?.hasPrefix("Undone:") == true)
        // Acting on the marks is not refused as stale: they are at the version the undo left.
        model.setStatus(.contacted)
        #expect(model.message?.hasSuffix("(u undoes)") == true, "\(model.message ?? "")")
        #expect(model.message?.contains("#\(first.id)") == true)
        model.undo()
    }
}

/// A demo database built once for a suite.
final class DemoDatabase: Sendable {
    let folder: TemporaryFolder
    let path: String

    init(leads: Int) {
        folder = try! TemporaryFolder()
        path = folder.file("demo.sqlite")
        _ = try! DemoWorkspaceBuilder(options: DemoOptions(leads: leads, seed: 11, referenceDate: Date(timeIntervalSince1970: 1_770_681_600))).build(at: path)
    }
}

/// New and edited leads are validated field by field; filters narrow the list.
@MainActor
@Suite struct LeadFormTests {
    @Test func aBadEmailAndPhoneAreNamedAndNothingIsWritten() throws {
        let workspace = try TestWorkspace.make()
        let model = LeadTriageViewModel(database: workspace.database, session: workspace.salesRep)
        let problems = model.create(LeadDraft(name: "Ada", email: "ada@engines", phone: "555-CALL"))
        #expect(problems["email"]?.contains("is not an email address") == true)
        #expect(problems["phone"]?.contains("is not a phone number") == true)
        #expect(model.total == 1)
        #expect(model.create(LeadDraft(name: "Ada Lovelace", company: "Engines", email: "Ada@Engines.example", phone: "+44 20 7946 0958", source: "referral")).isEmpty)
        #expect(model.total == 2)
        #expect(model.message?.hasPrefix("Created #") == true)
        let created = try #require(model.selectedItem)
        #expect(created.lead.email == "ada@engines.example")
        #expect(created.lead.score == 35)  // referral 15 + business email 10 + phone 5 + company 5
    }

    @Test func editingIsUndoable() throws {
        let workspace = try TestWorkspace.make()
        let model = LeadTriageViewModel(database: workspace.database, session: workspace.salesRep)
        let original = try #require(model.selectedItem).lead
        var draft = LeadDraft(original)
        draft.company = "Initrode"
        #expect(model.editSelected(draft).isEmpty)
        #expect(model.selectedItem?.lead.company == "Initrode")
        model.undo()
        #expect(model.selectedItem?.lead.company == "Initech")
    }

    @Test func sourceAndProductFiltersNarrowTheList() throws {
        let workspace = try TestWorkspace.make()
        let model = LeadTriageViewModel(database: workspace.database, session: workspace.manager)
        model.filter(source: .referral)
        #expect(model.total == 0)
        model.filter(source: .website)
        #expect(model.total == 1)
        model.filter(source: nil)
        #expect(model.total == 1)
    }
}
