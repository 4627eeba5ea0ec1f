/// Numbers as people read them, for messages, reports and screens.
public enum NumberText {
    /// 1234567 -> "1,234,567".
    public static func grouped<Number: BinaryInteger>(_ value: Number) -> String {
        let digits = String(value.magnitude)
        var result = ""
        for (index, character) in digits.reversed().enumerated() {
            if index > 0 && index % 3 == 0 { result.append(",") }
            result.append(character)
        }
        return (value < 0 ? "-" : "") + String(result.reversed())
    }
}

/// Money in words, for messages.
public enum Money {
    /// Cents as dollars with thousands separators: `$12,500`, `$3,457.60`.
    public static func text(cents: Int64) -> String {
        let remainder = cents.magnitude % 100
        return (cents < 0 ? "-$" : "$") + NumberText.grouped(cents.magnitude / 100) + (remainder == 0 ? "" : ".\(remainder < 10 ? "0" : "")\(remainder)")
    }
}

/// Durations as lists show them.
public enum DurationText {
    /// The largest two units: "45m", "5h 10m", "3d 4h".
    public static func short(_ seconds: Double) -> String {
        let minutes = max(0, Int(seconds) / 60)
        if minutes < 60 { return "\(minutes)m" }
        let hours = minutes / 60
        if hours < 24 { return "\(hours)h \(minutes % 60)m" }
        return "\(hours / 24)d \(hours % 24)h"
    }
}
