import Foundation
import FunnelStore

/// What an import would make of a file's columns, read from its header and its first rows only
/// (never the whole file): each column's fate with sample values, the delimiter, and the problems
/// the header would raise. The TUI shows it before the import, and lets the user change the fates.
public struct ImportPreview: Sendable, Equatable {
    /// One column of the file.
    public struct Column: Sendable, Equatable {
        /// The header's name for it.
        public var name: String
        /// What the import makes of it, as the options (map and key) say. An attribute whose kind
        /// the map does not give shows the kind its sampled values have (`kindFromSample`).
        public var fate: ColumnFate
        /// True when the attribute's kind was read from the sampled rows: the import reads it from
        /// every value of the column, so it may differ.
        public var kindFromSample: Bool
        /// True when the column is the lead's key (`--key`, or an external_id column).
        public var isKey: Bool
        /// Up to `sampleValues` distinct non-empty values, in the order the rows give them.
        public var samples: [String]
        /// How many of the sampled rows leave it empty.
        public var emptyCount: Int
    }

    public var file: String
    public var entity: ImportEntity
    public var columns: [Column]
    /// `,`, `;` or `tab`.
    public var delimiter: String
    /// Data rows read for the samples (at most `sampleRows`).
    public var rowsSampled: Int
    /// Sampled rows that cannot be read or have another number of fields than the header (the
    /// import would refuse them).
    public var unreadableRows: Int
    /// True when the sampled rows are the whole file.
    public var isWholeFile: Bool
    /// Fields every row gets from the map (`stage = won`), in words.
    public var constants: [String]
    /// The lead's key is the row's line (`--key @line`).
    public var keyFromLine: Bool
    /// What the import would refuse the header for (two columns for one field, no key...): the
    /// import cannot run until they are solved.
    public var problems: [String]

    /// Rows read for the samples.
    public static let sampleRows = 200
    /// Distinct values shown for each column.
    public static let sampleValues = 5

    /// Where the sampled kinds come from, in words: `the first 200 rows`, or `all 12 rows`.
    public var sampledRowsText: String {
        isWholeFile ? "all \(NumberText.grouped(rowsSampled)) \(rowsSampled == 1 ? "row" : "rows")" : "the first \(NumberText.grouped(rowsSampled)) rows"
    }
}

extension RecordImportService {
    /// Reads `file`'s header and its first `ImportPreview.sampleRows` rows, and says what the
    /// import with `options` would make of each column. Throws when the file cannot be read or is
    /// empty; a header the import would refuse is not an error here: its problems are listed.
    public func preview(file: String, options: RecordImportOptions, in session: Session) throws -> ImportPreview {
        try session.require(.dataImport)
        let path = URL(fileURLWithPath: file).standardizedFileURL.path
        let name = (path as NSString).lastPathComponent
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder), !isFolder.boolValue else {
            throw ServiceError.invalid(field: file, problem: "no such file")
        }
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

        // The samples: the first rows only.
        var samples = Array(repeating: [String](), count: columns.count)
        var seen = Array(repeating: Set<String>(), count: columns.count)
        var empty = Array(repeating: 0, count: columns.count)
        var values = Array(repeating: [String](), count: columns.count)
        var rows = 0
        var unreadable = 0
        var isWholeFile = false
        while true {
            let record: CSVRecord
            do {
                guard let next = try reader.next() else {
                    isWholeFile = true
                    break
                }
                record = next
            } catch is CSVError {
                if rows >= ImportPreview.sampleRows { break }
                rows += 1
                unreadable += 1
                continue
            } catch let nul as CSVNULByte {
                throw Self.refusal(nul, columns: columns)
            }
            // One row past the samples says whether there are more.
            if rows >= ImportPreview.sampleRows { break }
            rows += 1
            guard record.fields.count == columns.count else {
                unreadable += 1
                continue
            }
            for (index, field) in record.fields.enumerated() {
                let text = RecordImportJob.trimmed(field)
                if text.isEmpty {
                    empty[index] += 1
                    continue
                }
                values[index].append(text)
                if samples[index].count < ImportPreview.sampleValues, seen[index].insert(text).inserted {
                    samples[index].append(text)
                }
            }
        }

