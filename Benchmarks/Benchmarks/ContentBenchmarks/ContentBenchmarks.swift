import BenchSupport
import Benchmark
import Foundation
import FunnelServices
import FunnelStore
import FunnelViewModels

/// Benchmarks of the Calendar and Approvals view-models on a demo workspace whose manager's
/// organization holds 50,000 content items (`funnel demo --leads 10000 --content 62500`: Northwind
/// has 80% of them), spread over three months either side of a fixed "today" (2026-01-01): about
/// 8,000 items a month, 250 a day. Each closure times one user action, as the pane runs it.
let benchmarks: @Sendable () -> Void = {
    let configuration = Benchmark.Configuration(
        metrics: [.wallClock, .mallocCountTotal, .peakMemoryResident],
        timeUnits: .microseconds,
        warmupIterations: 5,
        maxDuration: .seconds(5),
        maxIterations: 5_000
    )

    // Opening the Calendar: a month of day counts and first items, and today's agenda.
    Benchmark(
        "Calendar 50k: open pane (month)",
        configuration: configuration,
        closure: { @MainActor (benchmark: Benchmark) async in
            guard let (database, session) = ContentBench.opened else { return benchmark.error("database not opened") }
            benchmark.startMeasurement()
            let pane = ContentBench.calendar(database, session)
            benchmark.stopMeasurement()
            ContentBench.check(pane, benchmark)
            blackHole(pane)
        },
        setup: { @MainActor in try ContentBench.setUp() },
        teardown: { @MainActor in ContentBench.tearDown() }
    )

    // Moving to the next (or previous) day within the month: the new day's agenda.
    Benchmark(
        "Calendar 50k: move a day",
        configuration: configuration,
        closure: { @MainActor (benchmark: Benchmark) async in
            guard let pane = ContentBench.calendarPane else { return benchmark.error("pane not opened") }
            let step = ContentBench.flip() ? 1 : -1
            let before = pane.selectedDay
            benchmark.startMeasurement()
            pane.moveDay(by: step)
            benchmark.stopMeasurement()
            if pane.selectedDay == before || pane.agenda.isEmpty { benchmark.error("the day did not move, or has no items") }
            ContentBench.check(pane, benchmark)
        },
        setup: { @MainActor in try ContentBench.setUp(panes: true) },
        teardown: { @MainActor in ContentBench.tearDown() }
    )

    // The next (or previous) month: its day counts, first items, and the agenda.
    Benchmark(
        "Calendar 50k: switch month",
        configuration: configuration,
        closure: { @MainActor (benchmark: Benchmark) async in
            guard let pane = ContentBench.calendarPane else { return benchmark.error("pane not opened") }
            let step = ContentBench.flip() ? 1 : -1
            benchmark.startMeasurement()
            pane.shiftPeriod(by: step)
            benchmark.stopMeasurement()
            if pane.counts.values.reduce(0, +) < 5_000 { benchmark.error("the month holds only \(pane.counts.values.reduce(0, +)) items") }
            ContentBench.check(pane, benchmark)
        },
        setup: { @MainActor in try ContentBench.setUp(panes: true) },
        teardown: { @MainActor in ContentBench.tearDown() }
    )

    // A filter on the month: counts of one type, still from the index alone.
    Benchmark(
        "Calendar 50k: filter by type",
        configuration: configuration,
        closure: { @MainActor (benchmark: Benchmark) async in
            guard let pane = ContentBench.calendarPane else { return benchmark.error("pane not opened") }
            benchmark.startMeasurement()
            pane.cycleType()
            benchmark.stopMeasurement()
            ContentBench.check(pane, benchmark)
        },
        setup: { @MainActor in try ContentBench.setUp(panes: true) },
        teardown: { @MainActor in ContentBench.tearDown() }
    )

    // Opening the Approvals pane: the queue's first page by key and the oldest item's preview.
    Benchmark(
        "Approvals 50k: open pane",
        configuration: configuration,
        closure: { @MainActor (benchmark: Benchmark) async in
            guard let (database, session) = ContentBench.opened else { return benchmark.error("database not opened") }
            benchmark.startMeasurement()
            let pane = ApprovalsViewModel(database: database, session: session, clock: { ContentBench.referenceDate }, calendar: ContentBench.utc)
            benchmark.stopMeasurement()
            if pane.queue.total < 1_000 || pane.preview == nil { benchmark.error("the queue holds \(pane.queue.total) items") }
            blackHole(pane)
        },
        setup: { @MainActor in try ContentBench.setUp() },
        teardown: { @MainActor in ContentBench.tearDown() }
    )

    // Moving down the queue one item: the next page when needed, and the new preview.
    Benchmark(
        "Approvals 50k: next item",
        configuration: configuration,
        closure: { @MainActor (benchmark: Benchmark) async in
            guard let pane = ContentBench.approvalsPane else { return benchmark.error("pane not opened") }
            if pane.queue.selected + 2 >= pane.queue.total { pane.move(.top) }
            let before = pane.queue.selected
            benchmark.startMeasurement()
            pane.move(.down)
            benchmark.stopMeasurement()
            if pane.queue.selected != before + 1 || pane.preview == nil { benchmark.error("the selection did not move from \(before)") }
        },
        setup: { @MainActor in try ContentBench.setUp(panes: true) },
        teardown: { @MainActor in ContentBench.tearDown() }
    )
}

/// What the benchmarks of one process share.
@MainActor
enum ContentBench {
    static var opened: (AppDatabase, Session)?
    static var calendarPane: CalendarViewModel?
    static var approvalsPane: ApprovalsViewModel?
    static var direction = false
    static let path = DemoDatabases.directory + "/content-50k.sqlite"
    static let content = 62_500
    nonisolated static let referenceDate = DemoDatabases.referenceDate
    static let utc: Calendar = {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        return calendar
    }()

    static func calendar(_ database: AppDatabase, _ session: Session) -> CalendarViewModel {
        // Four item lines a day, as on a 120x40 screen.
        CalendarViewModel(database: database, session: session, clock: { referenceDate }, calendar: utc, firstWeekday: 2, linesPerDay: 4)
    }

    static func flip() -> Bool {
        direction.toggle()
        return direction
    }

    static func setUp(panes withPanes: Bool = false) throws {
        let (database, session) = try open()
        opened = (database, session)
        guard withPanes else { return }
        let pane = calendar(database, session)
        pane.reload()
        guard pane.message == nil, pane.counts.values.reduce(0, +) >= 5_000, !pane.agenda.isEmpty else {
            throw BenchProblem(description: "the calendar opened with \(pane.counts.values.reduce(0, +)) items: \(pane.message ?? "no message")")
        }
        calendarPane = pane
        let approvals = ApprovalsViewModel(database: database, session: session, clock: { referenceDate }, calendar: utc)
        approvals.resize(visibleRows: 36)
        approvalsPane = approvals
    }

    /// Opens the demo (building it the first time).
    static func open() throws -> (AppDatabase, Session) {
        try DemoDatabases.open(path: path, options: DemoOptions(leads: 10_000, seed: 42, referenceDate: referenceDate, content: content))
    }

    static func tearDown() {
        calendarPane = nil
        approvalsPane = nil
        opened = nil
    }

    static func check(_ pane: CalendarViewModel, _ benchmark: Benchmark) {
        if let message = pane.message { benchmark.error("the pane says: \(message)") }
    }
}

