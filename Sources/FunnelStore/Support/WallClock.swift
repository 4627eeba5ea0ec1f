import Foundation

/// "Now" for the services and screens when nobody passes a clock: the system's, or, when
/// `FUNNEL_NOW` names a time (ISO 8601, `2026-02-10T09:30:00Z`), that time at the process's
/// start and the real time passing since (tests of the built program read a known "now").
public enum WallClock {
    /// `FUNNEL_NOW` as read at start (`main` reads `now` first thing).
    static let setting = parse(ProcessInfo.processInfo.environment["FUNNEL_NOW"])

    public static let now: @Sendable () -> Date = setting.clock

    /// What is wrong with `FUNNEL_NOW`, in words, when it is set but is no time (the real time
    /// is used then).
    public static var problem: String? { setting.problem }

    static func parse(_ text: String?) -> (clock: @Sendable () -> Date, problem: String?) {
        guard let text, !text.isEmpty else { return (Date.init, nil) }
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        guard let start = ISO8601DateFormatter().date(from: text) ?? formatter.date(from: text) else {
            return (Date.init, "FUNNEL_NOW=\(text) is not an ISO 8601 time with its zone (2026-02-10T09:30:00Z): using the real time")
        }
        let began = Date()
        return ({ start.addingTimeInterval(Date().timeIntervalSince(began)) }, nil)
    }
}
