extension CellBuffer {
    /// The fast path of `put` and `putPadded` for printable ASCII text (every byte 0x20..<0x7F, so one cell per
    /// byte and nothing to sanitize): writes exactly what `TextLayout.truncate` (alignment nil) or
    /// `TextLayout.fit` followed by `write(_:at:style:)` would, without building intermediate strings.
    /// Returns the cells used, or nil when the text is not printable ASCII.
    mutating func writeASCII(_ text: String, at point: Point, width field: Int, alignment: Alignment?, style: Style) -> Int? {
        if let used = text.utf8.withContiguousStorageIfAvailable({ writeASCII($0, at: point, width: field, alignment: alignment, style: style) }) {
            return used
        }
        var contiguous = text
        contiguous.makeContiguousUTF8()
        return contiguous.utf8.withContiguousStorageIfAvailable { writeASCII($0, at: point, width: field, alignment: alignment, style: style) } ?? nil
    }

    private mutating func writeASCII(_ bytes: UnsafeBufferPointer<UInt8>, at point: Point, width field: Int, alignment: Alignment?, style: Style) -> Int? {
        for byte in bytes where byte < 0x20 || byte >= 0x7F { return nil }
        let count = bytes.count
        // Truncation keeps `field - 1` bytes and ends in the ellipsis; padding fills the rest of a field.
        let truncated = count > field
        let kept = truncated ? field - 1 : count
        let textWidth = truncated ? field : count
        let total = alignment == nil ? textWidth : field
        let leftPad: Int
        switch alignment {
        case nil, .left?: leftPad = 0
        case .right?: leftPad = field - textWidth
        case .center?: leftPad = (field - textWidth) / 2
        }
        let y = point.y
        let low = max(point.x, 0), high = min(point.x + total, width)
        if y >= 0, y < height, low < high {
            let blank = Cell.blank(style)
            let textStart = point.x + leftPad, keptEnd = textStart + kept
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
}
