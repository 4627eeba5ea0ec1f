/// One line of a calendar day: its text and colour role.
public struct CalendarEntry: Hashable, Sendable, ExpressibleByStringLiteral {
    public var text: String
    public var role: ColorRole
    public var attributes: TextAttributes

    public init(_ text: String, role: ColorRole = .info, attributes: TextAttributes = []) {
        self.text = text
        self.role = role
        self.attributes = attributes
    }

    public init(stringLiteral text: String) { self.init(text) }

    /// Draws a day's lines under its heading at `origin` (as many as `capacity` allows) and
    /// returns how many of the day's `total` items are not shown.
    static func drawDay(_ lines: [CalendarEntry], total: Int?, capacity: Int, at origin: Point, width: Int, into buffer: inout CellBuffer) -> Int {
        let shown = max(0, min(lines.count, capacity))
        if width > 0 {
            for index in 0..<shown {
                let line = lines[index]
                buffer.put(line.text, at: Point(x: origin.x, y: origin.y + index), maxWidth: width, style: Style(line.role, line.attributes))
            }
        }
        return max(total ?? lines.count, lines.count) - shown
    }

    /// Writes "+k more" (or "+k" when narrow) right-aligned in a day's heading, after its label.
    static func drawHidden(_ hidden: Int, heading: Rect, labelWidth: Int, style: Style = Style(.muted), into buffer: inout CellBuffer) {
        guard hidden > 0 else { return }
        let room = heading.width - labelWidth - 1
        let long = "+\(TabBar.grouped(hidden)) more"
        let text = DisplayWidth.width(of: long) <= room ? long : "+\(TabBar.grouped(hidden))"
        guard DisplayWidth.width(of: text) <= room else { return }
        buffer.put(text, at: Point(x: heading.x + heading.width - DisplayWidth.width(of: text), y: heading.y), style: style)
    }
}

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
    public var items: [DayDate: [CalendarEntry]]
    /// How many items each day has, when more than its lines (the lines are the first few).
    public var totals: [DayDate: Int]

    /// Creates a month view.
    public init(year: Int, month: Int, firstWeekday: Weekday = .monday, today: DayDate? = nil, selected: DayDate? = nil,
                items: [DayDate: [CalendarEntry]] = [:], totals: [DayDate: Int] = [:]) {
        self.year = year; self.month = month; self.firstWeekday = firstWeekday
        self.today = today; self.selected = selected; self.items = items; self.totals = totals
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
        // Items that do not fit are counted in the heading ("14    +3 more").
        let hidden = CalendarEntry.drawDay(items[day] ?? [], total: totals[day], capacity: cell.height - 1, at: Point(x: cell.x, y: cell.y + 1),
                                           width: cell.width - 1, into: &buffer)
        // On the selected day the count keeps the selection's colours.
        CalendarEntry.drawHidden(hidden, heading: Rect(x: cell.x, y: cell.y, width: cell.width - 1, height: 1), labelWidth: labelWidth,
                                 style: day == selected ? style : Style(.muted), into: &buffer)
    }
}
