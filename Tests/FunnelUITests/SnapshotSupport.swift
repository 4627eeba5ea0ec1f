import FunnelUI
import SnapshotTesting

extension Snapshotting where Value == CellBuffer, Format == String {
    /// The buffer's rows as text, framed by "|" so trailing spaces and widths are visible.
    static var cellLines: Snapshotting {
        Snapshotting<String, String>.lines.pullback { buffer in
            buffer.lines.map { "|\($0)|" }.joined(separator: "\n") + "\n"
        }
    }

    /// Rows plus a per-cell colour role map (see `ColorRole.dumpCode`).
    static var styledCells: Snapshotting {
        Snapshotting<String, String>.lines.pullback { $0.styledDump + "\n" }
    }
}

/// Renders a widget into a fresh buffer of the given size.
func draw(_ width: Int, _ height: Int, _ body: (inout CellBuffer, Rect) -> Void) -> CellBuffer {
    var buffer = CellBuffer(width: width, height: height)
    body(&buffer, buffer.bounds)
    return buffer
}
