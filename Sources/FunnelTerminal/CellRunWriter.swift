import CNcursesw
import FunnelUI

/// Writes the cells that changed between two frames into an ncurses window.
///
/// Consecutive printable-ASCII cells of one style go out as one `mvwaddnwstr` under one `wattr_set` (ASCII is
/// one cell per character everywhere, so the cursor advance cannot disagree with the buffer); every other cell
/// (wide characters, clusters) is placed on its own at its own column with `funnel_put_cell`, as before.
/// The window attributes are back to normal whenever a single cell is written and when a flush ends.
struct CellRunWriter {
    /// The pending ASCII batch: characters, where it starts and its style.
    private var batch: [wchar_t] = []
    private var batchOrigin = (x: 0, y: 0)
    private var batchLook: (attributes: attr_t, pair: Int32) = (0, 0)
    /// True while the window's attributes are a batch's rather than normal.
    private var windowStyled = false
    /// The scalars of one non-ASCII cell.
    private var scalars: [wchar_t] = []

    /// Writes every run of `buffer` that differs from `previous` (all of it when the sizes differ).
    mutating func write(_ buffer: CellBuffer, changedFrom previous: CellBuffer, into window: UnsafeMutablePointer<WINDOW>?, painter: inout StylePainter) {
        var lastStyle: Style?
        var look: (attributes: attr_t, pair: Int32) = (0, 0)
        buffer.forEachChange(from: previous) { origin, cells in
            var x = origin.x
            for cell in cells {
                defer { x += 1 }
                if cell.isContinuation { continue }
                if cell.style != lastStyle {
                    look = painter.attributes(for: cell.style)
                    lastStyle = cell.style
                }
                if let scalar = cell.scalar, scalar.value >= 0x20, scalar.value < 0x7F {
                    if batch.isEmpty || batchOrigin.y != origin.y || batchOrigin.x + batch.count != x || batchLook != look {
                        flushBatch(window)
                        batchOrigin = (x, origin.y)
                        batchLook = look
                    }
                    batch.append(wchar_t(bitPattern: scalar.value))
                    continue
                }
                flushBatch(window)
                resetWindowStyle(window)
                scalars.removeAll(keepingCapacity: true)
                if let scalar = cell.scalar {
                    scalars.append(wchar_t(bitPattern: scalar.value))
                } else {
                    for scalar in cell.character.unicodeScalars { scalars.append(wchar_t(bitPattern: scalar.value)) }
                }
                _ = funnel_put_cell(window, Int32(origin.y), Int32(x), scalars, Int32(scalars.count), look.attributes, look.pair)
            }
        }
        flushBatch(window)
        resetWindowStyle(window)
    }

    /// Writes the pending ASCII batch, if any.
    private mutating func flushBatch(_ window: UnsafeMutablePointer<WINDOW>?) {
        guard !batch.isEmpty else { return }
        var pair = batchLook.pair
        wattr_set(window, batchLook.attributes, 0, &pair)
        windowStyled = true
        _ = mvwaddnwstr(window, Int32(batchOrigin.y), Int32(batchOrigin.x), batch, Int32(batch.count))
        batch.removeAll(keepingCapacity: true)
    }

    /// Puts the window's attributes back to normal after batches (single cells carry their own).
    private mutating func resetWindowStyle(_ window: UnsafeMutablePointer<WINDOW>?) {
        guard windowStyled else { return }
        var pair: Int32 = 0
        wattr_set(window, funnel_a_normal(), 0, &pair)
        windowStyled = false
    }
}
