/// Horizontal alignment of text inside a fixed width.
public enum Alignment: Sendable, Hashable {
    case left, right, center
}

/// Display-width aware text fitting, truncation and wrapping.
public enum TextLayout {
    /// The ellipsis used when text is cut.
    public static let ellipsis: Character = "…"

    /// Removes characters that take no cell and control characters (tabs become a space).
    public static func sanitized(_ text: String) -> String {
        if text.utf8.allSatisfy({ $0 >= 0x20 && $0 < 0x7F }) { return text }
        var result = ""
        for character in text {
            if character == "\t" { result.append(" "); continue }
            if DisplayWidth.width(of: character) > 0 { result.append(character) }
        }
        return result
    }

    /// Text cut to at most `width` cells, ending in "…" when it was too long; never splits a wide character.
    public static func truncate(_ text: String, to width: Int) -> String {
        guard width > 0 else { return "" }
        let clean = sanitized(text)
        if DisplayWidth.width(of: clean) <= width { return clean }
        var result = "", used = 0
        for character in clean {
            let w = DisplayWidth.width(of: character)
            if used + w > width - 1 { break }
            result.append(character)
            used += w
        }
        if used < width - 1 { result += String(repeating: " ", count: width - 1 - used) }
        result.append(ellipsis)
        return result
    }

    /// Text truncated or padded to exactly `width` cells with the given alignment.
    public static func fit(_ text: String, width: Int, alignment: Alignment = .left) -> String {
        guard width > 0 else { return "" }
        let cut = truncate(text, to: width)
        let gap = width - DisplayWidth.width(of: cut)
        guard gap > 0 else { return cut }
        switch alignment {
        case .left: return cut + String(repeating: " ", count: gap)
        case .right: return String(repeating: " ", count: gap) + cut
        case .center:
            let left = gap / 2
            return String(repeating: " ", count: left) + cut + String(repeating: " ", count: gap - left)
        }
    }

    /// Word-wraps text to lines of at most `width` cells; long words are broken, wide characters never split.
    public static func wrap(_ text: String, width: Int) -> [String] {
        guard width > 0 else { return [] }
        var lines: [String] = []
        for paragraph in text.split(separator: "\n", omittingEmptySubsequences: false) {
            var line = "", lineWidth = 0
            for token in tokens(sanitized(String(paragraph))) {
                let separator = token.spaceBefore && lineWidth > 0 ? 1 : 0
                if lineWidth + separator + token.width <= width {
                    if separator == 1 { line += " " }
                    line += token.text; lineWidth += separator + token.width
                    continue
                }
                if lineWidth > 0 { lines.append(line); line = ""; lineWidth = 0 }
                for character in token.text {
                    let w = DisplayWidth.width(of: character)
                    if lineWidth + w > width && lineWidth > 0 { lines.append(line); line = ""; lineWidth = 0 }
                    if w <= width { line.append(character); lineWidth += w }
                }
            }
            lines.append(line)
        }
        return lines
    }

    /// Breakable pieces: words, and each wide character on its own (CJK has no spaces).
    private static func tokens(_ text: String) -> [(text: String, width: Int, spaceBefore: Bool)] {
        var result: [(text: String, width: Int, spaceBefore: Bool)] = []
        var current = "", currentWidth = 0, currentSpace = false, pendingSpace = false
        func finish() {
            if !current.isEmpty { result.append((current, currentWidth, currentSpace)) }
            current = ""; currentWidth = 0
        }
        for character in text {
            if character == " " { finish(); pendingSpace = true; continue }
            let w = DisplayWidth.width(of: character)
            if w == 2 {
                finish()
                result.append((String(character), 2, pendingSpace))
                pendingSpace = false
                continue
            }
            if current.isEmpty { currentSpace = pendingSpace; pendingSpace = false }
            current.append(character); currentWidth += w
        }
        finish()
        return result
    }
}
