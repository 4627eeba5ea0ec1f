import Foundation
import FunnelServices
import FunnelStore

/// Importing a CSV file from the TUI: the choices, the file's columns (each one's fate, with sample
/// values from its first rows, changed by the user: the changes become the import's map and key),
/// a dry run shown as a preview, then (confirmed) the import itself. Both runs work off the main
/// thread and report progress; Esc stops either, and a stopped import leaves the database as it was
/// (it is one transaction).
@MainActor
public final class ImportViewModel {
    public enum Stage: Sendable, Equatable {
        /// Asking for the file and the options.
        case choosing
        /// The file's columns and what the import would make of each, from its first rows.
        case columns(ImportPreview)
        /// A run in progress (a dry run, or the import).
        case running(dryRun: Bool)
        /// The dry run's report: what the import would do.
        case preview(RecordImportReport)
        /// The import's report.
        case done(RecordImportReport)
        /// Why the file could not be read or imported.
        case failed(String)
    }

    public let session: Session
    let service: RecordImportService
    public private(set) var stage: Stage = .choosing {
        didSet { revision += 1 }
    }
    /// Counts changes of stage (cheap to compare, unlike a report of 100,000 bad rows).
    public private(set) var revision = 0
    public private(set) var file = ""
    public private(set) var options = RecordImportOptions(entity: .leads)
    /// Rows read, bytes read and the file's size, as the running import last reported them.
    public private(set) var progress = (rows: 0, bytes: Int64(0), total: Int64(0))
    public private(set) var startedAt = Date()
    /// The running import's progress and stop flag (a new one for each run, so that a stopped run
    /// stays stopped whatever runs next).
    var box = ProgressBox()
    var task: Task<Void, Never>?
    /// Bumped when a run is stopped, so its late result is dropped.
    var generation = 0
    /// Called after an import wrote rows (the panes reload).
    public var onImported: (@MainActor () -> Void)?
    /// The column the user is on (the columns stage).
    public private(set) var selectedColumn = 0
    /// What the last change of the columns did, naming the column; or why a key did nothing.
    public private(set) var message: String?
    /// The columns as last read (to come back to them from the dry run's report).
    public private(set) var columnsPreview: ImportPreview?

    public init(database: any Store, session: Session, clock: @escaping @Sendable () -> Date = WallClock.now) {
        self.session = session
        service = RecordImportService(database: database, clock: clock)
    }

    /// Whether the user may import at all.
    public var canImport: Bool { session.can(.dataImport) }

    /// Reads the file's header and first rows: the columns and their fates (nothing is written).
    public func preview(file: String, entity: ImportEntity, mode: ImportMode, dateFormat: ImportDateFormat) {
        let path = (file.trimmingCharacters(in: .whitespaces) as NSString).expandingTildeInPath
        guard !path.isEmpty else { stage = .failed("give the path of a CSV file"); return }
        self.file = path
        options = RecordImportOptions(entity: entity, mode: mode, dateFormat: dateFormat, dryRun: true)
        selectedColumn = 0
        message = nil
        readColumns()
    }

    /// Reads the columns again with the current map and key.
    func readColumns() {
        do {
            let preview = try service.preview(file: file, options: options, in: session)
            columnsPreview = preview
            selectedColumn = min(selectedColumn, max(0, preview.columns.count - 1))
            stage = .columns(preview)
        } catch {
            columnsPreview = nil
            stage = .failed("\(error)")
        }
    }

    /// Checks the import with the columns as they are now: a dry run, writing nothing (its report
    /// is the preview `y` imports from). Refused while the header has a problem.
    public func check() {
        guard case .columns(let preview) = stage else { return }
        if let problem = preview.problems.first {
            message = "Not checked: \(problem)"
            return
        }
        message = nil
        options.dryRun = true
        run()
    }

    /// From the dry run's report (or its failure) back to the columns, to change them.
    public func backToColumns() {
        guard columnsPreview != nil else { return }
        switch stage {
        case .preview, .failed:
            message = nil
            readColumns()
        default:
            break
        }
    }

    // MARK: - The columns' fates

    /// A fate the user can give a column.
    public struct FateChoice: Sendable, Equatable {
        public let fate: ColumnFate
        public let label: String
    }

