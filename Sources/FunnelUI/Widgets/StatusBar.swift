/// A piece of status bar text; lower `priority` segments are dropped first when space runs out.
public struct StatusSegment: Hashable, Sendable {
    /// Text.
    public var text: String
    /// Colour role.
    public var role: ColorRole
    /// Higher stays longer.
    public var priority: Int
    /// Creates a segment.
    public init(_ text: String, role: ColorRole = .statusBar, priority: Int = 0) {
        self.text = text; self.role = role; self.priority = priority
    }
}

/// A one-row bar with left and right segments, dropping low-priority segments when narrow.
public struct StatusBar: Sendable {
    /// Segments from the left edge.
    public var left: [StatusSegment]
    /// Segments ending at the right edge.
    public var right: [StatusSegment]
    /// Creates a status bar.
    public init(left: [StatusSegment], right: [StatusSegment] = []) { self.left = left; self.right = right }

    /// Draws the first row of `rect`.
    public func render(into buffer: inout CellBuffer, in rect: Rect) {
        let area = rect.intersection(buffer.bounds).row(0)
        guard !area.isEmpty else { return }
        buffer.fill(area, style: Style(.statusBar))
        var leftKept = left, rightKept = right
        func total() -> Int {
            (leftKept + rightKept).reduce(0) { $0 + DisplayWidth.width(of: $1.text) + 1 } + (rightKept.isEmpty ? 0 : 1)
        }
        // Drop the lowest priority segment (rightmost first on ties) until everything fits or one remains.
        while total() > area.width && leftKept.count + rightKept.count > 1 {
            let all = leftKept.enumerated().map { (0, $0.offset, $0.element.priority) } + rightKept.enumerated().map { (1, $0.offset, $0.element.priority) }
            guard let victim = all.min(by: { $0.2 != $1.2 ? $0.2 < $1.2 : ($0.0, $0.1) > ($1.0, $1.1) }) else { break }
            if victim.0 == 0 { leftKept.remove(at: victim.1) } else { rightKept.remove(at: victim.1) }
        }
        var rightWidth = rightKept.reduce(0) { $0 + DisplayWidth.width(of: $1.text) + 1 }
        rightWidth = min(rightWidth, area.width)
        var x = area.x
        let leftLimit = area.maxX - rightWidth
        for segment in leftKept where x < leftLimit {
            x += buffer.put(" " + segment.text, at: Point(x: x, y: area.y), maxWidth: leftLimit - x, style: Style(segment.role)) + 0
        }
        var rx = area.maxX - rightWidth
        for segment in rightKept where rx < area.maxX {
            rx += buffer.put(segment.text + " ", at: Point(x: rx, y: area.y), maxWidth: area.maxX - rx, style: Style(segment.role))
        }
    }
}
