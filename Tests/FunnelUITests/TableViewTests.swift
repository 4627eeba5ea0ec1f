import FunnelUI
import SnapshotTesting
import Testing

/// A huge source that records which rows were asked for.
final class CountingSource: TableRowSource, @unchecked Sendable {
    var requested: [Range<Int>] = []
    let total: Int?
    init(total: Int?) { self.total = total }
    var count: Int? { total }
    func rows(in range: Range<Int>) -> [[String]] {
        requested.append(range)
        return range.map { ["\($0)", "Lead \($0)"] }
    }
}

let crmRows: [[String]] = [
    ["1", "王小明", "株式会社 山田", "new", "82"],
    ["2", "Ada Lovelace", "Analytical Engines Ltd", "qualified", "55"],
    ["3", "🚀 Rocket Labs", "Rocket Labs", "won", "12"],
    ["4", "José Núñez", "Café Ñandú", "contacted", "100"],
]

let crmTable = TableView(columns: [
    TableColumn("#", width: .fixed(3), alignment: .right),
    TableColumn("Name", width: .flexible(min: 10, weight: 2)),
    TableColumn("Company", width: .flexible(min: 12, weight: 2)),
    TableColumn("Stage", width: .fixed(10)),
    TableColumn("Score", width: .fixed(5), alignment: .right),
])

@Suite struct TableViewTests {
    @Test func cjkAndEmojiStayAlignedAt120Columns() {
        let buffer = draw(120, 6) { buffer, rect in
            crmTable.render(into: &buffer, in: rect, source: ArrayRowSource(crmRows), viewport: TableViewport(selectedIndex: 1), marked: [2])
        }
        assertSnapshot(of: buffer, as: .styledCells)
        // Every row puts the Stage column at the same display column.
        let stageColumns = buffer.lines.dropFirst().prefix(4).map { line in
            DisplayWidth.width(of: line[..<line.range(of: ["new", "qualified", "won", "contacted"].first { line.contains($0) }!)!.lowerBound])
        }
        #expect(Set(stageColumns).count == 1)
    }

    @Test func narrowTableShrinksFlexColumnsThenDropsFromTheRight() {
        let buffer = draw(80, 6) { buffer, rect in
            crmTable.render(into: &buffer, in: rect, source: ArrayRowSource(crmRows), viewport: TableViewport(selectedIndex: 0))
        }
        assertSnapshot(of: buffer, as: .cellLines)
        #expect(crmTable.layout(width: 80).count == 5)
        #expect(crmTable.layout(width: 20).count == 2)
        #expect(crmTable.layout(width: 2).isEmpty)
    }

    @Test func selectionIsMarkedByTextNotOnlyColour() {
        let buffer = draw(40, 4) { buffer, rect in
            crmTable.render(into: &buffer, in: rect, source: ArrayRowSource(crmRows), viewport: TableViewport(selectedIndex: 1), marked: [0])
        }
        #expect(buffer.lines[2].hasPrefix("›"))
        #expect(buffer.lines[1].hasPrefix(" ●"))
        #expect(buffer.styles(onRow: 2).contains(Style(.selection)))
    }

    @Test func onlyTheVisibleWindowIsRequestedFromAMillionRows() {
        let source = CountingSource(total: 1_000_000)
        var viewport = TableViewport()
        viewport.resize(pageSize: TableView.bodyHeight(in: Rect(x: 0, y: 0, width: 60, height: 11)), count: source.count)
        viewport.move(.end, count: source.count)
        let buffer = draw(60, 11) { buffer, rect in
            crmTable.render(into: &buffer, in: rect, source: source, viewport: viewport)
        }
        #expect(source.requested == [999_990..<1_000_000])
        #expect(buffer.lines[10].contains("999999"))
    }

    @Test func viewportHandlesUnknownCounts() {
        var viewport = TableViewport(pageSize: 5)
        viewport.move(.pageDown, count: nil)
        viewport.move(.end, count: nil)
        #expect(viewport.selectedIndex == 5)
        viewport.move(.down, count: 3)
        #expect(viewport.selectedIndex == 2 && viewport.topIndex == 0)
        viewport.move(.up, count: 0)
        #expect(viewport.selectedIndex == 0)
    }

    @Test func emptyAndTinyRectsDoNotCrash() {
        for width in 0...4 {
            for height in 0...3 {
                var buffer = CellBuffer(width: width, height: height)
                crmTable.render(into: &buffer, in: buffer.bounds, source: ArrayRowSource(crmRows), viewport: TableViewport())
                crmTable.render(into: &buffer, in: buffer.bounds, source: ArrayRowSource([]), viewport: TableViewport())
            }
        }
        let empty = draw(20, 3) { buffer, rect in
            crmTable.render(into: &buffer, in: rect, source: ArrayRowSource([]), viewport: TableViewport())
        }
        #expect(empty.lines[1].contains("No rows"))
    }
}
