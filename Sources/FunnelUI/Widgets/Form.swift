/// One labelled input in a form, with an optional validation message shown under it.
public struct FormField: Hashable, Sendable {
    /// Label shown left of the input.
    public var label: String
    /// The input.
    public var input: TextField
    /// Shown under the field in the danger role when not nil.
    public var validationMessage: String?
    /// Creates a field.
    public init(_ label: String, text: String = "", placeholder: String = "", validationMessage: String? = nil) {
        self.label = label
        input = TextField(text, placeholder: placeholder)
        self.validationMessage = validationMessage
    }
}

/// Labelled text fields; Tab / Shift-Tab (and up/down) move between them, other keys edit the focused one.
public struct Form: Hashable, Sendable {
    /// The fields, top to bottom.
    public var fields: [FormField]
    /// Index of the focused field.
    public var focusIndex: Int
    /// Creates a form.
    public init(fields: [FormField], focusIndex: Int = 0) { self.fields = fields; self.focusIndex = focusIndex }

    /// Field values by label.
    public var values: [String: String] {
        Dictionary(fields.map { ($0.label, $0.input.text) }, uniquingKeysWith: { first, _ in first })
    }

    /// Handles focus movement and editing; returns false for keys the form does not use (enter, esc...).
    public mutating func handle(_ key: Key) -> Bool {
        guard !fields.isEmpty else { return false }
        switch key {
        case .tab, .down: focusIndex = (focusIndex + 1) % fields.count
        case .backTab, .up: focusIndex = (focusIndex + fields.count - 1) % fields.count
        default:
            let handled = fields[focusIndex].input.handle(key)
            if handled { fields[focusIndex].validationMessage = nil }
            return handled
        }
        return true
    }

    /// Pastes into the focused field.
    public mutating func paste(_ text: String) {
        guard fields.indices.contains(focusIndex) else { return }
        fields[focusIndex].input.insert(text)
    }

    /// The width of the label column in `width` cells.
    func labelWidth(in width: Int) -> Int {
        min(fields.map { DisplayWidth.width(of: $0.label) }.max() ?? 0, max(0, width / 3)) + 2
    }

    /// A field's validation message in lines of the input's width: "✗ " first, then indented, so
    /// the whole message is read, never cut at the box's edge.
    func messageLines(_ message: String, inputWidth: Int) -> [String] {
        let lines = TextLayout.wrap(message, width: max(1, inputWidth - 2))
        return lines.enumerated().map { ($0.offset == 0 ? "✗ " : "  ") + $0.element }
    }

    /// Rows the form needs at `width`: one a field, and its message's lines.
    public func height(width: Int) -> Int {
        let inputWidth = width - labelWidth(in: width) - 1
        return fields.reduce(0) { rows, field in
            rows + 1 + (field.validationMessage.map { messageLines($0, inputWidth: inputWidth).count } ?? 0)
        }
    }

    /// Draws label / input rows, each followed by its validation message when present.
    public func render(into buffer: inout CellBuffer, in rect: Rect) {
        let area = rect.intersection(buffer.bounds)
        guard !area.isEmpty else { return }
        let labelWidth = labelWidth(in: area.width)
        var y = area.y
        for (index, field) in fields.enumerated() {
            guard y < area.maxY else { break }
            let focused = index == focusIndex
            let marker = focused ? "›" : " "
            buffer.putPadded(marker + field.label + ":", at: Point(x: area.x, y: y), width: labelWidth, style: Style(focused ? .accent : .normal))
            let inputRect = Rect(x: area.x + labelWidth + 1, y: y, width: area.width - labelWidth - 1, height: 1)
            field.input.render(into: &buffer, in: inputRect, isFocused: focused)
            y += 1
            if let message = field.validationMessage {
                // The fields after this one keep a row each: a long message gives way to them.
                let room = max(1, area.maxY - y - (fields.count - index - 1))
                var lines = messageLines(message, inputWidth: inputRect.width)
                if lines.count > room {
                    lines = Array(lines.prefix(room))
                    lines[room - 1] = String(lines[room - 1].dropLast()) + "…"
                }
                for line in lines where y < area.maxY {
                    buffer.put(line, at: Point(x: inputRect.x, y: y), maxWidth: inputRect.width, style: Style(.danger))
                    y += 1
                }
            }
        }
    }
}
