/// Email addresses as Funnel stores and compares them.
public enum EmailAddress {
    /// The comparison form of an address: trimmed and lower-cased (the schema computes the same).
    public static func normalized(_ raw: String) -> String {
        raw.trimmingCharacters(in: .whitespacesAndNewlines).lowercased()
    }

    /// Why an address is not acceptable, or nil when it is.
    public static func problem(with raw: String) -> String? {
        let address = normalized(raw)
        if address.isEmpty { return "the email address is empty" }
        if address.utf8.count > 254 { return "the email address is longer than 254 characters" }
        let parts = address.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty else {
            return "\"\(raw)\" is not an email address (it needs exactly one @ with a name before it)"
        }
        let domain = parts[1]
        guard domain.contains("."), !domain.hasPrefix("."), !domain.hasSuffix("."), !domain.contains("..") else {
            return "\"\(raw)\" is not an email address (the domain after @ needs a dot, like example.com)"
        }
        if address.contains(where: { " ,;<>\t".contains($0) }) {
            return "\"\(raw)\" is not an email address (it contains a space or one of , ; < >)"
        }
        return nil
    }
}

/// Phone numbers in E.164 form (`+` and 7 to 15 digits), for duplicate detection.
public enum PhoneNumber {
    /// The E.164 form of a number, or nil when it cannot be one.
    ///
    /// Spaces, dots, dashes, slashes and parentheses are ignored; `00` is read as `+`; ten digits
    /// without a country code are taken as a North American number (+1), the convention of the
    /// platform's first market. Letters make a number invalid.
    public static func normalized(_ raw: String) -> String? {
        // Scalar by scalar, into bytes: the demo and imports normalize millions of numbers.
        let scalars = raw.unicodeScalars
        var start = scalars.startIndex
        var end = scalars.endIndex
        while start < end, scalars[start].properties.isWhitespace { scalars.formIndex(after: &start) }
        while start < end, scalars[scalars.index(before: end)].properties.isWhitespace { scalars.formIndex(before: &end) }
        var digits: [UInt8] = []
        digits.reserveCapacity(16)
        var sawPlus = false
        var index = start
        while index < end {
            let scalar = scalars[index]
            switch scalar {
            case "0"..."9": digits.append(UInt8(scalar.value))
            case "+" where index == start: sawPlus = true
            case " ", ".", "-", "/", "(", ")", "\u{00A0}": break
            default: return nil
            }
            scalars.formIndex(after: &index)
        }
        let zero = UInt8(ascii: "0"), one = UInt8(ascii: "1")
        if !sawPlus {
            if digits.count >= 2, digits[0] == zero, digits[1] == zero {
                digits.removeFirst(2)
            } else if digits.count == 10 {
                digits.insert(one, at: 0)
            } else if digits.count == 11, digits[0] == one {
                // already has the North American country code
            } else {
                return nil
            }
        }
        guard (7...15).contains(digits.count), digits[0] != zero else { return nil }
        return "+" + String(decoding: digits, as: UTF8.self)
    }

    /// Why a number is not acceptable, or nil when it is.
    public static func problem(with raw: String) -> String? {
        normalized(raw) == nil
            ? "\"\(raw)\" is not a phone number (use digits with a country code, like +1 415 555 0100)"
            : nil
    }
}
