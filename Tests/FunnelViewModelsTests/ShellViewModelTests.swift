import Foundation
import FunnelServices
import FunnelStore
import FunnelTestSupport
import FunnelViewModels
import Testing

/// The shell's state and intents, without a terminal.
@MainActor
@Suite struct ShellViewModelTests {
    @Test func tabsCycleAndShowTheCountsTheRoleMaySee() throws {
        let workspace = try TestWorkspace.make()
        let shell = ShellViewModel(database: workspace.database, session: workspace.manager, isReadOnly: false)
        #expect(shell.activePane == .leads)
        #expect(shell.count(for: .leads) == 1)
        #expect(shell.count(for: .approvals) == 0)
        shell.selectNext()
        #expect(shell.activePane == .pipeline)
        shell.selectPrevious()
        shell.selectPrevious()
        #expect(shell.activePane == .approvals)
        shell.select(.calendar)
        #expect(shell.activePane == .calendar)
        #expect(shell.signedInAs == "Mia Manager (manager) · Acme Corp")
    }

    @Test func anotherOrganizationsCountsNeverShow() throws {
        let workspace = try TestWorkspace.make()
        let other = ShellViewModel(database: workspace.database, session: workspace.otherAdmin, isReadOnly: false)
        #expect(other.overview.leadCounts == [.new: 1])
        try workspace.database.transaction { tx in
            for index in 0..<3 {
                var lead = Lead(orgId: workspace.admin.orgId, email: "bulk\(index)@acme.example", source: .event, createdAt: TestWorkspace.now, updatedAt: TestWorkspace.now)
                try tx.insert(&lead)
            }
        }
        other.reload()
        #expect(other.count(for: .leads) == 1)
    }

    @Test func aWriteByAnotherConnectionIsNoticed() async throws {
        let folder = try TemporaryFolder()
        let path = folder.file("watch.sqlite")
        let workspace = try TestWorkspace.make(database: try AppDatabase.open(path: path))
        let shell = ShellViewModel(database: workspace.database, session: workspace.manager, isReadOnly: false)
        #expect(!shell.reloadIfChanged())
        // Another connection (as another process would) adds a lead.
        let writer = try AppDatabase.open(path: path)
        try writer.transaction { tx in
            var lead = Lead(orgId: workspace.admin.orgId, email: "late@acme.example", source: .website, createdAt: TestWorkspace.now, updatedAt: TestWorkspace.now)
            try tx.insert(&lead)
        }
        // The store's change sequence reports it (read every 250 ms; 0.3 s alone). The deadline is
        // long because the task that takes the news runs on Swift's cooperative pool, which the
        // suites that run synchronous work in parallel may hold for minutes on a 2-core machine.
        let deadline = ContinuousClock.now + .seconds(240)
        var noticed = shell.reloadIfChanged()
        while !noticed, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(20))
            noticed = shell.reloadIfChanged()
        }
        #expect(noticed)
        #expect(shell.count(for: .leads) == 2)
        #expect(!shell.reloadIfChanged())
    }
}
