/// A single-column scrolling list with a "›" selection marker.
public struct ListView: Sendable {
    /// The items.
    public var items: [String]
    /// Whether the list has focus.
    public var isFocused: Bool
    /// Creates a list.
    public init(items: [String], isFocused: Bool = true) { self.items = items; self.isFocused = isFocused }

    /// Draws the visible items of `viewport`.
    public func render(into buffer: inout CellBuffer, in rect: Rect, viewport: TableViewport, marked: Set<Int> = []) {
        let area = rect.intersection(buffer.bounds)
        guard !area.isEmpty else { return }
        buffer.fill(area)
        var port = viewport
        port.resize(pageSize: area.height, count: items.count)
        for (offset, index) in port.visibleRange(count: items.count).enumerated() {
            let y = area.y + offset
            let selected = index == port.selectedIndex
            let style = selected ? Style(isFocused ? .selection : .selectionInactive) : (marked.contains(index) ? Style(.marked) : .normal)
            let marker = (selected ? "›" : " ") + (marked.contains(index) ? "●" : " ")
            buffer.putPadded(marker + items[index], at: Point(x: area.x, y: y), width: area.width, style: style)
        }
    }
}
