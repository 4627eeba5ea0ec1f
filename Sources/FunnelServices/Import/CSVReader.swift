import Foundation

/// One record of a CSV file: its fields and the line it starts on (1 is the first line).
public struct CSVRecord: Sendable, Equatable {
    public let fields: [String]
    public let line: Int

    public init(fields: [String], line: Int) {
        self.fields = fields
        self.line = line
    }
}

/// A record the reader could not read, with the file and line it starts on.
public struct CSVError: Error, Sendable, Equatable, CustomStringConvertible {
    public let file: String
    public let line: Int
    public let problem: String

    public init(file: String, line: Int, problem: String) {
        self.file = file
        self.line = line
        self.problem = problem
    }

    public var description: String { "\(file) line \(line): \(problem)" }
}

/// A NUL byte in the input. Text never holds one (a file that does is binary, or UTF-16, or was
/// made to smuggle one in), so the whole input is refused, not a row: `file`, the physical `line`
/// (1 is the first) and the `column` (the field's number in its record, 1 is the first) say where.
public struct CSVNULByte: Error, Sendable, Equatable, CustomStringConvertible {
    public let file: String
    public let line: Int
    public let column: Int

    public var description: String { "\(file) line \(line), column \(column): \(Self.problem)" }

    /// What is wrong, in words.
    public static let problem = "a NUL byte, which text never holds (is the file UTF-16 or binary? save it as UTF-8 text)"
}

/// A streaming RFC 4180 reader: fields separated by commas (or another delimiter, such as the
/// semicolon of European spreadsheets), records by CRLF (or LF, or CR);
/// a field in double quotes may hold commas, line breaks and doubled quotes (`""` is `"`).
/// A UTF-8 byte order mark at the start is skipped; blank lines are skipped.
///
/// The file is read in 64 KiB chunks, so memory does not grow with the file. A malformed record
/// (a quote inside an unquoted field, text after a closing quote, a field that is not UTF-8)
/// throws a `CSVError` naming its line, and the next call carries on with the next line; a quoted
/// field still open at the end of the file throws, and the reader then ends. A field longer than
/// `maxFieldBytes` is not kept in memory: its record throws once it is read to its end.
/// A NUL byte anywhere throws `CSVNULByte`, and the reader then ends.
public final class CSVReader {
    /// The name errors give for the input (the file's name).
    public let name: String
    /// The byte between fields (a comma unless told otherwise).
    public let delimiter: UInt8
    /// The longest field kept, in bytes (1 MiB): a longer one makes its record an error.
    public static let maxFieldBytes = 1_048_576
    private let handle: FileHandle?
    /// Bytes of the file read so far (a chunk at a time), for progress.
    public private(set) var bytesRead: Int64 = 0
    private var buffer: [UInt8] = []
    private var position = 0
    private var exhausted = false
    private var line = 1
    private var startedFile = false
    private var finished = false
    /// Set on a file `funnel export` wrote (the import recognizes its header): each field's formula
    /// guard (`CSVWriter`) is taken away as it is read, so the text is what was exported.
    public var removesFormulaGuards = false

    static let chunkSize = 65_536
    static let comma = UInt8(ascii: ","), quote = UInt8(ascii: "\""), cr = UInt8(ascii: "\r"), lf = UInt8(ascii: "\n")

