import FunnelUI

/// The Calendar pane's actions (scope `calendar`). Changes are marked dangerous, so read-only
/// mode hides and refuses them; `u` undoes them.
enum CalendarKeymap {
    static let scope = KeyScope.pane("calendar")

    /// The pane's actions as a type: CalendarPane.perform(_:) switches over every case, so the
    /// compiler checks that each binding has a handler (and each case its keys and words).
    enum Action: String, CaseIterable {
        case left = "calendar.left"
        case right = "calendar.right"
        case up = "calendar.up"
        case down = "calendar.down"
        case previous = "calendar.previous"
        case next = "calendar.next"
        case today = "calendar.today"
        case view = "calendar.view"
        case itemDown = "calendar.itemDown"
        case itemUp = "calendar.itemUp"
        case detail = "calendar.detail"
        case back = "calendar.back"
        case `type` = "calendar.type"
        case status = "calendar.status"
        case product = "calendar.product"
        case reschedule = "calendar.reschedule"
        case `new` = "calendar.new"
        case edit = "calendar.edit"
        case submit = "calendar.submit"
        case undo = "calendar.undo"

        var binding: KeyAction {
            switch self {
            case .left: KeyAction(rawValue, ["h", "left"], "Previous day", scope: scope)
            case .right: KeyAction(rawValue, ["l", "right"], "Next day", scope: scope)
            case .up: KeyAction(rawValue, ["k", "up"], "Previous week", scope: scope)
            case .down: KeyAction(rawValue, ["j", "down"], "Next week", scope: scope)
            case .previous: KeyAction(rawValue, ["[", "pgup"], "Previous month (week in the week view)", scope: scope)
            case .next: KeyAction(rawValue, ["]", "pgdn"], "Next month (week in the week view)", scope: scope)
            case .today: KeyAction(rawValue, ["t", "home"], "Today", scope: scope)
            case .view: KeyAction(rawValue, ["w"], "Month or week view", scope: scope)
            case .itemDown: KeyAction(rawValue, ["J"], "Next item of the day (agenda)", scope: scope)
            case .itemUp: KeyAction(rawValue, ["K"], "Previous item of the day (agenda)", scope: scope)
            case .detail: KeyAction(rawValue, ["enter"], "Open the item: body, campaign or posts, history", scope: scope)
            case .back: KeyAction(rawValue, ["esc"], "Close the item, or clear the filters", scope: scope)
            case .type: KeyAction(rawValue, ["f"], "Filter by type: blog, email, social…", scope: scope)
            case .status: KeyAction(rawValue, ["F"], "Filter by status: draft, pending approval…", scope: scope)
            case .product: KeyAction(rawValue, ["p"], "Filter by product", scope: scope)
            case .reschedule: KeyAction(rawValue, ["r"], "Reschedule the item (2026-12-03 09:30, tomorrow 9am, +2d)…", scope: scope, needs: "content.schedule")
            case .new: KeyAction(rawValue, ["n"], "New draft on the selected day…", scope: scope, needs: "content.edit")
            case .edit: KeyAction(rawValue, ["e"], "Edit the item's body in $EDITOR", scope: scope, needs: "content.edit")
            case .submit: KeyAction(rawValue, ["s"], "Submit the draft for approval", scope: scope, needs: "content.submit")
            case .undo: KeyAction(rawValue, ["u"], "Undo the last change", scope: scope, dangerous: true)
            }
        }
    }

    static let actions: [KeyAction] = Action.allCases.map(\.binding)
}

/// The Approvals pane's actions (scope `approvals`). Decisions are marked dangerous.
enum ApprovalsKeymap {
    static let scope = KeyScope.pane("approvals")

    /// The pane's actions as a type: ApprovalsPane.perform(_:) switches over every case, so the
    /// compiler checks that each binding has a handler (and each case its keys and words).
    enum Action: String, CaseIterable {
        case down = "approvals.down"
        case up = "approvals.up"
        case pageDown = "approvals.pageDown"
        case pageUp = "approvals.pageUp"
        case top = "approvals.top"
        case bottom = "approvals.bottom"
        case scrollDown = "approvals.scrollDown"
        case scrollUp = "approvals.scrollUp"
        case `open` = "approvals.open"
        case back = "approvals.back"
        case mark = "approvals.mark"
        case approve = "approvals.approve"
        case reject = "approvals.reject"
        case undo = "approvals.undo"

        var binding: KeyAction {
            switch self {
            case .down: KeyAction(rawValue, ["j", "down"], "Next item", scope: scope)
            case .up: KeyAction(rawValue, ["k", "up"], "Previous item", scope: scope)
            case .pageDown: KeyAction(rawValue, ["ctrl-d", "pgdn"], "Page down", scope: scope)
            case .pageUp: KeyAction(rawValue, ["ctrl-u", "pgup"], "Page up", scope: scope)
            case .top: KeyAction(rawValue, ["g", "home"], "Oldest item", scope: scope)
            case .bottom: KeyAction(rawValue, ["G", "end"], "Newest item", scope: scope)
            case .scrollDown: KeyAction(rawValue, ["J"], "Scroll the preview down", scope: scope)
            case .scrollUp: KeyAction(rawValue, ["K"], "Scroll the preview up", scope: scope)
            case .open: KeyAction(rawValue, ["enter"], "Open the item full screen (or close it)", scope: scope)
            case .back: KeyAction(rawValue, ["esc"], "Close the full screen, or clear the marks", scope: scope)
            case .mark: KeyAction(rawValue, ["space"], "Mark or unmark the item (decide several at once)", scope: scope)
            case .approve: KeyAction(rawValue, ["a"], "Approve the marked items, or the selected one", scope: scope, needs: "content.approve")
            case .reject: KeyAction(rawValue, ["r"], "Reject with a comment: back to draft…", scope: scope, needs: "content.approve")
            case .undo: KeyAction(rawValue, ["u"], "Undo the last decision (the items wait again)", scope: scope, needs: "content.approve")
            }
        }
    }

    static let actions: [KeyAction] = Action.allCases.map(\.binding)
}
