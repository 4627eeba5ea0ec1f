import Foundation

/// Dates as people type them: `2026-12-03`, `12/3/2026`, `today`, `tomorrow`, `+2d`, `+3w`, `+1m`.
public enum DateInput {
    /// The day `text` names, as `YYYY-MM-DD`, counted from `today` in `calendar`'s time zone;
    /// or why it could not be read.
    public static func day(_ text: String, today: Date, calendar: Calendar = .current) -> Result<String, DateInputError> {
        let trimmed = text.trimmingCharacters(in: .whitespaces).lowercased()
        guard !trimmed.isEmpty else { return .failure(DateInputError(text: text, problem: "no date given")) }
        let start = calendar.startOfDay(for: today)
        func shifted(_ component: Calendar.Component, _ amount: Int) -> Result<String, DateInputError> {
            guard let date = calendar.date(byAdding: component, value: amount, to: start) else {
                return .failure(DateInputError(text: text, problem: "out of range"))
            }
            return .success(format(date, calendar: calendar))
        }
        switch trimmed {
        case "today": return shifted(.day, 0)
        case "tomorrow": return shifted(.day, 1)
        case "yesterday": return shifted(.day, -1)
        default: break
        }
        if trimmed.hasPrefix("+") || trimmed.hasPrefix("-") {
            let sign = trimmed.hasPrefix("-") ? -1 : 1
            let body = trimmed.dropFirst()
            guard let unit = body.last, let amount = Int(body.dropLast()), amount <= 3_650 else {
                return .failure(DateInputError(text: text, problem: "a shift like +2d, +3w or +1m"))
            }
            switch unit {
            case "d": return shifted(.day, sign * amount)
            case "w": return shifted(.day, sign * amount * 7)
            case "m": return shifted(.month, sign * amount)
            case "y": return shifted(.year, sign * amount)
            default: return .failure(DateInputError(text: text, problem: "the unit of \"\(text)\" must be d, w, m or y"))
            }
        }
        let iso = trimmed.split(separator: "-", omittingEmptySubsequences: false)
        if iso.count == 3, iso[0].count == 4 {
            return validDay(year: Int(iso[0]), month: Int(iso[1]), day: Int(iso[2]), text: text, calendar: calendar)
        }
        let slashed = trimmed.split(separator: "/", omittingEmptySubsequences: false)
        if slashed.count == 3 {
            return validDay(year: Int(slashed[2]), month: Int(slashed[0]), day: Int(slashed[1]), text: text, calendar: calendar)
        }
        return .failure(DateInputError(text: text, problem: "not a date: use 2026-12-03, 12/3/2026, today, tomorrow or +2d"))
    }

    static func validDay(year: Int?, month: Int?, day: Int?, text: String, calendar: Calendar) -> Result<String, DateInputError> {
        guard let year, let month, let day, (1900...9999).contains(year) else {
            return .failure(DateInputError(text: text, problem: "not a date: use 2026-12-03, 12/3/2026, today, tomorrow or +2d"))
        }
        var components = DateComponents(year: year, month: month, day: day)
        components.calendar = Calendar(identifier: .gregorian)
        guard (1...12).contains(month), let date = components.date,
              Calendar(identifier: .gregorian).component(.day, from: date) == day else {
            return .failure(DateInputError(text: text, problem: "\(text) is not a day of the calendar"))
        }
        return .success(String(format: "%04d-%02d-%02d", year, month, day))
    }

    /// A date's day in `calendar`'s time zone, as `YYYY-MM-DD`.
    public static func format(_ date: Date, calendar: Calendar = .current) -> String {
        let parts = calendar.dateComponents([.year, .month, .day], from: date)
        return String(format: "%04d-%02d-%02d", parts.year ?? 0, parts.month ?? 0, parts.day ?? 0)
    }
}

/// Why a typed date could not be read.
public struct DateInputError: Error, Equatable, Sendable, CustomStringConvertible {
    public let text: String
    public let problem: String
    public var description: String { problem }
}

/// Money as people type it: `12000`, `12,000.50`, `$12.5k`, `1.2m`; in cents.
public enum MoneyInput {
    public static func cents(_ text: String) -> Result<Int64, DateInputError> {
        var trimmed = text.trimmingCharacters(in: .whitespaces).lowercased().replacingOccurrences(of: ",", with: "")
        if trimmed.hasPrefix("$") { trimmed.removeFirst() }
        var factor = 1.0
        if trimmed.hasSuffix("k") { factor = 1_000; trimmed.removeLast() } else if trimmed.hasSuffix("m") { factor = 1_000_000; trimmed.removeLast() }
        guard let amount = Double(trimmed), amount.isFinite, amount >= 0 else {
            return .failure(DateInputError(text: text, problem: "an amount in dollars, like 12000, 12,500.50 or 12.5k"))
        }
        let cents = (amount * factor * 100).rounded()
        guard cents < 1e15 else { return .failure(DateInputError(text: text, problem: "too large")) }
        return .success(Int64(cents))
    }
}

