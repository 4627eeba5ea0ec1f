import Foundation
import FunnelServices
import FunnelStore
import FunnelUI
import FunnelViewModels

/// One pane of the shell, as the shell sees every pane: its tab, its actions, its prompts, its
/// layout and its drawing, and its view-model (for the status-bar line and rereading). The shell
/// never names a pane: it asks `PaneCatalog` for them and talks to each through this protocol.
@MainActor
protocol Pane: AnyObject {
    /// The pane's actions: one case per key binding of its scope (its keymap's `Action`).
    associatedtype Action: RawRepresentable where Action.RawValue == String
    /// The tab it sits in.
    var id: PaneID { get }
    /// Its view-model: the status bar's line (`message`), refusals said there, rereading.
    var paneModel: any RereadablePaneModel { get }
    /// Text pasted while the pane has a prompt open; false when none is open.
    func paste(_ text: String) -> Bool
    /// A key for the pane's open prompt, picker, form or overlay; false when none is open.
    func handlePromptKey(_ key: Key) -> Bool
    /// Runs one of the pane's actions; a command for the terminal, if any.
    func perform(_ action: Action) -> AppCommand?
    /// The body's size: the pane tells its view-model what will be visible (drawing never does).
    func resize(to rect: Rect)
    /// Draws the view-model's state; no I/O, no change of state.
    func draw(into buffer: inout CellBuffer, in rect: Rect, now: Date)
}

extension Pane {
    /// The view-model's message for the status bar (the last change's summary, a refusal).
    var message: String? { paneModel.message }
    /// Shows a message (a refusal decided by the shell, e.g. a key the role may not use).
    func note(_ text: String) { paneModel.note(text) }
    /// Rereads from the store (after a change here or by another process).
    func reload() { paneModel.reload() }
    /// Runs the action with this id of the pane's key scope (from the registry or the palette).
    func handleAction(_ id: String) -> AppCommand? { Action(rawValue: id).flatMap { perform($0) } }
}

/// What a pane is made from.
struct PaneContext {
    let database: any Store
    let session: Session
    let clock: @Sendable () -> Date
    let calendar: Calendar
    let firstWeekday: Weekday
    /// The panes' shared writes (one at a time, off the main thread).
    let writes: DatabaseWrites
    /// The body's rectangle when the pane is made.
    let body: Rect
}

/// How the shell knows a pane: its tab, its key bindings (scope `pane.<id>`: the registry, help,
/// the palette and the README's key table take them from here) and how to make it (nil when the
/// signed-in role may not see it: the tab then shows why).
struct PaneRegistration: Sendable {
    let id: PaneID
    let actions: [KeyAction]
    let make: @MainActor @Sendable (PaneContext) -> (any Pane)?
}

/// Every pane, in tab order. A new pane is a folder of its own (its view-model in
/// FunnelViewModels, its screen and keymap here), its tab in `PaneID`, and one line here.
enum PaneCatalog {
    static let all: [PaneRegistration] = [
        LeadsPane.registration,
        PipelinePane.registration,
        CalendarPane.registration,
        ApprovalsPane.registration,
    ]

    static func registration(_ id: PaneID) -> PaneRegistration? { all.first { $0.id == id } }

    /// The pane whose key scope an action id belongs to (`leads.assignMe` → leads).
    static func owner(ofAction id: String) -> PaneID? {
        all.first { id.hasPrefix($0.id.rawValue + ".") }?.id
    }
}

extension LeadsPane: Pane {
    nonisolated static let registration = PaneRegistration(id: .leads, actions: LeadsKeymap.actions) { context in
        guard context.session.can(.leadsView) else { return nil }
        return LeadsPane(viewModel: LeadTriageViewModel(database: context.database, session: context.session,
                                                        visibleRows: LeadsPane.visibleRows(in: context.body), writes: context.writes),
                         clock: context.clock)
    }

    var id: PaneID { .leads }
    var paneModel: any RereadablePaneModel { viewModel }
    func draw(into buffer: inout CellBuffer, in rect: Rect, now: Date) { render(into: &buffer, in: rect) }
}

extension PipelinePane: Pane {
    nonisolated static let registration = PaneRegistration(id: .pipeline, actions: PipelineKeymap.actions) { context in
        guard context.session.can(.dealsView) else { return nil }
        return PipelinePane(viewModel: PipelineViewModel(database: context.database, session: context.session, clock: context.clock,
                                                         calendar: context.calendar, writes: context.writes))
    }

    var id: PaneID { .pipeline }
    var paneModel: any RereadablePaneModel { viewModel }
    func draw(into buffer: inout CellBuffer, in rect: Rect, now: Date) { render(into: &buffer, in: rect, now: now) }
}

extension CalendarPane: Pane {
    nonisolated static let registration = PaneRegistration(id: .calendar, actions: CalendarKeymap.actions) { context in
        guard context.session.can(.contentView) else { return nil }
        return CalendarPane(viewModel: CalendarViewModel(database: context.database, session: context.session, clock: context.clock,
                                                         calendar: context.calendar, firstWeekday: context.firstWeekday.rawValue,
                                                         writes: context.writes),
                            firstWeekday: context.firstWeekday)
    }

    var id: PaneID { .calendar }
    var paneModel: any RereadablePaneModel { viewModel }
    func draw(into buffer: inout CellBuffer, in rect: Rect, now: Date) { render(into: &buffer, in: rect) }
}

extension ApprovalsPane: Pane {
    nonisolated static let registration = PaneRegistration(id: .approvals, actions: ApprovalsKeymap.actions) { context in
        guard context.session.can(.contentView) else { return nil }
        return ApprovalsPane(viewModel: ApprovalsViewModel(database: context.database, session: context.session, clock: context.clock,
                                                           calendar: context.calendar, visibleRows: ApprovalsPane.visibleRows(in: context.body),
                                                           writes: context.writes))
    }

    var id: PaneID { .approvals }
    var paneModel: any RereadablePaneModel { viewModel }
    func draw(into buffer: inout CellBuffer, in rect: Rect, now: Date) { render(into: &buffer, in: rect) }
}
