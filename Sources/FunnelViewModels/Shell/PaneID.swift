/// The panes of the application shell, in tab order.
public enum PaneID: String, CaseIterable, Sendable {
    case leads, pipeline, calendar, approvals

    /// The tab's title.
    public var title: String {
        switch self {
        case .leads: return "Leads"
        case .pipeline: return "Pipeline"
        case .calendar: return "Calendar"
        case .approvals: return "Approvals"
        }
    }

    /// The tab's number key (1...4).
    public var number: Int { (Self.allCases.firstIndex(of: self) ?? 0) + 1 }
}
