import FunnelUI
import SnapshotTesting
import Testing

let sampleRegistry = KeyRegistry([
    KeyAction("app.quit", ["q"], "Quit"),
    KeyAction("app.help", ["?"], "Show keys"),
    KeyAction("app.palette", [":", "ctrl-p"], "Command palette"),
    KeyAction("lead.next", ["j", "down"], "Next lead", scope: .pane("leads")),
    KeyAction("lead.delete", ["D"], "Delete lead", scope: .pane("leads"), dangerous: true),
])

func sampleBoard(selectedColumn: Int) -> KanbanBoard {
    let names = ["New", "Contacted", "Qualified", "Proposal", "Won"]
    return KanbanBoard(columns: names.enumerated().map { index, name in
        KanbanColumn(header: [name, "\(index + 1) deals"], cards: (0...index).map { KanbanCard(lines: ["Deal \(index).\($0) 王", "€\(($0 + 1) * 100)"]) })
    }, selectedColumn: selectedColumn, selectedCard: 0, minColumnWidth: 12)
}

@Suite struct WidgetSnapshotTests {
    @Test func kanbanNarrowScrollsToTheSelectedColumn() {
        let buffer = draw(40, 9) { buffer, rect in sampleBoard(selectedColumn: 3).render(into: &buffer, in: rect) }
        assertSnapshot(of: buffer, as: .cellLines)
        #expect(buffer.lines[0].hasPrefix("‹ 1 more") && buffer.lines[0].hasSuffix("1 more ›"))
        #expect(buffer.lines.joined().contains("Proposal"))
    }

    @Test func kanbanWideShowsAllColumns() {
        let buffer = draw(70, 6) { buffer, rect in sampleBoard(selectedColumn: 0).render(into: &buffer, in: rect) }
        #expect(!buffer.lines[0].contains("more"))
        #expect(buffer.lines[0].contains("Won"))
    }

    @Test func monthCalendarFebruary2026MondayStart() {
        let calendar = MonthCalendar(year: 2026, month: 2, firstWeekday: .monday, today: DayDate(year: 2026, month: 2, day: 14),
                                     selected: DayDate(year: 2026, month: 2, day: 20),
                                     items: [DayDate(year: 2026, month: 2, day: 14): ["Call 王", "Demo", "Lunch"], DayDate(year: 2026, month: 2, day: 3): ["Ship"]])
        let buffer = draw(70, 17) { buffer, rect in calendar.render(into: &buffer, in: rect) }
        assertSnapshot(of: buffer, as: .cellLines)
        #expect(buffer.lines.joined().contains("[14]"))
        #expect(buffer.lines.joined().contains("[14]   +1"))
    }

    @Test func monthCalendarFebruary2028IsLeap() {
        let buffer = draw(28, 8) { buffer, rect in MonthCalendar(year: 2028, month: 2, firstWeekday: .monday).render(into: &buffer, in: rect) }
        assertSnapshot(of: buffer, as: .cellLines)
        #expect(buffer.lines.joined().contains("29"))
        let common = draw(28, 8) { buffer, rect in MonthCalendar(year: 2027, month: 2).render(into: &buffer, in: rect) }
        #expect(!common.lines.joined().contains("29"))
    }

    @Test func tooSmallScreenFitsEverySize() {
        let screen = TooSmallScreen(required: Size(width: 80, height: 24), actual: Size(width: 30, height: 5))
        assertSnapshot(of: draw(30, 5) { screen.render(into: &$0, in: $1) }, as: .cellLines)
        let tiny = draw(1, 1) { screen.render(into: &$0, in: $1) }
        #expect(tiny.lines == ["!"])
        let wide = draw(60, 1) { screen.render(into: &$0, in: $1) }
        #expect(wide.lines[0].contains("need 80×24, have 30×5"))
        for w in 0...12 { for h in 0...4 { _ = draw(w, h) { screen.render(into: &$0, in: $1) } } }
    }

    @Test func helpOverlayGroupsByScopeAndFlagsDangerousActions() {
        let buffer = draw(50, 12) { buffer, rect in HelpOverlay(registry: sampleRegistry, scope: .pane("leads")).render(into: &buffer, in: rect) }
        assertSnapshot(of: buffer, as: .cellLines)
        #expect(buffer.lines.joined().contains("Delete lead (!)"))
    }

    @Test func formShowsValidationMessageUnderTheField() {
        var form = Form(fields: [FormField("Name", text: "王小明"), FormField("Email", text: "ada@", validationMessage: "not a valid email"), FormField("Phone")])
        _ = form.handle(.tab)
        let buffer = draw(40, 5) { buffer, rect in form.render(into: &buffer, in: rect) }
        assertSnapshot(of: buffer, as: .styledCells)
        #expect(buffer.lines[2].contains("✗ not a valid email"))
    }

    @Test func aLongValidationMessageWrapsUnderItsFieldAndGivesWayToTheNextFields() {
        let message = "\"zoe@@acme\" is not an email address (it needs exactly one @ with a name before it)"
        let form = Form(fields: [FormField("Email", text: "zoe@@acme", validationMessage: message), FormField("Phone"), FormField("Source")])
        #expect(form.height(width: 40) == 3 + 3)  // three fields, and the message on three lines of 31 cells
        let roomy = draw(40, 6) { buffer, rect in form.render(into: &buffer, in: rect) }
        #expect(roomy.lines[1].hasPrefix("         ✗ \"zoe@@acme\" is not an"))
        #expect(roomy.lines[1...3].map { $0.trimmingCharacters(in: .whitespaces) }.joined(separator: " ").contains("with a name before it)"))
        #expect(roomy.lines[4].hasPrefix(" Phone:") && roomy.lines[5].hasPrefix(" Source:"))
        // Two rows short: the message keeps its first line, cut with "…", and every field still shows.
        let tight = draw(40, 4) { buffer, rect in form.render(into: &buffer, in: rect) }
        #expect(tight.lines[1].trimmingCharacters(in: .whitespaces).hasSuffix("…"))
        #expect(tight.lines[2].hasPrefix(" Phone:") && tight.lines[3].hasPrefix(" Source:"))
    }

    @Test func statusTabsScoreAndToast() {
        let buffer = draw(44, 6) { buffer, rect in
            TabBar(tabs: [Tab("Leads", count: 12), Tab("Deals", count: 3), Tab("Calendar")], activeIndex: 1).render(into: &buffer, in: rect.row(0))
            StatusBar(left: [StatusSegment("NORMAL", role: .statusBarAccent, priority: 9), StatusSegment("12 leads", priority: 1)],
                      right: [StatusSegment("? help", priority: 5)]).render(into: &buffer, in: rect.row(1))
            ScoreBar(72).render(into: &buffer, in: Rect(x: 0, y: 2, width: 12, height: 1))
            ScoreBar(15).render(into: &buffer, in: Rect(x: 20, y: 2, width: 12, height: 1))
            Toast("Saved 王小明", level: .success, expiresAt: .distantFuture).render(into: &buffer, in: rect)
        }
        assertSnapshot(of: buffer, as: .styledCells)
        #expect(buffer.lines[0].contains("[2 Deals 3]"))
    }
}
