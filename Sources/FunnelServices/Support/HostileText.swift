/// The characters that must never reach a terminal as they are: stored text may hold them (an
/// import copies what a file gives), and a terminal would obey them (`ESC ]0;...BEL` retitles the
/// window, `ESC [2J` clears it, a lone CR lets text overwrite the line, a bidirectional override
/// shows text in another order than it is). The command line shows them escaped
/// (`TerminalText` in FunnelCLI); JSON exports write them as `\u` escapes; the TUI's
/// `CellBuffer` never draws them.
public enum TerminalControls {
    /// C0 controls (U+0000-U+001F), DEL, C1 controls (U+0080-U+009F), and the bidirectional
    /// marks, embeddings, overrides and isolates (U+061C, U+200E-F, U+202A-E, U+2066-9).
    @inline(__always)
    public static func contains(_ scalar: Unicode.Scalar) -> Bool {
        let value = scalar.value
        if value < 0x20 || (0x7F...0x9F).contains(value) { return true }
        if value < 0x61C { return false }
        return value == 0x61C || value == 0x200E || value == 0x200F || (0x202A...0x202E).contains(value) || (0x2066...0x2069).contains(value)
    }

    /// Whether any character of `text` is one of them (a byte scan, without decoding, for the
    /// common text that holds none).
    public static func any(in text: String) -> Bool {
        for byte in text.utf8 {
            // C0 and DEL; C2 leads U+0080-U+00BF (the C1 controls), D8 U+0600-U+063F (U+061C),
            // E2 U+2000-U+2FFF (the bidirectional marks): only those need a closer look.
            if byte < 0x20 || byte == 0x7F || byte == 0xC2 || byte == 0xD8 || byte == 0xE2 {
                return text.unicodeScalars.contains(where: contains)
            }
        }
        return false
    }
}

/// The rule for text a person types (a lead's fields, a note, a reason, a comment, a content
/// body): the services refuse a NUL character in it, naming the field, before anything is written.
/// (A CSV import refuses a NUL byte with its line and column: `CSVReader`.)
public enum TypedText {
    /// The problem with typed text that holds a NUL character, which no text of Funnel may hold
    /// (SQLite and C strings end text at it); nil when it holds none.
    public static func nulProblem(_ text: String) -> String? {
        text.utf8.contains(0) ? "holds a NUL character (\\0), which text may not hold" : nil
    }

    /// Throws `ServiceError.invalid` naming `field` when `text` holds a NUL character.
    static func refuseNUL(_ text: String?, field: String) throws {
        if let text, let problem = nulProblem(text) { throw ServiceError.invalid(field: field, problem: problem) }
    }
}
