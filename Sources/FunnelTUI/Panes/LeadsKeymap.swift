import FunnelUI

/// The Leads pane's actions (scope `leads`). Actions that change data are marked dangerous, so
/// read-only mode hides and refuses them; every one of them can be undone with `u`.
enum LeadsKeymap {
    static let scope = KeyScope.pane("leads")

    /// The pane's actions as a type: LeadsPane.perform(_:) switches over every case, so the
    /// compiler checks that each binding has a handler (and each case its keys and words).
    enum Action: String, CaseIterable {
        case down = "leads.down"
        case up = "leads.up"
        case pageDown = "leads.pageDown"
        case pageUp = "leads.pageUp"
        case top = "leads.top"
        case bottom = "leads.bottom"
        case nextTab = "leads.nextTab"
        case previousTab = "leads.previousTab"
        case detail = "leads.detail"
        case back = "leads.back"
        case search = "leads.search"
        case owner = "leads.owner"
        case source = "leads.source"
        case product = "leads.product"
        case mark = "leads.mark"
        case `new` = "leads.new"
        case edit = "leads.edit"
        case assignMe = "leads.assignMe"
        case assign = "leads.assign"
        case status = "leads.status"
        case disqualify = "leads.disqualify"
        case log = "leads.log"
        case convert = "leads.convert"
        case merge = "leads.merge"
        case undo = "leads.undo"

        var binding: KeyAction {
            switch self {
            case .down: KeyAction(rawValue, ["j", "down"], "Next lead", scope: scope)
            case .up: KeyAction(rawValue, ["k", "up"], "Previous lead", scope: scope)
            case .pageDown: KeyAction(rawValue, ["ctrl-d", "pgdn"], "Page down", scope: scope)
            case .pageUp: KeyAction(rawValue, ["ctrl-u", "pgup"], "Page up", scope: scope)
            case .top: KeyAction(rawValue, ["g", "home"], "First lead (best score)", scope: scope)
            case .bottom: KeyAction(rawValue, ["G", "end"], "Last lead", scope: scope)
            case .nextTab: KeyAction(rawValue, ["l", "right"], "Next status tab", scope: scope)
            case .previousTab: KeyAction(rawValue, ["h", "left"], "Previous status tab", scope: scope)
            case .detail: KeyAction(rawValue, ["enter"], "Open the lead: fields, score explained, timeline, duplicates", scope: scope)
            case .back: KeyAction(rawValue, ["esc"], "Close the detail, or clear the search", scope: scope)
            case .search: KeyAction(rawValue, ["/"], "Search names, emails, companies, phones, attributes", scope: scope)
            case .owner: KeyAction(rawValue, ["o"], "Owner filter: everyone's, mine, unassigned", scope: scope)
            case .source: KeyAction(rawValue, ["f"], "Filter by source or attribute value…", scope: scope)
            case .product: KeyAction(rawValue, ["p"], "Filter by product…", scope: scope)
            case .mark: KeyAction(rawValue, ["space"], "Mark the lead (actions apply to all marked)", scope: scope)
            case .new: KeyAction(rawValue, ["n"], "New lead…", scope: scope, needs: "leads.edit")
            case .edit: KeyAction(rawValue, ["e"], "Edit the lead…", scope: scope, needs: "leads.edit")
            case .assignMe: KeyAction(rawValue, ["a"], "Assign to me", scope: scope, needs: "leads.assign")
            case .assign: KeyAction(rawValue, ["A"], "Assign to a user…", scope: scope, needs: "leads.assign")
            case .status: KeyAction(rawValue, ["s"], "Set the status…", scope: scope, needs: "leads.edit")
            case .disqualify: KeyAction(rawValue, ["x"], "Disqualify, with a reason", scope: scope, needs: "leads.edit")
            case .log: KeyAction(rawValue, ["L"], "Log a call, email, meeting or note (rescores)", scope: scope, needs: "leads.edit")
            case .convert: KeyAction(rawValue, ["c"], "Convert into a contact and a deal…", scope: scope, needs: "leads.convert")
            case .merge: KeyAction(rawValue, ["M"], "Merge the lead's duplicates into it", scope: scope, needs: "leads.merge")
            case .undo: KeyAction(rawValue, ["u"], "Undo the last change", scope: scope, dangerous: true)
            }
        }
    }

    static let actions: [KeyAction] = Action.allCases.map(\.binding)
}
