import Foundation
import FunnelServices
import FunnelStore
import FunnelTestSupport
import FunnelViewModels
import Testing

/// Long seeded runs of keys on each pane's view-model (navigation, tabs and filters, details
/// opened and closed, marks, screen sizes, and changes) on a real SQLite demo workspace. After
/// every change, the record changed (read back through the services, or the change's ids) must be
/// the record that was on screen just before the key: the open record, else the marks, else the
/// selected row. After every step, the rows that can be on screen around the selection are loaded.
@MainActor
@Suite(.serialized) struct ActionTargetFuzzTests {
    nonisolated static let reference = Date(timeIntervalSince1970: 1_770_681_600)

    /// A small deterministic generator (SplitMix64), so a failure replays from its seed.
    struct Seeded: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    func open(_ demo: DemoDatabase, _ email: String = DemoWorkspaceBuilder.managerEmail) throws -> (AppDatabase, Session) {
        let database = try AppDatabase.open(path: demo.path)
        return (database, try IdentityService(database: database).signIn(email: email, password: nil))
    }

    /// Every row that can be on screen with this selection and page is loaded.
    func expectVisibleRowsLoaded<Item>(_ window: KeysetWindow<Item>, page: Int, _ context: @autoclosure () -> String) {
        guard window.total > 0 else { return }
        let (low, high) = (max(0, window.selected - page + 1), min(window.total - 1, window.selected + page - 1))
        guard low <= high else { return }
        let rows = low...high
        let missing = rows.filter { window.item(at: $0) == nil }
        #expect(missing.isEmpty, "rows \(missing.prefix(5)) of \(window.total) not loaded around \(window.selected) (page \(page)): \(context())")
    }

    // MARK: - Leads

    @Test func leadsActOnTheLeadOnScreen() throws {
        let demo = DemoDatabase(leads: 1_200)
        let (database, session) = try open(demo)
        let model = LeadTriageViewModel(database: database, session: session, visibleRows: 12)
        let service = LeadService(database: database)
        let users = model.assignableUsers().compactMap(\.id)
        var random = Seeded(state: 13)
        var actions = 0
        for step in 0..<2_500 {
            // What the screen shows just before the key: the open lead, else the marks, else the row.
            let onScreen: [Int64] = model.detail.map { [$0.item.id] } ?? (model.marked.isEmpty ? model.selectedItem.map { [$0.id] } ?? [] : model.marked.sorted())
            let undoDepth = model.undoStack.count
            model.clearMessage()
            let roll = Int.random(in: 0..<100, using: &random)
            switch roll {
            case 0..<30: model.move([.down, .down, .down, .up, .pageDown, .pageUp, .top, .bottom].randomElement(using: &random)!)
            case 30..<36: model.selectTab(Int.random(in: 0..<LeadTriageViewModel.tabs.count, using: &random))
            case 36..<39: model.cycleOwner()
            case 39..<41: model.filter(source: [nil, .website, .referral, .event].randomElement(using: &random)!)
            case 41..<43: model.setSearch(["", "", "garcia", "example", "silva"].randomElement(using: &random)!)
            case 43..<50: model.toggleMark()
            case 50..<57: model.openDetail()
            case 57..<62: model.closeDetail()
            case 62..<64: model.resize(visibleRows: Int.random(in: 1...70, using: &random))
            case 64..<72:
                let status = LeadStatus.allCases.randomElement(using: &random)!
                let reason = status == .unqualified || status == .lost ? "fuzz" : nil
                let already = try onScreen.filter { id in
                    let lead = try service.detail(leadId: id, in: session).item.lead
                    return lead.status == status && lead.statusReason == reason
                }
                model.setStatus(status, reason: "fuzz")
                actions += 1
                try check(model, onScreen, undoDepth, step, already: already) { id in try service.detail(leadId: id, in: session).item.lead.status == status }
            case 72..<80:
                let user = users.randomElement(using: &random)
                let already = try onScreen.filter { try service.detail(leadId: $0, in: session).item.lead.assignedTo == user }
                model.assign(to: user)
                actions += 1
                try check(model, onScreen, undoDepth, step, already: already) { id in try service.detail(leadId: id, in: session).item.lead.assignedTo == user }
            case 80..<86:
                let already = try onScreen.filter { try service.detail(leadId: $0, in: session).item.lead.assignedTo == session.userId }
                model.assignToMe()
                actions += 1
                try check(model, onScreen, undoDepth, step, already: already) { id in
                    try service.detail(leadId: id, in: session).item.lead.assignedTo == session.userId
                }
            case 86..<94:
                model.logAction(.call, note: nil)
                actions += 1
                if onScreen.count > 1 {
                    // One lead at a time: refused at once, saying why, and nothing changes.
                    #expect(model.undoStack.count == undoDepth, "step \(step): a log went through with \(onScreen.count) marked")
                    #expect(model.message?.contains("one lead at a time") == true, "step \(step): \(model.message ?? "no message")")
                } else {
                    try check(model, onScreen, undoDepth, step) { _ in true }
                }
            default:
                model.undo()
            }
            expectVisibleRowsLoaded(model.rows, page: model.pageSize, "leads step \(step)")
        }
        #expect(actions > 400)
    }

