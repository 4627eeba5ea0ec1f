/// A `cal`-like month grid; each day shows up to N item lines then "+k more"; today is bracketed.
public struct MonthCalendar: Hashable, Sendable {
    /// Year shown.
    public var year: Int
    /// Month shown (1...12).
    public var month: Int
    /// First column's weekday.
    public var firstWeekday: Weekday
    /// Today, if in view, drawn as "[14]".
    public var today: DayDate?
    /// Highlighted day.
    public var selected: DayDate?
    /// Item lines per day.
    public var items: [DayDate: [String]]

    /// Creates a month view.
    public init(year: Int, month: Int, firstWeekday: Weekday = .monday, today: DayDate? = nil, selected: DayDate? = nil, items: [DayDate: [String]] = [:]) {
        self.year = year; self.month = month; self.firstWeekday = firstWeekday
        self.today = today; self.selected = selected; self.items = items
    }

    /// The weeks of the month as rows of 7 optional days (nil outside the month).
    public var weeks: [[DayDate?]] {
        let first = DayDate(year: year, month: month, day: 1)
        let lead = (first.weekday.rawValue - firstWeekday.rawValue + 7) % 7
        var cells: [DayDate?] = Array(repeating: nil, count: lead)
        for day in 1...first.daysInMonth { cells.append(DayDate(year: year, month: month, day: day)) }
        while cells.count % 7 != 0 { cells.append(nil) }
        return stride(from: 0, to: cells.count, by: 7).map { Array(cells[$0..<($0 + 7)]) }
    }

    /// Draws the title, weekday names and the day grid.
    public func render(into buffer: inout CellBuffer, in rect: Rect) {
        let area = rect.intersection(buffer.bounds)
        guard !area.isEmpty else { return }
        buffer.fill(area)
        let title = "\(DayDate.monthName(month)) \(year)"
        let cellWidth = max(1, area.width / 7)
        let gridWidth = min(area.width, cellWidth * 7)
        buffer.putPadded(title, at: area.origin, width: gridWidth, alignment: .center, style: Style(.title))
        guard area.height > 1 else { return }
        for column in 0..<7 {
            let day = firstWeekday.advanced(by: column)
            buffer.putPadded(day.shortName, at: Point(x: area.x + column * cellWidth, y: area.y + 1), width: cellWidth, alignment: cellWidth <= 4 ? .right : .left, style: Style(day.isWeekend ? .calendarWeekend : .header))
        }
        let weeks = weeks
        let gridTop = area.y + 2
        let rowHeight = max(1, (area.maxY - gridTop) / max(1, weeks.count))
        for (row, week) in weeks.enumerated() {
            let y = gridTop + row * rowHeight
            guard y < area.maxY else { break }
            for (column, day) in week.enumerated() {
                guard let day else { continue }
                let cell = Rect(x: area.x + column * cellWidth, y: y, width: cellWidth, height: min(rowHeight, area.maxY - y))
                drawDay(day, into: &buffer, in: cell)
            }
        }
    }

    private func drawDay(_ day: DayDate, into buffer: inout CellBuffer, in cell: Rect) {
        let isToday = day == today
        let label = isToday ? "[\(day.day)]" : "\(day.day)"
        var style = Style(isToday ? .calendarToday : (day.weekday.isWeekend ? .calendarWeekend : .normal))
        if isToday { style = style.adding(.bold) }
        if day == selected { style = Style(.selection, isToday ? .bold : []) }
        let compact = cell.height == 1 || cell.width <= 4
        let labelWidth = min(cell.width, max(4, DisplayWidth.width(of: label)))
        if day == selected { buffer.fill(Rect(x: cell.x, y: cell.y, width: cell.width - (cell.width > 4 ? 1 : 0), height: 1), style: style) }
        buffer.putPadded(label, at: cell.origin, width: labelWidth, alignment: compact ? .right : .left, style: style)
        guard cell.height > 1 else { return }
        let lines = items[day] ?? []
        let capacity = cell.height - 1
        let shown = lines.count > capacity ? max(0, capacity - 1) : lines.count
        for index in 0..<shown {
            buffer.put(lines[index], at: Point(x: cell.x, y: cell.y + 1 + index), maxWidth: cell.width - 1, style: Style(.info))
        }
        if lines.count > shown && capacity > 0 {
            buffer.put("+\(lines.count - shown) more", at: Point(x: cell.x, y: cell.y + 1 + shown), maxWidth: cell.width - 1, style: Style(.muted))
        }
    }
}
