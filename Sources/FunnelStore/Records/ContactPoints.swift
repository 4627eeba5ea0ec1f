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
        var digits = ""
        var sawPlus = false
        for (offset, character) in raw.trimmingCharacters(in: .whitespacesAndNewlines).enumerated() {
            if character.isASCII, character.isNumber {
                digits.append(character)
            } else if character == "+", offset == 0 {
                sawPlus = true
            } else if " .-/()\u{00A0}".contains(character) {
                continue
            } else {
                return nil
            }
        }
        if !sawPlus {
            if digits.hasPrefix("00") {
                digits.removeFirst(2)
            } else if digits.count == 10 {
                digits = "1" + digits
            } else if digits.count == 11, digits.hasPrefix("1") {
                // already has the North American country code
            } else {
                return nil
            }
        }
        guard (7...15).contains(digits.count), digits.first != "0" else { return nil }
        return "+" + digits
    }

    /// Why a number is not acceptable, or nil when it is.
    public static func problem(with raw: String) -> String? {
        normalized(raw) == nil
            ? "\"\(raw)\" is not a phone number (use digits with a country code, like +1 415 555 0100)"
            : nil
    }
}
