/// A grid of cells that a frame is composed into before the terminal writes only what changed.
public struct CellBuffer: Hashable, Sendable {
    /// Columns.
    public let width: Int
    /// Rows.
    public let height: Int
    /// Row-major cells.
    public private(set) var cells: [Cell]

    /// Creates a blank buffer.
    public init(width: Int, height: Int) {
        self.width = max(0, width)
        self.height = max(0, height)
        cells = Array(repeating: .blank(), count: self.width * self.height)
    }

    /// Creates a blank buffer of a size.
    public init(size: Size) { self.init(width: size.width, height: size.height) }

    /// The buffer's size.
    public var size: Size { Size(width: width, height: height) }
    /// The whole buffer as a rectangle.
    public var bounds: Rect { Rect(x: 0, y: 0, width: width, height: height) }

    /// The cell at a position; a blank cell outside the buffer.
    public subscript(x: Int, y: Int) -> Cell {
        guard x >= 0, x < width, y >= 0, y < height else { return .blank() }
        return cells[y * width + x]
    }

    /// Writes one cell, repairing any wide character it overlaps; off-buffer writes are ignored.
    /// A cell holding a control character (`Cell.isTerminalControl`) is drawn as U+FFFD instead:
    /// the terminal never receives one from a buffer.
    public mutating func set(_ cell: Cell, at point: Point) {
        let x = point.x, y = point.y
        guard x >= 0, x < width, y >= 0, y < height else { return }
        if cell.isTerminalControl {
            set(Cell(scalar: Cell.replacement, width: 1, style: cell.style), at: point)
            if cell.width == 2 { set(.blank(cell.style), at: Point(x: x + 1, y: y)) }
            return
        }
        let cellWidth = cell.isContinuation ? 1 : cell.width
        if cellWidth == 2 && x + 1 >= width {
            write(.blank(cell.style), x: x, y: y)
            return
        }
        write(cell, x: x, y: y)
        if cellWidth == 2 { write(.continuation(cell.style), x: x + 1, y: y) }
    }

    /// Writes one in-bounds cell, blanking the other half of any wide character it overwrites.
    @inline(__always)
    mutating func write(_ cell: Cell, x: Int, y: Int) {
        let index = y * width + x
        let old = cells[index]
        if old.isContinuation && x > 0 && !cell.isContinuation { cells[index - 1] = .blank(cells[index - 1].style) }
        if old.width == 2 && x + 1 < width && cells[index + 1].isContinuation && cell.width != 2 {
            cells[index + 1] = .blank(old.style)
        }
        cells[index] = cell
    }

    /// Fills a rectangle (clipped) with a character and style.
    public mutating func fill(_ rect: Rect, with character: Character = " ", style: Style = .normal) {
        let area = rect.intersection(bounds)
        guard !area.isEmpty else { return }
        let character = Cell.isTerminalControl(character) ? Character(Cell.replacement) : character
        let w = max(1, DisplayWidth.width(of: character))
        let cell = Cell(character, width: w, style: style)
        for y in area.y..<area.maxY {
            if w == 1 {
                // In bounds and one cell wide: `set` would go straight to `write`.
                for x in area.x..<area.maxX { write(cell, x: x, y: y) }
                continue
            }
            var x = area.x
            while x < area.maxX {
                if w == 2 && x + 1 >= area.maxX { set(.blank(style), at: Point(x: x, y: y)) } else { set(cell, at: Point(x: x, y: y)) }
                x += w
            }
        }
    }

    /// Blanks a rectangle in the normal style.
    public mutating func clear(_ rect: Rect) { fill(rect, with: " ", style: .normal) }

    /// Blanks the whole buffer.
    public mutating func clear() { clear(bounds) }

    /// Writes text at a point, cut with "…" to `maxWidth` (and the buffer edge); returns the cells used.
    @discardableResult
    public mutating func put(_ text: String, at point: Point, maxWidth: Int? = nil, style: Style = .normal) -> Int {
        guard point.y >= 0, point.y < height, point.x < width else { return 0 }
        var limit = width - point.x
        if let maxWidth { limit = min(limit, maxWidth) }
        guard limit > 0 else { return 0 }
        if let used = writeFast(text, at: point, width: limit, alignment: nil, style: style) { return used }
        return write(TextLayout.truncate(text, to: limit), at: point, style: style)
    }

