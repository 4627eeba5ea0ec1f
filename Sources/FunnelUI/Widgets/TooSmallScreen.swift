/// The message shown instead of the UI when the terminal is below the app's minimum size.
public struct TooSmallScreen: Hashable, Sendable {
    /// The minimum size the app needs.
    public var required: Size
    /// The terminal's size now.
    public var actual: Size
    /// Creates the screen.
    public init(required: Size, actual: Size) { self.required = required; self.actual = actual }

    /// The lines shown for a size: the longest wording that fits, down to "!" in a 1×1 terminal.
    public func message(fitting size: Size) -> [String] {
        let need = "\(required.width)×\(required.height)", have = "\(actual.width)×\(actual.height)"
        let candidates: [[String]] = [
            ["Terminal too small: need \(need), have \(have)"],
            ["Terminal too small", "need \(need), have \(have)"],
            ["Terminal too small", "need \(need)", "have \(have)"],
            ["Too small", "need \(need)", "have \(have)"],
            ["Too small", "need \(need)"],
            ["Too small: \(need)"],
            ["Too small"],
            ["need \(need)"],
            [need],
            ["small"],
            ["!"],
        ]
        for lines in candidates where lines.count <= size.height && lines.allSatisfy({ DisplayWidth.width(of: $0) <= size.width }) {
            return lines
        }
        return []
    }

    /// Draws the message centred in `rect`.
    public func render(into buffer: inout CellBuffer, in rect: Rect) {
        let area = rect.intersection(buffer.bounds)
        guard !area.isEmpty else { return }
        buffer.fill(area)
        let lines = message(fitting: area.size)
        let top = area.y + (area.height - lines.count) / 2
        for (offset, line) in lines.enumerated() {
            buffer.putPadded(line, at: Point(x: area.x, y: top + offset), width: area.width, alignment: .center, style: Style(offset == 0 ? .warning : .normal))
        }
    }
}
