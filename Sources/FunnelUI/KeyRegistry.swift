import Foundation

/// All key actions of the app, with user rebindings and read-only refusal.
public struct KeyRegistry: Sendable {
    /// Actions in registration order.
    public private(set) var actions: [KeyAction] = []
    /// When true, dangerous actions are hidden from help and refused.
    public var isReadOnly: Bool
    /// Why the user may not run an action that needs a permission (nil: they may); set by the
    /// application from the signed-in user's role.
    public var permissionRefusal: (@Sendable (KeyAction) -> String?)?

    /// Creates an empty registry.
    public init(isReadOnly: Bool = false) { self.isReadOnly = isReadOnly }

    /// Creates a registry holding the given actions.
    public init(_ actions: [KeyAction], isReadOnly: Bool = false) {
        self.isReadOnly = isReadOnly
        for action in actions { register(action) }
    }

    /// Adds an action (replacing one with the same id).
    public mutating func register(_ action: KeyAction) {
        if let index = actions.firstIndex(where: { $0.id == action.id }) { actions[index] = action } else { actions.append(action) }
    }

    /// The action with an id.
    public func action(id: String) -> KeyAction? { actions.first { $0.id == id } }

    /// The action bound to `key` in `scope` (pane bindings first, then global), or why it is refused.
    public func action(for key: Key, scope: KeyScope) -> KeyLookup {
        let chord = KeyChord(key)
        let candidates = actions.filter { $0.keys.contains(chord) }
        let found = candidates.first { $0.scope == scope } ?? candidates.first { $0.scope == .global }
        guard let found else { return .unbound }
        if let reason = refusal(of: found) { return .refused(found, reason: reason) }
        return .action(found)
    }

    /// Why an action may not run now (read-only mode, or a permission the user lacks); nil when it may.
    /// Keys and the palette both ask, so a write is refused before any picker or form opens.
    public func refusal(of action: KeyAction) -> String? {
        if isReadOnly && action.isDangerous { return "\(action.summary) is not allowed in read-only mode" }
        if action.permission != nil, let reason = permissionRefusal?(action) { return reason }
        return nil
    }

    /// A problem with a user's key bindings: the action id the user bound (its line in the config
    /// file names where) and what is wrong.
    public struct RebindingProblem: Hashable, Sendable {
        public let actionId: String
        public let message: String
    }

    /// Replaces keys from config (`action id -> key strings`); returns warnings for unknown ids, bad keys and clashes.
    @discardableResult
    public mutating func applyRebindings(_ bindings: [String: [String]]) -> [String] {
        rebind(bindings).map(\.message)
    }

    /// Replaces keys from config (`action id -> key strings`); returns the unknown action ids, the
    /// keys that cannot be read, and each key bound to two actions of one scope once every binding
    /// is in place (naming the key and both actions).
    public mutating func rebind(_ bindings: [String: [String]]) -> [RebindingProblem] {
        var problems: [RebindingProblem] = []
        var rebound: [String] = []
        for id in bindings.keys.sorted() {
            guard let index = actions.firstIndex(where: { $0.id == id }) else {
                problems.append(RebindingProblem(actionId: id, message: "keys: unknown action \"\(id)\""))
                continue
            }
            var chords: [KeyChord] = []
            for text in bindings[id] ?? [] {
                do { chords.append(try KeyChord(parsing: text)) } catch { problems.append(RebindingProblem(actionId: id, message: "keys.\(id): \(error)")) }
            }
            guard !chords.isEmpty else {
                problems.append(RebindingProblem(actionId: id, message: "keys.\(id): no valid key, keeping \(actions[index].keysDescription)"))
                continue
            }
            actions[index].keys = chords
            rebound.append(id)
        }
        // Clashes, with every binding in place (a key given to one action and taken from another is
        // no clash); a pane's key over a global one is not either: the pane's wins there by design.
        var reported: Set<[String]> = []
        for id in rebound {
            guard let bound = self.action(id: id) else { continue }
            for chord in bound.keys {
                for other in actions where other.id != id && other.scope == bound.scope && other.keys.contains(chord) {
                    guard reported.insert([id, other.id].sorted() + [chord.description]).inserted else { continue }
                    problems.append(RebindingProblem(
                        actionId: id, message: "keys.\(id): \"\(chord)\" is also bound to \"\(other.id)\" in scope \(bound.scope)"))
                }
            }
        }
        return problems
    }

    /// Actions shown in help for a scope: the pane's own, then global ones (dangerous ones hidden when read-only).
    public func actions(in scope: KeyScope) -> [KeyAction] {
        let visible = actions.filter { !(isReadOnly && $0.isDangerous) }
        if scope == .global { return visible.filter { $0.scope == .global } }
        return visible.filter { $0.scope == scope } + visible.filter { $0.scope == .global }
    }

    /// All visible actions grouped by scope, global first, then panes in registration order.
    public var groupedActions: [(scope: KeyScope, actions: [KeyAction])] {
        let visible = actions.filter { !(isReadOnly && $0.isDangerous) }
        var scopes: [KeyScope] = [.global]
        for action in visible where !scopes.contains(action.scope) { scopes.append(action.scope) }
        return scopes.compactMap { scope in
            let list = visible.filter { $0.scope == scope }
            return list.isEmpty ? nil : (scope, list)
        }
    }

    /// A Markdown table of every action (for the README), grouped by scope.
    public func markdownTable() -> String {
        var lines = ["| Scope | Keys | Action | Id |", "| --- | --- | --- | --- |"]
        var all = KeyRegistry(actions)
        all.isReadOnly = false
        for group in all.groupedActions {
            for action in group.actions {
                let keys = action.keys.map { "`\($0.description.replacingOccurrences(of: "|", with: "\\|"))`" }.joined(separator: " ")
                let summary = action.summary + (action.isDangerous ? " (!)" : "")
                lines.append("| \(group.scope) | \(keys) | \(summary) | `\(action.id)` |")
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
