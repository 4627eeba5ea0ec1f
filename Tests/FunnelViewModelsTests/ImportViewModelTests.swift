import Foundation
import FunnelServices
import FunnelStore
import FunnelTestSupport
@testable import FunnelViewModels
import Testing

/// The import's columns in the TUI (issue #14): each column's fate with samples from the first rows,
/// changed by the user, and the import doing what the columns said (a real SQLite file).
@MainActor
@Suite struct ImportViewModelTests {
    let folder: TemporaryFolder
    let workspace: TestWorkspace

    init() throws {
        folder = try TemporaryFolder()
        workspace = try TestWorkspace.make(database: try AppDatabase.open(path: folder.file("import.sqlite")))
    }

    /// A file with no email or phone column: its leads are known by an id column.
    static let prospects = """
        Prospect ID,Visits,Country,Notes,Converted
        p-1,5,India,,1
        p-2,12,,call back,0
        p-3,3,India,,1

        """

    func model(_ text: String = prospects, name: String = "prospects.csv") throws -> ImportViewModel {
        let path = folder.file(name)
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        let model = ImportViewModel(database: workspace.database, session: workspace.admin, clock: { TestWorkspace.now })
        model.preview(file: path, entity: .leads, mode: .create, dateFormat: .iso)
        return model
    }

    func columns(_ model: ImportViewModel) throws -> ImportPreview {
        guard case .columns(let preview) = model.stage else {
            Issue.record("not on the columns: \(model.stage)")
            throw CancellationError()
        }
        return preview
    }

    func select(_ name: String, in model: ImportViewModel) throws {
        let index = try #require(try columns(model).columns.firstIndex { $0.name == name })
        model.moveColumn(by: index - model.selectedColumn)
    }

    func choose(_ label: String, for name: String, in model: ImportViewModel) throws {
        try select(name, in: model)
        model.choose(try #require(model.fateChoices.first { $0.label == label }))
    }

    /// Waits for the run (dry run or import) the model started.
    func finish(_ model: ImportViewModel) async {
        await model.task?.value
    }

    @Test func theColumnsShowEachFateWithSamplesAndTheHeadersProblem() throws {
        let model = try model()
        let preview = try columns(model)
        #expect(preview.columns.map(\.name) == ["Prospect ID", "Visits", "Country", "Notes", "Converted"])
        #expect(preview.rowsSampled == 3)
        #expect(preview.isWholeFile)
        #expect(preview.delimiter == ",")
        let visits = preview.columns[1]
        #expect(visits.fate == .attribute(AttributeColumn("Visits", kind: .number, scoring: true)))
        #expect(visits.kindFromSample)
        #expect(visits.samples == ["5", "12", "3"])
        #expect(preview.columns[2].samples == ["India"])
        #expect(preview.columns[2].emptyCount == 1)
        #expect(preview.columns[3].emptyCount == 2)
        #expect(preview.columns[4].fate == .field(.outcome))
        #expect(model.describe(visits) == "attribute number (read from all 3 rows)")
        // No email, no phone, no key yet: the import would refuse the header.
        #expect(preview.problems.count == 1)
        #expect(preview.problems.first?.contains("no email or phone column") == true)
        model.check()
        #expect(model.message?.hasPrefix("Not checked: ") == true)
        #expect(try columns(model) == preview)
    }

    @Test func theSamplesComeFromTheFirstRowsOnly() throws {
        var text = "email,Plan\n"
        for index in 0..<(ImportPreview.sampleRows + 50) { text += "p\(index)@example.com,\(index < 10 ? "\(index % 2)" : "gold")\n" }
        let model = try model(text, name: "many.csv")
        let preview = try columns(model)
        #expect(preview.rowsSampled == ImportPreview.sampleRows)
        #expect(!preview.isWholeFile)
        #expect(preview.sampledRowsText == "the first 200 rows")
        #expect(preview.columns[1].samples == ["0", "1", "gold"])
        #expect(preview.columns[1].fate == .attribute(AttributeColumn("Plan", kind: .text, scoring: true)))
    }

    @Test func eachChangeOfFateBecomesTheMapAndNamesTheColumn() throws {
        let model = try model()
        try select("Prospect ID", in: model)
        model.toggleKey()
        #expect(model.options.key == "Prospect ID")
        #expect(try columns(model).columns[0].isKey)
        #expect(try columns(model).problems.isEmpty)
        #expect(model.message == "\"Prospect ID\" is now the key (external_id: duplicates and updates go by it) (was attribute text (read from all 3 rows))")

        try choose("attribute text", for: "Visits", in: model)
        #expect(model.message == "\"Visits\" now: attribute text (was attribute number (read from all 3 rows))")
        #expect(try columns(model).columns[1].fate == .attribute(AttributeColumn("Visits", kind: .text, scoring: true)))
        #expect(try !columns(model).columns[1].kindFromSample)

        try select("Notes", in: model)
        model.cycleFate(by: -1)  // from "kind read from its values" back round to the last fate of the list
        model.cycleFate(by: 1)
        #expect(try columns(model).columns[3].fate == .attribute(AttributeColumn("Notes", kind: .text, scoring: true)))
        try choose("ignore", for: "Notes", in: model)
        #expect(model.message == "\"Notes\" now: ignored (was attribute text (read from all 3 rows))")

        try choose("attribute, not scored", for: "Country", in: model)
        #expect(try columns(model).columns[2].fate == .attribute(AttributeColumn("Country", kind: .text, scoring: false)))

        let rules = model.options.map.rules.map { "\($0.column) = \($0.written)" }
        #expect(rules == ["Visits = attribute text", "Notes = ignore", "Country = attribute, not scored"])
        #expect(model.options.map.rules.map(\.target) == [
            .attribute(kind: .text, scoring: true), .ignore, .attribute(kind: nil, scoring: false),
        ])

