/// A one-line editable text field with emacs-style keys and horizontal scrolling.
public struct TextField: Hashable, Sendable {
    private var characters: [Character]
    /// Cursor position, in characters (0...count).
    public private(set) var cursor: Int
    /// Shown dimmed when the field is empty.
    public var placeholder: String
    /// Whether the whole text is selected (shown reversed): the first character typed or pasted
    /// replaces it, a deleting key clears it, a moving key keeps it to edit.
    public private(set) var isSelected: Bool

    /// Creates a field with the cursor at the end; `selected`: with its text all selected (a
    /// search offered again, replaced by typing).
    public init(_ text: String = "", placeholder: String = "", selected: Bool = false) {
        characters = Array(TextLayout.sanitized(text))
        cursor = characters.count
        self.placeholder = placeholder
        isSelected = selected && !characters.isEmpty
    }

    /// The current text.
    public var text: String {
        get { String(characters) }
        set { characters = Array(TextLayout.sanitized(newValue)); cursor = characters.count; isSelected = false }
    }

    /// Inserts text (typed or pasted) at the cursor; newlines become spaces.
    public mutating func insert(_ string: String) {
        replaceSelection()
        let clean = Array(TextLayout.sanitized(string.replacingNewlines()))
        characters.insert(contentsOf: clean, at: cursor)
        cursor += clean.count
    }

    /// Applies an editing key; returns false when the key is not an editing key (so the caller may use it).
    @discardableResult
    public mutating func handle(_ key: Key) -> Bool {
        if isSelected {
            switch key {
            case .backspace, .ctrl("h"), .delete, .ctrl("d"), .ctrl("u"), .ctrl("k"), .ctrl("w"):
                replaceSelection()
                return true
            case .left, .ctrl("b"), .home, .ctrl("a"), .alt("b"):
                isSelected = false
                cursor = 0
                return true
            case .right, .ctrl("f"), .end, .ctrl("e"), .alt("f"):
                isSelected = false
                return true
            default: break
            }
        }
        switch key {
        case .character(let c): insert(String(c))
        case .backspace, .ctrl("h"):
            guard cursor > 0 else { return true }
            characters.remove(at: cursor - 1); cursor -= 1
        case .delete, .ctrl("d"):
            guard cursor < characters.count else { return true }
            characters.remove(at: cursor)
        case .left, .ctrl("b"): cursor = max(0, cursor - 1)
        case .right, .ctrl("f"): cursor = min(characters.count, cursor + 1)
        case .home, .ctrl("a"): cursor = 0
        case .end, .ctrl("e"): cursor = characters.count
        case .ctrl("u"): characters.removeSubrange(0..<cursor); cursor = 0
        case .ctrl("k"): characters.removeSubrange(cursor...)
        case .ctrl("w"):
            var start = cursor
            while start > 0 && characters[start - 1] == " " { start -= 1 }
            while start > 0 && characters[start - 1] != " " { start -= 1 }
            characters.removeSubrange(start..<cursor); cursor = start
        case .alt("b"):
            while cursor > 0 && characters[cursor - 1] == " " { cursor -= 1 }
            while cursor > 0 && characters[cursor - 1] != " " { cursor -= 1 }
        case .alt("f"):
            while cursor < characters.count && characters[cursor] == " " { cursor += 1 }
            while cursor < characters.count && characters[cursor] != " " { cursor += 1 }
        default: return false
        }
        return true
    }

    /// Forgets a selected text (it is being replaced).
    mutating func replaceSelection() {
        guard isSelected else { return }
        isSelected = false
        characters = []
        cursor = 0
    }

    /// The index of the first character shown so the cursor stays visible in `width` cells.
    public func firstVisibleIndex(width: Int) -> Int {
        guard width > 1 else { return cursor }
        var start = cursor, used = 1 // the cursor cell itself
        while start > 0 {
            let w = DisplayWidth.width(of: characters[start - 1])
            if used + w > width { break }
            used += w; start -= 1
        }
        // Prefer showing from the beginning when everything before the cursor fits.
        return start
    }

    /// Draws the first row of `rect`; the cursor is a reversed cell when focused.
    public func render(into buffer: inout CellBuffer, in rect: Rect, isFocused: Bool = true, style: Style = Style(.input)) {
        let area = rect.intersection(buffer.bounds).row(0)
        guard !area.isEmpty else { return }
        buffer.fill(area, style: style)
        if characters.isEmpty && !placeholder.isEmpty {
            buffer.put(placeholder, at: area.origin, maxWidth: area.width, style: Style(.muted))
        }
        var x = area.x
        var index = firstVisibleIndex(width: area.width)
        while index < characters.count {
            let w = DisplayWidth.width(of: characters[index])
            if x + w > area.maxX { break }
            let cellStyle = isFocused && (isSelected || index == cursor) ? style.adding(.reverse) : style
            buffer.set(Cell(characters[index], width: w, style: cellStyle), at: Point(x: x, y: area.y))
            x += w; index += 1
        }
        if isFocused && cursor == characters.count && x < area.maxX {
            let current = buffer[x, area.y]
            buffer.set(Cell(current.character, width: 1, style: style.adding(.reverse)), at: Point(x: x, y: area.y))
        }
    }
}

extension String {
    fileprivate func replacingNewlines() -> String {
        String(map { $0 == "\n" || $0 == "\r" || $0 == "\r\n" ? " " : $0 })
    }
}
