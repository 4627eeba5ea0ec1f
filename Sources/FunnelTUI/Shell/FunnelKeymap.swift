import FunnelUI
import FunnelViewModels

/// Every action of the application shell: the one table that help, the palette, the README's
/// key table and read-only mode are made from.
public enum FunnelKeymap {
    /// The shell's actions, plus one palette entry per theme.
    public static func registry(themeNames: [String], isReadOnly: Bool) -> KeyRegistry {
        var registry = KeyRegistry(isReadOnly: isReadOnly)
        for action in shellActions + PaneCatalog.all.flatMap(\.actions) + OverlayKeymap.actions + ImportKeymap.actions + ScoringKeymap.actions {
            registry.register(action)
        }
        for pane in PaneID.allCases {
            registry.register(KeyAction("pane.\(pane.rawValue)", ["\(pane.number)"], "Open the \(pane.title) pane"))
        }
        for name in themeNames {
            registry.register(KeyAction(id: "theme.\(name)", keys: [], summary: "Theme: switch to \(name)"))
        }
        return registry
    }

    static let shellActions: [KeyAction] = [
        KeyAction("app.quit", ["q", "ctrl-c"], "Quit Funnel"),
        KeyAction("app.stopWaiting", ["esc"], "Stop a write waiting for another process's lock (nothing is written)"),
        KeyAction("app.help", ["?"], "Show the keys of this pane"),
        KeyAction("app.palette", [":", "ctrl-p"], "Command palette: find any action by name"),
        KeyAction("pane.next", ["tab"], "Next pane"),
        KeyAction("pane.previous", ["shift-tab"], "Previous pane"),
        KeyAction("app.reload", ["ctrl-r"], "Reload the data"),
        KeyAction("app.redraw", ["ctrl-l"], "Redraw the screen"),
        KeyAction("app.suspend", ["ctrl-z"], "Suspend Funnel (resume with fg)"),
        KeyAction("theme.next", ["T"], "Theme: next theme"),
        KeyAction("app.import", ["ctrl-o"], "Import a CSV file of leads, contacts or deals (a preview first)…", needs: "data.import"),
        KeyAction(id: "app.mouse", keys: [], summary: "Mouse: turn on or off (off keeps the terminal's copy and paste)"),
        KeyAction(id: "app.scoring", keys: [], summary: "Scoring: the model in force, its factors, AUC and versions; learn a model…"),
    ]

    /// The problems of a config file's `[keys]`, as `funnel config check` reports them: unknown
    /// action ids, keys that cannot be read, and a key bound to two actions of one scope, each
    /// naming the file and the line (`text` is the file's text, for the lines).
    public static func problems(keyBindings: [String: [String]], themeNames: [String], file: String, text: String?) -> [String] {
        var registry = registry(themeNames: themeNames, isReadOnly: false)
        return registry.rebind(keyBindings).map { problem in
            let line = text.flatMap { FunnelConfig.line(ofKey: problem.actionId, inTable: "keys", text: $0) }.map { ":\($0)" } ?? ""
            return "\(file)\(line): \(problem.message)"
        }
    }

    /// The key table for the README, generated from the registry.
    public static func markdownTable() -> String {
        registry(themeNames: [], isReadOnly: false).markdownTable()
    }
}
