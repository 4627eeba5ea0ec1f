@testable import FunnelUI
import Testing

/// Hostile text (part 6 of issue 13): whatever is written into a `CellBuffer`, none of its cells that
/// the terminal draws holds a control character (C0, DEL, C1, bidirectional overrides).
@Suite struct CellBufferControlTests {
    static let hostile = [
        "Esc\u{1B}]0;PWNED\u{07}", "CSI\u{9B}31mred", "bell\u{07}", "cr\rover", "del\u{7F}", "rlo\u{202E}txt.exe",
        "iso\u{2066}x\u{2069}", "nul\u{0}", "王\u{1B}[2J小", "e\u{301}\u{1B}x",
    ]

    /// The cells the terminal writes (continuation cells are skipped by the writer).
    func drawnControls(_ buffer: CellBuffer) -> [String] {
        buffer.cells.filter { !$0.isContinuation }.compactMap { cell in
            let scalars = cell.character.unicodeScalars
            return scalars.contains(where: Cell.isTerminalControl) ? scalars.map { String($0.value, radix: 16) }.joined(separator: " ") : nil
        }
    }

    @Test func textWrittenAnyWayHoldsNoControlCell() {
        var buffer = CellBuffer(width: 40, height: Self.hostile.count * 3)
        for (index, text) in Self.hostile.enumerated() {
            buffer.put(text, at: Point(x: 0, y: index * 3))
            buffer.putPadded(text, at: Point(x: 0, y: index * 3 + 1), width: 12, alignment: .right)
            var x = 0
            for character in text {
                buffer.set(Cell(character, width: 1), at: Point(x: x, y: index * 3 + 2))
                x += 1
            }
        }
        #expect(drawnControls(buffer) == [])
    }

    @Test func aControlCellMadeByHandIsDrawnAsAReplacementCharacter() {
        var buffer = CellBuffer(width: 6, height: 2)
        buffer.set(Cell("\u{1B}", width: 1), at: Point(x: 0, y: 0))
        buffer.set(Cell(scalar: "\u{9B}", width: 1), at: Point(x: 1, y: 0))
        buffer.set(Cell(scalar: "\u{202E}", width: 2), at: Point(x: 2, y: 0))
        buffer.fill(Rect(x: 0, y: 1, width: 6, height: 1), with: "\u{07}")
        #expect(buffer.lines == ["���   ", "������"])
        #expect(drawnControls(buffer) == [])
        // A plain cell is untouched.
        buffer.set(Cell("a", width: 1), at: Point(x: 0, y: 0))
        #expect(buffer[0, 0].character == "a")
    }
}
