@testable import FunnelUI
import SnapshotTesting
import Testing

@Suite struct CellBufferTests {
    @Test func putTruncatesWithEllipsis() {
        var buffer = CellBuffer(width: 10, height: 1)
        buffer.put("Hello, wonderful world", at: .zero)
        #expect(buffer.lines == ["Hello, wo…"])
    }

    @Test func wideCharacterIsNeverSplit() {
        var buffer = CellBuffer(width: 6, height: 2)
        buffer.put("王小明王", at: .zero)          // 8 cells into 6: two chars, a pad space, the ellipsis
        buffer.putPadded("株式会社", at: Point(x: 0, y: 1), width: 5)
        #expect(buffer.lines == ["王小 …", "株式… "])
        #expect(DisplayWidth.width(of: buffer.lines[0]) == 6)
    }

    @Test func putPaddedAlignsToExactWidth() {
        var buffer = CellBuffer(width: 12, height: 3)
        buffer.putPadded("ab", at: .zero, width: 4, alignment: .right)
        buffer.putPadded("王", at: Point(x: 0, y: 1), width: 6, alignment: .center)
        buffer.putPadded("x", at: Point(x: 0, y: 2), width: 3)
        #expect(buffer.lines == ["  ab        ", "  王        ", "x           "])
    }

    @Test func drawingOffScreenIsANoOp() {
        var buffer = CellBuffer(width: 4, height: 2)
        buffer.put("abc", at: Point(x: -10, y: 0))
        buffer.put("abc", at: Point(x: 0, y: 5))
        buffer.put("abcdef", at: Point(x: 3, y: 1))
        buffer.put("王", at: Point(x: -1, y: 0))
        buffer.fill(Rect(x: -5, y: -5, width: 3, height: 3), with: "#")
        buffer.clear(Rect(x: 10, y: 10, width: 5, height: 5))
        #expect(buffer.lines == ["    ", "   …"])
        var empty = CellBuffer(width: 0, height: 0)
        empty.put("x", at: .zero)
        #expect(empty.lines.isEmpty)
    }

    @Test func overwritingHalfAWideCharacterBlanksTheOtherHalf() {
        var buffer = CellBuffer(width: 4, height: 1)
        buffer.put("王小", at: .zero)
        buffer.put("x", at: Point(x: 1, y: 0))
        #expect(buffer.lines == [" x小"])
        buffer.put("y", at: Point(x: 2, y: 0))
        #expect(buffer.lines == [" xy "])
    }

    @Test func changesListOnlyDifferingRuns() {
        var before = CellBuffer(width: 10, height: 3)
        before.put("unchanged", at: .zero)
        var after = before
        after.put("Z", at: Point(x: 4, y: 1))
        after.put("王", at: Point(x: 7, y: 2))
        let runs = after.changes(from: before)
        #expect(runs.map(\.origin) == [Point(x: 4, y: 1), Point(x: 7, y: 2)])
        #expect(runs[1].cells.count == 2 && runs[1].cells[1].isContinuation)
        #expect(after.changes(from: after).isEmpty)
        #expect(after.changes(from: CellBuffer(width: 3, height: 3)).count == 3) // size change: everything
    }

    @Test func styledDumpMarksRoles() {
        var buffer = CellBuffer(width: 4, height: 1)
        buffer.put("ab", at: .zero, style: Style(.selection))
        #expect(buffer.roleLines == ["SS.."])
    }

    @Test func truncationSnapshot() {
        let buffer = draw(16, 4) { buffer, _ in
            buffer.put("A very long lead name indeed", at: .zero)
            buffer.put("株式会社山田商事", at: Point(x: 0, y: 1), maxWidth: 9)
            buffer.putPadded("🚀 Rocket", at: Point(x: 0, y: 2), width: 16, alignment: .right)
            buffer.putPadded("exact", at: Point(x: 0, y: 3), width: 5)
        }
        assertSnapshot(of: buffer, as: .cellLines)
    }
}
