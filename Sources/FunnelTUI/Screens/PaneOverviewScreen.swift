import FunnelServices
import FunnelStore
import FunnelUI
import FunnelViewModels

/// The body of a pane: its summary from the maintained counts.
///
/// Each pane's full view (the triage list, the board, the calendar grid, the approvals queue)
/// draws here when it is built; until then the pane shows the live counts it will be built on.
@MainActor
struct PaneOverviewScreen {
    let shell: ShellViewModel

    func render(into buffer: inout CellBuffer, in rect: Rect) {
        guard rect.width > 0, rect.height > 0 else { return }
        let area = rect.inset(top: 1, left: 2, bottom: 0, right: 2)
        var y = area.y
        func line(_ text: String, _ style: Style = .normal) {
            guard y < area.y + area.height else { return }
            _ = buffer.put(text, at: Point(x: area.x, y: y), maxWidth: area.width, style: style)
            y += 1
        }
        func row(_ label: String, _ values: [String], _ style: Style = .normal) {
            guard y < area.y + area.height else { return }
            var x = area.x
            _ = buffer.putPadded(label, at: Point(x: x, y: y), width: min(22, area.width), style: style)
            x += 22
            for value in values where x < area.x + area.width {
                let width = min(16, area.x + area.width - x)
                _ = buffer.putPadded(value, at: Point(x: x, y: y), width: width, alignment: .right, style: style)
                x += 16
            }
            y += 1
        }
        let pane = shell.activePane
        line("\(pane.title)", Style(.title, .bold))
        line("")
        switch pane {
        case .leads:
            guard let counts = shell.overview.leadCounts else { return line("Your role may not see leads.", Style(.muted)) }
            row("Status", ["Leads"], Style(.header, .bold))
            for status in LeadStatus.allCases {
                row(status.rawValue, [Format.grouped(counts[status] ?? 0)])
            }
            row("all", [Format.grouped(counts.values.reduce(0, +))], Style(.normal, .bold))
        case .pipeline:
            guard let totals = shell.overview.stageTotals else { return line("Your role may not see deals.", Style(.muted)) }
            row("Stage", ["Deals", "Value", "Weighted"], Style(.header, .bold))
            for stage in DealStage.allCases {
                let total = totals[stage] ?? StageTotals()
                row(stage.rawValue, [Format.grouped(total.deals), Format.money(cents: total.value), Format.money(cents: total.weightedValue)])
            }
        case .calendar, .approvals:
            guard let counts = shell.overview.contentCounts else { return line("Your role may not see content.", Style(.muted)) }
            row("Content status", ["Items"], Style(.header, .bold))
            let statuses: [ContentStatus] = pane == .approvals ? [.pendingApproval] : ContentStatus.allCases
            for status in statuses {
                row(status.rawValue.replacingOccurrences(of: "_", with: " "), [Format.grouped(counts[status] ?? 0)])
            }
        }
        line("")
        line("The \(pane.title.lowercased()) view itself is not built yet: these are its live counts.", Style(.muted))
    }
}

/// Numbers as people read them.
enum Format {
    /// 1234567 -> "1,234,567".
    static func grouped(_ value: Int) -> String { NumberText.grouped(value) }

    /// Cents as a short dollar amount: "$950", "$12.4K", "$3.1M".
    static func money(cents: Int64) -> String {
        let dollars = Double(cents) / 100
        switch abs(dollars) {
        case 1_000_000...: return "$" + String(format: "%.1fM", dollars / 1_000_000)
        case 10_000...: return "$" + String(format: "%.1fK", dollars / 1_000)
        default: return "$" + grouped(Int(dollars.rounded()))
        }
    }
}
