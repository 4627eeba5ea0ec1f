import FunnelUI

/// The keys of what opens over a pane and scrolls (help, a record's detail, the full-screen
/// item): scope `overlay`, in the registry like every key, so help lists them and `[keys]` in the
/// config file rebinds them.
enum OverlayKeymap {
    static let scope = KeyScope.pane("overlay")

    enum Action: String, CaseIterable {
        case down = "overlay.down", up = "overlay.up", pageDown = "overlay.pageDown", pageUp = "overlay.pageUp", close = "overlay.close"
    }

    static let actions: [KeyAction] = [
        KeyAction(Action.down.rawValue, ["j", "down"], "Help or a detail: scroll down", scope: scope),
        KeyAction(Action.up.rawValue, ["k", "up"], "Help or a detail: scroll up", scope: scope),
        KeyAction(Action.pageDown.rawValue, ["ctrl-d", "pgdn"], "Help or a detail: a page down", scope: scope),
        KeyAction(Action.pageUp.rawValue, ["ctrl-u", "pgup"], "Help or a detail: a page up", scope: scope),
        KeyAction(Action.close.rawValue, ["esc", "enter", "q"], "Help or a detail: close it", scope: scope),
    ]

    /// The registry in force for the panes' detail overlays (the user's rebindings applied); set
    /// by the application, which passes its own registry for help.
    @MainActor static var registry = KeyRegistry(actions)

    /// What a key does in an overlay (nil: it is not an overlay key, and goes on to the pane).
    @MainActor static func action(for key: Key, in registry: KeyRegistry = registry) -> Action? {
        guard case .action(let found) = registry.action(for: key, scope: scope), found.scope == scope else { return nil }
        return Action(rawValue: found.id)
    }
}
