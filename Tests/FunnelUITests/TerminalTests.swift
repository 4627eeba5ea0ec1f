import Foundation
import FunnelTerminal
import FunnelUI
import Testing

@Suite struct InputDecoderTests {
    @Test func decodesControlAltEscapeAndPaste() {
        var decoder = InputDecoder()
        let events = decoder.decode([.character(4), .character(27), .character(120), .character(13), .character(127), .character(9),
                                     .character(0x738B), .pasteStart, .character(97), .character(13), .character(98), .pasteEnd, .character(27)])
        #expect(events == [.key(.ctrl("d")), .key(.alt("x")), .key(.enter), .key(.backspace), .key(.tab), .key(.character("王")),
                           .paste("a\nb"), .key(.escape)])
    }

    @Test func rawBracketedPasteSequenceAcrossReads() {
        var decoder = InputDecoder()
        let start = "\u{1B}[200~hi".unicodeScalars.map { RawInput.character($0.value) }
        #expect(decoder.decode(start).isEmpty && decoder.isPasting)
        let end = " there\u{1B}[201~q".unicodeScalars.map { RawInput.character($0.value) }
        #expect(decoder.decode(end) == [.paste("hi there"), .key(.character("q"))])
    }
}

@MainActor
final class ScriptedApp: TerminalApplication {
    var typed = ""
    let minimumSize = Size(width: 10, height: 3)
    func handle(_ event: InputEvent) -> AppCommand {
        guard case .key(let key) = event else { return .redraw }
        if key == .character("q") { return .quit }
        if case .character(let c) = key { typed.append(c) }
        return .redraw
    }
    func render(into buffer: inout CellBuffer) {
        buffer.put("typed: \(typed)", at: .zero, style: Style(.title))
        buffer.put("王小明 🚀|", at: Point(x: 0, y: 1), style: Style(.selection))
    }
    func tick(now: Date) -> Bool { false }
}

/// ncurses has one global screen: these tests run one at a time on the main actor.
@Suite(.serialized) @MainActor struct TerminalTests {
    @Test func headlessFlushShowsTheBufferIncludingWideCharacters() throws {
        let terminal = Terminal()
        try terminal.start(options: .init(headlessSize: Size(width: 20, height: 4)))
        defer { terminal.stop() }
        #expect(terminal.size == Size(width: 20, height: 4))
        var buffer = CellBuffer(size: terminal.size)
        buffer.put("株式会社 Ltd", at: Point(x: 1, y: 0), style: Style(.header))
        buffer.put("🚀 go", at: Point(x: 0, y: 2), style: Style(.selection))
        terminal.flush(buffer)
        #expect(terminal.screenLines() == buffer.lines)
        var next = buffer
        next.put("X", at: Point(x: 19, y: 3))
        next.put("ab", at: Point(x: 1, y: 0))
        terminal.flush(next)
        #expect(terminal.screenLines() == next.lines)
        terminal.stop()
        terminal.stop() // idempotent
        #expect(!terminal.isActive)
    }

    @Test func runLoopComposesFramesAndShowsTooSmallScreen() throws {
        let terminal = Terminal()
        try terminal.start(options: .init(headlessSize: Size(width: 24, height: 4)))
        defer { terminal.stop() }
        let app = ScriptedApp()
        let loop = TerminalRunLoop(terminal: terminal, application: app)
        loop.redraw()
        #expect(loop.process([.key(.character("h")), .key(.character("i"))]))
        #expect(terminal.screenLines()[0].hasPrefix("typed: hi"))
        #expect(terminal.screenLines()[1].hasPrefix("王小明 🚀|"))
        _ = terminal.resizeHeadless(to: Size(width: 9, height: 2))
        loop.process([.resize(terminal.size)])
        #expect(terminal.screenLines().joined().contains("Too"))
        #expect(!loop.process([.key(.character("q"))]))
    }
}