    /// Reads the file at `path`; `name` (default: the file's name) is what errors call it.
    public init(path: String, name: String? = nil, delimiter: UInt8 = UInt8(ascii: ",")) throws {
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw CSVError(file: name ?? (path as NSString).lastPathComponent, line: 0, problem: "cannot be opened for reading")
        }
        self.handle = handle
        self.name = name ?? (path as NSString).lastPathComponent
        self.delimiter = delimiter
    }

    /// Reads CSV text held in memory (for tests and small inputs).
    public init(data: Data, name: String, delimiter: UInt8 = UInt8(ascii: ",")) {
        handle = nil
        buffer = Array(data)
        exhausted = true
        self.name = name
        self.delimiter = delimiter
    }

    /// The delimiter the first line of `bytes` uses: a semicolon or a tab when the line has more of
    /// them (outside quotes) than commas, else a comma.
    public static func detectDelimiter(in bytes: some Sequence<UInt8>) -> UInt8 {
        var counts: [UInt8: Int] = [comma: 0, UInt8(ascii: ";"): 0, UInt8(ascii: "\t"): 0]
        var quoted = false
        for byte in bytes {
            if byte == quote { quoted.toggle() }
            if !quoted, byte == cr || byte == lf { break }
            if !quoted, counts[byte] != nil { counts[byte, default: 0] += 1 }
        }
        let best = counts.max { $0.value < $1.value || ($0.value == $1.value && $0.key != comma && $1.key == comma) }
        return best.map { $0.value > 0 ? $0.key : comma } ?? comma
    }

    /// The delimiter of the file at `path`, from its first 64 KiB (a comma when it cannot be read).
    public static func detectDelimiter(path: String) -> UInt8 {
        guard let handle = FileHandle(forReadingAtPath: path) else { return comma }
        defer { try? handle.close() }
        let head = (try? handle.read(upToCount: chunkSize)) ?? nil
        return detectDelimiter(in: head ?? Data())
    }

    deinit { try? handle?.close() }

    // MARK: - Bytes

    /// Makes sure at least one unread byte is buffered, unless the input has ended.
    private func fill() -> Bool {
        if position < buffer.count { return true }
        guard !exhausted, let handle else { return false }
        let chunk = (try? handle.read(upToCount: Self.chunkSize)) ?? nil
        guard let chunk, !chunk.isEmpty else {
            exhausted = true
            return false
        }
        buffer = Array(chunk)
        position = 0
        bytesRead += Int64(chunk.count)
        return true
    }

    private func nextByte() -> UInt8? {
        guard fill() else { return nil }
        defer { position += 1 }
        return buffer[position]
    }

    private func peekByte() -> UInt8? {
        guard fill() else { return nil }
        return buffer[position]
    }

    /// After a CR: a following LF belongs to the same line break.
    private func endLine(after byte: UInt8) {
        if byte == Self.cr, peekByte() == Self.lf { position += 1 }
        line += 1
    }

    /// Skips the rest of a malformed line.
    private func skipLine() {
        while let byte = nextByte() {
            if byte == Self.cr || byte == Self.lf {
                endLine(after: byte)
                return
            }
        }
    }

    private func skipByteOrderMark() {
        startedFile = true
        // The first chunk of a file holds the whole mark (a chunk is 64 KiB).
        guard fill() else { return }
        if buffer.count - position >= 3, buffer[position] == 0xEF, buffer[position + 1] == 0xBB, buffer[position + 2] == 0xBF {
            position += 3
        }
    }

    // MARK: - Records

    private enum State { case fieldStart, unquoted, quoted, quoteInQuoted }

    /// The next record, nil at the end of the input; throws for a malformed record (see the type).
    public func next() throws -> CSVRecord? {
        if finished { return nil }
        if !startedFile { skipByteOrderMark() }
        var fields: [String] = []
        var field: [UInt8] = []
        var state = State.fieldStart
        var startLine = line
        var badText = false
        var tooLong = false
        let delimiter = self.delimiter

        func closeField() {
            if var text = Self.text(field) {
                if removesFormulaGuards, field.first == CSVWriter.apostrophe { text = CSVWriter.unguarded(text) }
                fields.append(text)
            } else {
                badText = true
                fields.append("")
            }
            field.removeAll(keepingCapacity: true)
        }
        func finish() throws -> CSVRecord {
            closeField()
            if tooLong {
                throw CSVError(file: name, line: startLine, problem: "a field is longer than 1 MiB (\(Self.maxFieldBytes) bytes); the row was skipped")
            }
            if badText { throw CSVError(file: name, line: startLine, problem: "a field is not valid UTF-8 text (save the file as UTF-8)") }
            return CSVRecord(fields: fields, line: startLine)
        }
        func keep(_ byte: UInt8) {
            if field.count < Self.maxFieldBytes { field.append(byte) } else { tooLong = true }
        }

        while true {
            let byte = nextByte()
            if byte == 0 {
                finished = true
                throw CSVNULByte(file: name, line: line, column: fields.count + 1)
            }
            switch state {
            case .fieldStart:
                guard let byte else {
                    finished = true
                    if fields.isEmpty { return nil }
                    return try finish()
                }
                switch byte {
                case Self.quote: state = .quoted
                case delimiter: closeField()
                case Self.cr, Self.lf:
                    endLine(after: byte)
                    if fields.isEmpty {
                        // A blank line: not a record.
                        startLine = line
                        continue
                    }
                    return try finish()
                default:
                    keep(byte)
                    state = .unquoted
                }
            case .unquoted:
                guard let byte else {
                    finished = true
                    return try finish()
                }
                switch byte {
                case delimiter:
                    closeField()
                    state = .fieldStart
                case Self.cr, Self.lf:
                    endLine(after: byte)
                    return try finish()
                case Self.quote:
                    skipLine()
                    throw CSVError(file: name, line: startLine, problem: "a quote inside an unquoted field (quote the whole field and double the quote)")
                default:
                    keep(byte)
                }
            case .quoted:
                guard let byte else {
                    finished = true
                    throw CSVError(file: name, line: startLine, problem: "a quoted field is never closed (a missing \")")
                }
                switch byte {
                case Self.quote: state = .quoteInQuoted
                case Self.cr, Self.lf:
                    keep(byte)
                    if byte == Self.cr, peekByte() == Self.lf {
                        keep(Self.lf)
                        position += 1
                    }
                    line += 1
                default: keep(byte)
                }
            case .quoteInQuoted:
                guard let byte else {
                    finished = true
                    return try finish()
                }
                switch byte {
                case Self.quote:
                    keep(Self.quote)
                    state = .quoted
                case delimiter:
                    closeField()
                    state = .fieldStart
                case Self.cr, Self.lf:
                    endLine(after: byte)
                    return try finish()
                default:
                    skipLine()
                    throw CSVError(file: name, line: startLine, problem: "text after a closing quote (a field's quotes must enclose all of it)")
                }
            }
        }
    }
}

