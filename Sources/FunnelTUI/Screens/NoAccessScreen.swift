import FunnelServices
import FunnelStore
import FunnelUI
import FunnelViewModels

/// What a pane shows to a role that may not see its records: which permission it lacks.
@MainActor
struct NoAccessScreen {
    let shell: ShellViewModel

    func render(into buffer: inout CellBuffer, in rect: Rect) {
        guard rect.width > 0, rect.height > 2 else { return }
        let area = rect.inset(top: 1, left: 2, bottom: 0, right: 2)
        let pane = shell.activePane
        let permission: String
        switch pane {
        case .leads: permission = "leads.view"
        case .pipeline: permission = "deals.view"
        case .calendar, .approvals: permission = "content.view"
        }
        _ = buffer.put(pane.title, at: area.origin, maxWidth: area.width, style: Style(.title, .bold))
        _ = buffer.put("Your role (\(shell.session.role.name)) may not see this pane: it needs the \(permission) permission.",
                       at: Point(x: area.x, y: area.y + 2), maxWidth: area.width, style: Style(.muted))
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
