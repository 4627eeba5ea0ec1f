/// A 0–100 score as a small block bar plus the number, coloured by band (hot ≥ 70, warm ≥ 40, cold).
public struct ScoreBar: Hashable, Sendable {
    /// The score, clamped to 0...100.
    public var score: Int
    /// Creates a score bar.
    public init(_ score: Int) { self.score = max(0, min(100, score)) }

    /// The band's colour role.
    public var role: ColorRole { score >= 70 ? .scoreHot : (score >= 40 ? .scoreWarm : .scoreCold) }

    /// The bar text for a width, e.g. "███▌░ 72" (the number always fits first).
    public func text(width: Int) -> String {
        let number = String(score)
        guard width > number.count + 1 else { return String(number.prefix(max(0, width))) }
        let barWidth = width - number.count - 1
        let eighths = score * barWidth * 8 / 100
        let partials: [Character] = ["▏", "▎", "▍", "▌", "▋", "▊", "▉"]
        var bar = String(repeating: "█", count: eighths / 8)
        if eighths % 8 > 0 { bar.append(partials[eighths % 8 - 1]) }
        bar += String(repeating: "░", count: barWidth - bar.count)
        return bar + " " + number
    }

    /// Draws the bar on the first row of `rect`.
    public func render(into buffer: inout CellBuffer, in rect: Rect) {
        let area = rect.intersection(buffer.bounds).row(0)
        guard !area.isEmpty else { return }
        buffer.putPadded(text(width: area.width), at: area.origin, width: area.width, alignment: .right, style: Style(role))
    }
}
