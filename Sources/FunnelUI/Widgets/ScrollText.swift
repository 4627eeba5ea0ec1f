/// Read-only text, word-wrapped by display width, scrolled by whole lines.
public struct ScrollText: Sendable {
    /// The text (newlines start paragraphs).
    public var text: String
    /// First visible wrapped line.
    public var scrollOffset: Int
    /// Style of the text.
    public var style: Style
    /// Creates a text view.
    public init(_ text: String, scrollOffset: Int = 0, style: Style = .normal) {
        self.text = text; self.scrollOffset = scrollOffset; self.style = style
    }

    /// The wrapped lines for a width (one column is kept for the scroll indicator).
    public func wrappedLines(width: Int) -> [String] { TextLayout.wrap(text, width: max(1, width - 1)) }

    /// The largest useful scroll offset for a rect.
    public func maxScrollOffset(in rect: Rect) -> Int { max(0, wrappedLines(width: rect.width).count - rect.height) }

    /// Draws the visible lines; "▲"/"▼" show when there is more above or below.
    public func render(into buffer: inout CellBuffer, in rect: Rect) {
        let area = rect.intersection(buffer.bounds)
        guard !area.isEmpty else { return }
        buffer.fill(area, style: style)
        let lines = wrappedLines(width: area.width)
        let top = max(0, min(scrollOffset, lines.count - area.height))
        for row in 0..<area.height where top + row < lines.count {
            buffer.put(lines[top + row], at: Point(x: area.x, y: area.y + row), maxWidth: area.width - 1, style: style)
        }
        guard area.width > 1 else { return }
        if top > 0 { buffer.put("▲", at: Point(x: area.maxX - 1, y: area.y), style: Style(.muted)) }
        if top + area.height < lines.count { buffer.put("▼", at: Point(x: area.maxX - 1, y: area.maxY - 1), style: Style(.muted)) }
    }
}