    /// The fates a column of this import can have: for leads an attribute (its kind read from its
    /// values, or given), an attribute kept out of scoring, ignored, or a lead field; for contacts
    /// and deals ignored or a field.
    public var fateChoices: [FateChoice] {
        var choices: [FateChoice] = []
        if options.entity == .leads {
            choices.append(FateChoice(fate: .attribute(AttributeColumn("", kind: nil)), label: "attribute (kind read from its values)"))
            for kind in AttributeKind.allCases {
                choices.append(FateChoice(fate: .attribute(AttributeColumn("", kind: kind)), label: "attribute \(kind.label)"))
            }
            choices.append(FateChoice(fate: .attribute(AttributeColumn("", kind: nil, scoring: false)), label: "attribute, not scored"))
        }
        choices.append(FateChoice(fate: .ignored, label: "ignore"))
        for field in ImportField.fields(of: options.entity) {
            let label = field == .externalId ? "external_id (the lead's key, --key)" : field.rawValue
            choices.append(FateChoice(fate: .field(field), label: "\(options.entity.singular) field: \(label)"))
        }
        return choices
    }

    /// The choice a column's fate is (an attribute whose kind was read from samples is the
    /// "kind read from its values" one; a kind kept out of scoring is "not scored").
    public func choiceIndex(of column: ImportPreview.Column) -> Int? {
        let choices = fateChoices
        switch column.fate {
        case .attribute(let attribute):
            let kind = column.kindFromSample ? nil : attribute.kind
            return choices.firstIndex { choice in
                guard case .attribute(let other) = choice.fate else { return false }
                return attribute.scoring ? other.scoring && other.kind == kind : !other.scoring
            }
        default:
            return choices.firstIndex { $0.fate == column.fate }
        }
    }

    /// Says something on the screen (a key refused, and why).
    public func note(_ text: String) {
        message = text
        revision += 1
    }

    /// The column the user is on, when the columns are shown.
    public var currentColumn: ImportPreview.Column? {
        guard case .columns(let preview) = stage, preview.columns.indices.contains(selectedColumn) else { return nil }
        return preview.columns[selectedColumn]
    }

    /// Moves to another column.
    public func moveColumn(by step: Int) {
        guard case .columns(let preview) = stage, !preview.columns.isEmpty else { return }
        selectedColumn = max(0, min(preview.columns.count - 1, selectedColumn + step))
        revision += 1
    }

    /// Gives the column the next (or, -1, the previous) fate of `fateChoices`.
    public func cycleFate(by step: Int) {
        guard let column = currentColumn else { return }
        let choices = fateChoices
        let index = choiceIndex(of: column) ?? 0
        choose(choices[((index + step) % choices.count + choices.count) % choices.count])
    }

    /// Gives the column the user is on a fate: the map the import gets says so (the lead field
    /// external_id makes it the key, as `--key` does).
    public func choose(_ choice: FateChoice) {
        guard let column = currentColumn else { return }
        if options.entity == .leads, choice.fate == .field(.externalId) {
            makeKey(column)
            return
        }
        if names(options.key, column) { options.key = nil }
        var fate = choice.fate
        if case .attribute(var attribute) = fate {
            attribute.name = column.name
            fate = .attribute(attribute)
        }
        options.map.send(column.name, to: fate)
        readColumns()
        say(column, was: column)
    }

    /// Makes the column the lead's key (`--key`: kept as the external id; duplicates and updates
    /// go by it), or, on the key, makes it an ordinary column again.
    public func toggleKey() {
        guard let column = currentColumn else { return }
        guard options.entity == .leads else {
            message = "Only leads have a key column (--key): \(options.entity.rawValue) are found by \(options.entity == .deals ? "external_ref" : "email or phone")"
            revision += 1
            return
        }
        if !column.isKey {
            makeKey(column)
            return
        }
        if names(options.key, column) {
            options.key = nil
        } else {
            options.map.send(column.name, to: .attribute(AttributeColumn(column.name, kind: nil)))
        }
        readColumns()
        say(column, was: column)
    }

    /// Gives the column back the fate its header gives (forgets the changes made to it).
    public func resetColumn() {
        guard let column = currentColumn else { return }
        guard options.map.places(column.name) || names(options.key, column) else {
            message = "\"\(column.name)\" already has the fate its header gives (\(describe(column)))"
            revision += 1
            return
        }
        options.map.forget(column.name)
        if names(options.key, column) { options.key = nil }
        readColumns()
        say(column, was: column, suffix: " (as its header gives)")
    }

    func makeKey(_ column: ImportPreview.Column) {
        options.key = column.name
        options.map.forget(column.name)
        readColumns()
        say(column, was: column)
    }