/// A moment as people type it when scheduling: a day (anything `DateInput.day` reads) with an
/// optional time of day: `2026-12-03 09:30`, `tomorrow 9am`, `fri 2:30pm`, `+2d`, `9am`.
public enum DateTimeInput {
    /// The moment `text` names in `calendar`'s time zone.
    ///
    /// A shift (`+2d`) counts from `base` (the item's current time, when it has one) and keeps
    /// its time of day; a day without a time keeps `base`'s time of day, or `defaultHour`; a time
    /// alone means that time on `base`'s day.
    public static func moment(_ text: String, now: Date, base: Date? = nil, defaultHour: Int = 9,
                              calendar: Calendar = .current) -> Result<Date, DateInputError> {
        let words = text.trimmingCharacters(in: .whitespaces).lowercased().split(separator: " ").map(String.init)
        guard !words.isEmpty else { return .failure(DateInputError(text: text, problem: "no date given")) }
        let anchor = base ?? now
        // A time is the last word (or the last two, as in "9:30 pm").
        var dayWords = words
        var time: (hour: Int, minute: Int)?
        if words.count >= 2, ["am", "pm"].contains(words[words.count - 1]), let parsed = timeOfDay(words[words.count - 2] + words[words.count - 1]) {
            time = parsed
            dayWords.removeLast(2)
        } else if let last = words.last, looksLikeTime(last) {
            guard let parsed = timeOfDay(last) else {
                return .failure(DateInputError(text: text, problem: "did not understand the time \"\(last)\": use 09:30, 9am or 2:30pm"))
            }
            time = parsed
            dayWords.removeLast()
        }
        let dayText = dayWords.joined(separator: " ")
        let baseTime = calendar.dateComponents([.hour, .minute], from: anchor)
        let keepTime = base == nil ? (hour: defaultHour, minute: 0) : (hour: baseTime.hour ?? defaultHour, minute: baseTime.minute ?? 0)
        let dayString: String
        if dayText.isEmpty {
            dayString = DateInput.format(anchor, calendar: calendar)
        } else if let weekday = weekday(dayText) {
            // The next such weekday after today ("fri" on a Friday is a week later).
            let today = calendar.component(.weekday, from: now)
            let ahead = (weekday - today + 7) % 7
            let date = calendar.date(byAdding: .day, value: ahead == 0 ? 7 : ahead, to: calendar.startOfDay(for: now)) ?? now
            dayString = DateInput.format(date, calendar: calendar)
        } else {
            let isShift = dayText.hasPrefix("+") || dayText.hasPrefix("-")
            switch DateInput.day(dayText, today: isShift ? anchor : now, calendar: calendar) {
            case .success(let day): dayString = day
            case .failure(let error):
                let problem = error.problem.hasPrefix("not a date")
                    ? "did not understand \"\(dayText)\": use 2026-12-03 09:30, tomorrow 9am, fri 2pm or +2d"
                    : error.problem
                return .failure(DateInputError(text: text, problem: problem))
            }
        }
        let parts = dayString.split(separator: "-").compactMap { Int($0) }
        let chosen = time ?? keepTime
        guard parts.count == 3 else { return .failure(DateInputError(text: text, problem: "\(text) is not a day of the calendar")) }
        var components = DateComponents(year: parts[0], month: parts[1], day: parts[2], hour: chosen.hour, minute: chosen.minute)
        components.timeZone = calendar.timeZone
        guard let date = calendar.date(from: components) else {
            return .failure(DateInputError(text: text, problem: "\(text) is not a moment of the calendar"))
        }
        return .success(date)
    }

    /// `09:30`, `9am`, `9:30pm`, `21:00`, `noon`, `midnight`.
    static func timeOfDay(_ word: String) -> (hour: Int, minute: Int)? {
        switch word {
        case "noon": return (12, 0)
        case "midnight": return (0, 0)
        default: break
        }
        var text = word
        var meridiem: String?
        if text.hasSuffix("am") || text.hasSuffix("pm") {
            meridiem = String(text.suffix(2))
            text.removeLast(2)
        }
        let pieces = text.split(separator: ":", omittingEmptySubsequences: false)
        guard (1...2).contains(pieces.count), let hour = Int(pieces[0]), pieces[0].count <= 2 else { return nil }
        let minute = pieces.count == 2 ? Int(pieces[1]) : 0
        guard let minute, (0...59).contains(minute), pieces.count == 1 || pieces[1].count == 2 else { return nil }
        if let meridiem {
            guard (1...12).contains(hour) else { return nil }
            return (hour % 12 + (meridiem == "pm" ? 12 : 0), minute)
        }
        guard pieces.count == 2, (0...23).contains(hour) else { return nil }
        return (hour, minute)
    }

    /// A word meant as a time: `noon`, `9:30`, `9am`, or digits followed by letters (`9xm`, a typo).
    static func looksLikeTime(_ word: String) -> Bool {
        if word == "noon" || word == "midnight" || word.contains(":") { return true }
        guard let first = word.first, first.isNumber, let last = word.last else { return false }
        return last.isLetter
    }

    /// `mon`...`sun` and full names, as Calendar numbers them (Sunday = 1).
    static func weekday(_ word: String) -> Int? {
        let names = ["sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday"]
        guard word.count >= 3 else { return nil }
        return names.firstIndex { $0.hasPrefix(word) }.map { $0 + 1 }
    }

    /// `Thu 3 Dec 2026 09:30` in `calendar`'s time zone.
    public static func describe(_ date: Date, calendar: Calendar = .current) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = calendar.timeZone
        formatter.dateFormat = "EEE d MMM yyyy HH:mm"
        return formatter.string(from: date)
    }
}
