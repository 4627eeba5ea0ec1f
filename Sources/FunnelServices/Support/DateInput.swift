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
