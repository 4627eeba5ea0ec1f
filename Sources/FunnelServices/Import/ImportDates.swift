import Foundation

/// How an import reads dates that are not ISO (`YYYY-MM-DD` is always understood).
public enum ImportDateFormat: String, Sendable, CaseIterable {
    /// Only ISO dates: `2026-03-14`, `2026-03-14 09:30:00`, `2026-03-14T09:30:00Z`.
    case iso
    /// Month first: `3/14/2026` (also `3-14-2026`, `3.14.2026`), then a time if any: `2/26/2018 7:58 PM`.
    case mdy
    /// Day first: `14-3-2026` (also `14/3/2026`, `14.3.2026`), then a time if any: `26-02-2018 19:58`.
    case dmy

    var example: String {
        switch self {
        case .iso: return "YYYY-MM-DD"
        case .mdy: return "M/D/YYYY"
        case .dmy: return "D-M-YYYY"
        }
    }
}

/// A date or time read from an import file, in UTC.
public struct ImportedTime: Equatable, Sendable {
    public var year: Int, month: Int, day: Int
    public var seconds = 0  // seconds into the day
    public var milliseconds = 0

    /// `YYYY-MM-DD`.
    public var dayText: String { String(format: "%04d-%02d-%02d", year, month, day) }

    /// The store's timestamp text, `YYYY-MM-DD HH:MM:SS.SSS`.
    public var timestampText: String {
        String(format: "%04d-%02d-%02d %02d:%02d:%02d.%03d", year, month, day, seconds / 3600, seconds / 60 % 60, seconds % 60, milliseconds)
    }

    public var date: Date {
        let days = Self.daysSince1970(year: year, month: month, day: day)
        return Date(timeIntervalSince1970: Double(days * 86_400 + seconds) + Double(milliseconds) / 1000)
    }

    /// Days from 1970-01-01 to a civil date (Howard Hinnant's algorithm).
    static func daysSince1970(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    /// Moves the time by `minutes` (a zone offset), across days if need be.
    mutating func shift(minutes: Int) {
        var total = Self.daysSince1970(year: year, month: month, day: day) * 86_400 + seconds - minutes * 60
        let days = total >= 0 ? total / 86_400 : (total - 86_399) / 86_400
        total -= days * 86_400
        seconds = total
        let (y, m, d) = Self.civil(days: days)
        (year, month, day) = (y, m, d)
    }

    static func civil(days: Int) -> (Int, Int, Int) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let mp = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }
}

/// A date value's pieces as written, before a format says which of two numbers is the month.
struct ImportDateValue {
    enum Day: Equatable {
        /// `YYYY-MM-DD`.
        case iso(year: Int, month: Int, day: Int)
        /// `A/B/YYYY` (or `A-B-YYYY`, `A.B.YYYY`): the format says which of `first` and `second` is the month.
        case numeric(first: Int, second: Int, year: Int)
        /// Begins as `YYYY-` but is not `YYYY-MM-DD`.
        case badISO
        /// `A/B/YY`: a year of two digits.
        case shortYear
        /// Not a date at all.
        case none
    }

    /// The value as given.
    let text: String
    let day: Day
    /// What follows the day after `T`, spaces or a comma; nil when nothing does.
    let time: String?

