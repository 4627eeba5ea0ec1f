import Foundation
import FunnelServices
import FunnelStore
import FunnelTestSupport
import FunnelTUI
import FunnelUI
import FunnelViewModels
import SnapshotTesting
import Testing

/// The application shell drawn into a cell buffer, compared with recorded screens.
@MainActor
@Suite struct ShellSnapshotTests {
    func app(_ session: (TestWorkspace) -> Session, readOnly: Bool = false, keyBindings: [String: [String]] = [:]) throws -> FunnelApplication {
        let workspace = try TestWorkspace.make()
        // Wide names in the Leads table: CJK, Hangul, emoji, accents.
        try workspace.database.transaction { tx in
            let rows: [(String, String, String, Int, LeadStatus)] = [
                ("王小明", "株式会社サクラ", "xiaoming@sakura.example", 82, .qualified),
                ("김민준", "삼성테크", "minjun@samtech.example", 64, .contacted),
                ("Zoë Ødegaard", "Rocket 🚀 Labs", "zoe@rocketlabs.example", 47, .new),
            ]
            for (name, company, email, score, status) in rows {
                var lead = Lead(orgId: workspace.admin.orgId, name: name, company: company, email: email, source: .referral,
                                status: status, score: score, assignedTo: workspace.salesRep.userId, createdAt: TestWorkspace.now, updatedAt: TestWorkspace.now)
                try tx.insert(&lead)
            }
        }
        let shell = ShellViewModel(database: workspace.database, session: session(workspace), isReadOnly: readOnly)
        return FunnelApplication(
            database: workspace.database, shell: shell, catalog: ThemeCatalog(directories: []), themeName: "dark", keyBindings: keyBindings, terminal: nil,
            writes: .onCaller(workspace.database))
    }

    func screen(_ app: FunnelApplication, _ width: Int, _ height: Int) -> String {
        var buffer = CellBuffer(width: width, height: height)
        _ = app.handle(.resize(Size(width: width, height: height)))
        app.render(into: &buffer)
        return buffer.lines.map { "|\($0)|" }.joined(separator: "\n") + "\n"
    }

    @Test(arguments: [(120, 40), (80, 24)])
    func leadsTabWithCounts(width: Int, height: Int) throws {
        let app = try app { $0.manager }
        assertSnapshot(of: screen(app, width, height), as: .lines, named: "\(width)x\(height)")
    }

    /// Help's keys are the registry's (scope `overlay`): rebinding them in the config file works.
    @Test func theOverlayKeysFollowTheConfigFile() throws {
        let app = try app({ $0.salesRep }, keyBindings: ["overlay.close": ["x"], "overlay.down": ["n"]])
        _ = app.handle(.key(.character("?")))
        let top = screen(app, 100, 30)
        #expect(top.contains("Keys"))
        _ = app.handle(.key(.character("n")))
        #expect(screen(app, 100, 30) != top, "n scrolls help down")
        _ = app.handle(.key(.character("x")))
        #expect(!screen(app, 100, 30).contains("(? or esc closes)"), "x closes help")
    }

    @Test func helpOverlayListsTheRegistry() throws {
        let app = try app { $0.salesRep }
        _ = app.handle(.key(.character("?")))
        let text = screen(app, 100, 30)
        #expect(text.contains("Assign to me (!)"))
        assertSnapshot(of: text, as: .lines)
        for _ in 0..<26 { _ = app.handle(.key(.character("j"))) }
        let scrolled = screen(app, 100, 30)
        #expect(scrolled.contains("Quit Funnel"))
        #expect(scrolled.contains("Open the Approvals pane"))
    }

    @Test func paletteFindsAnActionByAFuzzyWord() throws {
        let app = try app { $0.manager }
        _ = app.handle(.key(.character(":")))
        for character in "pipe" { _ = app.handle(.key(.character(character))) }
        #expect(screen(app, 100, 30).contains("Open the Pipeline pane"))
        _ = app.handle(.key(.enter))
        #expect(app.shell.activePane == .pipeline)
        #expect(screen(app, 100, 30).contains("[2 Pipeline"))
    }

    @Test func aWideCharacterNameStaysAligned() throws {
        let app = try app({ $0.salesRep }, readOnly: true)
        let lines = screen(app, 100, 30).split(separator: "\n")
        let status = String(lines.last ?? "")
        #expect(status.contains("READ-ONLY"))
        #expect(status.contains("王小明 (sales_rep)"))
        #expect(lines.contains { $0.contains("王小明") && $0.contains("株式会") })
        // Every line is exactly as wide as the screen, wide characters included.
        #expect(lines.allSatisfy { DisplayWidth.width(of: String($0)) == 102 })
    }

    @Test func tabKeysAndNumbersSwitchPanes() throws {
        let app = try app { $0.manager }
        _ = app.handle(.key(.character("4")))
        #expect(app.shell.activePane == .approvals)
        _ = app.handle(.key(.tab))
        #expect(app.shell.activePane == .leads)
        _ = app.handle(.key(.backTab))
        #expect(app.shell.activePane == .approvals)
        guard case .quit = app.handle(.key(.character("q"))) else {
            Issue.record("q did not quit")
            return
        }
    }
}
