import Foundation

/// What the run loop should do after the app handled an event.
public enum AppCommand: Sendable {
    /// Nothing changed on screen.
    case none
    /// Compose and flush a new frame.
    case redraw
    /// Repaint everything from scratch (e.g. Ctrl-L).
    case fullRedraw
    /// Stop the run loop; `run()` returns.
    case quit
    /// Suspend the process (Ctrl-Z), then redraw on return.
    case suspend
    /// Give the terminal to a child (e.g. $EDITOR), then repaint.
    case releaseTerminal(@MainActor @Sendable () -> Void)
}

/// An application driven by `TerminalRunLoop`: gets events and ticks, draws frames into a cell buffer.
@MainActor
public protocol TerminalApplication: AnyObject {
    /// The smallest terminal the UI works in; below it `TooSmallScreen` is shown.
    var minimumSize: Size { get }
    /// Reacts to one input event.
    func handle(_ event: InputEvent) -> AppCommand
    /// Draws the whole frame into `buffer` (already blank and sized to the terminal).
    func render(into buffer: inout CellBuffer)
    /// Periodic work (toast expiry, polling); returns true when a redraw is needed.
    func tick(now: Date) -> Bool
    /// Whether nothing is under way whose end will change the screen (a write, an import, a
    /// learning run): the frame drawn now is the one a person would read. Default: true.
    var isSettled: Bool { get }
}

extension TerminalApplication {
    public var isSettled: Bool { true }
}
