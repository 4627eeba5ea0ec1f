/// A card on a kanban board: a few lines of text.
public struct KanbanCard: Hashable, Sendable {
    /// Lines shown on the card (the first is emphasised).
    public var lines: [String]
    /// Optional role for the first line (e.g. a score band).
    public var accent: ColorRole?
    /// Creates a card.
    public init(lines: [String], accent: ColorRole? = nil) { self.lines = lines; self.accent = accent }
}

/// A kanban column: a multi-line header and its cards.
///
/// A column may hold only the cards on screen of a longer list: `hiddenAbove` and `hiddenBelow`
/// say how many cards of the list are not given, and the column shows "▲ n more" / "▼ n more".
public struct KanbanColumn: Hashable, Sendable {
    /// Header lines (title first, then e.g. count and total value).
    public var header: [String]
    /// Cards, top to bottom.
    public var cards: [KanbanCard]
    /// Cards of the list before the first one given.
    public var hiddenAbove: Int
    /// Cards of the list after the last one given.
    public var hiddenBelow: Int
    /// Creates a column.
    public init(header: [String], cards: [KanbanCard], hiddenAbove: Int = 0, hiddenBelow: Int = 0) {
        self.header = header; self.cards = cards; self.hiddenAbove = hiddenAbove; self.hiddenBelow = hiddenBelow
    }
}

/// Columns of cards; when they cannot all fit at `minColumnWidth` the board scrolls sideways to keep the selected
/// column visible and shows "‹ n more" / "n more ›".
public struct KanbanBoard: Hashable, Sendable {
    /// The columns.
    public var columns: [KanbanColumn]
    /// Selected column index.
    public var selectedColumn: Int
    /// Selected card index in the selected column.
    public var selectedCard: Int
    /// First column shown when scrolling (adjusted so the selection stays visible).
    public var firstColumn: Int
    /// Narrowest a column may get before the board scrolls.
    public var minColumnWidth: Int

    /// Creates a board.
    public init(columns: [KanbanColumn], selectedColumn: Int = 0, selectedCard: Int = 0, firstColumn: Int = 0, minColumnWidth: Int = 18) {
        self.columns = columns; self.selectedColumn = selectedColumn; self.selectedCard = selectedCard
        self.firstColumn = firstColumn; self.minColumnWidth = max(3, minColumnWidth)
    }

    /// Moves the selection (left/right between columns, up/down between cards), keeping indices valid.
    public mutating func move(_ key: Key) {
        guard !columns.isEmpty else { return }
        switch key {
        case .left, .character("h"): selectedColumn = max(0, selectedColumn - 1)
        case .right, .character("l"): selectedColumn = min(columns.count - 1, selectedColumn + 1)
        case .up, .character("k"): selectedCard -= 1
        case .down, .character("j"): selectedCard += 1
        default: break
        }
        selectedColumn = max(0, min(selectedColumn, columns.count - 1))
        selectedCard = max(0, min(selectedCard, columns[selectedColumn].cards.count - 1))
    }

    /// How many columns fit side by side in `width` (all of them when they fit at the minimum width).
    public func visibleColumnCount(width: Int) -> Int {
        guard !columns.isEmpty else { return 0 }
        if columns.count * minColumnWidth + (columns.count - 1) <= width { return columns.count }
        return max(1, (width + 1) / (minColumnWidth + 1))
    }

    /// The first visible column for a width, moved as little as possible to show the selection.
    public func scrolledFirstColumn(width: Int) -> Int {
        let visible = visibleColumnCount(width: width)
        var first = max(0, min(firstColumn, columns.count - visible))
        if selectedColumn < first { first = selectedColumn }
        if selectedColumn >= first + visible { first = selectedColumn - visible + 1 }
        return max(0, first)
    }

    /// Stores the scroll position that `render` used, so the next scroll moves minimally.
    public mutating func scrollToSelection(width: Int) { firstColumn = scrolledFirstColumn(width: width) }

