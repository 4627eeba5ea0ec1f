import FunnelUI

/// The Calendar pane's actions (scope `calendar`). Changes are marked dangerous, so read-only
/// mode hides and refuses them; `u` undoes them.
enum CalendarKeymap {
    static let scope = KeyScope.pane("calendar")

    static let actions: [KeyAction] = [
        KeyAction("calendar.left", ["h", "left"], "Previous day", scope: scope),
        KeyAction("calendar.right", ["l", "right"], "Next day", scope: scope),
        KeyAction("calendar.up", ["k", "up"], "Previous week", scope: scope),
        KeyAction("calendar.down", ["j", "down"], "Next week", scope: scope),
        KeyAction("calendar.previous", ["[", "pgup"], "Previous month (week in the week view)", scope: scope),
        KeyAction("calendar.next", ["]", "pgdn"], "Next month (week in the week view)", scope: scope),
        KeyAction("calendar.today", ["t", "home"], "Today", scope: scope),
        KeyAction("calendar.view", ["w"], "Month or week view", scope: scope),
        KeyAction("calendar.itemDown", ["J"], "Next item of the day (agenda)", scope: scope),
        KeyAction("calendar.itemUp", ["K"], "Previous item of the day (agenda)", scope: scope),
        KeyAction("calendar.detail", ["enter"], "Open the item: body, campaign or posts, history", scope: scope),
        KeyAction("calendar.back", ["esc"], "Close the item, or clear the filters", scope: scope),
        KeyAction("calendar.type", ["f"], "Filter by type: blog, email, social…", scope: scope),
        KeyAction("calendar.status", ["F"], "Filter by status: draft, pending approval…", scope: scope),
        KeyAction("calendar.product", ["p"], "Filter by product", scope: scope),
        KeyAction("calendar.reschedule", ["r"], "Reschedule the item (2026-12-03 09:30, tomorrow 9am, +2d)…", scope: scope, needs: "content.schedule"),
        KeyAction("calendar.new", ["n"], "New draft on the selected day…", scope: scope, needs: "content.edit"),
        KeyAction("calendar.edit", ["e"], "Edit the item's body in $EDITOR", scope: scope, needs: "content.edit"),
        KeyAction("calendar.submit", ["s"], "Submit the draft for approval", scope: scope, needs: "content.submit"),
        KeyAction("calendar.undo", ["u"], "Undo the last change", scope: scope, dangerous: true),
    ]
}

/// The Approvals pane's actions (scope `approvals`). Decisions are marked dangerous.
enum ApprovalsKeymap {
    static let scope = KeyScope.pane("approvals")

    static let actions: [KeyAction] = [
        KeyAction("approvals.down", ["j", "down"], "Next item", scope: scope),
        KeyAction("approvals.up", ["k", "up"], "Previous item", scope: scope),
        KeyAction("approvals.pageDown", ["ctrl-d", "pgdn"], "Page down", scope: scope),
        KeyAction("approvals.pageUp", ["ctrl-u", "pgup"], "Page up", scope: scope),
        KeyAction("approvals.top", ["g", "home"], "Oldest item", scope: scope),
        KeyAction("approvals.bottom", ["G", "end"], "Newest item", scope: scope),
        KeyAction("approvals.scrollDown", ["J"], "Scroll the preview down", scope: scope),
        KeyAction("approvals.scrollUp", ["K"], "Scroll the preview up", scope: scope),
        KeyAction("approvals.open", ["enter"], "Open the item full screen (or close it)", scope: scope),
        KeyAction("approvals.back", ["esc"], "Close the full screen, or clear the marks", scope: scope),
        KeyAction("approvals.mark", ["space"], "Mark or unmark the item (decide several at once)", scope: scope),
        KeyAction("approvals.approve", ["a"], "Approve the marked items, or the selected one", scope: scope, needs: "content.approve"),
        KeyAction("approvals.reject", ["r"], "Reject with a comment: back to draft…", scope: scope, needs: "content.approve"),
        KeyAction("approvals.undo", ["u"], "Undo the last decision (the items wait again)", scope: scope, needs: "content.approve"),
    ]
}
