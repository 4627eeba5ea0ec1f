import BenchSupport
import Benchmark
import Foundation
import FunnelServices
import FunnelStore
import FunnelViewModels

/// Leads the manager's organization scans per second in `rescoreAll` (larger is better).
private let leadsPerSecond = BenchmarkMetric.custom("leadsPerSecond", polarity: .prefersLarger, useScalingFactor: false)
/// Scores `rescoreAll` wrote (it writes only the ones that changed).
private let scoresChanged = BenchmarkMetric.custom("scoresChanged", polarity: .prefersSmaller, useScalingFactor: false)

/// Benchmarks of the Leads pane's view-model (`LeadTriageViewModel`) and of `rescoreAll` on the demo workspaces
/// of 1,000,000 and 10,000 leads (see `DemoDatabases`).
///
/// `LeadTriageViewModel` is `@MainActor`: as in `FrameBenchmarks`, the closures are `@MainActor` async closures
/// and call `startMeasurement()`/`stopMeasurement()` themselves, so the hop to the main actor is not measured.
/// The database is opened and the view-model created in the benchmark's setup; iterations run on one view-model.
let benchmarks: @Sendable () -> Void = {
    let million = 1_000_000
    let paneConfiguration = Benchmark.Configuration(
        metrics: [.wallClock, .mallocCountTotal, .peakMemoryResident],
        timeUnits: .microseconds,
        warmupIterations: 5,
        maxDuration: .seconds(5),
        maxIterations: 10_000
    )

    // Opening the pane: the view-model's init loads the status counts, the total and the first window.
    for leads in [million, 10_000] {
        Benchmark(
            "Leads \(label(leads)): open pane",
            configuration: paneConfiguration,
            closure: { @MainActor (benchmark: Benchmark) async in
                guard let (database, session) = LeadsBench.opened else { return benchmark.error("database not opened") }
                benchmark.startMeasurement()
                let pane = LeadTriageViewModel(database: database, session: session)
                benchmark.stopMeasurement()
                LeadsBench.check(pane, benchmark)
                blackHole(pane)
            },
            setup: { @MainActor in try LeadsBench.setUp(leads: leads) },
            teardown: { @MainActor in LeadsBench.tearDown() }
        )
    }

    // Moving the cursor down one row: one view-model for all iterations, so it crosses page boundaries
    // (loading the next page by key every 76 rows) as a user holding the down key does.
    Benchmark(
        "Leads 1M: cursor down one row",
        configuration: paneConfiguration,
        closure: { @MainActor (benchmark: Benchmark) async in
            guard let pane = LeadsBench.pane else { return benchmark.error("pane not opened") }
            LeadsBench.wrapNearEnd(pane)
            let before = pane.selected
            benchmark.startMeasurement()
            pane.move(.down)
            benchmark.stopMeasurement()
            if pane.selected != before + 1 { benchmark.error("cursor moved from \(before) to \(pane.selected)") }
            LeadsBench.check(pane, benchmark)
        },
        setup: { @MainActor in try LeadsBench.setUp(leads: million, pane: true) },
        teardown: { @MainActor in LeadsBench.tearDown() }
    )

    // Paging down (38 rows, a 40-row screen), on both sizes.
    for leads in [million, 10_000] {
        Benchmark(
            "Leads \(label(leads)): page down",
            configuration: paneConfiguration,
            closure: { @MainActor (benchmark: Benchmark) async in
                guard let pane = LeadsBench.pane else { return benchmark.error("pane not opened") }
                LeadsBench.wrapNearEnd(pane)
                let before = pane.selected
                benchmark.startMeasurement()
                pane.move(.pageDown)
                benchmark.stopMeasurement()
                if pane.selected != before + pane.pageSize { benchmark.error("page down moved from \(before) to \(pane.selected)") }
                LeadsBench.check(pane, benchmark)
            },
            setup: { @MainActor in try LeadsBench.setUp(leads: leads, pane: true) },
            teardown: { @MainActor in LeadsBench.tearDown() }
        )
    }

    // Jumping to the last row (from the top), and back to the first row (from the bottom).
    Benchmark(
        "Leads 1M: jump to bottom",
        configuration: paneConfiguration,
        closure: { @MainActor (benchmark: Benchmark) async in
            guard let pane = LeadsBench.pane else { return benchmark.error("pane not opened") }
            pane.move(.top)
            benchmark.startMeasurement()
            pane.move(.bottom)
            benchmark.stopMeasurement()
            if pane.selected != pane.total - 1 || pane.selectedItem == nil { benchmark.error("bottom is row \(pane.selected) of \(pane.total)") }
            LeadsBench.check(pane, benchmark)
        },
        setup: { @MainActor in try LeadsBench.setUp(leads: million, pane: true) },
        teardown: { @MainActor in LeadsBench.tearDown() }
    )
    Benchmark(
        "Leads 1M: jump to top",
        configuration: paneConfiguration,
        closure: { @MainActor (benchmark: Benchmark) async in
            guard let pane = LeadsBench.pane else { return benchmark.error("pane not opened") }
            pane.move(.bottom)
            benchmark.startMeasurement()
            pane.move(.top)
            benchmark.stopMeasurement()
            if pane.selected != 0 || pane.selectedItem == nil { benchmark.error("top is row \(pane.selected)") }
            LeadsBench.check(pane, benchmark)
        },
        setup: { @MainActor in try LeadsBench.setUp(leads: million, pane: true) },
        teardown: { @MainActor in LeadsBench.tearDown() }
    )

    // Switching status tab: cycles all, new, ..., lost (one switch per iteration).
    Benchmark(
        "Leads 1M: switch status tab",
        configuration: paneConfiguration,
        closure: { @MainActor (benchmark: Benchmark) async in
            guard let pane = LeadsBench.pane else { return benchmark.error("pane not opened") }
            let next = (pane.tabIndex + 1) % LeadTriageViewModel.tabs.count
            benchmark.startMeasurement()
            pane.selectTab(next)
            benchmark.stopMeasurement()
            if pane.tabIndex != next { benchmark.error("tab \(pane.tabIndex), expected \(next)") }
            LeadsBench.check(pane, benchmark)
        },
        setup: { @MainActor in try LeadsBench.setUp(leads: million, pane: true) },
        teardown: { @MainActor in LeadsBench.tearDown() }
    )

    // Searching a common word (a surname), a company, words few leads have together (22 of
    // 1,000,000) and a word no lead has (a typo), from a cleared search; and clearing it.
    for (word, found) in LeadsBench.searches {
        Benchmark(
            "Leads 1M: search \"\(word)\"",
            configuration: paneConfiguration,
            closure: { @MainActor (benchmark: Benchmark) async in
                guard let pane = LeadsBench.pane else { return benchmark.error("pane not opened") }
                benchmark.startMeasurement()
                pane.setSearch(word)
                benchmark.stopMeasurement()
                if found != (pane.total > 0 && pane.selectedItem != nil) { benchmark.error("\(pane.total) leads found for \(word)") }
                LeadsBench.check(pane, benchmark)
                pane.setSearch("")
            },
            setup: { @MainActor in try LeadsBench.setUp(leads: million, pane: true) },
            teardown: { @MainActor in LeadsBench.tearDown() }
        )
    }
    Benchmark(
        "Leads 1M: clear search",
        configuration: paneConfiguration,
        closure: { @MainActor (benchmark: Benchmark) async in
            guard let pane = LeadsBench.pane else { return benchmark.error("pane not opened") }
            pane.setSearch("garcia")
            benchmark.startMeasurement()
            pane.setSearch("")
            benchmark.stopMeasurement()
            if pane.search != nil || pane.selectedItem == nil { benchmark.error("search not cleared") }
            LeadsBench.check(pane, benchmark)
        },
        setup: { @MainActor in try LeadsBench.setUp(leads: million, pane: true) },
        teardown: { @MainActor in LeadsBench.tearDown() }
    )

    // Rescoring every lead of the manager's organization (800,000 of the 1,000,000) in one pass.
    // "scores change": the clock alternates between 30 days after the demo's reference day and the reference
    // day itself, so each pass rewrites every score that decay moves (and an even number of passes leaves
    // the file scored as of the reference day). "steady state": the clock stays on the reference day, so a
    // pass reads everything and writes (almost) nothing; its setup first brings the file to that state.
    let rescoreConfiguration = Benchmark.Configuration(
        metrics: [.wallClock, .peakMemoryResident, .mallocCountTotal, leadsPerSecond, scoresChanged],
        timeUnits: .milliseconds,
        warmupIterations: 0,
        maxDuration: .seconds(60),
        maxIterations: 4
    )
    Benchmark(
        "Rescore all 1M: scores change",
        configuration: rescoreConfiguration,
        closure: { @MainActor (benchmark: Benchmark) async in
            LeadsBench.passes += 1
            let days = LeadsBench.passes % 2 == 1 ? 30.0 : 0
            LeadsBench.rescore(benchmark, clock: DemoDatabases.referenceDate.addingTimeInterval(days * 86_400))
        },
        setup: { @MainActor in try LeadsBench.setUp(leads: million); LeadsBench.passes = 0 },
        teardown: { @MainActor in LeadsBench.tearDown() }
    )
    Benchmark(
        "Rescore all 1M: steady state",
        configuration: rescoreConfiguration,
        closure: { @MainActor (benchmark: Benchmark) async in
            LeadsBench.rescore(benchmark, clock: DemoDatabases.referenceDate)
        },
        setup: { @MainActor in
            try LeadsBench.setUp(leads: million)
            guard let (database, session) = LeadsBench.opened else { return }
            let clock = DemoDatabases.referenceDate
            _ = try ScoringService(database: database, clock: { clock }).rescoreAll(in: session)
        },
        teardown: { @MainActor in LeadsBench.tearDown() }
    )

    // Filtered by an attribute value, on 1,000,000 imported leads with 20 attributes (AttributeFilterBenchmarks.swift).
    attributeFilterBenchmarks(paneConfiguration)
    postgresLeadsBenchmarks(paneConfiguration)

    // Learning a score and rescoring with it (LearnedScoreBenchmarks.swift).
    learnedScoreBenchmarks()
}

