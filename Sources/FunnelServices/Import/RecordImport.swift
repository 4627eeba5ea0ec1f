import Foundation
import FunnelStore

/// How to import one CSV file of leads, contacts or deals.
public struct RecordImportOptions: Sendable {
    public var entity: ImportEntity
    public var mode: ImportMode
    public var dateFormat: ImportDateFormat
    /// The byte between fields; nil: detected from the header line (comma, semicolon or tab).
    public var delimiter: UInt8?
    /// Explicit column -> field mapping (from a --map file); the header's names fill in the rest.
    public var map: ImportMapFile
    /// Do the work in a transaction that is rolled back, and report it.
    public var dryRun: Bool
    /// Refuse the whole import when any row is bad.
    public var strict: Bool
    /// Create mode only: create rows that duplicate a record or an earlier row too (they are still
    /// listed), as restoring an export of a database that holds duplicates needs.
    public var keepDuplicates = false
    /// Leads: the column that identifies a lead, kept as its external id (`@line`: the row's line).
    public var key: String?

    public init(entity: ImportEntity, mode: ImportMode = .create, dateFormat: ImportDateFormat = .iso, delimiter: UInt8? = nil,
                map: ImportMapFile = ImportMapFile(), dryRun: Bool = false, strict: Bool = false) {
        self.entity = entity
        self.mode = mode
        self.dateFormat = dateFormat
        self.delimiter = delimiter
        self.map = map
        self.dryRun = dryRun
        self.strict = strict
    }
}

/// What an import of a CSV file did, or (dry run, or refused) would do.
public struct RecordImportReport: Sendable, Equatable {
    public var entity: ImportEntity
    public var mode: ImportMode
    public var file: String
    public var dryRun: Bool
    /// The import's number in the organization (0 when nothing was written).
    public var importNumber: Int64 = 0
    /// True when `--strict` refused the import because of bad rows: nothing was written.
    public var refused = false
    /// Data rows read (good or bad).
    public var rowsRead = 0
    public var created = 0
    public var updated = 0
    /// Rows skipped as duplicates: of an earlier row of the file, or (create mode) of a record.
    public var duplicateCount = 0
    public var duplicates: [ImportProblem] = []
    /// Rows that matched no record (update mode), skipped.
    public var unmatchedCount = 0
    public var unmatched: [ImportProblem] = []
    /// Bad rows, skipped (or, with --strict, the reason nothing was imported).
    public var problemCount = 0
    public var problems: [ImportProblem] = []
    /// The header's columns and the field each went to.
    public var mapping: [String] = []
    /// Columns nothing was imported from.
    public var ignoredColumns: [String] = []
    public var delimiter = ","
    /// Whether duplicates were created all the same (`keepDuplicates`).
    public var keptDuplicates = false
    public var seconds = 0.0
    /// Attributes this import created (leads), with their kinds.
    public var attributesCreated: [String] = []
    /// Values outside an enumeration that were imported as its fallback (`other`), by column and value.
    public var fallbackValues: [FallbackValue] = []
    /// Bad rows' problems grouped by kind and value, most frequent first.
    public var problemGroups: [ProblemGroup] = []
    /// Notes about the file the user should know (a missing stage column, ambiguous dates...).
    public var notes: [String] = []
    /// Deals: rows linked to a lead (`lead` column), the leads converted on the way, and the
    /// contacts created for them.
    public var dealsLinked = 0
    public var leadsConverted = 0
    public var contactsCreated = 0

    /// A value outside an enumeration imported as the fallback, and how many rows had it.
    public struct FallbackValue: Sendable, Equatable {
        public var column: String
        public var field: String
        public var value: String
        public var becomes: String
        public var count: Int
        /// The attribute that keeps the file's value.
        public var keptAs: String?
    }

    /// One problem shared by bad rows, with how many and the first lines.
    public struct ProblemGroup: Sendable, Equatable {
        public var message: String
        public var count: Int
        public var lines: [Int]
    }

    /// How many rows of each list are kept (the counts go on).
    public static let listLimit = 100_000

