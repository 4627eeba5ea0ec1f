import BenchSupport
import Benchmark
import Foundation
import FunnelServices
import FunnelStore

/// The benchmark of issue 14's lead import with attributes (registered by ImportBenchmarks.swift):
/// `RecordImportService` (as `funnel import leads` runs it, default options) importing the generated
/// 1,000,000 leads with 20 attributes (`AttributeFiles`, written by scripts/leads-with-attributes.py
/// when missing) into a new database with one organization, a new file per iteration.
func attributeImportBenchmarks(_ rowsPerSecond: BenchmarkMetric) {
    Benchmark(
        "Import 1M leads with 20 attributes",
        configuration: .init(
            metrics: [.wallClock, .peakMemoryResident, rowsPerSecond],
            timeUnits: .seconds,
            warmupIterations: 0,
            maxDuration: .seconds(300),
            maxIterations: 2,
            setup: { _ = try AttributeFiles.leads() }
        )
    ) { benchmark in
        let file = try AttributeFiles.leads()
        let fresh = try AttributeFiles.newDatabase()
        defer { AttributeFiles.remove(fresh.path) }
        let started = ContinuousClock.now
        benchmark.startMeasurement()
        let report = try RecordImportService(database: fresh.database).run(file: file, options: RecordImportOptions(entity: .leads), in: fresh.session)
        benchmark.stopMeasurement()
        let seconds = (ContinuousClock.now - started) / .seconds(1)
        precondition(report.rowsRead == AttributeFiles.rows && report.problemCount == 0 && report.created == AttributeFiles.rows
                     && report.attributesCreated.count == 20,
                     "unexpected import: \(report.lines().prefix(8))")
        // Over the whole call: the report's own rate leaves out the pass that reads the file first to
        // find the attributes' kinds and distinct values, and the commit (together about 10 s here).
        benchmark.measurement(rowsPerSecond, Int((Double(report.rowsRead) / seconds).rounded()))
    }
}