    init(_ text: String) {
        self.text = text
        let bytes = Array(text.utf8)
        var start = 0
        var end = bytes.count
        while start < end, bytes[start] == 32 || bytes[start] == 9 { start += 1 }
        while end > start, bytes[end - 1] == 32 || bytes[end - 1] == 9 { end -= 1 }
        var index = start
        func digits() -> (value: Int, count: Int) {
            var value = 0
            var count = 0
            while index < end, (48...57).contains(bytes[index]), count < 9 {
                value = value * 10 + Int(bytes[index] - 48)
                index += 1
                count += 1
            }
            return (value, count)
        }
        func next(_ byte: UInt8) -> Bool {
            guard index < end, bytes[index] == byte else { return false }
            index += 1
            return true
        }
        var day = Day.none
        let first = digits()
        if first.count == 4, next(UInt8(ascii: "-")) {
            day = .badISO
            let month = digits()
            if (1...2).contains(month.count), next(UInt8(ascii: "-")) {
                let dayOfMonth = digits()
                if (1...2).contains(dayOfMonth.count) { day = .iso(year: first.value, month: month.value, day: dayOfMonth.value) }
            }
        } else if (1...2).contains(first.count), index < end, [UInt8(ascii: "/"), UInt8(ascii: "-"), UInt8(ascii: ".")].contains(bytes[index]) {
            let separator = bytes[index]
            index += 1
            let second = digits()
            if (1...2).contains(second.count), next(separator) {
                let year = digits()
                day = year.count == 4 ? .numeric(first: first.value, second: second.value, year: year.value) : year.count == 2 ? .shortYear : .none
            }
        }
        // A time follows `T`, or spaces (a comma before them is allowed: `2/26/2018, 7:58 PM`).
        var time: String?
        if index < end, day != .none, day != .badISO {
            let before = index
            if bytes[index] == UInt8(ascii: "T") || bytes[index] == UInt8(ascii: "t") {
                index += 1
            } else {
                _ = next(UInt8(ascii: ","))
                while index < end, bytes[index] == 32 || bytes[index] == 9 { index += 1 }
            }
            if index == before || index == end {
                // Something else follows the day (`2026-03-14x`, `3/4/2026T`): not a date.
                if case .iso = day { day = .badISO } else { day = .none }
            } else {
                time = String(decoding: bytes[index..<end], as: UTF8.self)
            }
        }
        self.day = day
        self.time = time
    }
}

/// Reads the dates of an import file.
///
/// A value is a day, then optionally a time after `T` or spaces:
/// - ISO is always read: `2026-03-14`, `2026-03-14 09:30`, `2026-03-14T09:30:00.250Z`, `…+02:00`;
/// - under `mdy`: `3/14/2026`, `3-14-2026 19:58`, `2/26/2018 7:58 PM`; under `dmy`: `14/3/2026`, `26-02-2018 19:58:07`.
///
/// A time is `H:MM` or `H:MM:SS` (a fraction of a second too), 24-hour or with AM/PM, in UTC unless
/// it ends with `Z` or an offset (`+02:00`, `-0500`); a day alone is midnight UTC. A value refused
/// says why in terms of its own parts: the time part that is not a time, the month that is out of
/// range and the format that would read it.
public struct ImportDateReader: Sendable {
    public let format: ImportDateFormat

    public init(format: ImportDateFormat) { self.format = format }

    /// The time `text` gives (a day is midnight UTC), or why it is not one.
    public func read(_ text: String) -> Result<ImportedTime, ImportDateProblem> {
        read(ImportDateValue(text))
    }

    func read(_ value: ImportDateValue) -> Result<ImportedTime, ImportDateProblem> {
        let text = value.text
        let quoted = "\"\(text)\""
        var time: ImportedTime
        switch value.day {
        case .none:
            return .failure(ImportDateProblem("\(quoted) is not a date (\(format == .iso ? "YYYY-MM-DD" : "\(format.example) or YYYY-MM-DD"), then a time if any)"))
        case .badISO:
            return .failure(ImportDateProblem("\(quoted) is not a date (YYYY-MM-DD, then a time if any)"))
        case .shortYear:
            guard format != .iso else { return .failure(ImportDateProblem(isoHint(quoted, nil))) }
            return .failure(ImportDateProblem("\(quoted): the year must have four digits (\(format.example))"))
        case .iso(let year, let month, let day):
            guard (1...12).contains(month) else { return .failure(ImportDateProblem("\(quoted): month \(month) is not a month (YYYY-MM-DD)")) }
            switch Self.calendarDay(year, month, day, quoted) {
            case .success(let value): time = value
            case .failure(let problem): return .failure(problem)
            }
        case .numeric(let first, let second, let year):
            let (month, day): (Int, Int)
            switch format {
            case .iso: return .failure(ImportDateProblem(isoHint(quoted, (first, second, year))))
            case .mdy: (month, day) = (first, second)
            case .dmy: (month, day) = (second, first)
            }
            guard (1...12).contains(month) else {
                if Self.isDay(year, day, month) {
                    let other: ImportDateFormat = format == .mdy ? .dmy : .mdy
                    return .failure(ImportDateProblem(
                        "\(quoted): month \(month): is the file \(format == .mdy ? "day" : "month") first? try --date-format \(other.rawValue)"))
                }
                return .failure(ImportDateProblem("\(quoted): month \(month) is not a month (\(format.example))"))
            }
            switch Self.calendarDay(year, month, day, quoted) {
            case .success(let value): time = value
            case .failure(let problem): return .failure(problem)
            }
        }
        guard let clock = value.time else { return .success(time) }
        switch Self.clock(clock) {
        case .failure(let why):
            return .failure(ImportDateProblem("\(quoted): the time \"\(clock)\" is not a time (\(why.message))"))
        case .success(let parts):
            time.seconds = parts.seconds
            time.milliseconds = parts.milliseconds
            if parts.offsetMinutes != 0 { time.shift(minutes: parts.offsetMinutes) }
            return .success(time)
        }
    }

