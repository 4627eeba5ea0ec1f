import BenchSupport
import Benchmark
import Foundation
import FunnelServices
import FunnelStore
import FunnelViewModels

/// The Leads pane filtered by an attribute value (issue 14), on the 1,000,000 leads with 20
/// attributes imported once from scripts/leads-with-attributes.py's file (`AttributeFiles`; the
/// first run imports it, about 2 minutes). Registered by LeadsBenchmarks.swift.
///
/// One value per share of the leads, since the store reads a page differently by share: a common
/// value is tested lead by lead down the ranking (a point lookup in the value index per lead, so a
/// page costs about 76 / share lookups), a value with fewer than 300 leads is read from the value
/// index and ranked. The shares are those of the generated file (uniform draws, fixed seed).
let attributeFilterValues: [(label: String, name: String, value: AttributeValue)] = [
    ("marital = married (33%)", "marital", .text("married")),
    ("job = management (8%)", "job", .text("management")),
    ("age = 95 (1.3%)", "age", .number(95)),
    ("visits = 12.3 (0.33%)", "visits", .number(12.3)),
    ("pdays = 400 (322 leads)", "pdays", .number(400)),
    ("pdays = 657 (259 leads)", "pdays", .number(657)),
]

func attributeFilterBenchmarks(_ paneConfiguration: Benchmark.Configuration) {
    for choice in attributeFilterValues {
        // Setting the filter from none (the `f` key's choice): the capped count and the first window.
        Benchmark(
            "Leads 1M attributes: filter \(choice.label): set filter",
            configuration: paneConfiguration,
            closure: { @MainActor (benchmark: Benchmark) async in
                guard let pane = LeadsBench.pane, let filter = AttributeBench.filter else { return benchmark.error("pane not opened") }
                pane.filter(attribute: nil)
                benchmark.startMeasurement()
                pane.filter(attribute: filter)
                benchmark.stopMeasurement()
                if pane.total == 0 || pane.selectedItem == nil { benchmark.error("no lead has \(choice.label)") }
                LeadsBench.check(pane, benchmark)
            },
            setup: { @MainActor in try AttributeBench.setUp(choice.name, choice.value) },
            teardown: { @MainActor in AttributeBench.tearDown() }
        )
        // Holding the down key: one view-model, so every 76th press loads the next page by key.
        Benchmark(
            "Leads 1M attributes: filter \(choice.label): cursor down one row",
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
            setup: { @MainActor in try AttributeBench.setUp(choice.name, choice.value, filtered: true) },
            teardown: { @MainActor in AttributeBench.tearDown() }
        )
        // Paging down (38 rows, a 40-row screen): a page of 76 rows is loaded every other press.
        Benchmark(
            "Leads 1M attributes: filter \(choice.label): page down",
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
            setup: { @MainActor in try AttributeBench.setUp(choice.name, choice.value, filtered: true) },
            teardown: { @MainActor in AttributeBench.tearDown() }
        )
    }
}

/// The attribute filter of the running benchmark (its setup fills it, its teardown empties it).
@MainActor
enum AttributeBench {
    static var filter: AttributeFilter?

    /// Opens the imported database and the pane on it (40-row screen), and finds the attribute;
    /// `filtered`: with the filter set.
    static func setUp(_ name: String, _ value: AttributeValue, filtered: Bool = false) throws {
        let (database, session) = try AttributeFiles.imported()
        let attributes = try database.snapshot { try $0.leadAttributes(orgId: session.orgId) }
        guard let attribute = attributes.first(where: { $0.name == name }), attribute.indexed else {
            throw BenchProblem(description: "\(AttributeFiles.importedPath) has no indexed attribute \(name): \(attributes.map(\.name))")
        }
        let filter = AttributeFilter(attributeId: attribute.id, name: name, value: value)
        LeadsBench.opened = (database, session)
        let pane = LeadTriageViewModel(database: database, session: session, visibleRows: 38)
        if filtered { pane.filter(attribute: filter) }
        guard pane.message == nil, pane.total > 0, pane.selectedItem != nil else {
            throw BenchProblem(description: "the pane opened with \(pane.total) leads: \(pane.message ?? "no message")")
        }
        LeadsBench.pane = pane
        self.filter = filter
    }

    static func tearDown() {
        filter = nil
        LeadsBench.tearDown()
    }
}
