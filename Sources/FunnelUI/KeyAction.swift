/// Where a key binding applies.
public enum KeyScope: Hashable, Sendable, CustomStringConvertible {
    /// Everywhere, unless a pane binds the key itself.
    case global
    /// Only in the named pane.
    case pane(String)
    /// "global" or the pane name.
    public var description: String {
        switch self {
        case .global: "global"
        case .pane(let name): name
        }
    }
}

/// A named, rebindable action the user can trigger with keys.
public struct KeyAction: Hashable, Sendable, Identifiable {
    /// Stable identifier used in config ("lead.delete").
    public var id: String
    /// Keys that trigger it.
    public var keys: [KeyChord]
    /// One-line description for help and the palette.
    public var summary: String
    /// Where it applies.
    public var scope: KeyScope
    /// True when it changes or deletes data (hidden and refused in read-only mode).
    public var isDangerous: Bool
    /// The permission the action needs (`leads.assign`), by name: without it the key is refused at
    /// once, saying so, before anything is asked.
    public var permission: String?

    /// Creates an action.
    public init(id: String, keys: [KeyChord], summary: String, scope: KeyScope = .global, isDangerous: Bool = false, permission: String? = nil) {
        self.id = id; self.keys = keys; self.summary = summary; self.scope = scope; self.isDangerous = isDangerous
        self.permission = permission
    }

    /// Creates an action from key strings; panics on a bad literal (for code-defined defaults only).
    /// An action that needs a permission changes data: it is dangerous too.
    public init(_ id: String, _ keys: [String], _ summary: String, scope: KeyScope = .global, dangerous: Bool = false, needs permission: String? = nil) {
        let chords = keys.map { text -> KeyChord in
            do { return try KeyChord(parsing: text) } catch { preconditionFailure("\(error)") }
        }
        self.init(id: id, keys: chords, summary: summary, scope: scope, isDangerous: dangerous || permission != nil, permission: permission)
    }

    /// The keys as text, e.g. "j, down".
    public var keysDescription: String { keys.map(\.description).joined(separator: ", ") }
}

/// The result of looking a key up.
public enum KeyLookup: Hashable, Sendable {
    /// No action is bound to the key in this scope.
    case unbound
    /// The action to run.
    case action(KeyAction)
    /// The key belongs to an action that cannot run now (e.g. read-only mode); `reason` is shown to the user.
    case refused(KeyAction, reason: String)
}
