import BenchSupport
import Benchmark
import Foundation
import FunnelServices
import FunnelStore
import FunnelViewModels

/// Benchmarks of the Pipeline pane's view-model (`PipelineViewModel`) on a demo workspace whose manager's
/// organization holds 100,000 deals (`funnel demo --leads 10000 --deals 125000`: Northwind has 80% of them).
///
/// As in `LeadsBenchmarks`, the closures are `@MainActor` async closures that call `startMeasurement()` and
/// `stopMeasurement()` themselves; the pane is made in the setup and reused by every iteration.
let benchmarks: @Sendable () -> Void = {
    let configuration = Benchmark.Configuration(
        metrics: [.wallClock, .mallocCountTotal, .peakMemoryResident],
        timeUnits: .microseconds,
        warmupIterations: 5,
        maxDuration: .seconds(5),
        maxIterations: 5_000
    )

    // Opening the pane: totals from the maintained table, and the first cards of all six columns.
    Benchmark(
        "Pipeline 100k: open pane",
        configuration: configuration,
        closure: { @MainActor (benchmark: Benchmark) async in
            guard let (database, session) = PipelineBench.opened else { return benchmark.error("database not opened") }
            benchmark.startMeasurement()
            let pane = PipelineViewModel(database: database, session: session)
            benchmark.stopMeasurement()
            PipelineBench.check(pane, benchmark)
            blackHole(pane)
        },
        setup: { @MainActor in try PipelineBench.setUp() },
        teardown: { @MainActor in PipelineBench.tearDown() }
    )

    // Moving the cursor down one card in the Prospecting column (pages load by key as it goes).
    Benchmark(
        "Pipeline 100k: cursor down one card",
        configuration: configuration,
        closure: { @MainActor (benchmark: Benchmark) async in
            guard let pane = PipelineBench.pane else { return benchmark.error("pane not opened") }
            let column = pane.columns[pane.selectedColumn]
            if column.selected + 2 * pane.pageSize >= column.total { pane.move(.top) }
            let before = pane.columns[pane.selectedColumn].selected
            benchmark.startMeasurement()
            pane.move(.down)
            benchmark.stopMeasurement()
            if pane.columns[pane.selectedColumn].selected != before + 1 { benchmark.error("cursor did not move from \(before)") }
            PipelineBench.check(pane, benchmark)
        },
        setup: { @MainActor in try PipelineBench.setUp(pane: true) },
        teardown: { @MainActor in PipelineBench.tearDown() }
    )

    // Moving the selected deal one stage right, then (next iteration) back left: the write, its activity,
    // the totals, every column reloaded, and the selection following the deal into its new column.
    Benchmark(
        "Pipeline 100k: move a deal to the next or previous stage",
        configuration: configuration,
        closure: { @MainActor (benchmark: Benchmark) async in
            guard let pane = PipelineBench.pane, let id = pane.selectedItem?.id else { return benchmark.error("no deal selected") }
            let step = pane.selectedStage == .prospecting ? 1 : -1
            benchmark.startMeasurement()
            pane.advanceSelected(by: step)
            benchmark.stopMeasurement()
            if pane.selectedItem?.id != id { benchmark.error("the selection did not follow deal #\(id)") }
            PipelineBench.check(pane, benchmark)
        },
        setup: { @MainActor in try PipelineBench.setUp(pane: true) },
        teardown: { @MainActor in PipelineBench.tearDown() }
    )

    // Switching from the board to the table view (the table opens on the selected deal); back is not measured.
    Benchmark(
        "Pipeline 100k: switch to the table view",
        configuration: configuration,
        closure: { @MainActor (benchmark: Benchmark) async in
            guard let pane = PipelineBench.pane else { return benchmark.error("pane not opened") }
            benchmark.startMeasurement()
            pane.toggleTable()
            benchmark.stopMeasurement()
            if pane.mode != .table || pane.selectedItem == nil { benchmark.error("the table did not open on a deal") }
            PipelineBench.check(pane, benchmark)
            pane.toggleTable()
        },
        setup: { @MainActor in try PipelineBench.setUp(pane: true) },
        teardown: { @MainActor in PipelineBench.tearDown() }
    )

    // Paging down the table sorted by value (38 rows, a 40-row screen).
    Benchmark(
        "Pipeline 100k: table sorted by value, page down",
        configuration: configuration,
        closure: { @MainActor (benchmark: Benchmark) async in
            guard let pane = PipelineBench.pane else { return benchmark.error("pane not opened") }
            if pane.table.selected + 3 * pane.pageSize >= pane.table.total { pane.move(.top) }
            let before = pane.table.selected
            benchmark.startMeasurement()
            pane.move(.pageDown)
            benchmark.stopMeasurement()
            if pane.table.selected != before + pane.pageSize { benchmark.error("page down moved from \(before) to \(pane.table.selected)") }
            PipelineBench.check(pane, benchmark)
        },
        setup: { @MainActor in
            try PipelineBench.setUp(pane: true)
            guard let pane = PipelineBench.pane else { return }
            pane.toggleTable()
            pane.cycleSort()
            pane.resize(visibleCards: pane.visibleCards, tableRows: 38)
        },
        teardown: { @MainActor in PipelineBench.tearDown() }
    )

    // The forecast (maintained month totals).
    Benchmark(
        "Pipeline 100k: open the forecast",
        configuration: configuration,
        closure: { @MainActor (benchmark: Benchmark) async in
            guard let pane = PipelineBench.pane else { return benchmark.error("pane not opened") }
            benchmark.startMeasurement()
            pane.toggleForecast()
            benchmark.stopMeasurement()
            if pane.forecast.isEmpty { benchmark.error("no forecast") }
            PipelineBench.check(pane, benchmark)
            pane.toggleForecast()
        },
        setup: { @MainActor in try PipelineBench.setUp(pane: true) },
        teardown: { @MainActor in PipelineBench.tearDown() }
    )
}

/// What the benchmarks of one process share.
@MainActor
enum PipelineBench {
    static var opened: (AppDatabase, Session)?
    static var pane: PipelineViewModel?
    static let path = DemoDatabases.directory + "/pipeline-100k.sqlite"
    static let deals = 125_000

    static func setUp(pane withPane: Bool = false) throws {
        let (database, session) = try open()
        opened = (database, session)
        guard withPane else { return }
        let pane = PipelineViewModel(database: database, session: session)
        pane.resize(visibleCards: 7, tableRows: pane.tableRows)
        guard pane.message == nil, pane.filteredTotal >= 90_000, pane.selectedItem != nil else {
            throw BenchProblem(description: "the pane opened with \(pane.filteredTotal) deals: \(pane.message ?? "no message")")
        }
        self.pane = pane
    }

    /// Opens the demo (building it the first time: about half a minute).
    static func open() throws -> (AppDatabase, Session) {
        try DemoDatabases.open(path: path, options: DemoOptions(leads: 10_000, seed: 42, referenceDate: DemoDatabases.referenceDate, deals: deals))
    }

    static func tearDown() {
        pane = nil
        opened = nil
    }

    static func check(_ pane: PipelineViewModel, _ benchmark: Benchmark) {
        if let message = pane.message, !message.hasSuffix("(u undoes)") { benchmark.error("the pane says: \(message)") }
    }
}