    public init(entity: ImportEntity, mode: ImportMode, file: String, dryRun: Bool) {
        self.entity = entity
        self.mode = mode
        self.file = file
        self.dryRun = dryRun
    }

    public var rowsPerSecond: Double { seconds > 0 ? Double(rowsRead) / seconds : 0 }

    /// The report in words; `limit` rows of each list (all when nil).
    public func lines(limit: Int? = nil) -> [String] {
        let what = entity.rawValue
        func n(_ value: Int) -> String { NumberText.grouped(value) }
        var lines: [String] = []
        if refused {
            lines.append("Refused the import of \(file) (--strict): \(n(problemCount)) bad \(problemCount == 1 ? "row" : "rows"); nothing was written.")
        } else if dryRun {
            lines.append("Dry run of the import of \(what) from \(file) (mode \(mode.rawValue)): nothing was written; this is what it would do.")
        } else {
            lines.append("Imported \(what) from \(file) (import #\(importNumber), mode \(mode.rawValue)); undo it with `funnel import undo \(importNumber)`.")
        }
        lines.append("  rows read:  \(n(rowsRead)) in \(String(format: "%.1f", seconds)) s (\(n(Int(rowsPerSecond))) rows/s)")
        let verb = dryRun || refused ? "to " : ""
        lines.append("  \(verb)create: \(n(created))")
        lines.append("  \(verb)update: \(n(updated))")
        lines.append("  duplicates: \(n(duplicateCount)) (\(keptDuplicates ? "created all the same (--keep-duplicates)" : "skipped"))")
        if mode == .update { lines.append("  no match:   \(n(unmatchedCount)) (skipped)") }
        lines.append("  bad rows:   \(n(problemCount))" + (problemCount > 0 && !refused ? " (skipped)" : ""))
        lines.append("  columns:    " + mapping.joined(separator: ", "))
        if !ignoredColumns.isEmpty {
            lines.append("  ignored columns: \(ignoredColumns.joined(separator: ", ")) (map them with --map FILE)")
        }
        if !attributesCreated.isEmpty {
            lines.append("  new attributes: " + attributesCreated.joined(separator: ", "))
        }
        if dealsLinked > 0 {
            lines.append("  leads:      \(n(dealsLinked)) \(dealsLinked == 1 ? "deal" : "deals") linked to their lead; \(n(leadsConverted)) \(leadsConverted == 1 ? "lead" : "leads") \(verb.isEmpty ? "" : "to be ")converted, \(n(contactsCreated)) \(contactsCreated == 1 ? "contact" : "contacts") \(verb.isEmpty ? "" : "to be ")created for them")
        }
        for note in notes { lines.append("  note: " + note) }
        if !fallbackValues.isEmpty {
            lines.append("Values outside Funnel's lists, imported as the fallback (the file's value kept as an attribute):")
            for value in fallbackValues {
                lines.append("  \(value.field) \(Self.quote(value.value)) -> \(value.becomes): \(n(value.count)) \(value.count == 1 ? "row" : "rows")"
                             + (value.keptAs.map { " (kept in \"\($0)\")" } ?? ""))
            }
            lines.append("To map them, add to the --map file (and choose each value):")
            var columns: [String] = []
            for value in fallbackValues where !columns.contains(value.column) { columns.append(value.column) }
            for column in columns {
                let field = fallbackValues.first { $0.column == column }?.field ?? ""
                lines.append("  \(column) = \(field)")
                for value in fallbackValues where value.column == column {
                    lines.append("    \(value.value) -> \(value.becomes)")
                }
            }
        }
        if !problemGroups.isEmpty {
            lines.append("Bad rows by problem:")
            let shown = limit.map { Array(problemGroups.prefix(max(20, $0 / 50))) } ?? problemGroups
            for group in shown {
                let where_ = group.lines.map(String.init).joined(separator: ", ") + (group.count > group.lines.count ? ", ..." : "")
                lines.append("  \(n(group.count)) \(group.count == 1 ? "row" : "rows"): \(group.message) (line\(group.lines.count == 1 ? "" : "s") \(where_))")
            }
            if problemGroups.count > shown.count { lines.append("  ... and \(n(problemGroups.count - shown.count)) more problems") }
        }
        func list(_ title: String, _ items: [ImportProblem], _ count: Int) {
            guard count > 0 else { return }
            lines.append("\(title):")
            let shown = limit.map { Array(items.prefix($0)) } ?? items
            for item in shown { lines.append("  \(item)") }
            if count > shown.count { lines.append("  ... and \(n(count - shown.count)) more" + (dryRun ? "" : " (--dry-run lists them all)")) }
        }
        list("Bad rows", problems, problemCount)
        list("Duplicates", duplicates, duplicateCount)
        list("No match", unmatched, unmatchedCount)
        return lines
    }

