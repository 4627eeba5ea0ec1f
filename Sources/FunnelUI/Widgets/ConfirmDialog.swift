/// What the user answered in a dialog.
public enum DialogOutcome: Hashable, Sendable {
    /// Still open.
    case pending
    /// Yes.
    case confirmed
    /// No / Escape.
    case cancelled
}

/// A centred yes/no box; dangerous dialogs use the danger role and a warning sign.
public struct ConfirmDialog: Hashable, Sendable {
    /// Box title.
    public var title: String
    /// Question text (wrapped).
    public var message: String
    /// True when confirming destroys data.
    public var isDangerous: Bool
    /// Creates a dialog.
    public init(title: String, message: String, isDangerous: Bool = false) {
        self.title = title; self.message = message; self.isDangerous = isDangerous
    }

    /// Maps a key to an answer: y / enter confirms (enter only when not dangerous), n / esc / q cancels.
    public func handle(_ key: Key) -> DialogOutcome {
        switch key {
        case .character("y"), .character("Y"): .confirmed
        case .enter: isDangerous ? .pending : .confirmed
        case .character("n"), .character("N"), .escape, .character("q"), .ctrl("c"): .cancelled
        default: .pending
        }
    }

    /// Draws the dialog centred in `rect`.
    public func render(into buffer: inout CellBuffer, in rect: Rect) {
        let area = rect.intersection(buffer.bounds)
        guard !area.isEmpty else { return }
        let width = min(area.width, max(30, min(60, DisplayWidth.width(of: message) + 4)))
        let lines = TextLayout.wrap(message, width: max(1, width - 4))
        let height = min(area.height, lines.count + 4)
        let box = area.centered(Size(width: width, height: height))
        let role: ColorRole = isDangerous ? .danger : .border
        let inner = Box.draw(into: &buffer, in: box, title: (isDangerous ? "⚠ " : "") + title, border: Style(role))
        guard !inner.isEmpty else { return }
        for (offset, line) in lines.prefix(max(0, inner.height - 1)).enumerated() {
            buffer.put(line, at: Point(x: inner.x + 1, y: inner.y + offset), maxWidth: inner.width - 1, style: Style(.overlay))
        }
        let prompt = isDangerous ? "y = yes, delete   n = no" : "[y]es   [n]o"
        buffer.putPadded(prompt, at: Point(x: inner.x, y: inner.maxY - 1), width: inner.width, alignment: .center, style: Style(isDangerous ? .danger : .accent))
    }
}
