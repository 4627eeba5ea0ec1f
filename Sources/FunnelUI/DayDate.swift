import Foundation

/// A calendar day as plain numbers (Gregorian); widgets get these instead of reading a clock.
public struct DayDate: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// Year, e.g. 2026.
    public var year: Int
    /// Month 1...12.
    public var month: Int
    /// Day 1...31.
    public var day: Int

    /// Creates a day.
    public init(year: Int, month: Int, day: Int) { self.year = year; self.month = month; self.day = day }

    /// A Gregorian calendar in `timeZone`.
    public static func calendar(_ timeZone: TimeZone = TimeZone(identifier: "UTC")!) -> Calendar {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        return calendar
    }

    /// The day containing `date` in `timeZone` (the app passes `Date()`; widgets never read the clock).
    public init(_ date: Date, timeZone: TimeZone = TimeZone(identifier: "UTC")!) {
        let parts = Self.calendar(timeZone).dateComponents([.year, .month, .day], from: date)
        self.init(year: parts.year ?? 1970, month: parts.month ?? 1, day: parts.day ?? 1)
    }

    /// Midnight UTC of this day.
    public var date: Date {
        Self.calendar().date(from: DateComponents(year: year, month: month, day: day)) ?? Date(timeIntervalSince1970: 0)
    }

    /// The day `count` days later (earlier when negative).
    public func adding(days count: Int) -> DayDate {
        DayDate(Self.calendar().date(byAdding: .day, value: count, to: date) ?? date)
    }

    /// The weekday of this day.
    public var weekday: Weekday { Weekday(rawValue: Self.calendar().component(.weekday, from: date)) ?? .monday }

    /// Days in this day's month (29 for February in leap years).
    public var daysInMonth: Int { Self.calendar().range(of: .day, in: .month, for: date)?.count ?? 30 }

    /// The first day of the week containing this day.
    public func startOfWeek(firstWeekday: Weekday) -> DayDate {
        adding(days: -((weekday.rawValue - firstWeekday.rawValue + 7) % 7))
    }

    /// English month name of `month`.
    public static func monthName(_ month: Int) -> String {
        let names = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"]
        return names[max(1, min(12, month)) - 1]
    }

    /// Orders days chronologically.
    public static func < (lhs: DayDate, rhs: DayDate) -> Bool {
        (lhs.year, lhs.month, lhs.day) < (rhs.year, rhs.month, rhs.day)
    }

    /// "2026-02-14".
    public var description: String {
        func pad(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }
        return "\(year)-\(pad(month))-\(pad(day))"
    }
}
