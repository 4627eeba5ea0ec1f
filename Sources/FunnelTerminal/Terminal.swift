import CNcursesw
import Foundation
import FunnelUI

/// Why the terminal could not start.
public struct TerminalError: Error, CustomStringConvertible, Sendable {
    /// What went wrong.
    public var description: String
}

/// The one owner of every ncurses call: screen setup, colours, diffed output, input decoding and restore.
@MainActor
public final class Terminal {
    /// How to start the terminal.
    public struct Options: Sendable {
        /// Report mouse clicks and wheel (off by default; the caller decides).
        public var mouse: Bool
        /// The theme to map roles to colours with.
        public var theme: Theme
        /// Enable bracketed paste (`ESC [?2004h`).
        public var bracketedPaste: Bool
        /// Run without a real terminal, drawing into a virtual screen of this size (for tests).
        public var headlessSize: Size?
        /// Overrides the detected colour depth (e.g. `.none` for `--no-color`).
        public var colorDepthOverride: ColorDepth?

        /// Creates options.
        public init(mouse: Bool = false, theme: Theme = .fallback, bracketedPaste: Bool = true, headlessSize: Size? = nil, colorDepthOverride: ColorDepth? = nil) {
            self.mouse = mouse; self.theme = theme; self.bracketedPaste = bracketedPaste
            self.headlessSize = headlessSize; self.colorDepthOverride = colorDepthOverride
        }
    }

    /// The current size in cells.
    public private(set) var size: Size = .zero
    /// Colours the terminal can show (after NO_COLOR and overrides).
    public private(set) var colorDepth: ColorDepth = .none
    /// The file descriptor input arrives on (watch it for readability).
    public private(set) var inputFileDescriptor: Int32 = -1
    /// True between `start` and `stop`.
    public var isActive: Bool { screen != nil }
    /// The theme in use.
    public private(set) var theme: Theme = .fallback
    /// Whether mouse reporting is on.
    public private(set) var isMouseEnabled = false

    private var screen: OpaquePointer?
    private var output: UnsafeMutablePointer<FILE>?
    private var input: UnsafeMutablePointer<FILE>?
    private var ownsFiles = false
    private var isHeadless = false
    private var bracketedPaste = false
    private var lastFlushed: CellBuffer?
    private var decoder = InputDecoder()
    private var painter = StylePainter()
    private var writer = CellRunWriter()
    private static var fatalHandlersInstalled = false

    /// Creates a stopped terminal.
    public init() {}

    /// Starts curses mode: locale, screen on the tty (or /dev/tty when stdout is redirected, or /dev/null headless), raw keys, colours.
    public func start(options: Options = Options()) throws {
        guard screen == nil else { return }
        setlocale(LC_ALL, "")
        let environment = ProcessInfo.processInfo.environment
        if let headless = options.headlessSize {
            isHeadless = true
            setenv("LINES", "\(max(1, headless.height))", 1)
            setenv("COLUMNS", "\(max(1, headless.width))", 1)
            if (environment["TERM"] ?? "").isEmpty { setenv("TERM", "xterm-256color", 1) }
            output = fopen("/dev/null", "w")
            input = fopen("/dev/null", "r")
            ownsFiles = true
        } else if isatty(STDOUT_FILENO) == 1 && isatty(STDIN_FILENO) == 1 {
            output = funnel_stdout()
            input = funnel_stdin()
        } else {
            guard let tty = fopen("/dev/tty", "r+") else { throw TerminalError(description: "no terminal: stdout is not a tty and /dev/tty cannot be opened") }
            output = tty
            input = tty
            ownsFiles = true
        }
        guard let created = newterm(nil, output, input) else {
            closeFiles()
            throw TerminalError(description: "cannot start the terminal (TERM=\(environment["TERM"] ?? "unset"))")
        }
        screen = created
        set_term(created)
        inputFileDescriptor = fileno(input)
        raw()
        noecho()
        nonl()
        keypad(funnel_stdscr(), true)
        nodelay(funnel_stdscr(), true)
        intrflush(funnel_stdscr(), false)
        typeahead(-1)
        _ = funnel_set_escdelay(25)
        curs_set(0)
        define_key("\u{1B}[200~", funnel_key_max() + 1)
        define_key("\u{1B}[201~", funnel_key_max() + 2)
        colorDepth = detectColorDepth(environment: environment, override: options.colorDepthOverride)
        setTheme(options.theme)
        setMouse(options.mouse)
        bracketedPaste = options.bracketedPaste && !isHeadless
        writeControl(bracketedPaste ? "\u{1B}[?2004h" : "")
        size = Size(width: Int(funnel_cols()), height: Int(funnel_lines()))
        lastFlushed = nil
        if !Self.fatalHandlersInstalled {
            Self.fatalHandlersInstalled = true
            funnel_install_fatal_handlers()
            funnel_install_ending_handlers()
            funnel_catch_sigpipe()
            funnel_register_atexit()
        }
    }

