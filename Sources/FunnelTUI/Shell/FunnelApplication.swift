import Foundation
import FunnelTerminal
import FunnelStore
import FunnelUI
import FunnelViewModels
import Logging

/// The application shell: tabs, the open pane, the status bar, and the overlays (help, palette, toast).
///
/// Keys go through the key registry to actions; actions become intents on the view-model.
/// It draws into a cell buffer and never touches ncurses itself: the terminal it is given
/// is only asked to change theme or mouse mode.
@MainActor
public final class FunnelApplication: TerminalApplication {
    public let shell: ShellViewModel
    public private(set) var registry: KeyRegistry
    let catalog: ThemeCatalog
    let terminal: Terminal?
    let logger = Logger(label: "funnel.tui")
    var themeName: String
    var help: HelpOverlay?
    var palette: CommandPalette?
    var toast: Toast?
    /// The CSV import (form, preview, progress, report), over the pane, when open.
    var importScreen: ImportScreen?
    /// The import stage last drawn (a finished run redraws once).
    var importStageDrawn = -1
    /// The scoring view (the model in force, its versions, learning), over the pane, when open.
    var scoringScreen: ScoringScreen?
    /// The scoring view's state last drawn.
    var scoringRevisionDrawn = -1
    /// The panes' writes: one at a time, off the main thread, so the screen stays live while one waits.
    let writes: DatabaseWrites
    /// The writes' state last drawn (a settled write redraws once).
    var writesRevisionDrawn = 0
    /// The panes made so far (each is made when first shown), and those the session may not see.
    var madePanes: [PaneID: any Pane] = [:]
    var deniedPanes: Set<PaneID> = []
    let database: any Store
    /// The first day of the week in calendars (the user's `week_starts_on`).
    let firstWeekday: Weekday
    /// The time screens show ages against (fixed in snapshot tests).
    let clock: @Sendable () -> Date
    /// The calendar (and time zone) days are shown in.
    let calendar: Calendar
    var screenSize = Size(width: 80, height: 24)
    public let minimumSize = Size(width: 60, height: 12)

    /// Nothing under way whose end changes the screen: no write pending or undrawn, no import or
    /// learning run going, every stage drawn (the idle signal's condition).
    public var isSettled: Bool {
        if writes.pending != nil || writes.revision != writesRevisionDrawn { return false }
        if let model = importScreen?.viewModel, model.isRunning || model.revision != importStageDrawn { return false }
        if let model = scoringScreen?.viewModel, model.isRunning || model.revision != scoringRevisionDrawn { return false }
        return true
    }

    public init(
        database: any Store, shell: ShellViewModel, catalog: ThemeCatalog, themeName: String, keyBindings: [String: [String]],
        terminal: Terminal?, clock: @escaping @Sendable () -> Date = WallClock.now, calendar: Calendar = .current,
        firstWeekday: Weekday = .monday, writes: DatabaseWrites? = nil
    ) {
        self.database = database
        // Off the main thread (in-process snapshot tests pass writes run on the caller, so that a
        // frame drawn right after a key shows its write on a loaded machine too).
        self.writes = writes ?? DatabaseWrites(database: database, offMainThread: true)
        self.firstWeekday = firstWeekday
        self.clock = clock
        self.calendar = calendar
        self.shell = shell
        self.catalog = catalog
        self.themeName = themeName
        self.terminal = terminal
        registry = FunnelKeymap.registry(themeNames: catalog.names, isReadOnly: shell.isReadOnly)
        // A write the user's role does not allow is refused at its key, saying which permission it needs.
        let session = shell.session
        registry.permissionRefusal = { action in action.permission.flatMap { session.refusal(action.summary, needing: $0) } }
        for warning in registry.applyRebindings(keyBindings) {
            notify("config: \(warning)", .warning)
        }
        OverlayKeymap.registry = registry
    }

    /// The scope of the open pane, for pane-specific keys.
    var scope: KeyScope { .pane(shell.activePane.rawValue) }

    // MARK: - Events

    public func handle(_ event: InputEvent) -> AppCommand {
        let command = handleEvent(event)
        settleActivePane()
        return command
    }

    func handleEvent(_ event: InputEvent) -> AppCommand {
        switch event {
        case .resize(let size):
            screenSize = size
            resizePanes()
            return .redraw
        case .paste(let text):
            if let screen = importScreen { screen.paste(text); return .redraw }
            if scoringScreen != nil { return .none }
            if let pane = activePane, pane.paste(text) { return .redraw }
            if var open = palette {
                open.paste(text)
                palette = open
                return .redraw
            }
            return .none
        case .mouse(let mouse):
            return handleMouse(mouse)
        case .key(let key):
            return handleKey(key)
        }
    }

