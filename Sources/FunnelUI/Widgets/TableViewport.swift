/// A cursor movement in a list or table.
public enum ListMovement: Hashable, Sendable {
    case up, down, pageUp, pageDown, home, end
}

/// Which row is selected and which rows are on screen; works with an unknown (unbounded) row count.
public struct TableViewport: Hashable, Sendable {
    /// The selected row index.
    public var selectedIndex: Int
    /// The first row on screen.
    public var topIndex: Int
    /// How many rows fit on screen (set from the layout, see `TableView.bodyHeight(in:)`).
    public var pageSize: Int

    /// Creates a viewport.
    public init(selectedIndex: Int = 0, topIndex: Int = 0, pageSize: Int = 10) {
        self.selectedIndex = max(0, selectedIndex)
        self.topIndex = max(0, topIndex)
        self.pageSize = max(1, pageSize)
    }

    /// Moves the selection; `count` nil means unknown, so `end` is ignored and `down` is unbounded.
    public mutating func move(_ movement: ListMovement, count: Int?) {
        switch movement {
        case .up: selectedIndex -= 1
        case .down: selectedIndex += 1
        case .pageUp: selectedIndex -= pageSize; topIndex -= pageSize
        case .pageDown: selectedIndex += pageSize; topIndex += pageSize
        case .home: selectedIndex = 0
        case .end: if let count { selectedIndex = count - 1 }
        }
        clamp(count: count)
    }

    /// Sets the page size and keeps the selection visible.
    public mutating func resize(pageSize newSize: Int, count: Int?) {
        pageSize = max(1, newSize)
        clamp(count: count)
    }

    /// Keeps the selection inside `0..<count` and on screen.
    public mutating func clamp(count: Int?) {
        if let count { selectedIndex = min(selectedIndex, count - 1) }
        selectedIndex = max(0, selectedIndex)
        if let count { topIndex = min(topIndex, max(0, count - pageSize)) }
        topIndex = max(0, topIndex)
        if selectedIndex < topIndex { topIndex = selectedIndex }
        if selectedIndex >= topIndex + pageSize { topIndex = selectedIndex - pageSize + 1 }
    }

    /// The rows on screen for a row count (nil: unknown).
    public func visibleRange(count: Int?) -> Range<Int> {
        let end = topIndex + pageSize
        return topIndex..<(count.map { min(end, $0) } ?? end)
    }
}
