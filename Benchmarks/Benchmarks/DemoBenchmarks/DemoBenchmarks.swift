import BenchSupport
import Benchmark
import Foundation
import FunnelServices

/// Leads written per second by the whole demo build (generation, inserts, indexes, the final rename).
private let leadsPerSecond = BenchmarkMetric.custom("leadsPerSecond", polarity: .prefersLarger, useScalingFactor: false)
/// Rows of every table written per second by the whole demo build.
private let rowsPerSecond = BenchmarkMetric.custom("rowsPerSecond", polarity: .prefersLarger, useScalingFactor: false)

/// Benchmarks of building the demo workspace, a new SQLite file per iteration.
let benchmarks: @Sendable () -> Void = {
    let leads = 20_000
    // A fixed "today" keeps every iteration, and every run, writing the same workspace.
    let referenceDate = DemoDatabases.referenceDate

    Benchmark(
        "Demo workspace: 20000 leads",
        configuration: .init(
            metrics: [.wallClock, .mallocCountTotal, .peakMemoryResident, .writeBytesLogical, leadsPerSecond, rowsPerSecond],
            timeUnits: .milliseconds,
            warmupIterations: 0,
            maxDuration: .seconds(30),
            maxIterations: 5
        )
    ) { benchmark in
        let path = FileManager.default.temporaryDirectory
            .appendingPathComponent("funnel-bench-\(ProcessInfo.processInfo.processIdentifier)-\(UUID().uuidString).sqlite").path
        defer {
            for suffix in ["", "-wal", "-shm", "-journal", ".building", ".building-wal", ".building-shm", ".building-journal"] {
                try? FileManager.default.removeItem(atPath: path + suffix)
            }
        }
        let builder = DemoWorkspaceBuilder(options: DemoOptions(leads: leads, seed: 42, referenceDate: referenceDate))
        benchmark.startMeasurement()
        let report = try builder.build(at: path)
        benchmark.stopMeasurement()
        benchmark.measurement(leadsPerSecond, Int(report.leadsPerSecond.rounded()))
        benchmark.measurement(rowsPerSecond, Int(report.rowsPerSecond.rounded()))
    }
}
