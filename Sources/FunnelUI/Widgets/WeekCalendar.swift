/// Seven columns for the week containing a day, each listing that day's items.
public struct WeekCalendar: Hashable, Sendable {
    /// Any day in the week shown.
    public var day: DayDate
    /// The week's first weekday.
    public var firstWeekday: Weekday
    /// Today, marked "*" and in the today role.
    public var today: DayDate?
    /// Highlighted day.
    public var selected: DayDate?
    /// Item lines per day.
    public var items: [DayDate: [String]]

    /// Creates a week view.
    public init(day: DayDate, firstWeekday: Weekday = .monday, today: DayDate? = nil, selected: DayDate? = nil, items: [DayDate: [String]] = [:]) {
        self.day = day; self.firstWeekday = firstWeekday; self.today = today; self.selected = selected; self.items = items
    }

    /// The seven days shown.
    public var days: [DayDate] {
        let start = day.startOfWeek(firstWeekday: firstWeekday)
        return (0..<7).map { start.adding(days: $0) }
    }

    /// Draws the week.
    public func render(into buffer: inout CellBuffer, in rect: Rect) {
        let area = rect.intersection(buffer.bounds)
        guard !area.isEmpty else { return }
        buffer.fill(area)
        let width = max(1, area.width / 7)
        for (column, date) in days.enumerated() {
            let x = area.x + column * width
            guard x < area.maxX else { break }
            let isToday = date == today
            var style = Style(isToday ? .calendarToday : (date.weekday.isWeekend ? .calendarWeekend : .header))
            if date == selected { style = Style(.selection, .bold) }
            let heading = "\(date.weekday.shortName) \(date.day)" + (isToday ? "*" : "")
            buffer.putPadded(heading, at: Point(x: x, y: area.y), width: width - 1, style: style)
            let lines = items[date] ?? []
            let capacity = area.height - 1
            let shown = lines.count > capacity ? max(0, capacity - 1) : lines.count
            for index in 0..<shown {
                buffer.put(lines[index], at: Point(x: x, y: area.y + 1 + index), maxWidth: width - 1, style: Style(.info))
            }
            if lines.count > shown && capacity > 0 {
                buffer.put("+\(lines.count - shown) more", at: Point(x: x, y: area.y + 1 + shown), maxWidth: width - 1, style: Style(.muted))
            }
        }
    }
}