    /// Draws the board.
    public func render(into buffer: inout CellBuffer, in rect: Rect) {
        let area = rect.intersection(buffer.bounds)
        guard !area.isEmpty, !columns.isEmpty else { return }
        buffer.fill(area)
        let visible = visibleColumnCount(width: area.width)
        var body = area
        if visible < columns.count {
            let first = scrolledFirstColumn(width: area.width)
            let hidden = (left: first, right: columns.count - first - visible)
            let (_, rest) = area.splitTop(1)
            if hidden.left > 0 { buffer.put("‹ \(hidden.left) more", at: area.origin, maxWidth: area.width, style: Style(.accent)) }
            if hidden.right > 0 {
                let text = "\(hidden.right) more ›"
                let w = min(area.width, DisplayWidth.width(of: text))
                buffer.putPadded(text, at: Point(x: area.maxX - w, y: area.y), width: w, alignment: .right, style: Style(.accent))
            }
            body = rest
            drawColumns(into: &buffer, in: body, range: first..<(first + visible))
        } else {
            drawColumns(into: &buffer, in: body, range: 0..<columns.count)
        }
    }

    private func drawColumns(into buffer: inout CellBuffer, in body: Rect, range: Range<Int>) {
        guard !body.isEmpty else { return }
        let count = range.count
        let width = max(1, (body.width - (count - 1)) / count)
        for (slot, index) in range.enumerated() {
            let x = body.x + slot * (width + 1)
            let columnWidth = slot == count - 1 ? body.maxX - x : width
            drawColumn(index, into: &buffer, in: Rect(x: x, y: body.y, width: columnWidth, height: body.height))
            if slot < count - 1 {
                for y in body.y..<body.maxY { buffer.put("│", at: Point(x: x + width, y: y), style: Style(.border)) }
            }
        }
    }

    private func drawColumn(_ index: Int, into buffer: inout CellBuffer, in rect: Rect) {
        let column = columns[index]
        let isSelectedColumn = index == selectedColumn
        var y = rect.y
        for (lineIndex, line) in column.header.enumerated() where y < rect.maxY {
            let role: ColorRole = lineIndex == 0 ? (isSelectedColumn ? .tabActive : .header) : .muted
            buffer.putPadded(line, at: Point(x: rect.x, y: y), width: rect.width, style: Style(role))
            y += 1
        }
        if y < rect.maxY {
            buffer.put(String(repeating: "─", count: rect.width), at: Point(x: rect.x, y: y), style: Style(.border))
            y += 1
        }
        guard y < rect.maxY else { return }
        // Scroll the cards so the selected one is fully visible.
        let cardHeights = column.cards.map { $0.lines.count + 1 }
        let available = rect.maxY - y
        var firstCard = 0
        if isSelectedColumn, selectedCard < column.cards.count {
            while firstCard < selectedCard && cardHeights[firstCard...selectedCard].reduce(0, +) > available { firstCard += 1 }
        }
        if firstCard + column.hiddenAbove > 0 {
            buffer.putPadded("▲ \(TabBar.grouped(firstCard + column.hiddenAbove)) more", at: Point(x: rect.x, y: y), width: rect.width, alignment: .center, style: Style(.muted))
            y += 1
        }
        if column.cards.isEmpty && column.hiddenAbove == 0 && column.hiddenBelow == 0 && y < rect.maxY {
            buffer.putPadded("(none)", at: Point(x: rect.x, y: y), width: rect.width, alignment: .center, style: Style(.muted))
        }
        for cardIndex in firstCard..<column.cards.count {
            let card = column.cards[cardIndex]
            guard y < rect.maxY else { break }
            if y + card.lines.count > rect.maxY - (column.hiddenBelow > 0 ? 1 : 0) && cardIndex > firstCard {
                buffer.putPadded("▼ \(TabBar.grouped(column.cards.count - cardIndex + column.hiddenBelow)) more", at: Point(x: rect.x, y: rect.maxY - 1), width: rect.width, alignment: .center, style: Style(.muted))
                return
            }
            let selected = isSelectedColumn && cardIndex == selectedCard
            for (lineIndex, line) in card.lines.enumerated() where y < rect.maxY {
                let marker = lineIndex == 0 ? (selected ? "›" : " ") : " "
                var style = Style(lineIndex == 0 ? (card.accent ?? .title) : .normal)
                if selected { style = Style(.selection) }
                buffer.putPadded(marker + line, at: Point(x: rect.x, y: y), width: rect.width, style: style)
                y += 1
            }
            y += 1
        }
        if column.hiddenBelow > 0 {
            buffer.putPadded("▼ \(TabBar.grouped(column.hiddenBelow)) more", at: Point(x: rect.x, y: rect.maxY - 1), width: rect.width, alignment: .center, style: Style(.muted))
        }
    }
}
