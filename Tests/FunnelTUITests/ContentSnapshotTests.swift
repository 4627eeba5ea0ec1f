import Foundation
import FunnelServices
import FunnelStore
import FunnelTestSupport
import FunnelTUI
import FunnelUI
import FunnelViewModels
import SnapshotTesting
import Testing

/// The Calendar and Approvals panes drawn on a fixed day (Tue 2026-02-10 09:30 UTC), compared
/// with recorded screens; February 2028 checks the leap day.
@MainActor
@Suite struct ContentSnapshotTests {
    func app(firstWeekday: Weekday = .monday, pane: Character) throws -> FunnelApplication {
        let workspace = try TestWorkspace.make()
        try ContentFixture.seed(workspace)
        let shell = ShellViewModel(database: workspace.database, session: workspace.manager, isReadOnly: false)
        var utc = Calendar(identifier: .gregorian)
        utc.timeZone = TimeZone(identifier: "UTC")!
        let app = FunnelApplication(database: workspace.database, shell: shell, catalog: ThemeCatalog(directories: []), themeName: "dark",
                                    keyBindings: [:], terminal: nil, clock: { TestWorkspace.now }, calendar: utc, firstWeekday: firstWeekday,
                                    writes: .onCaller(workspace.database))
        _ = app.handle(.key(.character(pane)))
        return app
    }

    func screen(_ app: FunnelApplication, _ width: Int, _ height: Int) -> String {
        var buffer = CellBuffer(width: width, height: height)
        _ = app.handle(.resize(Size(width: width, height: height)))
        app.render(into: &buffer)
        // A second frame: the first one tells the pane how many items a day can show.
        buffer = CellBuffer(width: width, height: height)
        app.render(into: &buffer)
        return buffer.lines.map { "|\($0)|" }.joined(separator: "\n") + "\n"
    }

    @Test(arguments: [(120, 40), (80, 24)])
    func february2026(width: Int, height: Int) throws {
        let app = try app(pane: "3")
        let text = screen(app, width, height)
        #expect(text.contains("February 2026"))
        #expect(text.contains("[10]"))
        // Thursday the 12th has six items: what does not fit is counted beside the day.
        #expect(text.contains(width == 120 ? "12       +2 more" : "12      +5"))
        #expect(text.contains("Tue 10 Feb 2026 · 2 items"))
        assertSnapshot(of: text, as: .lines, named: "\(width)x\(height)")
    }

    @Test(arguments: [(120, 40), (80, 24)])
    func february2028HasALeapDay(width: Int, height: Int) throws {
        let app = try app(pane: "3")
        for _ in 0..<24 { _ = app.handle(.key(.character("]"))) }
        for _ in 0..<19 { _ = app.handle(.key(.character("l"))) }
        let text = screen(app, width, height)
        #expect(text.contains("February 2028"))
        #expect(text.contains("29"))
        #expect(text.contains("Tue 29 Feb 2028 · 1 item"))
        #expect(text.contains("Leap day special"))
        assertSnapshot(of: text, as: .lines, named: "\(width)x\(height)")
    }

    @Test func weekStartingOnSundayWithTheItemOpen() throws {
        let app = try app(firstWeekday: .sunday, pane: "3")
        _ = app.handle(.key(.character("w")))
        _ = app.handle(.key(.character("l")))
        _ = app.handle(.key(.character("l")))
        let week = screen(app, 120, 40)
        #expect(week.contains("Su 8"))
        #expect(week.contains("Thu 12 Feb 2026 · 6 items"))
        assertSnapshot(of: week, as: .lines, named: "week")
        _ = app.handle(.key(.enter))
        let detail = screen(app, 120, 40)
        #expect(detail.contains("Morning tips"))
        #expect(detail.contains("linkedin"))
        assertSnapshot(of: detail, as: .lines, named: "detail")
    }

    @Test(arguments: [(120, 40), (80, 24)])
    func approvalsQueue(width: Int, height: Int) throws {
        let app = try app(pane: "4")
        let text = screen(app, width, height)
        #expect(text.contains("4 waiting, oldest first"))
        #expect(text.contains("Spring webinar invite"))
        #expect(text.contains("9d 0h"))
        assertSnapshot(of: text, as: .lines, named: "\(width)x\(height)")
    }

    @Test func approvalsOwnItemAndRejectPrompt() throws {
        let app = try app(pane: "4")
        _ = app.handle(.key(.character("j")))
        _ = app.handle(.key(.character("j")))
        let own = screen(app, 120, 40)
        #expect(own.contains("you wrote \"王小明 interview\""))
        _ = app.handle(.key(.character("k")))
        _ = app.handle(.key(.character("r")))
        for character in "Add the quote" { _ = app.handle(.key(.character(character))) }
        let prompt = screen(app, 120, 40)
        #expect(prompt.contains("Reject #20 Partner spotlight: Initech: why?"))
        assertSnapshot(of: prompt, as: .lines, named: "reject")
    }
}
