import Foundation
import FunnelServices
import FunnelStore
import FunnelTestSupport
import Testing

/// `ActionImportService` (`funnel import actions`): engagement history from a CSV file, in a real
/// SQLite file.
@Suite struct ActionImportTests {
    let workspace: TestWorkspace
    let folder: TemporaryFolder
    /// Acme's leads made here: one with an email, one with an external id, one with a phone only.
    let ana: Lead
    let keyed: Lead
    let phoneOnly: Lead
    let agentId: Int64

    init() throws {
        let folder = try TemporaryFolder()
        let workspace = try TestWorkspace.make(database: try AppDatabase.open(path: folder.file("crm.sqlite")))
        self.folder = folder
        self.workspace = workspace
        let orgId = workspace.admin.orgId
        let globexId = workspace.otherAdmin.orgId
        let now = TestWorkspace.now
        (ana, keyed, phoneOnly, agentId) = try workspace.database.transaction { tx in
            var ana = Lead(orgId: orgId, name: "Ana Lima", email: "ana@initech.example", source: .referral, createdAt: now, updatedAt: now)
            try tx.insert(&ana)
            var keyed = Lead(orgId: orgId, name: "Keyed", source: .import, createdAt: now, updatedAt: now, externalId: "P-0042")
            try tx.insert(&keyed)
            var phoneOnly = Lead(orgId: orgId, name: "Phone", phone: "+1 415 555 0199", source: .website, createdAt: now, updatedAt: now)
            try tx.insert(&phoneOnly)
            var agent = AIAgent(orgId: orgId, name: "Scout", type: .leadScorer, createdAt: now, updatedAt: now)
            try tx.insert(&agent)
            var globexAgent = AIAgent(orgId: globexId, name: "Rival", type: .leadScorer, createdAt: now, updatedAt: now)
            try tx.insert(&globexAgent)
            return (ana, keyed, phoneOnly, agent.id ?? 0)
        }
    }

    var service: ActionImportService { ActionImportService(database: workspace.database, clock: { TestWorkspace.now }) }

    func file(_ name: String, _ text: String) throws -> String {
        try Data(text.utf8).write(to: URL(fileURLWithPath: folder.file(name)))
        return folder.file(name)
    }

    func run(_ text: String, _ options: ActionImportOptions = ActionImportOptions(), as session: Session? = nil) throws -> ActionImportReport {
        try service.run(file: try file("actions.csv", text), options: options, in: session ?? workspace.admin)
    }

    func actions(of lead: Lead) throws -> [LeadAction] {
        try workspace.database.snapshot { try $0.allLeadActions(leadId: lead.id ?? 0, orgId: lead.orgId) }.sorted { ($0.createdAt, $0.id ?? 0) < ($1.createdAt, $1.id ?? 0) }
    }

    func lead(_ lead: Lead) throws -> Lead {
        try #require(try workspace.database.snapshot { try $0.fetch(Lead.self, id: lead.id ?? 0, orgId: lead.orgId) })
    }

    /// Every action of every organization, and the import log, as text (to compare before and after).
    func everything() throws -> String {
        try workspace.database.snapshot { reader in
            let leads = try (1...20).compactMap { id -> Lead? in
                try reader.fetch(Lead.self, id: Int64(id), orgId: workspace.admin.orgId) ?? reader.fetch(Lead.self, id: Int64(id), orgId: workspace.otherAdmin.orgId)
            }
            let actions = try leads.flatMap { try reader.allLeadActions(leadId: $0.id ?? 0, orgId: $0.orgId) }
            let imports = try reader.imports(orgId: workspace.admin.orgId)
            return "\(leads.map { ($0.id ?? 0, $0.score, $0.lastActionAt as Any) })\n\(actions)\n\(imports)"
        }
    }

    /// The score `ScoringService` explains for a lead now (what a rescore writes).
    func explainedScore(_ lead: Lead) throws -> Int {
        try ScoringService(database: workspace.database, clock: { TestWorkspace.now }).explanation(leadId: lead.id ?? 0, in: workspace.admin).score
    }

    // MARK: - The happy path