    func handleMouse(_ mouse: MouseEvent) -> AppCommand {
        // A click on the tab bar opens that tab.
        guard mouse.y == 0, mouse.kind == .click else { return .none }
        let bar = tabBar
        var x = 0
        for (index, pane) in PaneID.allCases.enumerated() {
            let width = DisplayWidth.width(of: bar.label(at: index)) + 2
            if mouse.x >= x && mouse.x < x + width {
                shell.select(pane)
                return .redraw
            }
            x += width
        }
        return .none
    }

    func handleKey(_ key: Key) -> AppCommand {
        if var open = help {
            // The overlay keys (`OverlayKeymap`), and the help key again, which closes it.
            if case .action(let action) = registry.action(for: key, scope: .global), action.id == "app.help" {
                help = nil
                return .redraw
            }
            switch OverlayKeymap.action(for: key, in: registry) {
            case .close: help = nil
            case .down: open.scroll(by: 1, in: bodyRect); help = open
            case .up: open.scroll(by: -1, in: bodyRect); help = open
            case .pageDown: open.scroll(by: max(1, bodyRect.height - 2), in: bodyRect); help = open
            case .pageUp: open.scroll(by: -max(1, bodyRect.height - 2), in: bodyRect); help = open
            case nil: break
            }
            return .redraw
        }
        if var open = palette {
            switch open.handle(key) {
            case .pending: palette = open
            case .cancelled: palette = nil
            case .chose(let id):
                palette = nil
                return perform(id)
            }
            return .redraw
        }
        if let screen = importScreen {
            switch screen.handle(key, registry: registry) {
            case .close: importScreen = nil
            case .help: help = HelpOverlay(registry: registry, scope: ImportKeymap.scope)
            case .handled: break
            }
            return .redraw
        }
        if let screen = scoringScreen {
            switch screen.handle(key, registry: registry) {
            case .close: scoringScreen = nil
            case .help: help = HelpOverlay(registry: registry, scope: ScoringKeymap.scope)
            case .handled: break
            }
            return .redraw
        }
        if let pane = activePane, pane.handlePromptKey(key) {
            return .redraw
        }
        if writes.waitingForLock() != nil, case .action(let action) = registry.action(for: key, scope: .global), action.id == "app.stopWaiting" {
            // While a write waits for another process's lock, its key (esc) stops it (nothing is
            // written) before the pane's own use of the key (closing the detail the write came from).
            // An open prompt takes its keys first.
            return perform("app.stopWaiting")
        }
        switch registry.action(for: key, scope: scope) {
        case .unbound:
            return .none
        case .refused(_, let reason):
            // In a session made read-only by damage or the file's permissions, say which.
            refuse(shell.readOnlyBanner.map { "\(reason): \($0)" } ?? reason)
            return .redraw
        case .action(let action):
            return perform(action.id)
        }
    }

    /// Runs an action by id (from a key or the palette).
    public func perform(_ id: String) -> AppCommand {
        logger.debug("action", metadata: ["id": "\(id)"])
        // The palette runs actions by id: the same refusals as their keys.
        if let action = registry.action(id: id), let reason = registry.refusal(of: action) {
            refuse(reason)
            return .redraw
        }
        switch id {
        case "app.quit": return .quit
        case "app.stopWaiting":
            // Nothing waiting: esc does nothing here (the panes' own esc comes first).
            if writes.pending != nil, !writes.stop() {
                refuse("\(writes.pending?.what ?? "A write") is under way: it cannot be stopped halfway")
            }
        case "app.help": help = HelpOverlay(registry: registry, scope: scope)
        case "app.palette": palette = CommandPalette(registry: registry, scope: scope)
        case "app.redraw": return .fullRedraw
        case "app.suspend": return .suspend
        case "app.reload":
            shell.reload()
            reloadPanes()
            notify("Reloaded", .info)
        case "app.mouse":
            guard let terminal else { return .none }
            terminal.setMouse(!terminal.isMouseEnabled)
            notify(terminal.isMouseEnabled ? "Mouse on (hold Shift to select text)" : "Mouse off", .info)
        case "app.import": openImport()
        case "app.scoring": openScoring()
        case "pane.next": shell.selectNext()
        case "pane.previous": shell.selectPrevious()
        case "theme.next":
            let names = catalog.names
            let index = names.firstIndex(of: themeName) ?? -1
            switchTheme(names[(index + 1) % max(1, names.count)])
        default:
            if let owner = PaneCatalog.owner(ofAction: id) {
                if let command = pane(owner)?.handleAction(id) { return command }
            } else if id.hasPrefix("pane."), let pane = PaneID(rawValue: String(id.dropFirst(5))) {
                shell.select(pane)
            } else if id.hasPrefix("theme.") {
                switchTheme(String(id.dropFirst(6)))
            } else {
                return .none
            }
        }
        return .redraw
    }

