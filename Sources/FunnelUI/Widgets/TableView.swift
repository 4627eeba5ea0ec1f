/// How wide a table column is.
public enum ColumnWidth: Hashable, Sendable {
    /// Exactly `n` cells.
    case fixed(Int)
    /// At least `min` cells, sharing spare space by `weight`; shrinks before any column is dropped.
    case flexible(min: Int, weight: Int)
}

/// A table column definition.
public struct TableColumn: Hashable, Sendable {
    /// Header text.
    public var title: String
    /// Width rule.
    public var width: ColumnWidth
    /// Cell alignment.
    public var alignment: Alignment
    /// Creates a column.
    public init(_ title: String, width: ColumnWidth, alignment: Alignment = .left) {
        self.title = title; self.width = width; self.alignment = alignment
    }
}

/// A scrolling table with a header, selection marker "›", marked rows "●" and a scroll indicator.
public struct TableView: Sendable {
    /// Columns, left to right; those that do not fit are dropped from the right.
    public var columns: [TableColumn]
    /// Whether the table has focus (inactive selection uses `selectionInactive`).
    public var isFocused: Bool
    /// Shown when there are no rows.
    public var emptyMessage: String
    /// Cells between columns.
    public static let columnGap = 1
    /// Cells for the "›●" markers at the left.
    public static let markerWidth = 2

    /// Creates a table.
    public init(columns: [TableColumn], isFocused: Bool = true, emptyMessage: String = "No rows") {
        self.columns = columns; self.isFocused = isFocused; self.emptyMessage = emptyMessage
    }

    /// Rows available for data in `rect` (its height minus the header); feed it to `TableViewport.resize`.
    public static func bodyHeight(in rect: Rect) -> Int { max(1, rect.height - 1) }

    /// Widths of the columns that fit in `width` cells (dropped columns are absent), in column order.
    public func layout(width: Int) -> [Int] {
        let available = width - Self.markerWidth - 1 // one cell for the scroll indicator
        var kept: [TableColumn] = []
        var used = 0
        for column in columns {
            let need: Int
            switch column.width {
            case .fixed(let n): need = n
            case .flexible(let minimum, _): need = minimum
            }
            let gap = kept.isEmpty ? 0 : Self.columnGap
            if used + gap + need > available { break }
            kept.append(column)
            used += gap + need
        }
        var widths = kept.map { column -> Int in
            switch column.width {
            case .fixed(let n): n
            case .flexible(let minimum, _): minimum
            }
        }
        var spare = available - used
        let weights = kept.map { column -> Int in
            if case .flexible(_, let weight) = column.width { return max(0, weight) }
            return 0
        }
        let totalWeight = weights.reduce(0, +)
        if spare > 0 && totalWeight > 0 {
            let share = spare
            for index in widths.indices where weights[index] > 0 {
                let extra = share * weights[index] / totalWeight
                widths[index] += extra
                spare -= extra
            }
            // Hand out rounding leftovers left to right.
            var index = 0
            while spare > 0 {
                if weights[index % widths.count] > 0 { widths[index % widths.count] += 1; spare -= 1 }
                index += 1
            }
        }
        return widths
    }

    /// Draws the header and the visible window of `source`; only `viewport`'s visible rows are requested.
    public func render(into buffer: inout CellBuffer, in rect: Rect, source: some TableRowSource, viewport: TableViewport, marked: Set<Int> = []) {
        let area = rect.intersection(buffer.bounds)
        guard !area.isEmpty else { return }
        buffer.fill(area)
        let widths = layout(width: area.width)
        // Header.
        var x = area.x + Self.markerWidth
        for (index, width) in widths.enumerated() {
            buffer.putPadded(columns[index].title, at: Point(x: x, y: area.y), width: width, alignment: columns[index].alignment, style: Style(.header))
            x += width + Self.columnGap
        }
        guard area.height > 1 else { return }
        let body = Rect(x: area.x, y: area.y + 1, width: area.width, height: area.height - 1)
        var port = viewport
        port.resize(pageSize: body.height, count: source.count)
        let range = port.visibleRange(count: source.count)
        let rows = range.isEmpty ? [] : source.rows(in: range)
        if rows.isEmpty && port.topIndex == 0 {
            buffer.put(emptyMessage, at: Point(x: body.x + Self.markerWidth, y: body.y), maxWidth: body.width - Self.markerWidth, style: Style(.muted))
            return
        }
        for (offset, cells) in rows.prefix(body.height).enumerated() {
            let index = range.lowerBound + offset
            let y = body.y + offset
            let isSelected = index == port.selectedIndex
            let isMarked = marked.contains(index)
            let rowStyle = isSelected ? Style(isFocused ? .selection : .selectionInactive) : (isMarked ? Style(.marked) : .normal)
            buffer.fill(Rect(x: body.x, y: y, width: body.width - 1, height: 1), style: rowStyle)
            buffer.put(isSelected ? "›" : " ", at: Point(x: body.x, y: y), style: rowStyle)
            buffer.put(isMarked ? "●" : " ", at: Point(x: body.x + 1, y: y), style: isSelected ? rowStyle : Style(.marked))
            var cx = body.x + Self.markerWidth
            for (column, width) in widths.enumerated() {
                let text = column < cells.count ? cells[column] : ""
                buffer.putPadded(text, at: Point(x: cx, y: y), width: width, alignment: columns[column].alignment, style: rowStyle)
                cx += width + Self.columnGap
            }
        }
        drawScrollIndicator(into: &buffer, x: area.maxX - 1, body: body, viewport: port, count: source.count, shown: rows.count)
    }

    private func drawScrollIndicator(into buffer: inout CellBuffer, x: Int, body: Rect, viewport: TableViewport, count: Int?, shown: Int) {
        let style = Style(.muted)
        guard let count else {
            // Unknown total: arrows say there is more above / maybe below.
            if viewport.topIndex > 0 { buffer.put("▲", at: Point(x: x, y: body.y), style: style) }
            if shown >= body.height { buffer.put("▼", at: Point(x: x, y: body.maxY - 1), style: style) }
            return
        }
        guard count > body.height, body.height > 0 else { return }
        for y in body.y..<body.maxY { buffer.put("│", at: Point(x: x, y: y), style: style) }
        let thumbSize = max(1, body.height * body.height / count)
        let maxTop = count - body.height
        let thumbTop = maxTop == 0 ? 0 : (body.height - thumbSize) * viewport.topIndex / maxTop
        for y in 0..<thumbSize { buffer.put("█", at: Point(x: x, y: body.y + thumbTop + y), style: style) }
    }
}
