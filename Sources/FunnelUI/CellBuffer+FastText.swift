extension CellBuffer {
    /// The fast path of `put` (alignment nil) and `putPadded`: writes exactly what `TextLayout.truncate` or
    /// `TextLayout.fit` followed by `write(_:at:style:)` would, without grapheme breaking or intermediate strings,
    /// for text made only of "simple" scalars (see `isSimple`). Returns the cells used, or nil for other text.
    mutating func writeFast(_ text: String, at point: Point, width field: Int, alignment: Alignment?, style: Style) -> Int? {
        let ascii = text.utf8.withContiguousStorageIfAvailable { bytes in
            writeASCII(bytes, at: point, width: field, alignment: alignment, style: style)
        }
        if case let used?? = ascii { return used }
        return writeSimpleScalars(text, at: point, width: field, alignment: alignment, style: style)
    }

    /// Printable ASCII (every byte 0x20..<0x7F): one cell per byte and nothing to sanitize.
    private mutating func writeASCII(_ bytes: UnsafeBufferPointer<UInt8>, at point: Point, width field: Int, alignment: Alignment?, style: Style) -> Int? {
        for byte in bytes where byte < 0x20 || byte >= 0x7F { return nil }
        let count = bytes.count
        // Truncation keeps `field - 1` bytes and ends in the ellipsis; padding fills the rest of a field.
        let truncated = count > field
        let kept = truncated ? field - 1 : count
        let textWidth = truncated ? field : count
        let total = alignment == nil ? textWidth : field
        let y = point.y
        let low = max(point.x, 0), high = min(point.x + total, width)
        if y >= 0, y < height, low < high {
            let blank = Cell.blank(style)
            let textStart = point.x + Self.leftPad(field - textWidth, alignment), keptEnd = textStart + kept
            for x in low..<high {
                if x >= textStart && x < keptEnd {
                    write(Cell(scalar: Unicode.Scalar(bytes[x - textStart]), width: 1, style: style), x: x, y: y)
                } else if truncated && x == keptEnd {
                    write(Cell(scalar: "…", width: 1, style: style), x: x, y: y)
                } else {
                    write(blank, x: x, y: y)
                }
            }
        }
        return max(0, high - low)
    }

    /// Text of simple scalars only, some of them wide: one grapheme per scalar, none dropped by sanitizing.
    private mutating func writeSimpleScalars(_ text: String, at point: Point, width field: Int, alignment: Alignment?, style: Style) -> Int? {
        var textWidth = 0
        for scalar in text.unicodeScalars {
            guard Self.isSimple(scalar) else { return nil }
            let w = DisplayWidth.width(of: scalar)
            guard w > 0 else { return nil }
            textWidth += w
        }
        let truncated = textWidth > field
        if truncated { textWidth = field }
        let total = alignment == nil ? textWidth : field
        let leftPad = Self.leftPad(field - textWidth, alignment)
        var pen = Pen(x: point.x, y: point.y, style: style)
        pen.blanks(leftPad, into: &self)
        var used = 0
        for scalar in text.unicodeScalars {
            let w = DisplayWidth.width(of: scalar)
            if truncated && used + w > field - 1 { break }
            pen.put(Cell(scalar: scalar, width: w, style: style), into: &self)
            used += w
        }
        if truncated {
            pen.blanks(field - 1 - used, into: &self)
            pen.put(Cell(scalar: "…", width: 1, style: style), into: &self)
        }
        pen.blanks(total - textWidth - leftPad, into: &self)
        return max(0, min(point.x + total, width) - max(point.x, 0))
    }

    /// Cells of padding before the text for a gap and alignment (`TextLayout.fit`); none for `put`.
    private static func leftPad(_ gap: Int, _ alignment: Alignment?) -> Int {
        switch alignment {
        case nil, .left?: 0
        case .right?: gap
        case .center?: gap / 2
        }
    }

    /// A scalar that is always a grapheme cluster on its own next to any other simple scalar (grapheme break
    /// property Other, or LV/LVT Hangul syllables, or emoji pictographs, with no Extend, ZWJ, SpacingMark,
    /// Prepend, Regional Indicator or conjoining jamo among them), so dropping, padding or cutting never regroups
    /// graphemes: printable ASCII, Latin-1 and Latin Extended letters, general punctuation, arrows, symbols and
    /// box drawing, CJK punctuation, kana, ideographs, Hangul syllables, fullwidth forms and common emoji.
    static func isSimple(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x20..<0x7F, 0xA0...0xAC, 0xAE...0x2FF, 0x2010...0x2027, 0x2030...0x205E, 0x2190...0x2BFF,
             0x3001...0x3029, 0x3030...0x3098, 0x309B...0x30FF, 0x4E00...0x9FFF, 0xAC00...0xD7A3, 0xFF01...0xFF60,
             0x1F300...0x1F3FA, 0x1F400...0x1F64F, 0x1F680...0x1F6FF, 0x1F900...0x1F9FF:
            true
        default:
            false
        }
    }
}

/// Writes cells left to right from a column as `CellBuffer.write(_:at:style:)` does, clipping at every edge.
private struct Pen {
    var x: Int
    let y: Int
    let style: Style

    /// Writes one cell of width 1 or 2 and moves right; a wide cell cut by the left edge leaves a blank.
    mutating func put(_ cell: Cell, into buffer: inout CellBuffer) {
        guard x < buffer.width else { return }
        if x >= 0 {
            buffer.set(cell, at: Point(x: x, y: y))
        } else if x + cell.width > 0 {
            buffer.set(.blank(style), at: Point(x: 0, y: y))
        }
        x += cell.width
    }

    /// Writes `count` blanks.
    mutating func blanks(_ count: Int, into buffer: inout CellBuffer) {
        guard count > 0 else { return }
        for _ in 0..<count { put(.blank(style), into: &buffer) }
    }
}
