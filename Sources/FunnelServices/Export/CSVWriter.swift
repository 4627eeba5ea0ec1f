/// The one CSV writer: `funnel export` and every command's `--format csv` write their fields
/// through it, and the CSV import reads its guard back (docs/import.md).
///
/// A field is safe to open in a spreadsheet (OWASP's advice on CSV injection): one that starts with
/// `=`, `+`, `-`, `@`, a tab or a carriage return would be read as a formula, so it is written
/// with a leading `'` (`=cmd|' /C calc'!A0` becomes `'=cmd|' /C calc'!A0`). A plain number
/// (`-5`, `-12.50`, digits with an optional leading minus and fraction) is not a formula in any
/// spreadsheet and stays a number; a leading `+` is never how Funnel writes a number (it is how
/// phone numbers start, which a spreadsheet would turn into a number and lose the `+`), so it is
/// guarded like the rest.
///
/// The guard is reversible, so an export imports back to the same text: a field whose text after
/// its leading apostrophes would need the guard gets one more `'` (`'=x` is written `''=x`), and
/// `unguarded` takes exactly that one away. Any other field is written as it is.
public enum CSVWriter {
    /// `field` quoted as RFC 4180 needs (a delimiter, a quote, a line break, a tab, or a space at
    /// an end, which an import would trim), after the formula guard.
    public static func field(_ value: String) -> String {
        let guarded = needsGuard(value.utf8) ? "'" + value : value
        var needsQuotes = false
        for byte in guarded.utf8 where byte == comma || byte == quote || byte == lf || byte == cr || byte == semicolon || byte == tab {
            needsQuotes = true
            break
        }
        if !needsQuotes, let last = guarded.utf8.last, let first = guarded.utf8.first, first == space || last == space {
            needsQuotes = true
        }
        guard needsQuotes else { return guarded }
        return "\"" + guarded.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    /// A field read from a Funnel export with its formula guard taken away (the text `field` was
    /// given); any other text is returned as it is.
    public static func unguarded(_ text: String) -> String {
        guard text.utf8.first == apostrophe, needsGuard(text.utf8.dropFirst()) else { return text }
        return String(text.dropFirst())
    }

    /// Whether a field's bytes, after its leading apostrophes, start like a formula: `=`, `+`,
    /// `-`, `@`, tab or CR, and are not a plain number.
    static func needsGuard<Bytes: Collection<UInt8>>(_ bytes: Bytes) -> Bool {
        var index = bytes.startIndex
        while index != bytes.endIndex, bytes[index] == apostrophe { index = bytes.index(after: index) }
        guard index != bytes.endIndex else { return false }
        switch bytes[index] {
        case equals, plus, at, tab, cr: return true
        case minus: return !isPlainNumber(bytes[bytes.index(after: index)...])
        default: return false
        }
    }

    /// Digits, then optionally `.` and digits: the rest of a negative number.
    static func isPlainNumber<Bytes: Collection<UInt8>>(_ bytes: Bytes) -> Bool {
        var digits = 0, fraction = -1
        for byte in bytes {
            if byte >= zero && byte <= nine {
                if fraction >= 0 { fraction += 1 } else { digits += 1 }
            } else if byte == dot, fraction < 0, digits > 0 {
                fraction = 0
            } else {
                return false
            }
        }
        return digits > 0 && fraction != 0
    }

    static let comma = UInt8(ascii: ","), quote = UInt8(ascii: "\""), lf = UInt8(ascii: "\n"), cr = UInt8(ascii: "\r")
    static let semicolon = UInt8(ascii: ";"), tab = UInt8(ascii: "\t"), space = UInt8(ascii: " "), apostrophe = UInt8(ascii: "'")
    static let equals = UInt8(ascii: "="), plus = UInt8(ascii: "+"), minus = UInt8(ascii: "-"), at = UInt8(ascii: "@")
    static let zero = UInt8(ascii: "0"), nine = UInt8(ascii: "9"), dot = UInt8(ascii: ".")
}
