/// One terminal cell: a grapheme, its display width and its style.
///
/// Stored compactly (8 bytes, no reference counting): the grapheme is a Unicode scalar value, or, for the rare
/// multi-scalar cluster (ZWJ emoji, flags, combining marks), an index into `GraphemeClusterTable`.
public struct Cell: Hashable, Sendable {
    /// A scalar value, or `GraphemeClusterTable.clusterFlag | index` for a multi-scalar cluster.
    @usableFromInline var grapheme: UInt32
    @usableFromInline var storedWidth: Int8
    /// How the cell is drawn.
    public var style: Style

    /// Creates a cell.
    public init(_ character: Character, width: Int = 1, style: Style = .normal) {
        grapheme = GraphemeClusterTable.encode(character)
        storedWidth = Int8(clamping: width)
        self.style = style
    }

    /// Creates a cell showing one Unicode scalar.
    @inlinable
    public init(scalar: Unicode.Scalar, width: Int = 1, style: Style = .normal) {
        grapheme = scalar.value
        storedWidth = Int8(clamping: width)
        self.style = style
    }

    /// The grapheme shown (a space for blank and continuation cells).
    public var character: Character {
        get {
            if let scalar { return Character(scalar) }
            return GraphemeClusterTable.shared.character(for: grapheme)
        }
        set { grapheme = GraphemeClusterTable.encode(newValue) }
    }

    /// The grapheme as a single Unicode scalar; nil for a multi-scalar cluster.
    @inlinable
    public var scalar: Unicode.Scalar? {
        grapheme & GraphemeClusterTable.clusterFlag == 0 ? Unicode.Scalar(grapheme) : nil
    }

    /// 1 for a normal cell, 2 for the lead of a wide character, 0 for a wide character's trailing half.
    @inlinable
    public var width: Int {
        get { Int(storedWidth) }
        set { storedWidth = Int8(clamping: newValue) }
    }

    /// True for the trailing half of a wide character (the terminal writes nothing there).
    @inlinable
    public var isContinuation: Bool { storedWidth == 0 }
    /// A blank cell in the given style.
    @inlinable
    public static func blank(_ style: Style = .normal) -> Cell { Cell(scalar: " ", width: 1, style: style) }
    /// The trailing half of a wide character.
    @inlinable
    public static func continuation(_ style: Style) -> Cell { Cell(scalar: " ", width: 0, style: style) }

    /// Same width, style and grapheme; graphemes compare as `Character`s do (canonical equivalence), with a
    /// fast path for identical or ASCII graphemes.
    @inlinable
    public static func == (lhs: Cell, rhs: Cell) -> Bool {
        guard lhs.storedWidth == rhs.storedWidth, lhs.style == rhs.style else { return false }
        if lhs.grapheme == rhs.grapheme { return true }
        // Two different ASCII scalars are never canonically equivalent.
        if lhs.grapheme < 0x80 && rhs.grapheme < 0x80 { return false }
        return lhs.character == rhs.character
    }

    /// Hashes the grapheme as a `Character` (consistent with `==`), the width and the style.
    public func hash(into hasher: inout Hasher) {
        hasher.combine(character)
        hasher.combine(width)
        hasher.combine(style)
    }
}

/// A horizontal run of cells that changed and must be written to the terminal.
public struct CellRun: Hashable, Sendable {
    /// Where the first cell goes.
    public var origin: Point
    /// The cells, left to right (continuation cells included; skip them when writing).
    public var cells: [Cell]
    /// Creates a run.
    public init(origin: Point, cells: [Cell]) { self.origin = origin; self.cells = cells }
}
