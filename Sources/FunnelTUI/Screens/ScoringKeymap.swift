import FunnelUI

/// The scoring view's actions (scope `scoring`): the versions list, the details' scrolling, and
/// the administrators' changes (learning a model, switching to a version or back to the rules),
/// each asked yes or no before anything is used. The yes/no itself is the dialog's (`y`, `n`).
enum ScoringKeymap {
    static let scope = KeyScope.pane("scoring")

    static let actions: [KeyAction] = [
        KeyAction("scoring.down", ["j", "down"], "Versions: next (its details beside)", scope: scope),
        KeyAction("scoring.up", ["k", "up"], "Versions: previous", scope: scope),
        KeyAction("scoring.scrollDown", ["J", "pgdn"], "Scroll the details (factors, calibration) down", scope: scope),
        KeyAction("scoring.scrollUp", ["K", "pgup"], "Scroll the details up", scope: scope),
        KeyAction("scoring.learn", ["L"], "Learn a new model from the outcomes…", scope: scope, needs: "admin"),
        KeyAction("scoring.use", ["enter"], "Score with the selected version (or the rules)…", scope: scope, needs: "admin"),
        KeyAction("scoring.rules", ["r"], "Go back to the rules…", scope: scope, needs: "admin"),
        KeyAction("scoring.close", ["esc", "q"], "Close the scoring view (esc stops learning: nothing is stored)", scope: scope),
    ]
}
