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
