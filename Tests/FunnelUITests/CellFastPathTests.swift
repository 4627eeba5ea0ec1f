import CNcursesw
@testable import FunnelTerminal
@testable import FunnelUI
import Testing

/// The compact `Cell` and the ASCII fast paths must behave exactly like the general, `Character`-based code.
@Suite struct CompactCellTests {
    @Test(arguments: ["a", " ", "王", "…", "é", "e\u{301}", "👨‍👩‍👧", "👨‍👩‍👧‍👦", "🇯🇵", "❤️", "👍🏽", "\u{212B}"])
    func characterRoundTrips(text: String) {
        let character = Character(text)
        let cell = Cell(character, width: 2, style: Style(.accent, .bold))
        #expect(String(cell.character).unicodeScalars.elementsEqual(text.unicodeScalars)) // exact scalars, not just equivalent
        #expect(cell.width == 2 && cell.style == Style(.accent, .bold))
        #expect(cell == Cell(character, width: 2, style: Style(.accent, .bold)))
        #expect(cell.hashValue == Cell(character, width: 2, style: Style(.accent, .bold)).hashValue)
        var changed = cell
        changed.character = "x"
        #expect(changed.character == "x" && changed != cell)
    }

    @Test func equalityIsCanonicalEquivalenceAsForCharacters() {
        let pairs: [(Character, Character)] = [("é", "e\u{301}"), ("K", "\u{212A}"), ("\u{C5}", "\u{212B}"), ("a", "b"), ("王", "玉"), ("🇯🇵", "🇫🇷")]
        for (a, b) in pairs {
            #expect((Cell(a) == Cell(b)) == (a == b), "\(a) vs \(b)")
            if a == b { #expect(Cell(a).hashValue == Cell(b).hashValue) }
        }
        #expect(Cell("a", width: 1) != Cell("a", width: 2))
        #expect(Cell("a", style: Style(.muted)) != Cell("a"))
        #expect(Cell.blank().isContinuation == false && Cell.continuation(.normal).isContinuation)
    }

    /// `put` and `putPadded` take fast paths for ASCII and simple scalars; they must write what the general path writes.
    @Test func fastPathsMatchTheGeneralPath() {
        let texts = [
            "", "a", "abc", "Hello, wonderful world", "exactly10!", "  padded  ", "x~ }", // printable ASCII
            "王小明", "José Núñez", "🚀 Rocket Labs", "株式会社 山田", "김민수", "Zoë…", "a王b小c明d", "│█●›", // simple scalars
            "e\u{301}tude", "🇯🇵 flag", "👨‍👩‍👧 family", "tab\there", "zero\u{200B}width", "ｶﾞ", "\u{1100}\u{1161}", "\u{903}x", // general path
        ]
        let xs = [-12, -3, -1, 0, 1, 5, 9, 10, 11, 15]
        let fields = [1, 2, 3, 9, 10, 11, 14, 30]
        for text in texts {
            for x in xs {
                for field in fields {
                    for alignment in [nil, Alignment.left, .right, .center] {
                        for y in [-1, 0, 1] {
                            var fast = Self.background(), slow = Self.background()
                            let style = Style(.selection)
                            let used: Int, expected: Int
                            if let alignment {
                                used = fast.putPadded(text, at: Point(x: x, y: y), width: field, alignment: alignment, style: style)
                                expected = slow.write(TextLayout.fit(text, width: field, alignment: alignment), at: Point(x: x, y: y), style: style)
                            } else {
                                used = fast.put(text, at: Point(x: x, y: y), maxWidth: field, style: style)
                                let limit = min(fast.width - x, field)
                                expected = y < 0 || y >= slow.height || x >= slow.width || limit <= 0
                                    ? 0 : slow.write(TextLayout.truncate(text, to: limit), at: Point(x: x, y: y), style: style)
                            }
                            #expect(used == expected && fast.cells == slow.cells, "\(text) x=\(x) field=\(field) \(String(describing: alignment))")
                        }
                    }
                }
            }
        }
    }

    /// A 12x2 buffer with wide characters at every parity, so overwrites must repair both halves.
    private static func background() -> CellBuffer {
        var buffer = CellBuffer(width: 12, height: 2)
        buffer.put("王小明株式会", at: .zero, style: Style(.muted))
        buffer.put("a王小明株式", at: Point(x: 0, y: 1), style: Style(.header))
        return buffer
    }

    @Test func forEachChangeYieldsTheSameRunsAsChanges() {
        var before = CellBuffer(width: 10, height: 3)
        before.put("same 王", at: .zero)
        var after = before
        after.put("Z王", at: Point(x: 4, y: 1))
        after.put("🇯🇵", at: Point(x: 7, y: 2))
        after.put("x", at: Point(x: 6, y: 0))
        var runs: [CellRun] = []
        after.forEachChange(from: before) { runs.append(CellRun(origin: $0, cells: Array($1))) }
        #expect(runs == after.changes(from: before))
        #expect(runs.map(\.origin) == [Point(x: 5, y: 0), Point(x: 4, y: 1), Point(x: 7, y: 2)])
    }
}

/// Batched output must leave every cell with the attributes and colour pair of its own style.
@Suite(.serialized) @MainActor struct BatchedFlushTests {
    @Test func everyCellKeepsItsOwnStyleOnScreen() throws {
        let terminal = Terminal()
        try terminal.start(options: .init(theme: ThemeCatalog(directories: []).loadOrFallback(named: "dark").theme, headlessSize: Size(width: 30, height: 4), colorDepthOverride: .t256))
        defer { terminal.stop() }
        var buffer = CellBuffer(size: terminal.size)
        buffer.fill(Rect(x: 0, y: 0, width: 30, height: 1), style: Style(.statusBar))
        buffer.put("ab", at: Point(x: 2, y: 0), style: Style(.selection, .underline))
        buffer.put("王x👨‍👩‍👧‍👦y", at: Point(x: 5, y: 0), style: Style(.normal))
        buffer.put("cd e\u{301}f", at: Point(x: 13, y: 0), style: Style(.danger))
        buffer.put("plain", at: Point(x: 0, y: 1))
        buffer.put("🇯🇵", at: Point(x: 6, y: 1), style: Style(.accent, .reverse))
        buffer.put("mixed 株 text", at: Point(x: 0, y: 2), style: Style(.header, .dim))
        terminal.flush(buffer)
        // Rows 0 and 1 hold multi-scalar clusters, which ncurses does not read back whole (written cell by cell as before).
        #expect(Array(terminal.screenLines().dropFirst(2)) == Array(buffer.lines.dropFirst(2)))
        #expect(terminal.screenLines()[0].hasPrefix("  ab 王x"))
        let window = funnel_stdscr()
        var seen: [Style: (attr_t, Int32)] = [:]
        let mask = funnel_a_bold() | funnel_a_underline() | funnel_a_reverse() | funnel_a_dim()
        for y in 0..<buffer.height {
            for x in 0..<buffer.width where !buffer[x, y].isContinuation {
                var cell = cchar_t()
                _ = mvwin_wch(window, Int32(y), Int32(x), &cell)
                var text = [wchar_t](repeating: 0, count: 8)
                var attributes: attr_t = 0, shortPair: Int16 = 0, pair: Int32 = 0
                _ = getcchar(&cell, &text, &attributes, &shortPair, &pair)
                let style = buffer[x, y].style
                let expected = terminal.theme.resolve(style, depth: terminal.colorDepth).attributes
                var bits = funnel_a_normal()
                if expected.contains(.bold) { bits |= funnel_a_bold() }
                if expected.contains(.underline) { bits |= funnel_a_underline() }
                if expected.contains(.reverse) { bits |= funnel_a_reverse() }
                if expected.contains(.dim) { bits |= funnel_a_dim() }
                #expect(attributes & mask == bits, "attributes at \(x),\(y)")
                if let previous = seen[style] { #expect(previous == (attributes & mask, pair), "style at \(x),\(y)") }
                seen[style] = (attributes & mask, pair)
            }
        }
        var attributes: attr_t = 1, shortPair: Int16 = 0, pair: Int32 = 1
        _ = wattr_get(window, &attributes, &shortPair, &pair)
        #expect(attributes & mask == 0 && pair == 0, "window attributes are normal after a flush")
    }
}
