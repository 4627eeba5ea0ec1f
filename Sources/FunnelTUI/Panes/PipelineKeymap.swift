import FunnelUI

/// The Pipeline pane's actions (scope `pipeline`). Actions that change data are marked dangerous,
/// so read-only mode hides and refuses them; every one of them can be undone with `u`.
enum PipelineKeymap {
    static let scope = KeyScope.pane("pipeline")

    /// The pane's actions as a type: PipelinePane.perform(_:) switches over every case, so the
    /// compiler checks that each binding has a handler (and each case its keys and words).
    enum Action: String, CaseIterable {
        case down = "pipeline.down"
        case up = "pipeline.up"
        case pageDown = "pipeline.pageDown"
        case pageUp = "pipeline.pageUp"
        case top = "pipeline.top"
        case bottom = "pipeline.bottom"
        case left = "pipeline.left"
        case right = "pipeline.right"
        case detail = "pipeline.detail"
        case back = "pipeline.back"
        case table = "pipeline.table"
        case forecast = "pipeline.forecast"
        case earlier = "pipeline.earlier"
        case later = "pipeline.later"
        case sort = "pipeline.sort"
        case reverse = "pipeline.reverse"
        case search = "pipeline.search"
        case owner = "pipeline.owner"
        case product = "pipeline.product"
        case month = "pipeline.month"
        case forward = "pipeline.forward"
        case backward = "pipeline.backward"
        case win = "pipeline.win"
        case lose = "pipeline.lose"
        case edit = "pipeline.edit"
        case `new` = "pipeline.new"
        case undo = "pipeline.undo"

        var binding: KeyAction {
            switch self {
            case .down: KeyAction(rawValue, ["j", "down"], "Next deal", scope: scope)
            case .up: KeyAction(rawValue, ["k", "up"], "Previous deal", scope: scope)
            case .pageDown: KeyAction(rawValue, ["ctrl-d", "pgdn"], "Page down", scope: scope)
            case .pageUp: KeyAction(rawValue, ["ctrl-u", "pgup"], "Page up", scope: scope)
            case .top: KeyAction(rawValue, ["g", "home"], "First deal of the column", scope: scope)
            case .bottom: KeyAction(rawValue, ["G", "end"], "Last deal of the column", scope: scope)
            case .left: KeyAction(rawValue, ["h", "left"], "Previous column (stage)", scope: scope)
            case .right: KeyAction(rawValue, ["l", "right"], "Next column (stage)", scope: scope)
            case .detail: KeyAction(rawValue, ["enter"], "Open the deal, its contact and their timeline", scope: scope)
            case .back: KeyAction(rawValue, ["esc"], "Close the detail, or clear the search", scope: scope)
            case .table: KeyAction(rawValue, ["v"], "Board or table view", scope: scope)
            case .forecast: KeyAction(rawValue, ["F"], "Forecast: weighted and won value by close month", scope: scope)
            case .earlier: KeyAction(rawValue, ["["], "Forecast: earlier months", scope: scope)
            case .later: KeyAction(rawValue, ["]"], "Forecast: later months", scope: scope)
            case .sort: KeyAction(rawValue, ["s"], "Table: sort by close date, value, days in stage, title", scope: scope)
            case .reverse: KeyAction(rawValue, ["S"], "Table: reverse the order", scope: scope)
            case .search: KeyAction(rawValue, ["/"], "Search deal titles and contacts", scope: scope)
            case .owner: KeyAction(rawValue, ["o"], "Owner filter: everyone's, mine, unassigned", scope: scope)
            case .product: KeyAction(rawValue, ["p"], "Filter by product…", scope: scope)
            case .month: KeyAction(rawValue, ["m"], "Filter by close month…", scope: scope)
            case .forward: KeyAction(rawValue, [">", "L"], "Move the deal to the next stage", scope: scope, needs: "deals.edit")
            case .backward: KeyAction(rawValue, ["<", "H"], "Move the deal to the previous stage (reopens a closed deal)", scope: scope, needs: "deals.edit")
            case .win: KeyAction(rawValue, ["W"], "Win the deal", scope: scope, needs: "deals.edit")
            case .lose: KeyAction(rawValue, ["X"], "Lose the deal, with a reason…", scope: scope, needs: "deals.edit")
            case .edit: KeyAction(rawValue, ["e"], "Edit value, probability, close date, owner…", scope: scope, needs: "deals.edit")
            case .new: KeyAction(rawValue, ["n"], "New deal for a contact…", scope: scope, needs: "deals.edit")
            case .undo: KeyAction(rawValue, ["u"], "Undo the last change", scope: scope, dangerous: true)
            }
        }
    }

    static let actions: [KeyAction] = Action.allCases.map(\.binding)
}