    static func quote(_ text: String) -> String { "\"" + (text.count > 60 ? String(text.prefix(57)) + "..." : text) + "\"" }

    /// The counts as the import log and its activity keep them.
    var countsJSON: String {
        var object: [String: Any] = [
            "rows": rowsRead, "created": created, "updated": updated, "duplicates": duplicateCount,
            "unmatched": unmatchedCount, "bad_rows": problemCount,
        ]
        if dealsLinked > 0 {
            object["leads_converted"] = leadsConverted
            object["contacts_created"] = contactsCreated
        }
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data("{}".utf8)
        return String(decoding: data, as: UTF8.self)
    }
}

/// How far an import has come: data rows read, and bytes of the file read out of its size.
public typealias ImportProgress = (_ rows: Int, _ bytesRead: Int64, _ totalBytes: Int64) -> Void

/// Imports leads, contacts or deals from a CSV file (docs/import.md): columns mapped by name,
/// duplicates found by normalized email or phone (deals: by external id) against the organization's
/// records and within the file, all in one transaction that is recorded and can be undone.
public struct RecordImportService: Sendable {
    let database: any Store
    let clock: @Sendable () -> Date

    public init(database: any Store, clock: @escaping @Sendable () -> Date = WallClock.now) {
        self.database = database
        self.clock = clock
    }

