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
    public var items: [DayDate: [CalendarEntry]]
    /// How many items each day has, when more than its lines (the lines are the first few).
    public var totals: [DayDate: Int]

    /// Creates a week view.
    public init(day: DayDate, firstWeekday: Weekday = .monday, today: DayDate? = nil, selected: DayDate? = nil,
                items: [DayDate: [CalendarEntry]] = [:], totals: [DayDate: Int] = [:]) {
        self.day = day; self.firstWeekday = firstWeekday; self.today = today; self.selected = selected; self.items = items; self.totals = totals
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
            let hidden = CalendarEntry.drawDay(items[date] ?? [], total: totals[date], capacity: area.height - 1, at: Point(x: x, y: area.y + 1),
                                               width: width - 1, into: &buffer)
            CalendarEntry.drawHidden(hidden, heading: Rect(x: x, y: area.y, width: width - 1, height: 1),
                                     labelWidth: DisplayWidth.width(of: heading), into: &buffer)
        }
    }
}
