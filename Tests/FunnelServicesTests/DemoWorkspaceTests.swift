import Foundation
import FunnelServices
import FunnelStore
import FunnelTestSupport
import Testing

/// The demo workspace is realistic, deterministic and sound.
@Suite struct DemoWorkspaceTests {
    static let reference = Date(timeIntervalSince1970: 1_770_681_600)  // 2026-02-10 00:00 UTC

    func build(seed: UInt64, in folder: TemporaryFolder, name: String) throws -> (DemoReport, AppDatabase) {
        let path = folder.file(name)
        let report = try DemoWorkspaceBuilder(options: DemoOptions(leads: 3_000, seed: seed, referenceDate: Self.reference)).build(at: path)
        return (report, try AppDatabase.open(path: path))
    }

    @Test func theSameSeedGivesTheSameWorkspace() throws {
        let folder = try TemporaryFolder()
        let (first, firstDB) = try build(seed: 7, in: folder, name: "a.sqlite")
        let (second, secondDB) = try build(seed: 7, in: folder, name: "b.sqlite")
        let (_, otherDB) = try build(seed: 8, in: folder, name: "c.sqlite")
        #expect(first.rowCounts.map(\.rows) == second.rowCounts.map(\.rows))
        let sample = { (db: AppDatabase) in try db.snapshot { try $0.demoFingerprint() } }
        #expect(try sample(firstDB) == sample(secondDB))
        #expect(try sample(firstDB) != sample(otherDB))
    }

    /// `funnel doctor` explains the statements the panes' reads really run on the file (traced
    /// while the store's own methods run), and fails when one reads a whole table.
    @Test func doctorExplainsTheStatementsThePanesRun() throws {
        let folder = try TemporaryFolder()
        let (_, database) = try build(seed: 42, in: folder, name: "doctor.sqlite")
        let plans = try database.diagnose().plans
        let operations = Set(plans.map { String($0.name.split(separator: " ").first ?? "") })
        for name in ["leads.ranked", "leads.status-tab", "leads.mine", "leads.search-common", "leads.search-phone", "leads.detail",
                     "pipeline.column", "pipeline.table-value", "pipeline.totals", "pipeline.forecast", "calendar.month", "approvals.queue"] {
            #expect(operations.contains(name), "no statement of \(name) in \(operations.sorted())")
        }
        #expect(plans.count > 60, "\(plans.count) statements")
        #expect(plans.allSatisfy { $0.fullScans.isEmpty }, "\(plans.filter { !$0.fullScans.isEmpty }.map(\.name))")
        // The timeline's statement, as it ran: its values bound in.
        let timeline = try #require(plans.first { $0.sql.contains("FROM \"lead_actions\"") && $0.name.hasPrefix("leads.detail") })
        #expect(!timeline.sql.contains("?"), "\(timeline.sql)")
        // Without the index the timeline reads, the doctor sees the whole table read.
        try database.transaction { try $0.rawExecuteForTests("DROP INDEX idx_lead_actions_lead_created") }
        let degraded = try database.diagnose()
        #expect(!degraded.isHealthy)
        #expect(degraded.plans.contains { $0.name.hasPrefix("leads.detail") && $0.fullScans == ["lead_actions"] })
    }

    @Test func theWorkspaceCoversEveryCase() throws {
        let folder = try TemporaryFolder()
        let (report, database) = try build(seed: 42, in: folder, name: "demo.sqlite")
        #expect(report.organizations.count == 3)
        let diagnosis = try database.diagnose()
        #expect(diagnosis.integrity == ["ok"])
        #expect(diagnosis.foreignKeyViolations == 0)
        #expect(diagnosis.plans.allSatisfy { $0.fullScans.isEmpty })
        let coverage = try database.snapshot { try $0.demoCoverage() }
        #expect(Set(coverage.leadStatuses) == Set(LeadStatus.allCases.map(\.rawValue)))
        #expect(Set(coverage.dealStages) == Set(DealStage.allCases.map(\.rawValue)))
        #expect(Set(coverage.contentStatuses).isSuperset(of: ["draft", "pending_approval", "approved", "scheduled", "published"]))
        #expect(Set(coverage.roles) == ["admin", "manager", "sales_rep", "marketer", "viewer"])
        #expect(coverage.pendingApprovals >= 5)
        #expect(coverage.failedRuns >= 1)
        #expect(coverage.hasCJKNames)
        #expect(coverage.hasAccentedNames)
        #expect(coverage.lastActionMismatches == 0)
        #expect(coverage.statusCountMismatches == 0)
        let manager = try IdentityService(database: database).signIn(email: DemoWorkspaceBuilder.managerEmail, password: nil)
        #expect(manager.role.name == "manager")
        #expect(manager.organization.name == "Northwind Analytics")
    }
}