    @Test func actionsArriveWithTheirOwnTimesTypesAgentsAndMetadata() throws {
        let report = try run("""
            lead,type,time,agent,page,duration
            ana@initech.example,page_visit,2026-01-05 10:00:00,,/pricing,35
            ANA@Initech.example ,email_open,2026-01-06T08:30:00Z,Scout,,
            #\(phoneOnly.id ?? 0),demo_request,2026-02-01,,,
            P-0042,meeting,2026-02-09 12:15:30.250,scout,,1.5
            \(phoneOnly.id ?? 0),call,2026-02-09 12:00,,,
            """)
        #expect(report.rowsRead == 5 && report.created == 5 && report.problemCount == 0, "\(report.lines())")
        #expect(report.importNumber == 1 && report.leadsTouched == 3, "\(report.lines())")
        let anaActions = try actions(of: ana)
        #expect(anaActions.map(\.actionType) == [.pageVisit, .emailOpen])
        #expect(anaActions.map(\.createdAt) == [Date(timeIntervalSince1970: 1_767_607_200), Date(timeIntervalSince1970: 1_767_688_200)])
        #expect(anaActions[0].metadata == #"{"page":"/pricing","duration":35}"#)
        #expect(anaActions[1].metadata == "{}" && anaActions[1].agentId == agentId && anaActions[0].agentId == nil)
        let keyedActions = try actions(of: keyed)
        #expect(keyedActions.map(\.actionType) == [.meeting])
        #expect(keyedActions.first?.metadata == #"{"duration":1.5}"#)
        #expect(abs((keyedActions.first?.createdAt.timeIntervalSince1970 ?? 0) - 1_770_639_330.25) < 0.001)
        #expect(try actions(of: phoneOnly).map(\.actionType) == [.demoRequest, .call])
        // The trigger kept each lead's last action time.
        #expect(try lead(ana).lastActionAt == Date(timeIntervalSince1970: 1_767_688_200))
        let log = try workspace.database.snapshot { try $0.imports(orgId: workspace.admin.orgId) }
        #expect(log.map(\.entity) == [.actions] && log.first?.counts.contains("\"created\":5") == true, "\(log)")
        let lines = report.lines().joined(separator: "\n")
        #expect(lines.contains("Imported actions from") && lines.contains("funnel import undo 1"), "\(lines)")
        #expect(lines.contains("page -> metadata \"page\""), "\(lines)")
    }

    @Test func theTouchedLeadsAreRescoredInTheSameImport() throws {
        let before = try lead(ana).score
        let report = try run("""
            email,type,time
            ana@initech.example,demo_request,2026-02-09 09:00:00
            ana@initech.example,meeting,2026-02-08
            ana@initech.example,form_submit,2026-02-07
            """)
        #expect(report.leadsTouched == 1 && report.scoresChanged == 1, "\(report.lines())")
        let after = try lead(ana).score
        #expect(after > before, "score \(before) -> \(after)")
        #expect(after == (try explainedScore(ana)))
        // A lead the file does not name keeps its (stale) stored score.
        #expect(try lead(keyed).score == keyed.score)
    }

    @Test func manyRowsCrossBatchesAndEachIsRecordedForUndo() throws {
        var text = "email,type,time,n\n"
        let types = ["page_visit", "email_open", "email_click"]
        for index in 0..<2_500 {
            let day = 1 + index % 28
            text += "ana@initech.example,\(types[index % 3]),2026-01-\(day < 10 ? "0" : "")\(day) 10:\(String(format: "%02d", index % 60)):00,\(index)\n"
        }
        var options = ActionImportOptions()
        options.rowsPerBatch = 300
        let report = try run(text, options)
        #expect(report.created == 2_500 && report.problemCount == 0, "\(report.lines())")
        let stored = try actions(of: ana)
        #expect(stored.count == 2_500)
        #expect(Set(stored.map(\.metadata)).count == 2_500)
        #expect(try lead(ana).lastActionAt == stored.map(\.createdAt).max())
        let (_, undone) = try ImportLogService(database: workspace.database, clock: { TestWorkspace.now }).undo(number: report.importNumber, in: workspace.admin)
        #expect(undone.deleted == 2_500 && undone.leadIds == [ana.id ?? 0])
        #expect(try actions(of: ana).isEmpty)
    }