    /// After a lead change: it changed exactly the leads on screen that were not `already` as
    /// asked (those are left unwritten, with nothing to undo), and its message names them all.
    func check(_ model: LeadTriageViewModel, _ onScreen: [Int64], _ undoDepth: Int, _ step: Int, already: [Int64] = [],
               _ changed: (Int64) throws -> Bool) throws {
        guard !onScreen.isEmpty else { return }
        let toChange = onScreen.filter { !already.contains($0) }
        if toChange.isEmpty {
            #expect(model.message?.hasSuffix(": nothing changed") == true, "step \(step): \(model.message ?? "no message")")
            #expect(model.undoStack.count == undoDepth, "step \(step): a change that changed nothing can be undone")
            for id in onScreen {
                #expect(model.message?.contains("#\(id)") == true, "step \(step): the message does not name #\(id): \(model.message ?? "")")
            }
            return
        }
        // A change says "(u undoes)"; a refusal says why, without it.
        guard model.message?.hasSuffix("(u undoes)") == true, let change = model.undoStack.last else {
            Issue.record("step \(step): nothing changed: \(model.message ?? "no message")")
            return
        }
        #expect(change.before.compactMap(\.id).sorted() == toChange.sorted(), "step \(step): changed \(change.before.compactMap(\.id)), the screen showed \(onScreen), \(already) already as asked")
        for id in onScreen {
            #expect(try changed(id), "step \(step): #\(id) was not changed")
            #expect(model.message?.contains("#\(id)") == true, "step \(step): the message does not name #\(id): \(model.message ?? "")")
        }
    }

    // MARK: - Pipeline

