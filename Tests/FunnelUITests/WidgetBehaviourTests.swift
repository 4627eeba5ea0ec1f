import Foundation
import FunnelUI
import Testing

@Suite struct TextFieldTests {
    @Test func editsWithEmacsKeys() {
        var field = TextField("hello world")
        field.handle(.ctrl("w"))
        #expect(field.text == "hello ")
        field.handle(.ctrl("a"))
        field.handle(.character(">"))
        field.handle(.end)
        field.handle(.backspace)
        #expect(field.text == ">hello")
        field.handle(.home); field.handle(.right); field.handle(.ctrl("k"))
        #expect(field.text == ">")
        field.insert("王小明\n!")
        field.handle(.left); field.handle(.delete)
        #expect(field.text == ">王小明 ")
        field.handle(.ctrl("u"))
        #expect(field.text == "" && field.cursor == 0)
        let usedEnter = field.handle(.enter)
        #expect(!usedEnter)
    }

    @Test func scrollsToKeepTheCursorVisibleWithWideCharacters() {
        let field = TextField("株式会社山田商事")
        let buffer = draw(7, 1) { field.render(into: &$0, in: $1) }
        #expect(buffer.lines == ["田商事 "])   // 6 cells of text, then the cursor cell
        #expect(buffer[6, 0].style.attributes.contains(.reverse))
    }
}

@Suite struct WidgetBehaviourTests {
    @Test func confirmDialogAnswersAndDangerousEnterDoesNotConfirm() {
        let dialog = ConfirmDialog(title: "Delete", message: "Delete 3 leads?", isDangerous: true)
        #expect(dialog.handle(.character("y")) == .confirmed)
        #expect(dialog.handle(.enter) == .pending)
        #expect(dialog.handle(.escape) == .cancelled)
        let buffer = draw(40, 7) { dialog.render(into: &$0, in: $1) }
        #expect(buffer.lines.joined().contains("Delete 3 leads?"))
        #expect(buffer.styles(onRow: 1).contains(Style(.danger)))
    }

    @Test func pickerFiltersFuzzilyAndHighlightsMatches() {
        var picker = Picker(title: "Owner", items: ["Ada Lovelace", "Grace Hopper", "王小明"])
        for c in "gh" { _ = picker.handle(.character(c)) }
        #expect(picker.list.matches.map(\.index) == [1])
        let buffer = draw(30, 6) { picker.render(into: &$0, in: $1) }
        let row = buffer.lines.firstIndex { $0.contains("Grace Hopper") }!
        #expect(buffer.styles(onRow: row).contains { $0.attributes.contains(.underline) })
        #expect(picker.handle(.enter) == .chose(1))
    }

    @Test func paletteReturnsTheChosenActionID() {
        var palette = CommandPalette(registry: sampleRegistry, scope: .pane("leads"))
        for c in "palette" { _ = palette.handle(.character(c)) }
        #expect(palette.handle(.enter) == .chose("app.palette"))
        var readOnly = sampleRegistry
        readOnly.isReadOnly = true
        let readOnlyPalette = CommandPalette(registry: readOnly, scope: .pane("leads"))
        #expect(!readOnlyPalette.actions.contains { $0.id == "lead.delete" })
        let buffer = draw(60, 10) { CommandPalette(registry: sampleRegistry).render(into: &$0, in: $1) }
        #expect(buffer.lines.joined().contains(":, ctrl-p"))
    }

    @Test func toastExpiresAtItsTime() {
        let now = Date(timeIntervalSince1970: 1000)
        let toast = Toast("Saved", level: .success, expiresAt: now.addingTimeInterval(3))
        #expect(!toast.isExpired(at: now))
        #expect(toast.isExpired(at: now.addingTimeInterval(3)))
    }

    @Test func scoreBarBandsAndText() {
        #expect(ScoreBar(72).role == .scoreHot)
        #expect(ScoreBar(40).role == .scoreWarm)
        #expect(ScoreBar(39).role == .scoreCold)
        #expect(ScoreBar(50).text(width: 7) == "██░░ 50")
        #expect(ScoreBar(100).text(width: 3) == "100")
        #expect(ScoreBar(150).score == 100)
    }

    @Test func statusBarDropsLowPrioritySegmentsFirst() {
        let bar = StatusBar(left: [StatusSegment("MODE", priority: 9), StatusSegment("lots of detail", priority: 1)], right: [StatusSegment("help", priority: 5)])
        let buffer = draw(14, 1) { bar.render(into: &$0, in: $1) }
        #expect(buffer.lines == [" MODE    help "])
    }

    @Test func weekCalendarShowsTheWeekContainingTheDay() {
        let week = WeekCalendar(day: DayDate(year: 2026, month: 3, day: 1), firstWeekday: .monday, today: DayDate(year: 2026, month: 2, day: 26),
                                items: [DayDate(year: 2026, month: 2, day: 27): ["Call", "Demo", "Dinner"]])
        #expect(week.days.first == DayDate(year: 2026, month: 2, day: 23))
        let buffer = draw(70, 3) { week.render(into: &$0, in: $1) }
        #expect(buffer.lines[0].contains("Th 26*"))
        // Two of the three items fit; the third is counted in the day's heading.
        #expect(buffer.lines[2].contains("Demo"))
        #expect(buffer.lines[0].contains("Fr 27  +1"))
    }

    @Test func everyWidgetSurvivesTinySizes() {
        let now = Date(timeIntervalSince1970: 0)
        let widgets: [(inout CellBuffer, Rect) -> Void] = [
            { TabBar(tabs: [Tab("Leads", count: 3)]).render(into: &$0, in: $1) },
            { StatusBar(left: [StatusSegment("a")], right: [StatusSegment("b")]).render(into: &$0, in: $1) },
            { ScrollText("王小明 writes a long note", scrollOffset: 3).render(into: &$0, in: $1) },
            { TextField("abc王").render(into: &$0, in: $1) },
            { Picker(title: "P", items: ["a", "b"]).render(into: &$0, in: $1) },
            { ConfirmDialog(title: "T", message: "M", isDangerous: true).render(into: &$0, in: $1) },
            { Form(fields: [FormField("Name", validationMessage: "bad")]).render(into: &$0, in: $1) },
            { Toast("hi", expiresAt: now).render(into: &$0, in: $1) },
            { sampleBoard(selectedColumn: 4).render(into: &$0, in: $1) },
            { MonthCalendar(year: 2026, month: 2).render(into: &$0, in: $1) },
            { WeekCalendar(day: DayDate(year: 2026, month: 2, day: 1)).render(into: &$0, in: $1) },
            { ScoreBar(50).render(into: &$0, in: $1) },
            { HelpOverlay(registry: sampleRegistry).render(into: &$0, in: $1) },
            { CommandPalette(registry: sampleRegistry).render(into: &$0, in: $1) },
            { ListView(items: ["a", "王"]).render(into: &$0, in: $1, viewport: TableViewport()) },
            { TooSmallScreen(required: Size(width: 80, height: 24), actual: .zero).render(into: &$0, in: $1) },
        ]
        for widget in widgets {
            for width in 0...3 {
                for height in 0...3 {
                    var buffer = CellBuffer(width: width, height: height)
                    widget(&buffer, buffer.bounds)
                    widget(&buffer, Rect(x: width - 1, y: height - 1, width: 5, height: 5))
                    #expect(buffer.lines.allSatisfy { DisplayWidth.width(of: $0) == width })
                }
            }
        }
    }
}