    // MARK: - Types

    @Test func typesAreMappedByTheirNamesAndByTheMap() throws {
        let map = try ImportMapFile.parse("""
            Activity = type
              Chat -> reply
              Webinar Attended -> webinar
              * -> note
            When = time
            """)
        let report = try run("""
            Lead Email,Activity,When
            ana@initech.example,Page Visit,2026-01-01
            ana@initech.example,page-visit,2026-01-02
            ana@initech.example,EMAIL_OPEN,2026-01-03
            ana@initech.example,Chat,2026-01-04
            ana@initech.example,chat ,2026-01-05
            ana@initech.example,Webinar Attended,2026-01-06
            ana@initech.example,Something Else,2026-01-07
            """, ActionImportOptions(map: map))
        #expect(report.created == 7 && report.problemCount == 0, "\(report.lines())")
        #expect(try actions(of: ana).map(\.actionType) == [.pageVisit, .pageVisit, .emailOpen, .reply, .reply, .webinar, .note])
    }

    @Test func aConstantTypeFromTheMapAndAKeyColumn() throws {
        let map = try ImportMapFile.parse("type = page_visit\nURL = metadata\nVisited At = time\n")
        let report = try run("""
            Prospect,Visited At,URL
            P-0042,2026-01-09 10:00,"{""url"": ""/docs""}"
            """, ActionImportOptions(map: map, key: "Prospect"))
        #expect(report.created == 1 && report.problemCount == 0, "\(report.lines())")
        let stored = try actions(of: keyed)
        #expect(stored.map(\.actionType) == [.pageVisit] && stored.first?.metadata == #"{"url": "/docs"}"#)
    }

    @Test func aMapThatSendsAValueToNoTypeIsRefusedBeforeAnythingIsRead() throws {
        let map = try ImportMapFile.parse("Activity = type\n  Chat -> conversation\n")
        #expect(throws: ServiceError.self) { try run("email,Activity,time\nana@initech.example,Chat,2026-01-01\n", ActionImportOptions(map: map)) }
        #expect(throws: ServiceError.self) { try run("email,time\nana@initech.example,2026-01-01\n") }
        #expect(throws: ServiceError.self) { try run("type,time\npage_visit,2026-01-01\n") }
        #expect(try workspace.database.snapshot { try $0.imports(orgId: workspace.admin.orgId) }.isEmpty)
    }

    // MARK: - Bad rows

    @Test func badRowsAreGroupedByKindAndValueWithCountsAndTheMapLineToAdd() throws {
        var text = "email,Activity,time\n"
        for _ in 0..<3 { text += "ana@initech.example,Chat,2026-01-01\n" }
        text += "nobody@example.com,page_visit,2026-01-01\n"
        text += "nobody@example.com,page_visit,2026-01-02\n"
        text += "ana@initech.example,page_visit,31/31/2026\n"
        text += "ana@initech.example,page_visit,2027-01-01\n"
        text += "ana@initech.example,page_visit,2026-01-03\n"
        text += "ana@initech.example,page_visit\n"
        let report = try run(text)
        #expect(report.rowsRead == 9 && report.created == 1 && report.problemCount == 8, "\(report.lines())")
        let groups = report.problemGroups
        #expect(groups.first?.kind == .type && groups.first?.value == "Chat" && groups.first?.count == 3 && groups.first?.lines == [2, 3, 4])
        #expect(groups.first?.message.contains("\"  Chat -> reply\"") == true, "\(groups)")
        #expect(groups.first?.message.contains("\"Activity = type\"") == true, "\(groups)")
        #expect(groups.contains { $0.kind == .lead && $0.value == "nobody@example.com" && $0.count == 2 && $0.lines == [5, 6] })
        #expect(groups.contains { $0.kind == .time && $0.message.contains("31/31/2026") })
        #expect(groups.contains { $0.kind == .future && $0.value == "2027-01-01" && $0.message.contains("after the import's time") })
        #expect(groups.contains { $0.kind == .row && $0.message.contains("2 fields where the header has 3") && $0.lines == [10] })
        let lines = report.lines().joined(separator: "\n")
        #expect(lines.contains("3 rows: type \"Chat\": not an action type"), "\(lines)")
        #expect(lines.contains("bad rows:   8 (skipped)"), "\(lines)")
    }

