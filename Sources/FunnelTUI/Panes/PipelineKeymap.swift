import FunnelUI

/// The Pipeline pane's actions (scope `pipeline`). Actions that change data are marked dangerous,
/// so read-only mode hides and refuses them; every one of them can be undone with `u`.
enum PipelineKeymap {
    static let scope = KeyScope.pane("pipeline")

    static let actions: [KeyAction] = [
        KeyAction("pipeline.down", ["j", "down"], "Next deal", scope: scope),
        KeyAction("pipeline.up", ["k", "up"], "Previous deal", scope: scope),
        KeyAction("pipeline.pageDown", ["ctrl-d", "pgdn"], "Page down", scope: scope),
        KeyAction("pipeline.pageUp", ["ctrl-u", "pgup"], "Page up", scope: scope),
        KeyAction("pipeline.top", ["g", "home"], "First deal of the column", scope: scope),
        KeyAction("pipeline.bottom", ["G", "end"], "Last deal of the column", scope: scope),
        KeyAction("pipeline.left", ["h", "left"], "Previous column (stage)", scope: scope),
        KeyAction("pipeline.right", ["l", "right"], "Next column (stage)", scope: scope),
        KeyAction("pipeline.detail", ["enter"], "Open the deal, its contact and their timeline", scope: scope),
        KeyAction("pipeline.back", ["esc"], "Close the detail, or clear the search", scope: scope),
        KeyAction("pipeline.table", ["v"], "Board or table view", scope: scope),
        KeyAction("pipeline.forecast", ["F"], "Forecast: weighted and won value by close month", scope: scope),
        KeyAction("pipeline.earlier", ["["], "Forecast: earlier months", scope: scope),
        KeyAction("pipeline.later", ["]"], "Forecast: later months", scope: scope),
        KeyAction("pipeline.sort", ["s"], "Table: sort by close date, value, days in stage, title", scope: scope),
        KeyAction("pipeline.reverse", ["S"], "Table: reverse the order", scope: scope),
        KeyAction("pipeline.search", ["/"], "Search deal titles and contacts", scope: scope),
        KeyAction("pipeline.owner", ["o"], "Owner filter: everyone's, mine, unassigned", scope: scope),
        KeyAction("pipeline.product", ["p"], "Filter by product…", scope: scope),
        KeyAction("pipeline.month", ["m"], "Filter by close month…", scope: scope),
        KeyAction("pipeline.forward", [">", "L"], "Move the deal to the next stage", scope: scope, needs: "deals.edit"),
        KeyAction("pipeline.backward", ["<", "H"], "Move the deal to the previous stage (reopens a closed deal)", scope: scope, needs: "deals.edit"),
        KeyAction("pipeline.win", ["W"], "Win the deal", scope: scope, needs: "deals.edit"),
        KeyAction("pipeline.lose", ["X"], "Lose the deal, with a reason…", scope: scope, needs: "deals.edit"),
        KeyAction("pipeline.edit", ["e"], "Edit value, probability, close date, owner…", scope: scope, needs: "deals.edit"),
        KeyAction("pipeline.new", ["n"], "New deal for a contact…", scope: scope, needs: "deals.edit"),
        KeyAction("pipeline.undo", ["u"], "Undo the last change", scope: scope, dangerous: true),
    ]
}
