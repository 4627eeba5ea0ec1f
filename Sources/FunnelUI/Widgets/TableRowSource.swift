/// Supplies table rows on demand: only the visible window is ever asked for.
public protocol TableRowSource {
    /// The total number of rows, or nil when unknown (e.g. a stream or an unbounded query).
    var count: Int? { get }
    /// The cells of the rows in `range` (may return fewer rows at the end of the data).
    func rows(in range: Range<Int>) -> [[String]]
}

/// A row source backed by an array.
public struct ArrayRowSource: TableRowSource, Sendable {
    /// All rows.
    public var allRows: [[String]]
    /// Creates a source.
    public init(_ rows: [[String]]) { allRows = rows }
    /// The number of rows.
    public var count: Int? { allRows.count }
    /// The rows in a range (clamped).
    public func rows(in range: Range<Int>) -> [[String]] {
        let clamped = range.clamped(to: 0..<allRows.count)
        return Array(allRows[clamped])
    }
}
