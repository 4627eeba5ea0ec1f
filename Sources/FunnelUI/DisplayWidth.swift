/// Measures how many terminal cells text occupies (East Asian width, emoji, combining marks).
public enum DisplayWidth {
    /// Code point ranges that are East Asian Wide or Fullwidth, or default to emoji presentation (width 2).
    static let wideRanges: [ClosedRange<UInt32>] = [
        0x1100...0x115F, 0x231A...0x231B, 0x2329...0x232A, 0x23E9...0x23EC, 0x23F0...0x23F0, 0x23F3...0x23F3,
        0x25FD...0x25FE, 0x2614...0x2615, 0x2648...0x2653, 0x267F...0x267F, 0x2693...0x2693, 0x26A1...0x26A1,
        0x26AA...0x26AB, 0x26BD...0x26BE, 0x26C4...0x26C5, 0x26CE...0x26CE, 0x26D4...0x26D4, 0x26EA...0x26EA,
        0x26F2...0x26F3, 0x26F5...0x26F5, 0x26FA...0x26FA, 0x26FD...0x26FD, 0x2705...0x2705, 0x270A...0x270B,
        0x2728...0x2728, 0x274C...0x274C, 0x274E...0x274E, 0x2753...0x2755, 0x2757...0x2757, 0x2795...0x2797,
        0x27B0...0x27B0, 0x27BF...0x27BF, 0x2B1B...0x2B1C, 0x2B50...0x2B50, 0x2B55...0x2B55,
        0x2E80...0x303E, 0x3041...0x33FF, 0x3400...0x4DBF, 0x4E00...0x9FFF, 0xA000...0xA4CF, 0xA960...0xA97F,
        0xAC00...0xD7A3, 0xF900...0xFAFF, 0xFE10...0xFE19, 0xFE30...0xFE6F, 0xFF00...0xFF60, 0xFFE0...0xFFE6,
        0x16FE0...0x16FE4, 0x17000...0x18CFF, 0x1B000...0x1B2FF, 0x1F004...0x1F004, 0x1F0CF...0x1F0CF,
        0x1F18E...0x1F18E, 0x1F191...0x1F19A, 0x1F200...0x1F202, 0x1F210...0x1F23B, 0x1F240...0x1F248,
        0x1F250...0x1F251, 0x1F260...0x1F265, 0x20000...0x2FFFD, 0x30000...0x3FFFD,
    ]

    /// Code point ranges that take no cell (zero-width spaces, joiners, variation selectors).
    static let zeroWidthRanges: [ClosedRange<UInt32>] = [
        0x00AD...0x00AD, 0x200B...0x200F, 0x2028...0x202E, 0x2060...0x2064, 0xFE00...0xFE0F, 0xFEFF...0xFEFF,
        0x1F3FB...0x1F3FF, 0xE0000...0xE0FFF,
    ]

    static func contains(_ ranges: [ClosedRange<UInt32>], _ value: UInt32) -> Bool {
        var low = 0, high = ranges.count - 1
        while low <= high {
            let mid = (low + high) / 2
            if value < ranges[mid].lowerBound { high = mid - 1 } else if value > ranges[mid].upperBound { low = mid + 1 } else { return true }
        }
        return false
    }

    /// Cells taken by one Unicode scalar on its own.
    public static func width(of scalar: Unicode.Scalar) -> Int {
        let v = scalar.value
        if v < 0x7F { return v < 0x20 ? 0 : 1 }
        if v < 0xA0 { return 0 }
        if contains(zeroWidthRanges, v) { return 0 }
        if contains(wideRanges, v) { return 2 }
        let props = scalar.properties
        switch props.generalCategory {
        case .nonspacingMark, .enclosingMark, .format, .control: return 0
        default: break
        }
        if v >= 0x1F000 && props.isEmojiPresentation { return 2 }
        return 1
    }

    /// Cells taken by one grapheme cluster: 2 for wide / emoji presentation, 0 for marks and controls, else 1.
    public static func width(of character: Character) -> Int {
        if let ascii = character.asciiValue { return ascii < 0x20 || ascii == 0x7F ? 0 : 1 }
        let scalars = character.unicodeScalars
        guard let first = scalars.first else { return 0 }
        let base = width(of: first)
        if base == 2 || scalars.count == 1 { return base }
        // Flags (regional indicator pairs), VS16 emoji presentation and ZWJ sequences show as one wide glyph.
        if (0x1F1E6...0x1F1FF).contains(first.value) { return 2 }
        if first.properties.isEmoji {
            for scalar in scalars.dropFirst() where scalar.value == 0xFE0F || scalar.value == 0x200D || (0x1F3FB...0x1F3FF).contains(scalar.value) {
                return 2
            }
        }
        if base == 0 {
            // A lone combining mark attached to nothing: use the widest following scalar.
            return scalars.dropFirst().map { width(of: $0) }.max() ?? 0
        }
        return base
    }

    /// Cells taken by a string.
    public static func width<S: StringProtocol>(of text: S) -> Int {
        var total = 0
        for character in text { total += width(of: character) }
        return total
    }
}
