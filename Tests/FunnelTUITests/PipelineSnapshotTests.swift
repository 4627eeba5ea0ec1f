import Foundation
import FunnelServices
import FunnelStore
import FunnelTestSupport
import FunnelTUI
import FunnelUI
import FunnelViewModels
import SnapshotTesting
import Testing

/// The Pipeline pane drawn into a cell buffer on a fixed day (2026-02-10), compared with recorded screens.
@MainActor
@Suite struct PipelineSnapshotTests {
    func app() throws -> FunnelApplication {
        let workspace = try TestWorkspace.make()
        let now = TestWorkspace.now
        let day: Double = 86_400
        try workspace.database.transaction { tx in
            let people: [(String, String)] = [
                ("Ana Silva", "Initech"), ("王小明", "株式会社サクラ"), ("Zoë Ødegaard", "Rocket 🚀 Labs"), ("김민준", "삼성테크"),
                ("José García", "Café Olé SARL"), ("Priya Patel", "Wayne Analytics"),
            ]
            var contacts: [Int64] = []
            for (name, company) in people {
                var contact = Contact(orgId: workspace.admin.orgId, name: name, company: company, createdAt: now, updatedAt: now)
                try tx.insert(&contact)
                contacts.append(contact.id ?? 0)
            }
            let stages: [DealStage] = [.prospecting, .prospecting, .prospecting, .prospecting, .prospecting, .prospecting, .prospecting,
                                       .qualification, .qualification, .qualification, .proposal, .proposal, .negotiation, .won, .won, .lost]
            for (index, stage) in stages.enumerated() {
                let close = String(format: "2026-%02d-%02d", 1 + index % 4, 3 + index)
                var deal = Deal(
                    orgId: workspace.admin.orgId, contactId: contacts[index % contacts.count],
                    ownerId: index % 3 == 0 ? workspace.salesRep.userId : workspace.manager.userId,
                    title: "\(people[index % people.count].1) – \(["Pilot", "Annual plan", "Expansion", "Renewal"][index % 4])",
                    value: Int64(1_000 + index * 1_750) * 100, stage: stage,
                    probability: PipelineSettings.standardProbability(stage), closeDate: index == 6 ? nil : close,
                    lostReason: stage == .lost ? .pricing : nil,
                    stageChangedAt: now.addingTimeInterval(-Double(index * 3) * day), createdAt: now, updatedAt: now)
                try tx.insert(&deal)
            }
        }
        let shell = ShellViewModel(database: workspace.database, session: workspace.manager, isReadOnly: false)
        var utc = Calendar(identifier: .gregorian)
        utc.timeZone = TimeZone(identifier: "UTC")!
        let app = FunnelApplication(database: workspace.database, shell: shell, catalog: ThemeCatalog(directories: []), themeName: "dark",
                                    keyBindings: [:], terminal: nil, clock: { TestWorkspace.now }, calendar: utc,
                                    writes: .onCaller(workspace.database))
        _ = app.handle(.key(.character("2")))
        return app
    }

    func screen(_ app: FunnelApplication, _ width: Int, _ height: Int) -> String {
        var buffer = CellBuffer(width: width, height: height)
        _ = app.handle(.resize(Size(width: width, height: height)))
        app.render(into: &buffer)
        return buffer.lines.map { "|\($0)|" }.joined(separator: "\n") + "\n"
    }

    @Test(arguments: [(120, 40), (80, 24)])
    func board(width: Int, height: Int) throws {
        let app = try app()
        let text = screen(app, width, height)
        #expect(text.contains("PROSPECTING 7"))
        #expect(text.contains("OVERDUE"))
        assertSnapshot(of: text, as: .lines, named: "\(width)x\(height)")
    }

    @Test func aColumnThatCannotFitScrollsIntoView() throws {
        let app = try app()
        var text = screen(app, 80, 24)
        #expect(text.contains("2 more ›"))
        #expect(!text.contains("LOST 1"))
        for _ in 0..<5 { _ = app.handle(.key(.character("l"))) }
        text = screen(app, 80, 24)
        #expect(text.contains("‹ 2 more"))
        #expect(text.contains("LOST 1"))
        assertSnapshot(of: text, as: .lines, named: "scrolled")
    }

    @Test func tableAndForecast() throws {
        let app = try app()
        _ = app.handle(.key(.character("v")))
        _ = app.handle(.key(.character("s")))
        let table = screen(app, 120, 30)
        #expect(table.contains("table · value ↓"))
        assertSnapshot(of: table, as: .lines, named: "table")
        _ = app.handle(.key(.character("F")))
        let forecast = screen(app, 120, 30)
        #expect(forecast.contains("Feb 2026 ◂"))
        assertSnapshot(of: forecast, as: .lines, named: "forecast")
    }
}
