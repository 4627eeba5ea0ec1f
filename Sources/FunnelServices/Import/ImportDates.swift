import Foundation

/// How an import reads dates that are not ISO (`YYYY-MM-DD` is always understood).
public enum ImportDateFormat: String, Sendable, CaseIterable {
    /// Only ISO dates: `2026-03-14`, `2026-03-14 09:30:00`, `2026-03-14T09:30:00Z`.
    case iso
    /// Month first: `3/14/2026` (also `3-14-2026`, `3.14.2026`).
    case mdy
    /// Day first: `14-3-2026` (also `14/3/2026`, `14.3.2026`).
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
struct ImportedTime: Equatable {
    var year: Int, month: Int, day: Int
    var seconds = 0  // seconds into the day
    var milliseconds = 0

    /// `YYYY-MM-DD`.
    var dayText: String { String(format: "%04d-%02d-%02d", year, month, day) }

    /// The store's timestamp text, `YYYY-MM-DD HH:MM:SS.SSS`.
    var timestampText: String {
        String(format: "%04d-%02d-%02d %02d:%02d:%02d.%03d", year, month, day, seconds / 3600, seconds / 60 % 60, seconds % 60, milliseconds)
    }

    var date: Date {
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

/// Reads the dates of an import file.
struct ImportDateReader {
    let format: ImportDateFormat

    /// The time `text` gives (a day is midnight UTC), or why it is not one.
    func read(_ text: String) -> Result<ImportedTime, ImportDateProblem> {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        let bytes = Array(trimmed.utf8)
        func number(_ range: Range<Int>) -> Int? {
            guard !range.isEmpty, range.upperBound <= bytes.count else { return nil }
            var value = 0
            for byte in bytes[range] {
                guard (48...57).contains(byte) else { return nil }
                value = value * 10 + Int(byte - 48)
            }
            return value
        }
        func valid(_ year: Int, _ month: Int, _ day: Int) -> Result<ImportedTime, ImportDateProblem> {
            guard (1900...9999).contains(year), (1...12).contains(month), (1...ImportedTime.daysIn(month: month, year: year)).contains(day) else {
                return .failure(ImportDateProblem("\"\(text)\" is not a day of the calendar"))
            }
            return .success(ImportedTime(year: year, month: month, day: day))
        }
        // ISO: YYYY-MM-DD, then an optional time.
        if bytes.count >= 8, bytes.count > 4, bytes[4] == UInt8(ascii: "-"), let year = number(0..<4) {
            let parts = trimmed.prefix { $0 != " " && $0 != "T" }.split(separator: "-", omittingEmptySubsequences: false)
            guard parts.count == 3, let month = Int(parts[1]), let day = Int(parts[2]), parts[1].count <= 2, parts[2].count <= 2 else {
                return .failure(ImportDateProblem("\"\(text)\" is not a date (YYYY-MM-DD)"))
            }
            var time: ImportedTime
            switch valid(year, month, day) {
            case .success(let value): time = value
            case .failure(let problem): return .failure(problem)
            }
            let rest = trimmed.dropFirst(parts.joined(separator: "-").count)
            if rest.isEmpty { return .success(time) }
            return readTime(String(rest.dropFirst()), into: &time, text: text) ? .success(time) : .failure(ImportDateProblem("\"\(text)\" is not a time (YYYY-MM-DD HH:MM:SS, in UTC or with Z or +HH:MM)"))
        }
        let separators: Set<Character> = ["/", "-", "."]
        guard let separator = trimmed.first(where: { separators.contains($0) }) else {
            return .failure(ImportDateProblem("\"\(text)\" is not a date (\(format.example))"))
        }
        let parts = trimmed.split(separator: separator, omittingEmptySubsequences: false)
        guard format != .iso else {
            return .failure(ImportDateProblem("\"\(text)\" is not a date in YYYY-MM-DD (for M/D/YYYY give --date-format mdy, for D-M-YYYY --date-format dmy)"))
        }
        guard parts.count == 3, parts[2].count == 4, let year = Int(parts[2]), let first = Int(parts[0]), let second = Int(parts[1]),
              parts[0].count <= 2, parts[1].count <= 2 else {
            return .failure(ImportDateProblem("\"\(text)\" is not a date (\(format.example))"))
        }
        return format == .mdy ? valid(year, first, second) : valid(year, second, first)
    }

    /// Reads `HH:MM[:SS[.fff]][Z|+HH:MM|-HH:MM]` into `time`; false when it is not one.
    private func readTime(_ text: String, into time: inout ImportedTime, text original: String) -> Bool {
        var body = Substring(text)
        var offset = 0
        if body.hasSuffix("Z") {
            body = body.dropLast()
        } else if body.count > 6, let signIndex = body.lastIndex(where: { $0 == "+" || $0 == "-" }), body.distance(from: signIndex, to: body.endIndex) == 6 {
            let zone = body[body.index(after: signIndex)...].split(separator: ":")
            guard zone.count == 2, let hours = Int(zone[0]), let minutes = Int(zone[1]), hours <= 14, minutes < 60 else { return false }
            offset = (hours * 60 + minutes) * (body[signIndex] == "-" ? -1 : 1)
            body = body[..<signIndex]
        }
        let fields = body.split(separator: ":", omittingEmptySubsequences: false)
        guard (2...3).contains(fields.count), let hours = Int(fields[0]), let minutes = Int(fields[1]), hours < 24, minutes < 60 else { return false }
        var seconds = 0
        var milliseconds = 0
        if fields.count == 3 {
            let secondParts = fields[2].split(separator: ".", omittingEmptySubsequences: false)
            guard let whole = Int(secondParts[0]), whole < 60, secondParts.count <= 2 else { return false }
            seconds = whole
            if secondParts.count == 2 {
                let digits = secondParts[1].prefix(3)
                guard !digits.isEmpty, digits.allSatisfy(\.isNumber), let value = Int(digits) else { return false }
                milliseconds = value * (digits.count == 1 ? 100 : digits.count == 2 ? 10 : 1)
            }
        }
        time.seconds = hours * 3600 + minutes * 60 + seconds
        time.milliseconds = milliseconds
        if offset != 0 { time.shift(minutes: offset) }
        return true
    }
}

/// Why a value is not a date.
struct ImportDateProblem: Error, Equatable {
    let message: String
    init(_ message: String) { self.message = message }
}
