import Foundation
import FunnelStore

/// The forecast the Pipeline pane (`F`) and `funnel deals forecast` both show: the months asked
/// for, and before them the open deals whose close month has passed (still expected to close, so
/// still forecast), so that the two faces count the same deals whatever months each shows.
public struct DealForecast: Sendable, Equatable {
    /// Open deals closing before the first month shown and before this month (`month` is `overdue`).
    public let overdue: ForecastMonth
    /// The months asked for, first to last.
    public let months: [ForecastMonth]

    public init(overdue: ForecastMonth, months: [ForecastMonth]) {
        self.overdue = overdue
        self.months = months
    }

    /// The rows to show: `overdue` first when it has deals, then the months.
    public var rows: [ForecastMonth] { (overdue.openDeals > 0 ? [overdue] : []) + months }

    /// The rows added up (`month` is `total`).
    public var total: ForecastMonth {
        rows.reduce(into: ForecastMonth(month: "total")) { total, row in
            total.openDeals += row.openDeals
            total.openValue += row.openValue
            total.weightedValue += row.weightedValue
            total.wonDeals += row.wonDeals
            total.wonValue += row.wonValue
            total.lostDeals += row.lostDeals
            total.lostValue += row.lostValue
        }
    }
}

extension PipelineService {
    /// The forecast for `months` months from `firstMonth` (`YYYY-MM`) with the overdue open deals:
    /// those whose close date falls in a month before both `firstMonth` and this month. A month
    /// shown before this month keeps its own open deals, so whichever months two callers show,
    /// their totals count every open deal closing up to their last month once.
    public func forecastReport(_ filter: DealFilter, firstMonth: String, months: Int, in session: Session) throws -> DealForecast {
        try session.require(.dealsView)
        guard (1...60).contains(months) else { throw ServiceError.invalid(field: "months", problem: "from 1 to 60") }
        guard let first = Self.monthIndex(firstMonth) else {
            throw ServiceError.invalid(field: "month", problem: "\(firstMonth) is not a month as YYYY-MM")
        }
        let cutoff = min(first, Self.monthIndex(String(today.prefix(7))) ?? first)
        return try ServiceError.wrapping {
            try database.snapshot { reader in
                let shown = try reader.dealForecast(orgId: session.orgId, filter: filter, firstMonth: firstMonth, months: months)
                var overdue = ForecastMonth(month: "overdue")
                // From the month of the earliest close date (through the close-date index) to the cutoff.
                let earliest = try reader.deals(orgId: session.orgId, filter: filter, sort: .closeDate, descending: false, after: nil, limit: 1)
                    .first?.deal.closeDate.map { String($0.prefix(7)) }
                if let earliest, let start = Self.monthIndex(earliest), start < cutoff {
                    for month in try reader.dealForecast(orgId: session.orgId, filter: filter, firstMonth: earliest, months: cutoff - start) {
                        overdue.openDeals += month.openDeals
                        overdue.openValue += month.openValue
                        overdue.weightedValue += month.weightedValue
                    }
                }
                return DealForecast(overdue: overdue, months: shown)
            }
        }
    }

    /// `YYYY-MM` as a count of months (year x 12 + month - 1), nil when it is not a month.
    static func monthIndex(_ month: String) -> Int? {
        let parts = month.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 2, let year = Int(parts[0]), let number = Int(parts[1]), (1...12).contains(number), year >= 0 else { return nil }
        return year * 12 + number - 1
    }
}