    /// Why a value written `A/B/YYYY` is refused under `iso`, with the format that reads it.
    private func isoHint(_ quoted: String, _ parts: (first: Int, second: Int, year: Int)?) -> String {
        var hint = "for M/D/YYYY give --date-format mdy, for D-M-YYYY --date-format dmy"
        if let (first, second, year) = parts {
            let monthFirst = Self.isDay(year, first, second), dayFirst = Self.isDay(year, second, first)
            if monthFirst && !dayFirst { hint = "it reads month first: give --date-format mdy" }
            if dayFirst && !monthFirst { hint = "it reads day first: give --date-format dmy" }
        }
        return "\(quoted) is not a date in YYYY-MM-DD (\(hint))"
    }

    static let monthNames = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"]

    /// Midnight UTC of a day whose month is 1 to 12, or why the day or the year is not one.
    static func calendarDay(_ year: Int, _ month: Int, _ day: Int, _ quoted: String) -> Result<ImportedTime, ImportDateProblem> {
        guard (1900...9999).contains(year) else { return .failure(ImportDateProblem("\(quoted): year \(year) is not between 1900 and 9999")) }
        let days = ImportedTime.daysIn(month: month, year: year)
        guard (1...days).contains(day) else {
            return .failure(ImportDateProblem("\(quoted) is not a day of the calendar (\(monthNames[month - 1]) \(year) has \(days) days)"))
        }
        return .success(ImportedTime(year: year, month: month, day: day))
    }

    /// Whether `month`/`day` of `year` is a day of the calendar.
    static func isDay(_ year: Int, _ month: Int, _ day: Int) -> Bool {
        (1900...9999).contains(year) && (1...12).contains(month) && (1...ImportedTime.daysIn(month: month, year: year)).contains(day)
    }

    static let clockShape = "H:MM or H:MM:SS, 24-hour or with AM/PM; in UTC, or ending with Z or +HH:MM"