    /// Imports `file`; throws (before writing anything) when the file cannot be read, is empty or
    /// its header cannot be mapped; otherwise reports what was done, bad rows included. `stop` is
    /// asked as progress is told: true rolls the import back (the caller's task cancelled, by default;
    /// a thread of its own passes its own flag).
    public func run(file: String, options: RecordImportOptions, in session: Session, progress: @escaping ImportProgress = { _, _, _ in },
                    stop: @escaping @Sendable () -> Bool = { Task.isCancelled }) throws -> RecordImportReport {
        try session.require(.dataImport)
        let path = URL(fileURLWithPath: file).standardizedFileURL.path
        let name = (path as NSString).lastPathComponent
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder), !isFolder.boolValue else {
            throw ServiceError.invalid(field: file, problem: "no such file")
        }
        let size = ((try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? NSNumber)?.int64Value ?? 0
        let delimiter = options.delimiter ?? CSVReader.detectDelimiter(path: path)
        let reader: CSVReader
        do {
            reader = try CSVReader(path: path, name: name, delimiter: delimiter)
        } catch let error as CSVError {
            throw ServiceError.invalid(field: name, problem: error.problem)
        }
        let header: CSVRecord
        do {
            guard let first = try reader.next() else {
                throw ServiceError.invalid(field: name, problem: "line 1: the file is empty (it needs a header line naming its columns, then a row per \(options.entity.singular))")
            }
            header = first
        } catch let error as CSVError {
            throw ServiceError.invalid(field: name, problem: "line \(error.line): the header cannot be read: \(error.problem)")
        } catch let nul as CSVNULByte {
            throw Self.refusal(nul, columns: [])
        }
        let columns = header.fields.map { $0.trimmingCharacters(in: .whitespaces) }
        reader.removesFormulaGuards = Self.isFunnelExport(header: header.fields, entity: options.entity)
        var mapping: ImportMapping
        do {
            mapping = try ImportMapping(header: columns, entity: options.entity, map: options.map, key: options.key,
                                        funnelExport: reader.removesFormulaGuards)
        } catch let problem as ImportProblem {
            throw ServiceError.invalid(field: name, problem: problem.description)
        }
        try Self.checkHeader(mapping, options: options, file: name, line: header.line)
        if options.keepDuplicates && options.mode != .create {
            throw ServiceError.invalid(field: "--keep-duplicates", problem: "only with --mode create (update and upsert need one record per key)")
        }

        var report = RecordImportReport(entity: options.entity, mode: options.mode, file: path, dryRun: options.dryRun)
        if !mapping.attributes.isEmpty {
            try Self.detectKinds(&mapping, path: path, name: name, delimiter: delimiter, dates: ImportDateReader(format: options.dateFormat),
                                 removesFormulaGuards: reader.removesFormulaGuards)
        }
        report.mapping = zip(columns, mapping.fates).map { column, fate in "\(column) -> \(fate.label)" }
            + mapping.constants.sorted { $0.key.rawValue < $1.key.rawValue }.map { "\($0.key.rawValue) = \($0.value) (every row)" }
        report.ignoredColumns = mapping.ignored
        report.notes += mapping.scoreNotes
        report.keptDuplicates = options.keepDuplicates
        report.delimiter = delimiter == UInt8(ascii: "\t") ? "tab" : String(UnicodeScalar(delimiter))
        let started = Date()
        // Whole seconds: the import log's time and its rows' updated_at must compare equal (undo
        // looks for rows changed after the import).
        let now = Date(timeIntervalSince1970: clock().timeIntervalSince1970.rounded(.down))
        struct Refusal: Error { let report: RecordImportReport }
        let work = { (tx: any StoreWriting) throws -> RecordImportReport in
            var job = try RecordImportJob(
                tx: tx, session: session, options: options, mapping: mapping, reader: reader, now: now, report: report,
                file: path, fileSize: size, progress: progress, stop: stop)
            try job.run()
            // The rows were scored by the rules' fit points as they were written; a learned model
            // in force scores the leads the import wrote, with their attributes, before it commits.
            let scorer = try ScoringService.scorer(for: session, reader: tx)
            if options.entity == .leads, scorer.learned != nil, job.report.importNumber > 0 {
                _ = try tx.rescoreLeads(ids: tx.importedRowIds(importNumber: job.report.importNumber, orgId: session.orgId), orgId: session.orgId,
                                        withAttributes: scorer.readsAttributes, score: scorer.scorer(now: now))
            }
            job.report.seconds = Date().timeIntervalSince(started)
            if options.strict, job.report.problemCount > 0 {
                job.report.refused = true
                job.report.importNumber = 0
                if !options.dryRun { throw Refusal(report: job.report) }
            }
            return job.report
        }
        return try ServiceError.wrapping {
            do {
                return options.dryRun ? try database.rehearsal(work) : try database.transaction(work)
            } catch let refusal as Refusal {
                return refusal.report
            }
        }
    }

    /// Reads every value of the attribute columns and sets the kind of those the map does not give,
    /// and whether each has few enough distinct values to be indexed (`AttributeKindDetector`): a
    /// pass over the file before the import.
    static func detectKinds(_ mapping: inout ImportMapping, path: String, name: String, delimiter: UInt8, dates: ImportDateReader,
                            removesFormulaGuards: Bool) throws {
        let columns = mapping.attributes.map(\.key).sorted()
        var detectors = Array(repeating: AttributeKindDetector(), count: columns.count)
        let reader: CSVReader
        do {
            reader = try CSVReader(path: path, name: name, delimiter: delimiter)
        } catch let error as CSVError {
            throw ServiceError.invalid(field: name, problem: error.problem)
        }
        reader.removesFormulaGuards = removesFormulaGuards
        var first = true
        while true {
            let record: CSVRecord
            do {
                guard let next = try reader.next() else { break }
                record = next
            } catch is CSVError {
                continue
            } catch let nul as CSVNULByte {
                throw refusal(nul, columns: mapping.columns)
            }
            if first {
                first = false
                continue  // the header
            }
            guard record.fields.count == mapping.columns.count else { continue }
            for (slot, index) in columns.enumerated() {
                let text = RecordImportJob.trimmed(record.fields[index])
                if !text.isEmpty { detectors[slot].record(text, dates: dates) }
            }
        }
        for (slot, index) in columns.enumerated() {
            if mapping.attributes[index]?.kind == nil { mapping.attributes[index]?.kind = detectors[slot].kind }
            mapping.attributes[index]?.indexed = detectors[slot].fewValues
        }
    }

