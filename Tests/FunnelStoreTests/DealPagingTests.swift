import Foundation
import FunnelServices
import FunnelStore
import FunnelTestSupport
import Testing

/// Deals paged by key in every order agree with the same deals sorted in Swift; positions and the
/// maintained month totals agree with counts made here.
@Suite struct DealPagingTests {
    /// A workspace with `count` Acme deals: ties on close date and value, a fifth without a date.
    static func workspace(count: Int = 240) throws -> (TestWorkspace, [Deal]) {
        let workspace = try TestWorkspace.make()
        let deals = try workspace.database.transaction { tx -> [Deal] in
            var made: [Deal] = []
            for index in 0..<count {
                let stage = DealStage.allCases[index % DealStage.allCases.count]
                let day = index % 5 == 0 ? nil : String(format: "2026-%02d-%02d", 1 + index % 7, 1 + index % 3)
                var deal = Deal(orgId: workspace.admin.orgId, title: ["Beta", "alpha", "Gamma", "delta"][index % 4] + " \(index % 9)",
                                value: Int64((index * 37) % 11) * 100_000, stage: stage, probability: index % 101,
                                closeDate: day, lostReason: stage == .lost ? .budget : nil,
                                stageChangedAt: TestWorkspace.now.addingTimeInterval(Double(-(index % 13)) * 86_400),
                                createdAt: TestWorkspace.now, updatedAt: TestWorkspace.now)
                try tx.insert(&deal)
                made.append(deal)
            }
            // Another organization's deals never show.
            var other = Deal(orgId: workspace.otherAdmin.orgId, title: "Globex deal", value: 1, stage: .proposal, probability: 50,
                             closeDate: "2026-03-01", stageChangedAt: TestWorkspace.now, createdAt: TestWorkspace.now, updatedAt: TestWorkspace.now)
            try tx.insert(&other)
            return made
        }
        return (workspace, deals)
    }

    /// The order a sort promises, computed here: NULL close dates after every date.
    static func sorted(_ deals: [Deal], _ sort: DealSort, descending: Bool) -> [Int64] {
        func before(_ a: Deal, _ b: Deal) -> Bool {
            let less: Bool?
            switch sort {
            case .closeDate:
                switch (a.closeDate, b.closeDate) {
                case (nil, nil): less = nil
                case (nil, _): less = false
                case (_, nil): less = true
                case let (x?, y?): less = x == y ? nil : x < y
                }
            case .value: less = a.value == b.value ? nil : a.value < b.value
            case .stageAge: less = a.stageChangedAt == b.stageChangedAt ? nil : a.stageChangedAt < b.stageChangedAt
            case .title: less = a.title.lowercased() == b.title.lowercased() ? nil : a.title.lowercased() < b.title.lowercased()
            }
            let ascending = less ?? ((a.id ?? 0) < (b.id ?? 0))
            return descending ? !ascending : ascending
        }
        return deals.sorted(by: before).compactMap(\.id)
    }

    @Test(arguments: DealSort.allCases)
    func pagesForwardAndBackwardFollowTheSort(sort: DealSort) throws {
        let (workspace, deals) = try Self.workspace()
        let orgId = workspace.admin.orgId
        for descending in [false, true] {
            for stage in [nil, DealStage.proposal] {
                let filter = DealFilter(stage: stage)
                let expected = Self.sorted(deals.filter { stage == nil || $0.stage == stage }, sort, descending: descending)
                // Forward, seven at a time.
                var forward: [DealListItem] = []
                while true {
                    let page = try workspace.database.snapshot {
                        try $0.deals(orgId: orgId, filter: filter, sort: sort, descending: descending, after: forward.last?.pageKey(sort), limit: 7)
                    }
                    if page.isEmpty { break }
                    forward += page
                }
                #expect(forward.map(\.id) == expected, "\(sort) descending=\(descending) stage=\(String(describing: stage))")
                // Backward from the end, five at a time.
                var backward: [DealListItem] = []
                while true {
                    let page = try workspace.database.snapshot {
                        try $0.deals(orgId: orgId, filter: filter, sort: sort, descending: descending, before: backward.first?.pageKey(sort), limit: 5)
                    }
                    if page.isEmpty { break }
                    backward = page + backward
                }
                #expect(backward.map(\.id) == expected)
                // Positions are row numbers.
                for index in stride(from: 0, to: forward.count, by: 17) {
                    let position = try workspace.database.snapshot {
                        try $0.dealPosition(orgId: orgId, filter: filter, sort: sort, descending: descending, key: forward[index].pageKey(sort))
                    }
                    #expect(position == index)
                }
            }
        }
    }

    @Test func filteredTotalsAndTheForecastAgreeWithCountsMadeHere() throws {
        let (workspace, deals) = try Self.workspace()
        let orgId = workspace.admin.orgId
        // Change and delete some deals so the maintained totals have work to do.
        var current = deals
        var deleted = Set<Int64>()
        try workspace.database.transaction { tx in
            for index in stride(from: 0, to: current.count, by: 9) {
                current[index].closeDate = index % 2 == 0 ? "2026-05-20" : nil
                current[index].value += 12_300
                current[index].stage = .negotiation
                current[index].lostReason = nil
                try tx.update(current[index])
            }
            for index in stride(from: 4, to: current.count, by: 31) {
                try tx.delete(Deal.self, id: current[index].id ?? 0, orgId: orgId)
                deleted.insert(current[index].id ?? 0)
            }
        }
        current = current.filter { !deleted.contains($0.id ?? 0) }
        let forecast = try workspace.database.snapshot { try $0.dealForecast(orgId: orgId, filter: DealFilter(), firstMonth: "2025-12", months: 9) }
        #expect(forecast.map(\.month) == ["2025-12", "2026-01", "2026-02", "2026-03", "2026-04", "2026-05", "2026-06", "2026-07", "2026-08"])
        for month in forecast {
            let inMonth = current.filter { $0.closeDate?.hasPrefix(month.month) == true }
            let open = inMonth.filter { !$0.stage.isClosed }
            #expect(month.openDeals == open.count)
            #expect(month.openValue == open.reduce(0) { $0 + $1.value })
            #expect(month.weightedValue == open.reduce(0) { $0 + $1.value * Int64($1.probability) / 100 })
            #expect(month.wonValue == inMonth.filter { $0.stage == .won }.reduce(0) { $0 + $1.value })
            #expect(month.lostDeals == inMonth.filter { $0.stage == .lost }.count)
        }
        // A filtered forecast is summed from the deals: the same figures for the same deals.
        let searched = try workspace.database.snapshot {
            try $0.dealForecast(orgId: orgId, filter: DealFilter(closeMonth: "2026-05"), firstMonth: "2026-05", months: 1)
        }
        #expect(searched.first?.openValue == forecast[5].openValue)
        let totals = try workspace.database.snapshot { try $0.dealStageTotals(orgId: orgId, filter: DealFilter(closeMonth: "2026-05")) }
        let may = current.filter { $0.closeDate?.hasPrefix("2026-05") == true }
        for stage in DealStage.allCases {
            #expect((totals[stage]?.deals ?? 0) == may.filter { $0.stage == stage }.count)
        }
    }
}