    /// Opens the CSV import: the form first, then the preview (a dry run) before anything is written.
    func openImport() {
        guard shell.session.can(.dataImport) else {
            notify("\(shell.session.user.email) (\(shell.session.role.name)) may not import: it needs the data.import permission", .warning)
            return
        }
        let model = ImportViewModel(database: database, session: shell.session, clock: clock)
        model.onImported = { [weak self] in
            self?.shell.reload()
            self?.reloadPanes()
        }
        importScreen = ImportScreen(viewModel: model)
    }

    /// Opens the scoring view: the model in force and its versions; administrators learn and switch there.
    func openScoring() {
        guard shell.session.can(.leadsView) else {
            notify("\(shell.session.user.email) (\(shell.session.role.name)) may not see scoring: it needs the leads.view permission", .warning)
            return
        }
        let model = ScoringViewModel(database: database, session: shell.session, clock: clock)
        model.onSwitched = { [weak self] in
            // Every lead was rescored: the panes show the new scores and grades.
            self?.shell.reload()
            self?.reloadPanes()
        }
        scoringScreen = ScoringScreen(viewModel: model)
    }

    /// Switches the colour theme live.
    public func switchTheme(_ name: String) {
        let (theme, warning) = catalog.loadOrFallback(named: name)
        themeName = theme.name
        terminal?.setTheme(theme)
        if let warning { notify(warning, .warning) } else { notify("Theme: \(theme.name)", .info) }
    }

    /// Says at once why a key was refused: in the open pane's message line (where its other
    /// refusals show), or as a notice where no pane is open.
    func refuse(_ reason: String) {
        logger.info("refused: \(reason)")
        if let pane = activePane { pane.note(reason) } else { notify(reason, .warning) }
    }

    func notify(_ message: String, _ level: Toast.Level) {
        toast = Toast(message, level: level, expiresAt: Date().addingTimeInterval(level == .error ? 8 : 3))
        switch level {
        case .error: logger.error("\(message)")
        case .warning: logger.warning("\(message)")
        default: logger.info("\(message)")
        }
    }

    public func tick(now: Date) -> Bool {
        var redraw = false
        if let model = importScreen?.viewModel {
            // A run shows its progress; its end (the preview or the report) is drawn once.
            if model.refreshProgress() || model.revision != importStageDrawn { redraw = true }
        }
        if let model = scoringScreen?.viewModel {
            // A run shows its progress and time; its end (the question, the message) is drawn once.
            if model.refreshProgress() || model.isRunning || model.revision != scoringRevisionDrawn { redraw = true }
        }
        if writes.pending != nil || writes.revision != writesRevisionDrawn {
            // A write waiting shows since when; its end is drawn once.
            writesRevisionDrawn = writes.revision
            redraw = true
        }
        if let notice = LockNotices.shared.take() {
            notify(notice, .warning)
            redraw = true
        }
        if shell.noticeDamage() {
            registry.isReadOnly = true
            notify(shell.readOnlyBanner ?? "", .error)
            redraw = true
        }
        if let toast, toast.isExpired(at: now) {
            self.toast = nil
            redraw = true
        }
        // Another process's writes show within a second: the store's change sequence (read every
        // 250 ms) sets a flag the tick takes.
        if shell.reloadIfChanged() {
            reloadPanes()
            logger.info("the database changed; reloaded")
            redraw = true
        }
        return redraw
    }

    /// Panes drawn at least once (the others are made only when first shown).
    var openedPanes: Set<PaneID> = []
    /// Opened panes whose data changed while hidden: reread when next shown.
    var stalePanes: Set<PaneID> = []

    /// After a reload key or a write (another process's, or an import): rereads the pane on
    /// screen, and marks the other opened ones to reread when they are shown.
    func reloadPanes() {
        for pane in openedPanes where pane != shell.activePane { stalePanes.insert(pane) }
        reload(shell.activePane)
        if let model = scoringScreen?.viewModel, !model.isRunning { model.reload() }
    }

    func reload(_ id: PaneID) {
        guard openedPanes.contains(id) else { return }
        stalePanes.remove(id)
        madePanes[id]?.reload()
    }

    // MARK: - Panes