    /// Writes text truncated or padded to exactly `width` cells so columns stay aligned; returns `width` (clipped).
    @discardableResult
    public mutating func putPadded(_ text: String, at point: Point, width fieldWidth: Int, alignment: Alignment = .left, style: Style = .normal) -> Int {
        guard fieldWidth > 0 else { return 0 }
        if let used = writeFast(text, at: point, width: fieldWidth, alignment: alignment, style: style) { return used }
        return write(TextLayout.fit(text, width: fieldWidth, alignment: alignment), at: point, style: style)
    }

    /// Writes already-fitted text cell by cell, clipping at every edge.
    mutating func write(_ text: String, at point: Point, style: Style) -> Int {
        var x = point.x
        for character in text {
            let w = DisplayWidth.width(of: character)
            guard w > 0 else { continue }
            if x >= width { break }
            if x >= 0 {
                set(Cell(character, width: w, style: style), at: Point(x: x, y: point.y))
            } else if x + w > 0 {
                set(.blank(style), at: Point(x: 0, y: point.y))
            }
            x += w
        }
        return max(0, min(x, width) - max(point.x, 0))
    }

    /// Changes the style of the cells in a rectangle, keeping their text.
    public mutating func restyle(_ rect: Rect, style: Style) {
        let area = rect.intersection(bounds)
        guard !area.isEmpty else { return }
        for y in area.y..<area.maxY {
            for x in area.x..<area.maxX { cells[y * width + x].style = style }
        }
    }

    /// Adds attributes to the cells in a rectangle.
    public mutating func addAttributes(_ attributes: TextAttributes, in rect: Rect) {
        let area = rect.intersection(bounds)
        guard !area.isEmpty else { return }
        for y in area.y..<area.maxY {
            for x in area.x..<area.maxX { cells[y * width + x].style.attributes.formUnion(attributes) }
        }
    }

    /// The runs of cells that differ from `previous` (everything when the sizes differ).
    public func changes(from previous: CellBuffer) -> [CellRun] {
        var runs: [CellRun] = []
        forEachChange(from: previous) { origin, cells in runs.append(CellRun(origin: origin, cells: Array(cells))) }
        return runs
    }

    /// Calls `body` with each run of cells that differs from `previous` (everything when the sizes differ),
    /// top to bottom and left to right, as `changes(from:)` lists them but without copying the cells.
    /// A run is widened to include both halves of a wide character it touches.
    public func forEachChange(from previous: CellBuffer, _ body: (_ origin: Point, _ cells: ArraySlice<Cell>) throws -> Void) rethrows {
        let sameSize = previous.width == width && previous.height == height
        let old = previous.cells
        for y in 0..<height {
            let row = y * width
            var x = 0
            while x < width {
                if sameSize && cells[row + x] == old[row + x] { x += 1; continue }
                var start = x
                if start > 0 && cells[row + x].isContinuation { start -= 1 }
                var end = x + 1
                while end < width && (!sameSize || cells[row + end] != old[row + end]) { end += 1 }
                if end < width && cells[row + end].isContinuation { end += 1 }
                try body(Point(x: start, y: y), cells[(row + start)..<(row + end)])
                x = end
            }
        }
    }
}

extension Cell {
    /// What a control character is drawn as.
    static let replacement: Unicode.Scalar = "\u{FFFD}"

    /// Whether the cell (not a wide character's trailing half) holds a character a terminal would
    /// obey rather than show: a C0 or C1 control, DEL, or a bidirectional mark, embedding, override or
    /// isolate (U+061C, U+200E-F, U+202A-E, U+2066-9). Text written with `put` never makes one (its
    /// zero-width characters are dropped); a cell made by hand could.
    @inlinable
    public var isTerminalControl: Bool {
        if isContinuation { return false }
        if let scalar { return Self.isTerminalControl(scalar) }
        return Self.isTerminalControl(character)
    }

    /// Whether a grapheme holds such a character.
    public static func isTerminalControl(_ character: Character) -> Bool {
        character.unicodeScalars.contains(where: isTerminalControl)
    }

    /// Whether a scalar is such a character.
    @inlinable
    public static func isTerminalControl(_ scalar: Unicode.Scalar) -> Bool {
        let value = scalar.value
        if value < 0x20 || (0x7F...0x9F).contains(value) { return true }
        if value < 0x61C { return false }
        return value == 0x61C || value == 0x200E || value == 0x200F || (0x202A...0x202E).contains(value) || (0x2066...0x2069).contains(value)
    }
}
