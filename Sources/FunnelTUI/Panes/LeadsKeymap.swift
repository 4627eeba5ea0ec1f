import FunnelUI

/// The Leads pane's actions (scope `leads`). Actions that change data are marked dangerous, so
/// read-only mode hides and refuses them; every one of them can be undone with `u`.
enum LeadsKeymap {
    static let scope = KeyScope.pane("leads")

    static let actions: [KeyAction] = [
        KeyAction("leads.down", ["j", "down"], "Next lead", scope: scope),
        KeyAction("leads.up", ["k", "up"], "Previous lead", scope: scope),
        KeyAction("leads.pageDown", ["ctrl-d", "pgdn"], "Page down", scope: scope),
        KeyAction("leads.pageUp", ["ctrl-u", "pgup"], "Page up", scope: scope),
        KeyAction("leads.top", ["g", "home"], "First lead (best score)", scope: scope),
        KeyAction("leads.bottom", ["G", "end"], "Last lead", scope: scope),
        KeyAction("leads.nextTab", ["l", "right"], "Next status tab", scope: scope),
        KeyAction("leads.previousTab", ["h", "left"], "Previous status tab", scope: scope),
        KeyAction("leads.detail", ["enter"], "Open the lead: fields, score explained, timeline, duplicates", scope: scope),
        KeyAction("leads.back", ["esc"], "Close the detail, or clear the search", scope: scope),
        KeyAction("leads.search", ["/"], "Search names, emails, companies, phones, attributes", scope: scope),
        KeyAction("leads.owner", ["o"], "Owner filter: everyone's, mine, unassigned", scope: scope),
        KeyAction("leads.source", ["f"], "Filter by source or attribute value…", scope: scope),
        KeyAction("leads.product", ["p"], "Filter by product…", scope: scope),
        KeyAction("leads.mark", ["space"], "Mark the lead (actions apply to all marked)", scope: scope),
        KeyAction("leads.new", ["n"], "New lead…", scope: scope, needs: "leads.edit"),
        KeyAction("leads.edit", ["e"], "Edit the lead…", scope: scope, needs: "leads.edit"),
        KeyAction("leads.assignMe", ["a"], "Assign to me", scope: scope, needs: "leads.assign"),
        KeyAction("leads.assign", ["A"], "Assign to a user…", scope: scope, needs: "leads.assign"),
        KeyAction("leads.status", ["s"], "Set the status…", scope: scope, needs: "leads.edit"),
        KeyAction("leads.disqualify", ["x"], "Disqualify, with a reason", scope: scope, needs: "leads.edit"),
        KeyAction("leads.log", ["L"], "Log a call, email, meeting or note (rescores)", scope: scope, needs: "leads.edit"),
        KeyAction("leads.convert", ["c"], "Convert into a contact and a deal…", scope: scope, needs: "leads.convert"),
        KeyAction("leads.merge", ["M"], "Merge the lead's duplicates into it", scope: scope, needs: "leads.merge"),
        KeyAction("leads.undo", ["u"], "Undo the last change", scope: scope, dangerous: true),
    ]
}
