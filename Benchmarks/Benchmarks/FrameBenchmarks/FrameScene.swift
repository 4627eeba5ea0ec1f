import FunnelUI

/// A generated table of 1,000,000 leads whose cells are computed on demand, like a paged query:
/// only the visible window is ever built. Some names are CJK, Hangul, accented or start with an emoji.
struct MillionLeads: TableRowSource, Sendable {
    static let rowCount = 1_000_000
    static let names = [
        "王小明", "Ada Lovelace", "株式会社 山田", "🚀 Rocket Labs", "José Núñez", "Grace Hopper", "김민수", "Zoë Smith",
        "Bartholomew Featherstonehaugh-Smythe", "田中 太郎 🎉", "Linus Torvalds", "Ångström Ärlig",
    ]
    static let companies = ["Northwind", "Contoso", "株式会社 東京", "Initech", "Umbrella 🌂", "Globex", "Stark Industries", "서울 상사"]
    static let stages = ["new", "contacted", "qualified", "proposal", "won", "lost"]
    static let owners = ["manager", "alice", "bob", "李雷", "carol"]

    var count: Int? { Self.rowCount }

    func rows(in range: Range<Int>) -> [[String]] {
        range.clamped(to: 0..<Self.rowCount).map { index in
            let name = Self.names[index % Self.names.count]
            return [
                String(index + 1),
                name,
                Self.companies[(index / 3) % Self.companies.count],
                "lead\(index)@example.com",
                Self.stages[index % Self.stages.count],
                String((index &* 37) % 101),
                Self.owners[(index / 7) % Self.owners.count],
                "2026-02-\(10 + index % 18)",
            ]
        }
    }
}

/// A full Funnel-like screen: a tab bar on the first row, the leads table filling the body and a status bar
/// on the last row, composed into a fresh `CellBuffer` per frame as `TerminalRunLoop` does.
struct FrameScene: Sendable {
    static let size = Size(width: 200, height: 60)

    let source = MillionLeads()
    let tabs = TabBar(tabs: [
        Tab("Leads", count: MillionLeads.rowCount), Tab("Pipeline", count: 9), Tab("Calendar"), Tab("Campaigns", count: 12),
        Tab("Reports"),
    ])
    let table = TableView(columns: [
        TableColumn("#", width: .fixed(8), alignment: .right),
        TableColumn("Name", width: .flexible(min: 16, weight: 3)),
        TableColumn("Company", width: .flexible(min: 12, weight: 2)),
        TableColumn("Email", width: .flexible(min: 16, weight: 2)),
        TableColumn("Stage", width: .fixed(10)),
        TableColumn("Score", width: .fixed(5), alignment: .right),
        TableColumn("Owner", width: .fixed(10)),
        TableColumn("Next", width: .fixed(10)),
    ])
    var viewport = TableViewport()
    var marked: Set<Int> = [2, 5, 11, 40]

    /// Moves the selection (wrapping to the top at the end, so long runs never stall on the last row).
    mutating func move(_ movement: ListMovement) {
        if viewport.selectedIndex >= MillionLeads.rowCount - 1 - viewport.pageSize {
            viewport.move(.home, count: source.count)
        } else {
            viewport.move(movement, count: source.count)
        }
    }

    /// Composes the whole frame.
    mutating func compose() -> CellBuffer {
        var buffer = CellBuffer(size: Self.size)
        let (top, rest) = buffer.bounds.splitTop(1)
        let (main, bottom) = rest.splitBottom(1)
        tabs.render(into: &buffer, in: top)
        viewport.resize(pageSize: TableView.bodyHeight(in: main), count: source.count)
        table.render(into: &buffer, in: main, source: source, viewport: viewport, marked: marked)
        StatusBar(
            left: [
                StatusSegment("NORMAL", role: .statusBarAccent, priority: 10),
                StatusSegment("row \(viewport.selectedIndex + 1)/\(MillionLeads.rowCount)", priority: 5),
                StatusSegment("\(marked.count) marked", priority: 4),
            ],
            right: [
                StatusSegment("northwind · manager", priority: 2),
                StatusSegment("? help  : palette  q quit", priority: 3),
            ]
        ).render(into: &buffer, in: bottom)
        return buffer
    }
}