extension CSVReader {
    /// The text of a field's bytes, nil when they are not valid UTF-8.
    static func text(_ bytes: [UInt8]) -> String? {
        if bytes.isEmpty { return "" }
        return bytes.withUnsafeBufferPointer { buffer -> String? in
            // ASCII, the common case, needs no validation.
            var ascii = true
            for byte in buffer where byte >= 0x80 {
                ascii = false
                break
            }
            if ascii { return String(decoding: buffer, as: UTF8.self) }
            if #available(macOS 15, *) {
                return String(validating: buffer, as: UTF8.self)
            }
            return String(bytes: buffer, encoding: .utf8)
        }
    }
}

/// A CSV file with a header line: rows as values by column name, checked for their field count.
public final class CSVTable {
    public let reader: CSVReader
    /// The header's column names, trimmed.
    public let columns: [String]
    private let index: [String: Int]

    /// Reads the header; throws when the file is empty or lacks one of `required` columns.
    public init(reader: CSVReader, required: [String]) throws {
        self.reader = reader
        guard let header = try reader.next() else {
            throw CSVError(file: reader.name, line: 1, problem: "the file is empty (it needs a header line)")
        }
        columns = header.fields.map { $0.trimmingCharacters(in: .whitespaces) }
        var index: [String: Int] = [:]
        for (position, column) in columns.enumerated() where index[column] == nil { index[column] = position }
        self.index = index
        let missing = required.filter { index[$0] == nil }
        if !missing.isEmpty {
            throw CSVError(file: reader.name, line: header.line,
                           problem: "the header lacks \(missing.joined(separator: ", ")) (it has \(columns.joined(separator: ", ")))")
        }
    }

    /// One row: its values by column and its line.
    public struct Row {
        public let fields: [String]
        public let line: Int
        let index: [String: Int]

        /// The value in `column`, trimmed ("" when the column is absent).
        public subscript(column: String) -> String {
            guard let position = index[column], position < fields.count else { return "" }
            return fields[position].trimmingCharacters(in: .whitespaces)
        }
    }

    /// The next row, nil at the end; throws (and moves on) for a malformed row or one whose number
    /// of fields differs from the header's.
    public func next() throws -> Row? {
        guard let record = try reader.next() else { return nil }
        guard record.fields.count == columns.count else {
            throw CSVError(file: reader.name, line: record.line,
                           problem: "\(record.fields.count) fields where the header has \(columns.count)")
        }
        return Row(fields: record.fields, line: record.line, index: index)
    }
}