    private func detectColorDepth(environment: [String: String], override: ColorDepth?) -> ColorDepth {
        if let override { if override != .none && has_colors() { start_color(); use_default_colors() }; return override }
        if let noColor = environment["NO_COLOR"], !noColor.isEmpty { return .none }
        guard has_colors() else { return .none }
        start_color()
        use_default_colors()
        return ColorDepth(colorCount: Int(funnel_colors()))
    }

    /// Switches the theme; colour pairs are re-mapped and the next flush repaints everything.
    public func setTheme(_ newTheme: Theme) {
        theme = newTheme
        painter = StylePainter(theme: newTheme, depth: colorDepth, maxPairs: screen == nil ? 0 : Int(funnel_color_pairs()))
        invalidate()
    }

    /// Turns mouse reporting on or off.
    public func setMouse(_ enabled: Bool) {
        guard screen != nil else { return }
        isMouseEnabled = enabled
        mousemask(enabled ? funnel_mouse_mask() : 0, nil)
        if enabled { mouseinterval(0) }
    }

    /// Forces the next flush to repaint every cell (Ctrl-L, after resize or a child process).
    public func invalidate() {
        lastFlushed = nil
    }

    /// Writes the cells that changed since the last flush, then updates the physical screen.
    public func flush(_ buffer: CellBuffer) {
        guard screen != nil else { return }
        let window = funnel_stdscr()
        let previous: CellBuffer
        if let last = lastFlushed, last.size == buffer.size {
            previous = last
        } else {
            previous = CellBuffer(width: 0, height: 0)
            clearok(window, true)
        }
        writer.write(buffer, changedFrom: previous, into: window, painter: &painter)
        wnoutrefresh(window)
        doupdate()
        lastFlushed = buffer
    }

    /// Drains all pending input without blocking and decodes it into events.
    public func readEvents() -> [InputEvent] {
        guard screen != nil else { return [] }
        var raws: [RawInput] = []
        let window = funnel_stdscr()
        while true {
            var code: wint_t = 0
            let result = wget_wch(window, &code)
            if result == ERR { break }
            if result == funnel_key_code_yes() {
                if let raw = rawKey(Int32(code)) { raws.append(raw) }
            } else {
                raws.append(.character(UInt32(code)))
            }
        }
        let events = decoder.decode(raws)
        if let log = debugLog { fputs("raw \(raws) -> \(events)\n", log); fflush(log) }
        return events
    }

    private lazy var debugLog: UnsafeMutablePointer<FILE>? = ProcessInfo.processInfo.environment["FUNNEL_UI_DEBUG_LOG"].flatMap { fopen($0, "a") }

    private func rawKey(_ code: Int32) -> RawInput? {
        switch code {
        case funnel_key_up(): return .key(.up)
        case funnel_key_down(): return .key(.down)
        case funnel_key_left(): return .key(.left)
        case funnel_key_right(): return .key(.right)
        case funnel_key_home(): return .key(.home)
        case funnel_key_end(): return .key(.end)
        case funnel_key_ppage(): return .key(.pageUp)
        case funnel_key_npage(): return .key(.pageDown)
        case funnel_key_ic(): return .key(.insert)
        case funnel_key_dc(): return .key(.delete)
        case funnel_key_backspace(): return .key(.backspace)
        case funnel_key_enter(): return .key(.enter)
        case funnel_key_btab(): return .key(.backTab)
        case funnel_key_max() + 1: return .pasteStart
        case funnel_key_max() + 2: return .pasteEnd
        case funnel_key_resize(): return refreshSize().map { .resize($0) }
        case funnel_key_mouse(): return mouseEvent().map { .mouse($0) }
        case (funnel_key_f0() + 1)...(funnel_key_f0() + 24): return .key(.function(Int(code - funnel_key_f0())))
        default: return nil
        }
    }