    func names(_ key: String?, _ column: ImportPreview.Column) -> Bool {
        guard let key, key != ImportMapping.lineKey else { return false }
        return key.trimmingCharacters(in: .whitespaces).lowercased() == column.name.lowercased()
    }

    /// The message after a change: the column, its fate now and before.
    func say(_ column: ImportPreview.Column, was before: ImportPreview.Column, suffix: String = "") {
        guard case .columns(let preview) = stage, let now = preview.columns.first(where: { $0.name == column.name }) else { return }
        let what = describe(now)
        message = "\"\(column.name)\" \(now.isKey ? "is now the key (external_id: duplicates and updates go by it)" : "now: \(what)")\(suffix)"
            + (describe(before) == what ? "" : " (was \(describe(before)))")
            + (preview.problems.first.map { "; but \($0)" } ?? "")
    }

    /// A column's fate in words: `attribute number (from the first 200 rows)`, `ignored`, `email`.
    public func describe(_ column: ImportPreview.Column) -> String {
        switch column.fate {
        case .ignored: return "ignored"
        case .field(.externalId) where options.entity == .leads: return "the key (external_id)"
        case .field(let field): return field.rawValue
        case .attribute(let attribute):
            var text = "attribute" + (attribute.kind.map { " " + $0.label } ?? "")
            if column.kindFromSample, let preview = columnsPreview { text += " (read from \(preview.sampledRowsText))" }
            if !attribute.scoring { text += ", not scored" }
            return text
        }
    }

    /// Imports for real what the preview showed.
    public func confirm() {
        guard case .preview(let report) = stage, !report.refused else { return }
        options.dryRun = false
        run()
    }

    /// Whether an import or its check is running.
    public var isRunning: Bool {
        if case .running = stage { return true }
        return false
    }

    /// Stops a run (its transaction is rolled back) or closes the screen's current stage.
    public func stop() {
        if case .running = stage {
            generation += 1
            task?.cancel()
            task = nil
            stage = .failed(options.dryRun ? "Stopped the check: nothing was written" : "Stopped the import: nothing was written")
        }
    }

    /// Polled by the screen's tick: true when the progress moved.
    public func refreshProgress() -> Bool {
        guard case .running = stage else { return false }
        let latest = box.value
        guard latest != progress else { return false }
        progress = latest
        return true
    }

    /// Rows per second so far.
    public var rowsPerSecond: Double {
        let seconds = Date().timeIntervalSince(startedAt)
        return seconds > 0 ? Double(progress.rows) / seconds : 0
    }

    func run() {
        generation += 1
        let generation = self.generation
        box = ProgressBox()
        let (service, session, file, options, box) = (self.service, self.session, self.file, self.options, self.box)
        progress = (0, 0, 0)
        startedAt = Date()
        stage = .running(dryRun: options.dryRun)
        // On a thread of its own (an import holds it for as long as it reads the file), stopped
        // through the box's flag when the task is cancelled.
        task = Task { [weak self] in
            let result = await BlockingWork.run(named: "funnel-import", onCancel: { box.stop() }) { () -> Result<RecordImportReport, any Error> in
                Result {
                    try service.run(file: file, options: options, in: session, progress: { rows, bytes, total in
                        box.value = (rows, bytes, total)
                    }, stop: { box.isStopped })
                }
            }
            self?.finish(result, generation: generation)
        }
    }

    func finish(_ result: Result<RecordImportReport, any Error>, generation: Int) {
        guard generation == self.generation else { return }
        task = nil
        switch result {
        case .failure(let error):
            stage = .failed("\(error)")
        case .success(let report):
            if report.dryRun {
                stage = .preview(report)
            } else {
                stage = .done(report)
                if report.created + report.updated > 0 { onImported?() }
            }
        }
    }
}

/// The latest progress of a run, written by its thread and read by the screen's.
final class ProgressBox: @unchecked Sendable {
    private let lock = NSLock()
    private var stored = (rows: 0, bytes: Int64(0), total: Int64(0))
    private var stopped = false

    /// Asks the running import to stop (it rolls back at its next progress report).
    func stop() { lock.withLock { stopped = true } }
    var isStopped: Bool { lock.withLock { stopped } }

    var value: (rows: Int, bytes: Int64, total: Int64) {
        get { lock.withLock { stored } }
        set { lock.withLock { stored = newValue } }
    }
}
