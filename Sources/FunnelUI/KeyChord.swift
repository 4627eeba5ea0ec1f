/// A key as written in config files and help ("ctrl-d", "alt-x", "shift-tab", "pgdn", "f5", "space").
public struct KeyChord: Hashable, Sendable, CustomStringConvertible {
    /// The key this chord stands for.
    public let key: Key

    /// Creates a chord for a key.
    public init(_ key: Key) { self.key = key }

    /// Parses a chord; the error names the bad text.
    public init(parsing text: String) throws(KeyChordError) {
        let trimmed = text.trimmingCharacters(in: " ")
        guard !trimmed.isEmpty else { throw KeyChordError(text: text, reason: "empty key") }
        if trimmed.count == 1 {
            let c = trimmed.first!
            if c == " " { key = .character(" ") } else { key = .character(c) }
            return
        }
        let lower = trimmed.lowercased()
        for (prefixes, make) in Self.modifiers {
            for prefix in prefixes where lower.hasPrefix(prefix) && lower.count > prefix.count {
                let rest = String(trimmed.dropFirst(prefix.count))
                if let built = make(rest) { key = built; return }
                throw KeyChordError(text: text, reason: "cannot combine \"\(prefix.dropLast())\" with \"\(rest)\"")
            }
        }
        if let named = Self.named[lower] { key = named; return }
        if lower.hasPrefix("f"), let n = Int(lower.dropFirst()), (1...24).contains(n) { key = .function(n); return }
        throw KeyChordError(text: text, reason: "unknown key name")
    }

    private static let modifiers: [([String], @Sendable (String) -> Key?)] = [
        (["ctrl-", "ctrl+", "c-", "^"], { rest in
            guard rest.count == 1, let c = rest.lowercased().first, c.isLetter || "[]\\^_@".contains(c) else { return nil }
            return .ctrl(c)
        }),
        (["alt-", "alt+", "meta-", "m-", "a-"], { rest in
            if rest.count == 1 { return .alt(rest.first!) }
            if rest.lowercased() == "enter" { return .alt("\r") }
            return nil
        }),
        (["shift-", "shift+", "s-"], { rest in
            if rest.lowercased() == "tab" { return .backTab }
            if rest.count == 1, let c = rest.first, c.isLetter { return .character(Character(c.uppercased())) }
            return nil
        }),
    ]

    private static let named: [String: Key] = [
        "space": .character(" "), "spc": .character(" "),
        "enter": .enter, "return": .enter, "ret": .enter, "cr": .enter,
        "esc": .escape, "escape": .escape,
        "tab": .tab, "backtab": .backTab, "btab": .backTab,
        "bs": .backspace, "backspace": .backspace,
        "del": .delete, "delete": .delete, "ins": .insert, "insert": .insert,
        "up": .up, "down": .down, "left": .left, "right": .right,
        "home": .home, "end": .end,
        "pgup": .pageUp, "pageup": .pageUp, "pgdn": .pageDown, "pgdown": .pageDown, "pagedown": .pageDown,
        "minus": .character("-"), "plus": .character("+"), "lt": .character("<"), "gt": .character(">"),
    ]

    /// The canonical spelling, as shown in help ("ctrl-d", "shift-tab", "pgdn").
    public var description: String {
        switch key {
        case .character(" "): "space"
        case .character(let c): String(c)
        case .ctrl(let c): "ctrl-\(c)"
        case .alt(let c): "alt-\(c)"
        case .up: "up"
        case .down: "down"
        case .left: "left"
        case .right: "right"
        case .home: "home"
        case .end: "end"
        case .pageUp: "pgup"
        case .pageDown: "pgdn"
        case .insert: "insert"
        case .delete: "del"
        case .backspace: "backspace"
        case .enter: "enter"
        case .escape: "esc"
        case .tab: "tab"
        case .backTab: "shift-tab"
        case .function(let n): "f\(n)"
        }
    }
}

/// Why a key chord could not be parsed.
public struct KeyChordError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The text that failed to parse.
    public let text: String
    /// What was wrong with it.
    public let reason: String
    /// "invalid key \"ctrl-\": reason".
    public var description: String { "invalid key \"\(text)\": \(reason)" }
}

extension String {
    fileprivate func trimmingCharacters(in set: Character) -> String {
        var s = Substring(self)
        while s.first == set { s = s.dropFirst() }
        while s.last == set { s = s.dropLast() }
        return s.isEmpty && !isEmpty ? " " : String(s)
    }
}