    /// A time of day `H:MM[:SS[.fff]] [AM|PM] [Z|+HH:MM|-HH:MM|+HHMM]`: seconds into the day, the
    /// milliseconds, the offset from UTC in minutes and whether the text gave one (`Z` or an
    /// offset); or why it is not one.
    static func clock(_ text: String) -> Result<(seconds: Int, milliseconds: Int, offsetMinutes: Int, zoned: Bool), ImportDateProblem> {
        let bytes = Array(text.utf8)
        var index = 0
        func digits(max: Int = 9) -> (value: Int, count: Int) {
            var value = 0
            var count = 0
            while index < bytes.count, (48...57).contains(bytes[index]), count < max {
                value = value * 10 + Int(bytes[index] - 48)
                index += 1
                count += 1
            }
            return (value, count)
        }
        func next(_ byte: UInt8) -> Bool {
            guard index < bytes.count, bytes[index] == byte else { return false }
            index += 1
            return true
        }
        func spaces() { while index < bytes.count, bytes[index] == 32 { index += 1 } }
        let hour = digits()
        guard (1...2).contains(hour.count), next(UInt8(ascii: ":")) else { return .failure(ImportDateProblem(clockShape)) }
        let minute = digits()
        guard minute.count == 2 else { return .failure(ImportDateProblem(clockShape)) }
        var second = 0
        var milliseconds = 0
        if next(UInt8(ascii: ":")) {
            let whole = digits()
            guard whole.count == 2 else { return .failure(ImportDateProblem(clockShape)) }
            second = whole.value
            if next(UInt8(ascii: ".")) || next(UInt8(ascii: ",")) {
                let fraction = digits(max: 3)
                guard fraction.count > 0 else { return .failure(ImportDateProblem(clockShape)) }
                milliseconds = fraction.value * (fraction.count == 1 ? 100 : fraction.count == 2 ? 10 : 1)
                _ = digits(max: .max)  // finer than a millisecond: dropped
            }
        }
        spaces()
        var afternoon: Bool?
        if index + 1 < bytes.count, [UInt8(ascii: "m"), UInt8(ascii: "M")].contains(bytes[index + 1]) {
            switch bytes[index] {
            case UInt8(ascii: "a"), UInt8(ascii: "A"): afternoon = false
            case UInt8(ascii: "p"), UInt8(ascii: "P"): afternoon = true
            default: break
            }
            if afternoon != nil { index += 2 }
        }
        spaces()
        var offset = 0
        var zoned = next(UInt8(ascii: "Z")) || next(UInt8(ascii: "z"))
        if !zoned, index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") {
            zoned = true
            let sign = bytes[index] == UInt8(ascii: "-") ? -1 : 1
            index += 1
            let zoneStart = index - 1
            let hours = digits(max: 2)
            var minutes = (value: 0, count: 2)
            if next(UInt8(ascii: ":")) || (index < bytes.count && hours.count == 2) { minutes = digits(max: 2) }
            let zone = String(decoding: bytes[zoneStart..<index], as: UTF8.self)
            guard hours.count == 2, minutes.count == 2, index == bytes.count else { return .failure(ImportDateProblem(clockShape)) }
            guard hours.value <= 14, minutes.value < 60 else { return .failure(ImportDateProblem("the offset \(zone) is more than 14 hours")) }
            offset = sign * (hours.value * 60 + minutes.value)
        }
        guard index == bytes.count else { return .failure(ImportDateProblem(clockShape)) }
        var hours = hour.value
        if let afternoon {
            guard (1...12).contains(hours) else { return .failure(ImportDateProblem("hour \(hours) with AM or PM: the hour is 1 to 12")) }
            hours = hours % 12 + (afternoon ? 12 : 0)
        } else if hours > 23 {
            return .failure(ImportDateProblem("hour \(hours) is past 23"))
        }
        guard minute.value < 60 else { return .failure(ImportDateProblem("minute \(minute.value) is past 59")) }
        guard second < 60 else { return .failure(ImportDateProblem("second \(second) is past 59")) }
        return .success((hours * 3600 + minute.value * 60 + second, milliseconds, offset, zoned))
    }
}

/// Why a value is not a date.
public struct ImportDateProblem: Error, Equatable, Sendable {
    /// Names the value and what is wrong with it: `"26/02/2018": month 26: is the file day first? try --date-format dmy`.
    public let message: String
    init(_ message: String) { self.message = message }
}

/// What the values of one date column say about the date format, for the dry run's report: how many
/// are ambiguous (written `A/B/YYYY` with both numbers 12 or less and different, so the format alone
/// decides which is the month), how many the chosen format refuses, and how many read only in the
/// other order (under `mdy`, a first number over 12) — the sign that `mdy` was given for a day-first
/// file and that its ambiguous values are being read with day and month swapped.
///
/// The import job keeps one per date column and passes it every value; a blank value is not counted.
///
///     var stats = ImportDateStats(format: options.dateFormat)
///     for row in rows {
///         switch stats.read(row["close_date"]) {   // reads and counts: one parse per value
///         case .success(let time): deal.closeDate = time.dayText
///         case .failure(let problem): problems.append("close_date: " + problem.message)
///         }
///     }
///     report.notes += stats.lines(column: "close_date")
///     // close_date (--date-format mdy): 6,711 values; 2,423 ambiguous (day and month both 12 or less:
///     //   "3/1/2017" is read as 2017-03-01); none refused
///
/// `record(_:)` counts a value without returning what it reads (for a dry run that only counts).
public struct ImportDateStats: Sendable, Equatable {
    public let format: ImportDateFormat
    /// Values counted (blank ones are not).
    public private(set) var values = 0
    /// Values the format refuses.
    public private(set) var refused = 0
    /// Values written `A/B/YYYY` (or with `-` or `.`), the ones the format decides.
    public private(set) var numeric = 0
    /// Numeric values that are a day read either way: both numbers 12 or less, and different.
    public private(set) var ambiguous = 0
    /// Numeric values that are a day only read month first (the second number is over 12).
    public private(set) var monthFirstOnly = 0
    /// Numeric values that are a day only read day first (the first number is over 12).
    public private(set) var dayFirstOnly = 0
    /// The first value of each kind, for the report.
    public private(set) var ambiguousExample: String?
    public private(set) var monthFirstExample: String?
    public private(set) var dayFirstExample: String?
    /// Why the first refused value was refused (the reader's message, naming the value).
    public private(set) var refusedExample: String?

