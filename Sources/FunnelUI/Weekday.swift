/// A day of the week, numbered like Foundation's Gregorian calendar (Sunday = 1).
public enum Weekday: Int, CaseIterable, Hashable, Sendable {
    case sunday = 1, monday, tuesday, wednesday, thursday, friday, saturday

    /// Parses "monday", "Mon", "mo" (case-insensitive).
    public init?(name: String) {
        let lower = name.lowercased()
        guard lower.count >= 2, let match = Weekday.allCases.first(where: { "\($0)".hasPrefix(lower) }) else { return nil }
        self = match
    }

    /// Two-letter heading ("Mo").
    public var shortName: String { String("\(self)".prefix(2)).capitalized }

    /// True for Saturday and Sunday.
    public var isWeekend: Bool { self == .saturday || self == .sunday }

    /// The weekday `offset` days later.
    public func advanced(by offset: Int) -> Weekday {
        Weekday(rawValue: ((rawValue - 1 + offset) % 7 + 7) % 7 + 1)!
    }
}

extension String {
    fileprivate var capitalized: String { prefix(1).uppercased() + dropFirst() }
}
