import Dispatch
import Foundation
import FunnelUI

/// Why `TerminalRunLoop.run()` returned.
public enum RunLoopExit: Hashable, Sendable {
    /// The application returned `.quit`.
    case quit
    /// A signal that ends the process arrived (one of `TerminalRunLoop.endingSignals`); the terminal
    /// has already been restored.
    case signal(Int32)
}

/// Drives a `TerminalApplication` without blocking the main thread: input via a read source on the terminal fd,
/// resize via SIGWINCH, a periodic tick timer, and redraws composed into a buffer and flushed as a diff.
@MainActor
public final class TerminalRunLoop {
    /// The terminal being driven.
    public let terminal: Terminal
    /// The application.
    public let application: any TerminalApplication
    /// How often `tick(now:)` is called.
    public let tickInterval: DispatchTimeInterval

    private var sources: [any DispatchSourceProtocol] = []
    private var continuation: CheckedContinuation<RunLoopExit, Never>?
    private var needsRedraw = false
    private var exitReason: RunLoopExit?
    /// Frames flushed so far (for tests and diagnostics).
    public private(set) var frameCount = 0
    /// Where a settled frame is announced (`FUNNEL_IDLE_FILE`), for the tmux harness.
    let idleSignal: IdleSignal?
    /// Input was handled or a frame drawn since the last announcement.
    private var unannounced = false

    /// The signals that end Funnel cleanly: the run loop restores the terminal (leaves the alternate
    /// screen, echo and line mode back) and the process exits with 128+n. SIGQUIT ends it like
    /// SIGTERM (no core dump, no backtrace over the screen); SIGUSR1, SIGUSR2 and SIGALRM, whose
    /// default is to end the process, do so too, cleanly. SIGPIPE is caught and does nothing
    /// (`Terminal.start`), so a write to a closed pipe fails with EPIPE; SIGWINCH resizes.
    public static let endingSignals: [Int32] = [SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2, SIGALRM]

    /// Creates a run loop for a started terminal.
    public init(terminal: Terminal, application: any TerminalApplication, tickInterval: DispatchTimeInterval = .milliseconds(250)) {
        self.terminal = terminal
        self.application = application
        self.tickInterval = tickInterval
        idleSignal = IdleSignal(path: ProcessInfo.processInfo.environment["FUNNEL_IDLE_FILE"])
    }

    /// Runs until the application quits or a termination signal arrives.
    public func run() async -> RunLoopExit {
        await withCheckedContinuation { (continuation: CheckedContinuation<RunLoopExit, Never>) in
            self.continuation = continuation
            installSources()
            // The first event is the screen's size: the application lays out (and loads) what it
            // shows before the first frame, so that drawing only reads state.
            process([.resize(terminal.size)])
            if frameCount == 0 { redraw() }
        }
    }

    /// Asks for a redraw on the next turn of the main queue (e.g. after a database change notification).
    public func setNeedsRedraw() {
        guard !needsRedraw else { return }
        needsRedraw = true
        DispatchQueue.main.async { MainActor.assumeIsolated { self.redrawIfNeeded() } }
    }

    /// Feeds events as if they had been typed; returns false once the app quit. Used by the input source and tests.
    @discardableResult
    public func process(_ events: [InputEvent]) -> Bool {
        for event in events {
            if case .resize = event { needsRedraw = true; terminal.invalidate() }
            apply(application.handle(event))
            if exitReason != nil { return false }
        }
        unannounced = true
        redrawIfNeeded()
        announceIfSettled()
        return true
    }

    /// Announces a settled frame (when `FUNNEL_IDLE_FILE` asks for it): input was handled or a
    /// frame drawn, nothing is left to draw, and the application has nothing under way.
    private func announceIfSettled() {
        guard let idleSignal, unannounced, !needsRedraw, exitReason == nil, application.isSettled else { return }
        unannounced = false
        idleSignal.announce()
    }

    /// Composes a frame (or the too-small screen) and flushes the changes.
    public func redraw() {
        needsRedraw = false
        let size = terminal.size
        var buffer = CellBuffer(size: size)
        let minimum = application.minimumSize
        if size.width < minimum.width || size.height < minimum.height {
            TooSmallScreen(required: minimum, actual: size).render(into: &buffer, in: buffer.bounds)
        } else {
            application.render(into: &buffer)
        }
        terminal.flush(buffer)
        frameCount += 1
        unannounced = true
    }

    private func redrawIfNeeded() {
        if needsRedraw && exitReason == nil { redraw() }
    }

    private func apply(_ command: AppCommand) {
        switch command {
        case .none: break
        case .redraw: needsRedraw = true
        case .fullRedraw: terminal.invalidate(); needsRedraw = true
        case .quit: finish(.quit)
        case .suspend: terminal.suspend(); needsRedraw = true
        case .releaseTerminal(let body): terminal.withTerminalReleased(body); needsRedraw = true
        }
    }

    private func finish(_ reason: RunLoopExit) {
        guard exitReason == nil else { return }
        exitReason = reason
        for source in sources { source.cancel() }
        sources.removeAll()
        if case .signal = reason { terminal.stop() }
        continuation?.resume(returning: reason)
        continuation = nil
    }

    private func installSources() {
        let main = DispatchQueue.main
        if terminal.inputFileDescriptor >= 0 {
            let read = DispatchSource.makeReadSource(fileDescriptor: terminal.inputFileDescriptor, queue: main)
            read.setEventHandler { MainActor.assumeIsolated { self.inputReady() } }
            sources.append(read)
        }
        let resize = DispatchSource.makeSignalSource(signal: SIGWINCH, queue: main)
        resize.setEventHandler {
            MainActor.assumeIsolated {
                if let size = self.terminal.refreshSize() { self.process([.resize(size)]) }
            }
        }
        sources.append(resize)
        // The ending signals keep the handler `Terminal.start` installed (restore the terminal, exit 128+n)
        // instead of being ignored: libdispatch reads them through a signalfd, which only sees a
        // signal that the thread it is delivered to blocks; one delivered to another thread (a task's,
        // the file check's) was ignored and lost, and Funnel went on running (seen under load). Now
        // such a signal still ends Funnel with the terminal restored and status 128+n.
        for signalNumber in Self.endingSignals {
            let source = DispatchSource.makeSignalSource(signal: signalNumber, queue: main)
            source.setEventHandler { MainActor.assumeIsolated { self.finish(.signal(signalNumber)) } }
            sources.append(source)
        }
        let timer = DispatchSource.makeTimerSource(queue: main)
        timer.schedule(deadline: .now() + tickInterval, repeating: tickInterval)
        timer.setEventHandler {
            MainActor.assumeIsolated {
                // The size is read again on each tick too (one ioctl): SIGWINCH reaches libdispatch's
                // signalfd only when the thread it is delivered to blocks it, and one delivered to
                // another thread is dropped (default: ignore), so a resize could be missed for good.
                if let size = self.terminal.refreshSize() {
                    self.process([.resize(size)])
                    if self.exitReason != nil { return }
                }
                if self.application.tick(now: Date()) { self.needsRedraw = true }
                self.redrawIfNeeded()
                self.announceIfSettled()
            }
        }
        sources.append(timer)
        for source in sources { source.resume() }
    }

    private func inputReady() {
        let events = terminal.readEvents()
        guard !events.isEmpty else { return }
        process(events)
    }
}