private func label(_ leads: Int) -> String { leads >= 1_000_000 ? "\(leads / 1_000_000)M" : "\(leads / 1_000)k" }

/// What the benchmarks of one process share (each benchmark's setup fills it, its teardown empties it).
@MainActor
enum LeadsBench {
    /// The searches timed at 1M leads on both stores, and whether each finds leads.
    nonisolated static let searches: [(String, Bool)] = [("garcia", true), ("hooli", true), ("ingrid johnson hooli", true), ("zzqx", false)]
    static var opened: (AppDatabase, Session)?
    static var pane: LeadTriageViewModel?
    static var passes = 0

    /// Opens the demo of `leads` leads and, when asked, the pane on it with a 40-row screen's page size.
    static func setUp(leads: Int, pane withPane: Bool = false) throws {
        let (database, session) = try DemoDatabases.open(leads: leads)
        opened = (database, session)
        guard withPane else { return }
        let pane = LeadTriageViewModel(database: database, session: session, visibleRows: 38)
        guard pane.message == nil, pane.total > 0, pane.selectedItem != nil else {
            throw BenchProblem(description: "the pane opened with \(pane.total) leads: \(pane.message ?? "no message")")
        }
        self.pane = pane
    }

    static func tearDown() {
        pane = nil
        opened = nil
    }

