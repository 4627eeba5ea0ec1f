/// Draws framed boxes used by dialogs and overlays.
public enum Box {
    /// Draws a border around `rect` with an optional title in the top edge, filling the inside; returns the inner rect.
    @discardableResult
    public static func draw(into buffer: inout CellBuffer, in rect: Rect, title: String? = nil, border: Style = Style(.border), fill: Style = Style(.overlay)) -> Rect {
        guard !rect.isEmpty else { return rect }
        buffer.fill(rect, style: fill)
        guard rect.width >= 2, rect.height >= 2 else { return Rect(x: rect.x, y: rect.y, width: 0, height: 0) }
        let horizontal = String(repeating: "─", count: rect.width - 2)
        buffer.put("┌" + horizontal + "┐", at: rect.origin, style: border)
        buffer.put("└" + horizontal + "┘", at: Point(x: rect.x, y: rect.maxY - 1), style: border)
        for y in (rect.y + 1)..<(rect.maxY - 1) {
            buffer.put("│", at: Point(x: rect.x, y: y), style: border)
            buffer.put("│", at: Point(x: rect.maxX - 1, y: y), style: border)
        }
        if let title, !title.isEmpty, rect.width > 4 {
            buffer.put(" \(title) ", at: Point(x: rect.x + 1, y: rect.y), maxWidth: rect.width - 2, style: Style(.title))
        }
        return rect.inset(by: 1)
    }
}
