import Foundation

/// "Now" for the services and screens when nobody passes a clock: the system's, or, when
/// `FUNNEL_NOW` names a time (ISO 8601, `2026-02-10T09:30:00Z`), that time at the process's
/// start and the real time passing since (tests of the built program read a known "now").
public enum WallClock {
    public static let now: @Sendable () -> Date = clock(from: ProcessInfo.processInfo.environment["FUNNEL_NOW"])

    /// The clock `FUNNEL_NOW`'s text asks for (the system's when it is empty or not a time).
    static func clock(from text: String?) -> @Sendable () -> Date {
        guard let text, !text.isEmpty, let start = ISO8601DateFormatter().date(from: text) else { return Date.init }
        let began = Date()
        return { start.addingTimeInterval(Date().timeIntervalSince(began)) }
    }
}
