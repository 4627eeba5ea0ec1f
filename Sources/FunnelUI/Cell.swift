/// One terminal cell: a grapheme, its display width and its style.
public struct Cell: Hashable, Sendable {
    /// The grapheme shown (a space for blank and continuation cells).
    public var character: Character
    /// 1 for a normal cell, 2 for the lead of a wide character, 0 for a wide character's trailing half.
    public var width: Int
    /// How the cell is drawn.
    public var style: Style

    /// Creates a cell.
    public init(_ character: Character, width: Int = 1, style: Style = .normal) {
        self.character = character
        self.width = width
        self.style = style
    }

    /// True for the trailing half of a wide character (the terminal writes nothing there).
    public var isContinuation: Bool { width == 0 }
    /// A blank cell in the given style.
    public static func blank(_ style: Style = .normal) -> Cell { Cell(" ", width: 1, style: style) }
    /// The trailing half of a wide character.
    public static func continuation(_ style: Style) -> Cell { Cell(" ", width: 0, style: style) }
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