    public init(format: ImportDateFormat) { self.format = format }

    /// Values the format reads.
    public var accepted: Int { values - refused }

    /// Values that read only in the order the format does not take (under `mdy`, day first; under
    /// `dmy`, month first; under `iso`, either).
    public var otherOrderOnly: Int {
        switch format {
        case .mdy: return dayFirstOnly
        case .dmy: return monthFirstOnly
        case .iso: return dayFirstOnly + monthFirstOnly
        }
    }

    /// Counts a value (a blank one is not counted).
    public mutating func record(_ text: String) { _ = read(text) }

    /// Reads a value as `ImportDateReader(format:)` does, and counts it (a blank one is not counted).
    public mutating func read(_ text: String) -> Result<ImportedTime, ImportDateProblem> {
        let value = ImportDateValue(text)
        let result = ImportDateReader(format: format).read(value)
        if value.day == .none, text.allSatisfy({ $0 == " " || $0 == "\t" }) { return result }
        values += 1
        if case .failure(let problem) = result {
            refused += 1
            if refusedExample == nil { refusedExample = problem.message }
        }
        if case .numeric(let first, let second, let year) = value.day {
            numeric += 1
            let monthFirst = ImportDateReader.isDay(year, first, second), dayFirst = ImportDateReader.isDay(year, second, first)
            if monthFirst && dayFirst && first != second {
                ambiguous += 1
                if ambiguousExample == nil { ambiguousExample = text }
            } else if monthFirst && !dayFirst {
                monthFirstOnly += 1
                if monthFirstExample == nil { monthFirstExample = text }
            } else if dayFirst && !monthFirst {
                dayFirstOnly += 1
                if dayFirstExample == nil { dayFirstExample = text }
            }
        }
        return result
    }

    /// The report's lines for this column: the counts, then what the values say about the format.
    /// None for a column of ISO dates only, all read.
    public func lines(column: String) -> [String] {
        guard numeric > 0 || refused > 0 else { return [] }
        let n: (Int) -> String = NumberText.grouped
        var first = "\(column) (--date-format \(format.rawValue)): \(n(values)) value\(values == 1 ? "" : "s")"
        if ambiguous > 0, let example = ambiguousExample {
            var reading = ""
            if format != .iso, case .success(let time) = ImportDateReader(format: format).read(example) { reading = " is read as \(time.dayText)" }
            first += "; \(n(ambiguous)) ambiguous (day and month both 12 or less: \"\(example)\"\(reading))"
        } else if numeric > 0 {
            first += "; none ambiguous"
        }
        first += refused == 0 ? "; none refused" : "; \(n(refused)) refused (\(refusedExample ?? ""))"
        var lines = [first]
        let swapped = ambiguous > 0 ? "; its \(n(ambiguous)) ambiguous value\(ambiguous == 1 ? "" : "s") would be read the other way" : ""
        if monthFirstOnly > 0 && dayFirstOnly > 0 {
            lines.append("\(column): the column mixes both orders: \(n(monthFirstOnly)) value\(monthFirstOnly == 1 ? "" : "s") read only month first "
                         + "(\"\(monthFirstExample ?? "")\"), \(n(dayFirstOnly)) only day first (\"\(dayFirstExample ?? "")\")"
                         + (ambiguous > 0 ? ": its \(n(ambiguous)) ambiguous value\(ambiguous == 1 ? "" : "s") cannot be told apart" : ""))
        } else if dayFirstOnly > 0 && format != .dmy {
            lines.append("\(column): \(n(dayFirstOnly)) value\(dayFirstOnly == 1 ? "" : "s") read only day first (the first number is over 12: "
                         + "\"\(dayFirstExample ?? "")\"): is the file day first? try --date-format dmy" + (format == .mdy ? swapped : ""))
        } else if monthFirstOnly > 0 && format != .mdy {
            lines.append("\(column): \(n(monthFirstOnly)) value\(monthFirstOnly == 1 ? "" : "s") read only month first (the second number is over 12: "
                         + "\"\(monthFirstExample ?? "")\"): is the file month first? try --date-format mdy" + (format == .dmy ? swapped : ""))
        } else if format == .iso && ambiguous > 0 {
            lines.append("\(column): every value written A/B/YYYY reads both ways: give --date-format mdy or dmy, as the file was written")
        }
        return lines
    }
}
