import Foundation
import FunnelTerminal
import FunnelUI

/// A started headless `Terminal` (ncurses on /dev/null, 200x60) plus the scene flushed into it.
@MainActor
final class HeadlessScreen {
    let terminal = Terminal()
    var scene = FrameScene()
    var frames = 0

    /// Starts the terminal and flushes a first full frame, so later flushes measure diffs only.
    init() throws {
        // `Terminal.start` sets LINES and COLUMNS from `headlessSize` itself (ncurses reads them in newterm);
        // TERM is pinned so the colour depth, and with it the output, does not depend on the caller's terminal.
        // A UTF-8 locale makes ncurses write CJK and emoji as wide characters, as on a user's terminal.
        setenv("TERM", "xterm-256color", 1)
        setenv("LC_ALL", "C.UTF-8", 1)
        setenv("LINES", "\(FrameScene.size.height)", 1)
        setenv("COLUMNS", "\(FrameScene.size.width)", 1)
        let theme = ThemeCatalog(directories: []).loadOrFallback(named: "dark").theme
        try terminal.start(options: Terminal.Options(theme: theme, bracketedPaste: false, headlessSize: FrameScene.size))
        guard terminal.size == FrameScene.size else {
            throw ScreenCheckFailure(description: "headless screen is \(terminal.size), expected \(FrameScene.size)")
        }
        terminal.flush(scene.compose())
        // Guard against measuring a broken screen: the tab bar and a wide (CJK) name must be on it.
        let lines = terminal.screenLines()
        guard lines.first?.contains("Leads") == true, lines.contains(where: { $0.contains("王小明") }) else {
            throw ScreenCheckFailure(description: "headless screen does not show the frame: \(lines.prefix(3))")
        }
    }

    /// Checks that `flushEveryCellChanged` really changes all 200x60 cells between frames (on a copy of the scene).
    func checkEveryCellChanges() throws {
        var copy = scene
        copy.move(.pageDown)
        var first = copy.compose()
        first.addAttributes(.dim, in: first.bounds)
        copy.move(.pageDown)
        let second = copy.compose()
        let changed = second.changes(from: first).reduce(0) { $0 + $1.cells.count }
        let total = FrameScene.size.width * FrameScene.size.height
        guard changed == total else {
            throw ScreenCheckFailure(description: "worst-case frame changes \(changed) of \(total) cells")
        }
    }

    /// One realistic frame: the selection moves one row, so two table rows and the status bar change.
    func flushNextRow() {
        scene.move(.down)
        terminal.flush(scene.compose())
        frames += 1
    }

    /// The worst case: every cell differs from the previous frame (a page of new rows, and the whole
    /// frame toggles the dim attribute so even the tab bar, header and status bar are rewritten).
    func flushEveryCellChanged() {
        scene.move(.pageDown)
        var buffer = scene.compose()
        if frames % 2 == 0 { buffer.addAttributes(.dim, in: buffer.bounds) }
        terminal.flush(buffer)
        frames += 1
    }

    func stop() { terminal.stop() }
}

/// The screen shared by the flush benchmarks (created in a benchmark's setup, stopped in its teardown).
@MainActor var headlessScreen: HeadlessScreen?

/// Why a benchmark's headless screen is not fit to measure.
struct ScreenCheckFailure: Error, CustomStringConvertible {
    var description: String
}