        // Back to what the header gives.
        try select("Notes", in: model)
        model.resetColumn()
        #expect(!model.options.map.places("Notes"))
        #expect(model.message == "\"Notes\" now: attribute text (read from all 3 rows) (as its header gives) (was ignored)")
        // The key, off again: the problem is back.
        try select("Prospect ID", in: model)
        model.toggleKey()
        #expect(model.options.key == nil)
        #expect(try columns(model).problems.count == 1)
    }

    @Test func aFieldTwoColumnsWantIsAProblemUntilOneMoves() throws {
        let model = try model()
        try select("Prospect ID", in: model)
        model.toggleKey()
        try choose("lead field: outcome", for: "Visits", in: model)
        let preview = try columns(model)
        #expect(preview.problems.first?.contains("\"Visits\" and \"Converted\" both map to outcome") == true)
        // Each column still shows what it alone would be.
        #expect(preview.columns[1].fate == .field(.outcome))
        #expect(preview.columns[4].fate == .field(.outcome))
        #expect(model.message?.contains("; but line 1: the columns") == true)
        model.check()
        #expect(model.message?.hasPrefix("Not checked:") == true)
        try choose("ignore", for: "Converted", in: model)
        #expect(try columns(model).problems.isEmpty)
    }

    /// An import runs on a thread of its own; stopping it (Esc) rolls it back whole, even when it
    /// was asked before the thread began.
    @Test func stoppingAnImportWritesNothing() async throws {
        let rows = (0..<20_000).map { "Person \($0),person\($0)@stop.example,website" }
        let model = try model("name,email,source\n" + rows.joined(separator: "\n") + "\n", name: "stop.csv")
        let before = try workspace.database.snapshot { try $0.leadCount(orgId: workspace.admin.orgId, filter: LeadFilter(), cap: 100_000) }
        model.check()
        await finish(model)
        guard case .preview(let report) = model.stage else {
            Issue.record("no preview: \(model.stage)")
            return
        }
        #expect(report.created == 20_000)
        model.confirm()
        let running = try #require(model.task)
        model.stop()
        #expect(model.stage == .failed("Stopped the import: nothing was written"))
        await running.value  // the thread ended: rolled back, or (were the stop lost) committed
        #expect(try workspace.database.snapshot { try $0.leadCount(orgId: workspace.admin.orgId, filter: LeadFilter(), cap: 100_000) } == before)
    }

    @Test func theImportDoesWhatTheColumnsSaid() async throws {
        let model = try model()
        try select("Prospect ID", in: model)
        model.toggleKey()
        try choose("attribute text", for: "Visits", in: model)
        try choose("ignore", for: "Notes", in: model)
        try choose("attribute, not scored", for: "Country", in: model)
        model.check()
        await finish(model)
        guard case .preview(let report) = model.stage else {
            Issue.record("no preview: \(model.stage)")
            return
        }
        #expect(report.created == 3)
        #expect(report.mapping.contains("Visits -> attribute text"))
        #expect(report.mapping.contains("Notes -> (ignored)"))
        #expect(try workspace.database.snapshot { try $0.leads(orgId: workspace.admin.orgId, filter: LeadFilter(), limit: 100).count } == 1)

        // Back to the columns and forth again: the changes are kept.
        model.backToColumns()
        #expect(try columns(model).columns[3].fate == .ignored)
        model.check()
        await finish(model)
        model.confirm()
        await finish(model)
        guard case .done(let done) = model.stage else {
            Issue.record("not imported: \(model.stage)")
            return
        }
        #expect(done.created == 3)
        let leads = try workspace.database.snapshot { try $0.leads(orgId: workspace.admin.orgId, filter: LeadFilter(), limit: 100).map(\.lead) }
        let lead = try #require(leads.first { $0.externalId == "p-2" })
        #expect(lead.status == .lost)
        let values = try workspace.database.snapshot { try $0.attributes(ofLead: lead.id ?? 0, orgId: workspace.admin.orgId) }
        #expect(values.map(\.attribute.name) == ["Visits"])
        #expect(values.first?.value == .text("12"))
        let india = try #require(leads.first { $0.externalId == "p-1" })
        let country = try workspace.database.snapshot { try $0.attributes(ofLead: india.id ?? 0, orgId: workspace.admin.orgId) }
            .first { $0.attribute.name == "Country" }
        #expect(country?.value == .text("India"))
        #expect(country?.attribute.scoring == false)
    }
}
