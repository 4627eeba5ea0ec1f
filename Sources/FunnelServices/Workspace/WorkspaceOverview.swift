import FunnelStore

/// The counts behind the status bar and tab titles: each nil when the role may not see it.
public struct WorkspaceOverview: Sendable, Equatable {
    public var leadCounts: [LeadStatus: Int]?
    public var stageTotals: [DealStage: StageTotals]?
    public var contentCounts: [ContentStatus: Int]?

    public init(leadCounts: [LeadStatus: Int]? = nil, stageTotals: [DealStage: StageTotals]? = nil, contentCounts: [ContentStatus: Int]? = nil) {
        self.leadCounts = leadCounts
        self.stageTotals = stageTotals
        self.contentCounts = contentCounts
    }

    /// All leads of the organization.
    public var totalLeads: Int? { leadCounts.map { $0.values.reduce(0, +) } }
    /// Open deals (not won or lost).
    public var openDeals: Int? { stageTotals.map { $0.filter { !$0.key.isClosed }.values.reduce(0) { $0 + $1.deals } } }
    /// Content waiting for approval.
    public var pendingApprovals: Int? { contentCounts.map { $0[.pendingApproval] ?? 0 } }
    /// Content with a date on the calendar that is not yet published.
    public var upcomingContent: Int? { contentCounts.map { ($0[.scheduled] ?? 0) + ($0[.approved] ?? 0) } }
}

/// Reads the workspace's maintained counts for the session's organization.
public struct WorkspaceOverviewService: Sendable {
    let database: any Store

    public init(database: any Store) { self.database = database }

    /// The overview the session's role may see (cheap: maintained counts, no table scans).
    public func overview(for session: Session) throws -> WorkspaceOverview {
        try ServiceError.wrapping {
            try database.snapshot { reader in
                WorkspaceOverview(
                    leadCounts: session.can(.leadsView) ? try reader.leadStatusCounts(orgId: session.orgId) : nil,
                    stageTotals: session.can(.dealsView) ? try reader.dealStageTotals(orgId: session.orgId) : nil,
                    contentCounts: session.can(.contentView) ? try reader.contentStatusCounts(orgId: session.orgId) : nil)
            }
        }
    }
}
