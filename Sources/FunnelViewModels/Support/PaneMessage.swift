/// A pane's view-model with one line of message for the status bar: the last change's summary,
/// or why something was refused or failed.
@MainActor
public protocol PaneMessage: AnyObject {
    /// The message the status bar shows, if any.
    var message: String? { get set }
}

extension PaneMessage {
    /// Runs `body`, turning a refusal or failure into the message.
    func perform(_ body: () throws -> Void) {
        do {
            try body()
        } catch {
            message = "\(error)"
        }
    }

    /// Shows a message.
    public func note(_ text: String) { message = text }

    /// Clears the message.
    public func clearMessage() { message = nil }
}

/// A pane's view-model that rereads what it shows from the store (after a change here or by
/// another process).
@MainActor
public protocol RereadablePaneModel: PaneMessage {
    func reload()
}

extension LeadTriageViewModel: RereadablePaneModel {}
extension PipelineViewModel: RereadablePaneModel {}
extension CalendarViewModel: RereadablePaneModel {}
extension ApprovalsViewModel: RereadablePaneModel {}
