import Foundation
import FunnelStore

/// An organization's changes to the pipeline: each stage's default probability and the days
/// without activity after which an open deal is stale ("rotting"). Absent keys keep the defaults.
public struct PipelineSettings: Codable, Sendable, Equatable {
    /// Percent by stage name (`proposal`...).
    public var probabilities: [String: Int]?
    /// Days by stage name.
    public var rottingDays: [String: Int]?

    public init(probabilities: [String: Int]? = nil, rottingDays: [String: Int]? = nil) {
        self.probabilities = probabilities
        self.rottingDays = rottingDays
    }

    enum CodingKeys: String, CodingKey {
        case probabilities, rottingDays = "rotting_days"
    }

    /// The probability a stage implies unless someone set one by hand.
    public static func standardProbability(_ stage: DealStage) -> Int {
        switch stage {
        case .prospecting: return 10
        case .qualification: return 25
        case .proposal: return 50
        case .negotiation: return 75
        case .won: return 100
        case .lost: return 0
        }
    }

    /// Days without activity before an open deal in a stage is stale, by default.
    public static func standardRottingDays(_ stage: DealStage) -> Int? {
        switch stage {
        case .prospecting: return 21
        case .qualification: return 14
        case .proposal: return 14
        case .negotiation: return 10
        case .won, .lost: return nil
        }
    }

    /// The default probability of a stage in this organization (won is always 100, lost 0).
    public func probability(_ stage: DealStage) -> Int {
        if stage.isClosed { return Self.standardProbability(stage) }
        return probabilities?[stage.rawValue].map { max(0, min(100, $0)) } ?? Self.standardProbability(stage)
    }

    /// Moves a deal into `stage`: the one rule for the board, the imports and every other move.
    ///
    /// A closed stage takes its own probability (won 100, lost 0). An open stage takes its
    /// default unless someone set the probability by hand; a closed stage's 0 or 100 is not kept
    /// when a deal is reopened. The days in stage start again at `at`.
    public func enter(_ stage: DealStage, deal: inout Deal, at: Date) {
        if stage.isClosed || !deal.probabilityIsManual || deal.probability == 100 || deal.probability == 0 {
            deal.probability = probability(stage)
            deal.probabilityIsManual = false
        }
        deal.stage = stage
        deal.stageChangedAt = at
    }

    /// The rotting threshold of a stage in this organization (nil for closed stages).
    public func rottingDays(_ stage: DealStage) -> Int? {
        if stage.isClosed { return nil }
        return rottingDays?[stage.rawValue].map { max(1, $0) } ?? Self.standardRottingDays(stage)
    }
}

/// What stands out about an open deal.
public struct DealHealth: Sendable, Equatable {
    /// Its close date has passed.
    public let isOverdue: Bool
    /// Nothing has happened for longer than its stage's rotting threshold.
    public let isStale: Bool
    /// Whole days since it entered its stage.
    public let daysInStage: Int
    /// Whole days since anything happened to it.
    public let daysIdle: Int

    /// The health of a deal as of `now`; `today` is the local day (`YYYY-MM-DD`).
    public init(_ item: DealListItem, settings: PipelineSettings, now: Date, today: String) {
        let deal = item.deal
        daysInStage = max(0, Int(now.timeIntervalSince(deal.stageChangedAt) / 86_400))
        let lastTouched = max(item.lastActivityAt ?? deal.stageChangedAt, deal.stageChangedAt)
        let idle = max(0, Int(now.timeIntervalSince(lastTouched) / 86_400))
        daysIdle = idle
        isOverdue = !deal.stage.isClosed && (deal.closeDate.map { $0 < today } ?? false)
        isStale = settings.rottingDays(deal.stage).map { idle > $0 } ?? false
    }
}