    private func mouseEvent() -> MouseEvent? {
        var x: Int32 = 0, y: Int32 = 0
        var state: mmask_t = 0
        guard funnel_getmouse(&x, &y, &state) == 0 else { return nil }
        if state & funnel_wheel_up_mask() != 0 { return MouseEvent(kind: .wheelUp, x: Int(x), y: Int(y), button: 0) }
        if state & funnel_wheel_down_mask() != 0 { return MouseEvent(kind: .wheelDown, x: Int(x), y: Int(y), button: 0) }
        if state & funnel_button1_mask() != 0 { return MouseEvent(kind: .click, x: Int(x), y: Int(y), button: 1) }
        return nil
    }

    /// Re-reads the window size (after SIGWINCH or KEY_RESIZE); returns the new size if it changed.
    @discardableResult
    public func refreshSize() -> Size? {
        guard screen != nil else { return nil }
        var rows: Int32 = 0, cols: Int32 = 0
        if !isHeadless, funnel_window_size(inputFileDescriptor, &rows, &cols) == 0, is_term_resized(rows, cols) {
            resizeterm(rows, cols)
        }
        let newSize = Size(width: Int(funnel_cols()), height: Int(funnel_lines()))
        guard newSize != size else { return nil }
        size = newSize
        invalidate()
        return newSize
    }

    /// Resizes the headless virtual screen (tests).
    public func resizeHeadless(to newSize: Size) -> Size? {
        guard screen != nil, isHeadless else { return nil }
        resizeterm(Int32(newSize.height), Int32(newSize.width))
        return refreshSize()
    }

    /// The virtual screen's rows as text (what ncurses holds, continuation cells skipped).
    public func screenLines() -> [String] {
        guard screen != nil else { return [] }
        let width = Int(funnel_cols())
        var row = [wchar_t](repeating: 0, count: width * 2 + 1)
        return (0..<Int(funnel_lines())).map { y in
            let count = funnel_read_row(funnel_stdscr(), Int32(y), &row, Int32(row.count - 1))
            guard count > 0 else { return "" }
            var text = ""
            for code in row.prefix(Int(count)) {
                if let scalar = Unicode.Scalar(UInt32(bitPattern: code)) { text.unicodeScalars.append(scalar) }
            }
            return text
        }
    }

    /// Suspends the process like Ctrl-Z in a shell; on return the screen is restored and repainted.
    public func suspend() {
        guard screen != nil else { return }
        leaveCursesMode()
        // ncurses' own SIGTSTP handler does nothing once endwin has run, so stop the process with
        // the default action, delivered to this thread at once (the main queue runs on a worker
        // thread that blocks SIGTSTP; a process-wide kill would arrive after the handler is back).
        // The shell's `fg` continues the process and `raise` returns.
        var tstp = sigset_t()
        var saved = sigset_t()
        sigemptyset(&tstp)
        sigaddset(&tstp, SIGTSTP)
        pthread_sigmask(SIG_UNBLOCK, &tstp, &saved)
        let previous = signal(SIGTSTP, SIG_DFL)
        raise(SIGTSTP)
        signal(SIGTSTP, previous)
        pthread_sigmask(SIG_SETMASK, &saved, nil)
        enterCursesMode()
    }

    /// Gives the terminal to `body` (e.g. running $EDITOR), then restores curses mode and repaints.
    public func withTerminalReleased<T>(_ body: () throws -> T) rethrows -> T {
        guard screen != nil else { return try body() }
        leaveCursesMode()
        defer { enterCursesMode() }
        return try body()
    }

    private func leaveCursesMode() {
        writeControl(bracketedPaste ? "\u{1B}[?2004l" : "")
        if isMouseEnabled { mousemask(0, nil) }
        endwin()
    }

    private func enterCursesMode() {
        refresh()
        writeControl(bracketedPaste ? "\u{1B}[?2004h" : "")
        if isMouseEnabled { setMouse(true) }
        _ = refreshSize()
        invalidate()
    }

    /// Restores the terminal (idempotent): paste and mouse off, leave curses mode, free the screen.
    public func stop() {
        guard let current = screen else { return }
        writeControl(bracketedPaste ? "\u{1B}[?2004l" : "")
        mousemask(0, nil)
        curs_set(1)
        endwin()
        screen = nil
        delscreen(current)
        closeFiles()
        lastFlushed = nil
    }

    private func closeFiles() {
        if ownsFiles {
            if let output { fclose(output) }
            if let input, input != output { fclose(input) }
        }
        output = nil; input = nil; ownsFiles = false; isHeadless = false
    }

    private func writeControl(_ sequence: String) {
        guard !sequence.isEmpty, let output else { return }
        fputs(sequence, output)
        fflush(output)
    }
}
