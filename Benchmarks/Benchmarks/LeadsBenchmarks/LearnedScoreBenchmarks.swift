import Benchmark
import BenchSupport
import Foundation
import FunnelServices
import FunnelStore

/// Learning a score and rescoring with it (issue 15) on the 1,000,000-lead demo (5,000,000 actions):
/// `ScoringService.learn` by the organization's administrator (its 800,000 leads, about 200,000 with
/// an outcome, 5-fold cross-validation and the final fit), and a steady-state rescoring pass with the
/// learned model in force, beside the rules' own ("Rescore all 1M: steady state"). The model is put
/// in force in the rescoring benchmark's setup and the rules again in its teardown, so the file the
/// other benchmarks use ends as it started.
func learnedScoreBenchmarks() {
    let learnConfiguration = Benchmark.Configuration(
        metrics: [.wallClock, .peakMemoryResident, .mallocCountTotal],
        timeUnits: .milliseconds,
        warmupIterations: 0,
        maxDuration: .seconds(120),
        maxIterations: 3
    )
    Benchmark(
        "Learn a score 1M (about 200,000 outcomes, 5-fold CV)",
        configuration: learnConfiguration,
        closure: { @MainActor (benchmark: Benchmark) async in
            guard let (database, admin) = LearnedBench.opened else { return benchmark.error("database not opened") }
            do {
                benchmark.startMeasurement()
                let (_, report) = try ScoringService(database: database, clock: { DemoDatabases.referenceDate }).learn(in: admin)
                benchmark.stopMeasurement()
                if report.model.outcomes < 100_000 { benchmark.error("learned from \(report.model.outcomes) outcomes") }
            } catch {
                benchmark.error("learning failed: \(error)")
            }
        },
        setup: { @MainActor in try LearnedBench.setUp(inForce: false) },
        teardown: { @MainActor in try LearnedBench.tearDown() }
    )
    Benchmark(
        "Rescore all 1M with a learned model: steady state",
        configuration: Benchmark.Configuration(
            metrics: [.wallClock, .peakMemoryResident, .mallocCountTotal, learnedLeadsPerSecond],
            timeUnits: .milliseconds, warmupIterations: 0, maxDuration: .seconds(60), maxIterations: 4),
        closure: { @MainActor (benchmark: Benchmark) async in
            guard let (database, admin) = LearnedBench.opened else { return benchmark.error("database not opened") }
            let scoring = ScoringService(database: database, clock: { DemoDatabases.referenceDate })
            do {
                let start = ContinuousClock.now
                benchmark.startMeasurement()
                let result = try scoring.rescoreAll(in: admin)
                benchmark.stopMeasurement()
                let seconds = (ContinuousClock.now - start) / .seconds(1)
                benchmark.measurement(learnedLeadsPerSecond, Int((Double(result.leadsScanned) / seconds).rounded()))
                if try scoring.scorer(for: admin).learned == nil { benchmark.error("no learned model in force") }
            } catch {
                benchmark.error("rescoring failed: \(error)")
            }
        },
        setup: { @MainActor in try LearnedBench.setUp(inForce: true) },
        teardown: { @MainActor in try LearnedBench.tearDown() }
    )
}

private let learnedLeadsPerSecond = BenchmarkMetric.custom("leadsPerSecond", polarity: .prefersLarger, useScalingFactor: false)

@MainActor
enum LearnedBench {
    static var opened: (AppDatabase, Session)?

    /// Opens the 1M demo as its administrator; `inForce`: with a model learned and put in force
    /// (one pass of rescoring), then one pass more so that the measured passes write (almost) nothing.
    static func setUp(inForce: Bool) throws {
        let (database, _) = try DemoDatabases.open(leads: 1_000_000)
        let admin = try IdentityService(database: database).signIn(email: "admin@northwind.example", password: nil)
        opened = (database, admin)
        guard inForce else { return }
        let scoring = ScoringService(database: database, clock: { DemoDatabases.referenceDate })
        let (session, _) = try scoring.learn(apply: true, in: admin)
        _ = try scoring.rescoreAll(in: session)
        opened = (database, session)
    }

    /// Puts the rules back in force (rescoring as of the reference day), as the other benchmarks expect.
    static func tearDown() throws {
        if let (database, session) = opened {
            let scoring = ScoringService(database: database, clock: { DemoDatabases.referenceDate })
            if try scoring.scorer(for: session).learned != nil { _ = try scoring.use(version: nil, in: session) }
        }
        opened = nil
    }
}