    /// Whether a header is the one `funnel export` writes for `entity`: its columns, exactly, in
    /// order. The fields of such a file lose their formula guard (`CSVWriter`) as they are read.
    static func isFunnelExport(header: [String], entity: ImportEntity) -> Bool {
        guard let exported = ExportEntity(rawValue: entity.rawValue) else { return false }
        // Leads: the fixed columns, then one per attribute of the exporting organization.
        let fixed = ExportEntity.columns(exported).map(\.name)
        return entity == .leads ? Array(header.prefix(fixed.count)) == fixed : header == fixed
    }

    /// The error that refuses a whole import for a NUL byte: the file, the line, the column (by
    /// number, and by the header's name when known); nothing is written.
    static func refusal(_ nul: CSVNULByte, columns: [String]) -> ServiceError {
        let column = nul.column <= columns.count ? "column \(nul.column) (\(columns[nul.column - 1]))" : "column \(nul.column)"
        return ServiceError.invalid(field: nul.file, problem: "line \(nul.line), \(column): \(CSVNULByte.problem); nothing was imported")
    }

    /// Refuses a header that cannot make records: no known column at all (a missing header line),
    /// or none of the columns that find or make a record.
    static func checkHeader(_ mapping: ImportMapping, options: RecordImportOptions, file: String, line: Int) throws {
        let entity = options.entity
        let known = ImportField.fields(of: entity).map(\.rawValue).joined(separator: ", ")
        if mapping.fields.allSatisfy({ $0 == nil }) && !mapping.keyFromLine && mapping.constants.isEmpty {
            let shown = mapping.columns.prefix(5).map { "\"\(String($0.prefix(40)))\"" }.joined(separator: ", ")
            throw ServiceError.invalid(field: file, problem: "line \(line): no column is a \(entity.singular) field (the first line has \(shown)): the file needs a header line naming its columns, such as \(known); or map them with --map FILE")
        }
        switch entity {
        case .leads:
            if !mapping.has(.email) && !mapping.has(.phone) && !mapping.has(.externalId) && !mapping.keyFromLine {
                throw ServiceError.invalid(field: file, problem: "line \(line): the header has no email or phone column (leads are matched and kept by them), and no --key names the column that identifies a lead (or --key @line: its line); it has \(mapping.columns.joined(separator: ", "))")
            }
        case .contacts:
            if options.mode != .update && !mapping.has(.name) && !mapping.has(.firstName) && !mapping.has(.lastName) {
                throw ServiceError.invalid(field: file, problem: "line \(line): the header has no name column (or first_name, last_name); it has \(mapping.columns.joined(separator: ", "))")
            }
            if options.mode != .create && !mapping.has(.email) && !mapping.has(.phone) {
                throw ServiceError.invalid(field: file, problem: "line \(line): mode \(options.mode.rawValue) needs an email or phone column to find contacts by")
            }
        case .deals:
            if options.mode != .update && !mapping.has(.title) && !mapping.has(.lead) {
                throw ServiceError.invalid(field: file, problem: "line \(line): the header has no title column (nor a lead column: a deal linked to its lead is named after it); it has \(mapping.columns.joined(separator: ", "))")
            }
            if options.mode != .create && !mapping.has(.externalRef) {
                throw ServiceError.invalid(field: file, problem: "line \(line): mode \(options.mode.rawValue) needs an external_ref column to find deals by")
            }
        case .actions:
            throw ServiceError.invalid(field: file, problem: "actions are imported by `funnel import actions` (ActionImportService)")
        }
    }
}