    @Test func strictRefusesTheWholeFileAndWritesNothing() throws {
        let before = try everything()
        var options = ActionImportOptions()
        options.strict = true
        let report = try run("email,type,time\nana@initech.example,page_visit,2026-01-01\nana@initech.example,Chat,2026-01-02\n", options)
        #expect(report.refused && report.importNumber == 0 && report.problemCount == 1, "\(report.lines())")
        #expect(report.lines().first?.contains("Refused") == true)
        #expect(try everything() == before)
    }

    // MARK: - Dry run, undo, isolation, permission

    @Test func aDryRunWritesNothingAndSaysWhatItWouldDo() throws {
        let before = try everything()
        var options = ActionImportOptions()
        options.dryRun = true
        let report = try run("email,type,time\nana@initech.example,demo_request,2026-02-01\nana@initech.example,Chat,2026-02-02\n", options)
        #expect(report.dryRun && report.created == 1 && report.problemCount == 1 && report.scoresChanged == 1, "\(report.lines())")
        #expect(report.lines().first?.contains("Dry run") == true)
        #expect(try everything() == before)
    }

    @Test func undoDeletesTheActionsAndGivesTheLeadsTheirScoreAndLastActionBack() throws {
        let first = try run("email,type,time\nana@initech.example,email_open,2026-01-01\n")
        let scoreBefore = try lead(ana).score
        let lastBefore = try lead(ana).lastActionAt
        let second = try run("email,type,time\nana@initech.example,demo_request,2026-02-09\nana@initech.example,meeting,2026-02-08\n")
        #expect(try lead(ana).score > scoreBefore)
        let log = ImportLogService(database: workspace.database, clock: { TestWorkspace.now })
        let (entry, result) = try log.undo(number: second.importNumber, in: workspace.admin)
        #expect(entry.entity == .actions && entry.isUndone && result.deleted == 2 && result.leadIds == [ana.id ?? 0])
        #expect(try actions(of: ana).map(\.actionType) == [.emailOpen])
        #expect(try lead(ana).score == scoreBefore)
        #expect(try lead(ana).lastActionAt == lastBefore)
        #expect(throws: ServiceError.self) { _ = try log.undo(number: second.importNumber, in: workspace.admin) }
        // The first import is still there, and its number was taken before the second.
        #expect(first.importNumber == 1 && second.importNumber == 2)
    }

    @Test func anotherOrganizationsLeadsAndAgentsAreNeverFound() throws {
        let globex = workspace.globexLead
        let globexBefore = try workspace.database.snapshot { try $0.allLeadActions(leadId: globex.id ?? 0, orgId: globex.orgId) }
        let report = try run("""
            lead,type,time,agent
            hanako@sakura.example,page_visit,2026-01-01,
            #\(globex.id ?? 0),page_visit,2026-01-01,
            \(globex.id ?? 0),page_visit,2026-01-01,
            ana@initech.example,page_visit,2026-01-01,Rival
            """)
        #expect(report.created == 0 && report.problemCount == 4, "\(report.lines())")
        #expect(report.problemGroups.filter { $0.kind == .lead }.count == 3, "\(report.problemGroups)")
        #expect(report.problemGroups.contains { $0.kind == .agent && $0.value == "Rival" })
        #expect(try workspace.database.snapshot { try $0.allLeadActions(leadId: globex.id ?? 0, orgId: globex.orgId) } == globexBefore)
        #expect(try actions(of: ana).isEmpty)
    }

    @Test func onlyAUserWhoMayImportImportsActions() throws {
        #expect(throws: ServiceError.self) { try run("email,type,time\nana@initech.example,page_visit,2026-01-01\n", as: workspace.viewer) }
        #expect(throws: ServiceError.self) { try run("email,type,time\nana@initech.example,page_visit,2026-01-01\n", as: workspace.salesRep) }
        #expect(try actions(of: ana).isEmpty)
    }
}