    @Test func pipelineActsOnTheDealOnScreen() throws {
        let demo = DemoDatabase(leads: 1_200)
        let (database, session) = try open(demo)
        let model = PipelineViewModel(database: database, session: session, clock: { Self.reference }, visibleCards: 5, tableRows: 12)
        let service = PipelineService(database: database, clock: { Self.reference })
        var random = Seeded(state: 29)
        var actions = 0
        for step in 0..<2_500 {
            let onScreen = model.detail?.item.id ?? model.selectedItem?.id
            let before = onScreen.flatMap { try? service.item($0, in: session) }
            let undoDepth = model.undoStack.count
            model.clearMessage()
            switch Int.random(in: 0..<100, using: &random) {
            case 0..<28: model.move([.down, .down, .up, .pageDown, .pageUp, .top, .bottom].randomElement(using: &random)!)
            case 28..<40: model.moveColumn(by: Bool.random(using: &random) ? 1 : -1)
            case 40..<44: model.toggleTable()
            case 44..<46: model.cycleSort()
            case 46..<48: model.cycleOwner()
            case 48..<49: model.toggleForecast()
            case 49..<57: model.openDetail()
            case 57..<62: model.closeDetail()
            case 62..<64: model.resize(visibleCards: Int.random(in: 1...12, using: &random), tableRows: Int.random(in: 1...70, using: &random))
            case 64..<76:
                model.advanceSelected(by: Bool.random(using: &random) ? 1 : -1)
                actions += 1
                checkDeal(model, service, onScreen, before, undoDepth, step: step) { old, new in new.deal.stage != old.deal.stage }
            case 76..<84:
                model.winSelected()
                actions += 1
                checkDeal(model, service, onScreen, before, undoDepth, step: step) { _, new in new.deal.stage == .won }
            case 84..<92:
                model.loseSelected(reason: LostReason.allCases[0], note: nil)
                actions += 1
                checkDeal(model, service, onScreen, before, undoDepth, step: step) { _, new in new.deal.stage == .lost }
            default:
                model.undo()
            }
            switch model.mode {
            case .board: expectVisibleRowsLoaded(model.columns[model.selectedColumn], page: model.visibleCards, "board step \(step)")
            case .table: expectVisibleRowsLoaded(model.table, page: model.tableRows, "table step \(step)")
            case .forecast: break
            }
        }
        #expect(actions > 400)
    }

    /// After a deal change: it changed the deal on screen (or was refused, saying why), and its message names it.
    func checkDeal(_ model: PipelineViewModel, _ service: PipelineService, _ onScreen: Int64?, _ before: DealListItem?, _ undoDepth: Int, step: Int,
                   _ changed: (DealListItem, DealListItem) -> Bool) {
        guard let onScreen, let before else {
            #expect(model.undoStack.count == undoDepth, "step \(step): a change with no deal on screen")
            return
        }
        guard model.message?.hasSuffix("(u undoes)") == true, let change = model.undoStack.last else {
            // Refused by a rule (no stage past won, already won...): nothing changed, and it said why.
            #expect(model.message != nil, "step \(step): nothing changed and nothing said")
            return
        }
        #expect(change.dealId == onScreen, "step \(step): changed #\(change.dealId), the screen showed #\(onScreen)")
        if let now = try? service.item(onScreen, in: model.session) {
            let asked = changed(before, now)
            #expect(asked, "step \(step): #\(onScreen) did not change as asked")
        }
        #expect(model.message?.contains("#\(onScreen)") == true, "step \(step): the message does not name #\(onScreen): \(model.message ?? "")")
    }

    // MARK: - Calendar