    /// The pane of a tab, made when first asked for (nil when the session may not see it).
    func pane(_ id: PaneID) -> (any Pane)? {
        if let made = madePanes[id] { return made }
        guard !deniedPanes.contains(id), let registration = PaneCatalog.registration(id) else { return nil }
        let context = PaneContext(database: database, session: shell.session, clock: clock, calendar: calendar,
                                  firstWeekday: firstWeekday, writes: writes, body: bodyRect)
        guard let made = registration.make(context) else {
            deniedPanes.insert(id)
            return nil
        }
        made.resize(to: bodyRect)
        madePanes[id] = made
        return made
    }

    /// The pane on screen (nil: the session may not see it).
    var activePane: (any Pane)? { pane(shell.activePane) }

    /// After each event: the pane on screen exists, is laid out, and is reread if its data
    /// changed while it was hidden, so that drawing only reads state.
    func settleActivePane() {
        guard activePane != nil else { return }
        openedPanes.insert(shell.activePane)
        if stalePanes.contains(shell.activePane) { reload(shell.activePane) }
    }

    // MARK: - Layout

    /// A pane made after the screen's size is known is told it at once.
    /// The screen's size reaches every pane made so far as an intent, before the next frame is drawn:
    /// each view-model loads what the new size shows (drawing never changes a view-model).
    func resizePanes() {
        for id in openedPanes.union([shell.activePane]) { pane(id)?.resize(to: bodyRect) }
    }

    // MARK: - Drawing

    var tabBar: TabBar {
        TabBar(
            tabs: PaneID.allCases.map { Tab($0.title, count: shell.count(for: $0)) },
            activeIndex: PaneID.allCases.firstIndex(of: shell.activePane) ?? 0)
    }

    /// The pane's area: between the tab bar (and the read-only banner, when shown) and the status bar.
    var bodyRect: Rect {
        let banner = shell.readOnlyBanner == nil || screenSize.height < 4 ? 0 : 1
        return Rect(x: 0, y: 1 + banner, width: screenSize.width, height: max(0, screenSize.height - 2 - banner))
    }

    public func render(into buffer: inout CellBuffer) {
        let (top, rest) = buffer.bounds.splitTop(1)
        var (body, bottom) = rest.splitBottom(1)
        tabBar.render(into: &buffer, in: top)
        if let banner = shell.readOnlyBanner, body.height > 1 {
            // Why this session may not write (damage found, a read-only file): one line above the pane.
            let line: Rect
            (line, body) = body.splitTop(1)
            buffer.fill(line, style: Style(.danger, .bold))
            _ = buffer.put(banner, at: line.origin, maxWidth: line.width, style: Style(.danger, .bold))
        }
        // Drawing reads state only: the pane was made, laid out and reread by the event before.
        if let pane = madePanes[shell.activePane] {
            pane.draw(into: &buffer, in: body, now: clock())
        } else if deniedPanes.contains(shell.activePane) {
            NoAccessScreen(shell: shell).render(into: &buffer, in: body)
        }
        statusBar.render(into: &buffer, in: bottom)
        if let importScreen {
            importScreen.render(into: &buffer, in: body, registry: registry)
            importStageDrawn = importScreen.viewModel.revision
        }
        if let scoringScreen {
            scoringScreen.render(into: &buffer, in: body, registry: registry)
            scoringRevisionDrawn = scoringScreen.viewModel.revision
        }
        if let help { help.render(into: &buffer, in: body) }
        if let palette { palette.render(into: &buffer, in: body) }
        if let toast { toast.render(into: &buffer, in: body) }
    }

    var statusBar: StatusBar {
        var left = [
            StatusSegment(" \(shell.session.organization.name) ", role: .statusBarAccent, priority: 10),
            StatusSegment("\(shell.session.user.name) (\(shell.session.role.name))", priority: 9),
            StatusSegment(shell.databaseName, priority: 3),
        ]
        if shell.isReadOnly { left.insert(StatusSegment(" READ-ONLY ", role: .warning, priority: 11), at: 0) }
        var right = [StatusSegment("? help  : palette  q quit", priority: 5)]
        if let notice = writes.notice() {
            // A write not settled yet: what it does, and what it waits for (esc stops the wait).
            right.insert(StatusSegment(notice, role: writes.waitingForLock() == nil ? .accent : .warning, priority: 13), at: 0)
            return StatusBar(left: left, right: right)
        }
        if let message = madePanes[shell.activePane]?.message {
            right.insert(StatusSegment(message, role: .accent, priority: 12), at: 0)
        } else if let message = shell.message {
            let role: ColorRole = message.level == .error ? .danger : (message.level == .warning ? .warning : .statusBar)
            right.insert(StatusSegment(message.text, role: role, priority: 8), at: 0)
        }
        return StatusBar(left: left, right: right)
    }
}
