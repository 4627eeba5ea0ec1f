import Benchmark
import Foundation
import FunnelServices
import FunnelStore
import FunnelViewModels

/// The Leads pane on the team mode's store (issue 17): the same keys as "Leads 1M", on the
/// 1,000,000-lead demo moved into a PostgreSQL server with `funnel migrate`, signed in as the
/// demo manager's own login (row-level security on every query). Registered only when
/// `FUNNEL_BENCH_PG_URL` names that server (Benchmarks/postgres-leads.sh sets it up).
func postgresLeadsBenchmarks(_ paneConfiguration: Benchmark.Configuration) {
    guard let url = ProcessInfo.processInfo.environment["FUNNEL_BENCH_PG_URL"], !url.isEmpty else { return }
    func pane(_ name: String, _ body: @escaping @MainActor (LeadTriageViewModel, Benchmark) -> Void) {
        Benchmark(
            "Leads 1M PostgreSQL: \(name)",
            configuration: paneConfiguration,
            closure: { @MainActor (benchmark: Benchmark) async in
                guard let pane = PostgresLeadsBench.pane else { return benchmark.error("pane not opened") }
                body(pane, benchmark)
                if let message = pane.message { benchmark.error("the pane says: \(message)") }
            },
            setup: { @MainActor in try PostgresLeadsBench.setUp(url: url, pane: true) },
            teardown: { @MainActor in PostgresLeadsBench.tearDown() }
        )
    }

    Benchmark(
        "Leads 1M PostgreSQL: open pane",
        configuration: paneConfiguration,
        closure: { @MainActor (benchmark: Benchmark) async in
            guard let (store, session) = PostgresLeadsBench.opened else { return benchmark.error("store not opened") }
            benchmark.startMeasurement()
            let pane = LeadTriageViewModel(database: store, session: session)
            benchmark.stopMeasurement()
            if let message = pane.message { benchmark.error("the pane says: \(message)") }
            blackHole(pane)
        },
        setup: { @MainActor in try PostgresLeadsBench.setUp(url: url) },
        teardown: { @MainActor in PostgresLeadsBench.tearDown() }
    )
    pane("cursor down one row") { pane, benchmark in
        if pane.selected + 2 * pane.pageSize >= pane.total { pane.move(.top) }
        let before = pane.selected
        benchmark.startMeasurement()
        pane.move(.down)
        benchmark.stopMeasurement()
        if pane.selected != before + 1 { benchmark.error("cursor moved from \(before) to \(pane.selected)") }
    }
    pane("page down") { pane, benchmark in
        if pane.selected + 2 * pane.pageSize >= pane.total { pane.move(.top) }
        let before = pane.selected
        benchmark.startMeasurement()
        pane.move(.pageDown)
        benchmark.stopMeasurement()
        if pane.selected != before + pane.pageSize { benchmark.error("page down moved from \(before) to \(pane.selected)") }
    }
    pane("jump to bottom") { pane, benchmark in
        pane.move(.top)
        benchmark.startMeasurement()
        pane.move(.bottom)
        benchmark.stopMeasurement()
        if pane.selected != pane.total - 1 { benchmark.error("at \(pane.selected) of \(pane.total)") }
    }
    pane("switch status tab") { pane, benchmark in
        let next = (pane.tabIndex + 1) % LeadTriageViewModel.tabs.count
        benchmark.startMeasurement()
        pane.selectTab(next)
        benchmark.stopMeasurement()
        if pane.tabIndex != next { benchmark.error("tab \(pane.tabIndex), expected \(next)") }
    }
    for (word, found) in LeadsBench.searches {
        pane("search \"\(word)\"") { pane, benchmark in
            benchmark.startMeasurement()
            pane.setSearch(word)
            benchmark.stopMeasurement()
            if found != (pane.total > 0 && pane.selectedItem != nil) { benchmark.error("\(pane.total) leads found for \(word)") }
            pane.setSearch("")
        }
    }
    pane("clear search") { pane, benchmark in
        pane.setSearch("garcia")
        benchmark.startMeasurement()
        pane.setSearch("")
        benchmark.stopMeasurement()
        if pane.search != nil || pane.selectedItem == nil { benchmark.error("search not cleared") }
    }
}

enum PostgresLeadsBench {
    @MainActor static var opened: (any Store, Session)?
    @MainActor static var pane: LeadTriageViewModel?

    /// Opens the server's store as the URL's login (the demo manager) and, when asked, the pane.
    @MainActor static func setUp(url: String, pane withPane: Bool = false) throws {
        let store = try StoreLocation(url).openStore(create: false)
        let session = try IdentityService(database: store).signIn(email: nil, password: nil)
        opened = (store, session)
        guard withPane else { return }
        let pane = LeadTriageViewModel(database: store, session: session, visibleRows: 38)
        guard pane.message == nil, pane.total > 0, pane.selectedItem != nil else {
            throw BenchSetupProblem(description: "the pane opened with \(pane.total) leads: \(pane.message ?? "no message")")
        }
        self.pane = pane
    }

    @MainActor static func tearDown() {
        pane = nil
        opened = nil
    }
}

struct BenchSetupProblem: Error, CustomStringConvertible {
    var description: String
}