    @Test func calendarActsOnTheItemOnScreen() throws {
        let demo = DemoDatabase(leads: 300)
        let (database, session) = try open(demo)
        var utc = Calendar(identifier: .gregorian)
        utc.timeZone = TimeZone(identifier: "UTC")!
        let model = CalendarViewModel(database: database, session: session, clock: { Self.reference }, calendar: utc, agendaRows: 5)
        var random = Seeded(state: 41)
        var changes = 0
        for step in 0..<2_500 {
            let onScreen = model.detail?.item.id ?? model.selectedItem?.id
            model.clearMessage()
            var acted = true
            switch Int.random(in: 0..<100, using: &random) {
            case 0..<25: model.moveDay(by: [-1, 1, -7, 7].randomElement(using: &random)!)
            case 25..<28: model.shiftPeriod(by: Bool.random(using: &random) ? 1 : -1)
            case 28..<30: model.toggleMode()
            case 30..<31: model.goToday()
            case 31..<45: model.moveAgenda(by: Bool.random(using: &random) ? 1 : -1)
            case 45..<47: model.cycleType()
            case 47..<49: model.cycleStatus()
            case 49..<50: model.clearFilters()
            case 50..<58: model.openDetail()
            case 58..<63: model.closeDetail()
            case 63..<65: model.resize(monthLines: Int.random(in: 0...8, using: &random), weekLines: Int.random(in: 1...30, using: &random),
                                       agendaRows: Int.random(in: 1...40, using: &random))
            case 65..<80: model.reschedule(to: ["+1d", "+2h", "-1d"].randomElement(using: &random)!)
            case 80..<92: model.submitSelected()
            default: model.undo(); acted = false
            }
            if acted, model.message?.hasSuffix("(u undoes)") == true {
                changes += 1
                let change = try #require(model.undoStack.last)
                #expect(change.contentIds == onScreen.map { [$0] }, "step \(step): changed \(change.contentIds), the screen showed \(onScreen.map(String.init) ?? "nothing")")
                if let onScreen { #expect(model.message?.contains("#\(onScreen)") == true, "step \(step): \(model.message ?? "")") }
            }
            // The agenda holds the rows that can be on screen past its selection.
            if model.agendaTotal > 0 {
                #expect(model.agenda.count >= min(model.agendaTotal, model.agendaIndex + model.agendaRows), "calendar step \(step)")
            }
        }
        #expect(changes > 30)
    }

    // MARK: - Approvals

    @Test func approvalsDecideOnTheItemsOnScreen() throws {
        let demo = DemoDatabase(leads: 300)
        let (database, session) = try open(demo)
        let model = ApprovalsViewModel(database: database, session: session, clock: { Self.reference }, visibleRows: 6)
        let service = ContentService(database: database, clock: { Self.reference })
        var random = Seeded(state: 53)
        var decisions = 0
        for step in 0..<2_500 {
            // The full-screen item, else the marks (in the order marked), else the selected row.
            let onScreen: [Int64] = model.isFullScreen ? model.preview.map { [$0.item.id] } ?? []
                : (model.marked.isEmpty ? model.selectedItem.map { [$0.id] } ?? [] : model.marked)
            let pendingBefore = Set(model.queue.items.map(\.id))
            model.clearMessage()
            switch Int.random(in: 0..<100, using: &random) {
            case 0..<35: model.move([.down, .down, .up, .pageDown, .pageUp, .top, .bottom].randomElement(using: &random)!)
            case 35..<47: model.toggleMark()
            case 47..<50: model.clearMarks()
            case 50..<60: model.toggleFullScreen()
            case 60..<64: model.closeFullScreen()
            case 64..<66: model.resize(visibleRows: Int.random(in: 1...60, using: &random))
            case 66..<74:
                model.approve()
                decisions += 1
                try checkDecision(model, service, session, onScreen, pendingBefore, step) { $0 == .approved || $0 == .scheduled }
            default:
                if Int.random(in: 0..<3, using: &random) == 0 { model.reload(); break }
                model.reject(comment: "fuzz: say more")
                decisions += 1
                try checkDecision(model, service, session, onScreen, pendingBefore, step) { $0 == .draft }
            }
            expectVisibleRowsLoaded(model.queue, page: model.pageSize, "approvals step \(step)")
            if model.queue.total == 0 { break }
        }
        #expect(decisions > 50)
    }

    /// After a decision: the items on screen were decided (all or none, when a rule refused), no
    /// other item left the queue, and the message names them.
    func checkDecision(_ model: ApprovalsViewModel, _ service: ContentService, _ session: Session, _ onScreen: [Int64], _ pendingBefore: Set<Int64>,
                       _ step: Int, _ decided: (ContentStatus) -> Bool) throws {
        let statuses = try onScreen.map { try service.item($0, in: session).status }
        let refused = statuses.allSatisfy { $0 == .pendingApproval }
        if refused {
            #expect(model.message != nil, "step \(step): nothing decided and nothing said")
        } else {
            let allDecided = statuses.allSatisfy { decided($0) }
            #expect(allDecided, "step \(step): \(onScreen) are \(statuses)")
            for id in onScreen.prefix(6) { #expect(model.message?.contains("#\(id)") == true, "step \(step): \(model.message ?? "") does not name #\(id)") }
        }
        // Nothing else was decided: every other item loaded before is still waiting.
        for id in pendingBefore.subtracting(onScreen).prefix(20) {
            #expect(try service.item(id, in: session).status == .pendingApproval, "step \(step): #\(id) was decided, the screen showed \(onScreen)")
        }
    }
}