    /// Reports an operation's error (the view-model turns failures into its status message).
    static func check(_ pane: LeadTriageViewModel, _ benchmark: Benchmark) {
        if let message = pane.message { benchmark.error("the pane says: \(message)") }
    }

    /// Goes back to the top when the cursor nears the end (never reached with the default iteration counts).
    static func wrapNearEnd(_ pane: LeadTriageViewModel) {
        if pane.selected + 2 * pane.pageSize >= pane.total { pane.move(.top) }
    }

    /// One `rescoreAll` pass as of `clock`, reporting leads per second and the scores written.
    static func rescore(_ benchmark: Benchmark, clock: Date) {
        guard let (database, session) = opened else { return benchmark.error("database not opened") }
        let scoring = ScoringService(database: database, clock: { clock })
        do {
            let start = ContinuousClock.now
            benchmark.startMeasurement()
            let result = try scoring.rescoreAll(in: session, progress: { _, _ in true })
            benchmark.stopMeasurement()
            let seconds = (ContinuousClock.now - start) / .seconds(1)
            benchmark.measurement(leadsPerSecond, Int((Double(result.leadsScanned) / seconds).rounded()))
            benchmark.measurement(scoresChanged, result.scoresChanged)
            if !result.completed || result.leadsScanned == 0 { benchmark.error("rescoring stopped: \(result)") }
        } catch {
            benchmark.error("rescoring failed: \(error)")
        }
    }
}