        // The fates, as the import would map the header.
        var problems: [String] = []
        var fates: [ColumnFate]
        var keyFromLine = options.key == ImportMapping.lineKey
        var constants: [String] = []
        do {
            let mapping = try ImportMapping(header: columns, entity: options.entity, map: options.map, key: options.key,
                                            funnelExport: reader.removesFormulaGuards)
            fates = mapping.fates
            keyFromLine = mapping.keyFromLine
            constants = mapping.constants.sorted { $0.key.rawValue < $1.key.rawValue }.map { "\($0.key.rawValue) = \($0.value) (every row)" }
            do {
                try Self.checkHeader(mapping, options: options, file: name, line: header.line)
            } catch let ServiceError.invalid(_, problem) {
                problems.append(problem)
            }
        } catch let problem as ImportProblem {
            // The header as a whole cannot be mapped: each column as it alone would be, and every
            // field two columns want.
            problems.append(problem.description)
            fates = columns.map { column in
                let key = options.key.flatMap { ImportField.key($0) == ImportField.key(column) || $0 == ImportMapping.lineKey ? $0 : nil }
                return (try? ImportMapping(header: [column], entity: options.entity, map: options.map, key: key))?.fates.first ?? .ignored
            }
            var taken: [ImportField: String] = [:]
            for (column, fate) in zip(columns, fates) {
                guard case .field(let field) = fate else { continue }
                if let other = taken[field] {
                    if !problem.message.contains("\"\(other)\" and \"\(column)\"") {
                        problems.append("line 1: the columns \"\(other)\" and \"\(column)\" both map to \(field.rawValue)")
                    }
                } else {
                    taken[field] = column
                }
            }
        }

        // Attribute kinds the map does not give: from the sampled values.
        let dates = ImportDateReader(format: options.dateFormat)
        var fromSample = Array(repeating: false, count: columns.count)
        for index in fates.indices {
            guard case .attribute(var attribute) = fates[index], attribute.kind == nil else { continue }
            var detector = AttributeKindDetector()
            for text in values[index] { detector.record(text, dates: dates) }
            attribute.kind = detector.kind
            fates[index] = .attribute(attribute)
            fromSample[index] = true
        }
        let previewColumns = columns.indices.map { index in
            ImportPreview.Column(
                name: columns[index], fate: fates[index], kindFromSample: fromSample[index],
                isKey: options.entity == .leads && fates[index] == .field(.externalId),
                samples: samples[index], emptyCount: empty[index])
        }
        return ImportPreview(
            file: path, entity: options.entity, columns: previewColumns,
            delimiter: delimiter == UInt8(ascii: "\t") ? "tab" : String(UnicodeScalar(delimiter)),
            rowsSampled: rows, unreadableRows: unreadable, isWholeFile: isWholeFile, constants: constants, keyFromLine: keyFromLine,
            problems: problems)
    }
}

extension AttributeColumn {
    /// A column kept as the attribute `name` (kind nil: read from the column's values).
    public init(_ name: String, kind: AttributeKind?, scoring: Bool = true) {
        self.init(name: name, kind: kind, scoring: scoring)
    }
}

extension ImportMapFile {
    /// Sends `column` to `fate` (what the map said of the column before is replaced; a column sent
    /// to a field keeps its value lines). An attribute's kind of nil is read from the column's values.
    public mutating func send(_ column: String, to fate: ColumnFate) {
        let key = ImportField.key(column)
        let values = rules.last { ImportField.key($0.column) == key }?.values ?? ValueMap()
        rules.removeAll { ImportField.key($0.column) == key }
        let written: String
        switch fate {
        case .field(let field): written = field.rawValue
        case .ignored: written = "ignore"
        case .attribute(let attribute):
            written = "attribute" + (attribute.kind.map { " " + $0.rawValue } ?? "") + (attribute.scoring ? "" : ", not scored")
        }
        var isField = false
        if case .field = fate { isField = true }
        rules.append(Rule(column: column, target: Self.target(written), values: isField ? values : ValueMap(), line: rules.count + 1,
                          written: written, quoted: false))
    }

    /// Forgets what the map says of `column`: the header's name places it again.
    public mutating func forget(_ column: String) {
        let key = ImportField.key(column)
        rules.removeAll { ImportField.key($0.column) == key }
    }

    /// Whether the map says what becomes of `column`.
    public func places(_ column: String) -> Bool { rule(for: column) != nil }
}
