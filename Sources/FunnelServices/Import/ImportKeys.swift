import FunnelStore

/// Emails and phones as duplicate detection compares them, read byte by byte for the ASCII text
/// nearly every row holds (the same results as `EmailAddress` and `PhoneNumber`, which handle
/// the rest), so that a million rows cost no Foundation trimming or Character iteration.
enum ImportKeys {
    /// An email's normalized form (lower case), or the problem with it.
    static func email(_ text: String) -> (normalized: String?, problem: String?) {
        let bytes = Array(text.utf8)
        guard bytes.count <= 254, bytes.allSatisfy({ $0 < 0x80 }) else {
            if let problem = EmailAddress.problem(with: text) { return (nil, problem) }
            return (EmailAddress.normalized(text), nil)
        }
        var lowered = bytes
        var at = -1
        for (index, byte) in bytes.enumerated() {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"): lowered[index] = byte + 32
            case UInt8(ascii: "@"):
                if at >= 0 { return (nil, EmailAddress.problem(with: text)) }
                at = index
            case 32, 9, 10, 13, UInt8(ascii: ","), UInt8(ascii: ";"), UInt8(ascii: "<"), UInt8(ascii: ">"):
                return (nil, EmailAddress.problem(with: text) ?? "\"\(text)\" is not an email address")
            default: break
            }
        }
        guard at > 0 else { return (nil, EmailAddress.problem(with: text)) }
        let domain = bytes[(at + 1)...]
        guard domain.contains(UInt8(ascii: ".")), domain.first != UInt8(ascii: "."), domain.last != UInt8(ascii: ".") else {
            return (nil, EmailAddress.problem(with: text))
        }
        var previousDot = false
        for byte in domain {
            let dot = byte == UInt8(ascii: ".")
            if dot && previousDot { return (nil, EmailAddress.problem(with: text)) }
            previousDot = dot
        }
        return (String(decoding: lowered, as: UTF8.self), nil)
    }
}
