import Foundation
import FunnelServices
import FunnelStore

/// Importing a CSV file from the TUI: the choices, a dry run shown as a preview, then (confirmed)
/// the import itself. Both runs work off the main thread and report progress; Esc stops either,
/// and a stopped import leaves the database as it was (it is one transaction).
@MainActor
public final class ImportViewModel {
    public enum Stage: Sendable, Equatable {
        /// Asking for the file and the options.
        case choosing
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
    let box = ProgressBox()
    var task: Task<Void, Never>?
    /// Bumped when a run is stopped, so its late result is dropped.
    var generation = 0
    /// Called after an import wrote rows (the panes reload).
    public var onImported: (@MainActor () -> Void)?

    public init(database: AppDatabase, session: Session, clock: @escaping @Sendable () -> Date = Date.init) {
        self.session = session
        service = RecordImportService(database: database, clock: clock)
    }

    /// Whether the user may import at all.
    public var canImport: Bool { session.can(.dataImport) }

    /// Checks the file without writing anything (the preview).
    public func preview(file: String, entity: ImportEntity, mode: ImportMode, dateFormat: ImportDateFormat) {
        let path = (file.trimmingCharacters(in: .whitespaces) as NSString).expandingTildeInPath
        guard !path.isEmpty else { stage = .failed("give the path of a CSV file"); return }
        self.file = path
        options = RecordImportOptions(entity: entity, mode: mode, dateFormat: dateFormat, dryRun: true)
        run()
    }

    /// Imports for real what the preview showed.
    public func confirm() {
        guard case .preview(let report) = stage, !report.refused else { return }
        options.dryRun = false
        run()
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
        let (service, session, file, options, box) = (self.service, self.session, self.file, self.options, self.box)
        box.value = (0, 0, 0)
        progress = (0, 0, 0)
        startedAt = Date()
        stage = .running(dryRun: options.dryRun)
        task = Task.detached(priority: .userInitiated) {
            let result: Result<RecordImportReport, any Error>
            do {
                result = .success(try service.run(file: file, options: options, in: session) { rows, bytes, total in
                    box.value = (rows, bytes, total)
                })
            } catch {
                result = .failure(error)
            }
            await MainActor.run { [weak self] in self?.finish(result, generation: generation) }
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

    var value: (rows: Int, bytes: Int64, total: Int64) {
        get { lock.withLock { stored } }
        set { lock.withLock { stored = newValue } }
    }
}
