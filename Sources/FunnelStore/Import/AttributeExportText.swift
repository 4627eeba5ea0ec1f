import Foundation
internal import GRDBSQLite

/// Spreads a lead's attributes (the JSON object `leads.attributes` holds) into an export's
/// columns, one per attribute of the organization, as text that imports back: a number without a
/// needless `.0` (`42`, `2.5`), yes/no as `yes` or `no`, a date as it is kept (`YYYY-MM-DD`), a text
/// as it is. A lead without a value of an attribute has an empty field.
///
/// The object is read from SQLite's text with a small JSON reader of its own (no `json_each` per
/// row, no Foundation object per row): an export streams a million leads.
struct AttributeExportText {
    /// The values' position of each attribute's column, by name.
    let positions: [String: Int]
    /// The first attribute column and how many there are.
    let first: Int
    let count: Int
    /// Positions of the number attributes' columns: only a number is written there (a JSON export
    /// writes their values as they are, unquoted).
    let numbers: Set<Int>

    /// Nil when the columns hold no attribute (`first` is the first attribute column).
    init?(columns: [ExportColumn], first: Int) {
        guard columns.count > first else { return nil }
        var positions: [String: Int] = [:]
        var numbers = Set<Int>()
        for index in first..<columns.count {
            positions[columns[index].name] = positions[columns[index].name] ?? index
            if columns[index].isNumber { numbers.insert(index) }
        }
        self.positions = positions
        self.first = first
        count = columns.count - first
        self.numbers = numbers
    }

    /// Sets the attribute columns of `values` from the JSON object in the statement's `column`.
    func read(_ handle: OpaquePointer, column: Int32, into values: inout [String?]) {
        guard sqlite3_column_type(handle, column) != SQLITE_NULL, let text = sqlite3_column_text(handle, column) else {
            for index in first..<(first + count) { values[index] = nil }
            return
        }
        read(bytes: UnsafeBufferPointer(start: text, count: Int(sqlite3_column_bytes(handle, column))), into: &values)
    }

    /// Sets the attribute columns of `values` from a JSON object's text (nil: no attributes; the
    /// PostgreSQL store reads `leads.attributes` as text).
    func read(json: String?, into values: inout [String?]) {
        guard var json else {
            for index in first..<(first + count) { values[index] = nil }
            return
        }
        json.withUTF8 { read(bytes: $0, into: &values) }
    }

    /// Sets the attribute columns of `values` from the bytes of a JSON object.
    func read(bytes: UnsafeBufferPointer<UInt8>, into values: inout [String?]) {
        for index in first..<(first + count) { values[index] = nil }
        var reader = FlatJSONObject(bytes)
        reader.forEachMember { key, value in
            guard let position = positions[key] else { return }
            switch value {
            case .number(let token): values[position] = Self.numberText(token)
            case .string(let text): values[position] = numbers.contains(position) ? nil : text
            case .bool(let yes): values[position] = numbers.contains(position) ? nil : (yes ? "yes" : "no")
            case .other: values[position] = nil
            }
        }
    }

    /// A JSON number as people read it: a whole number as written, another through
    /// `AttributeValue.numberText` (`5.0` -> `5`, `2.50` -> `2.5`).
    static func numberText(_ token: String) -> String {
        if !token.contains(where: { $0 == "." || $0 == "e" || $0 == "E" }) { return token }
        return Double(token).map(AttributeValue.numberText) ?? token
    }
}

/// Reads the members of a JSON object whose values are scalars (what `leads.attributes` holds:
/// SQLite has checked it is a valid JSON object). Nested values are skipped.
struct FlatJSONObject {
    enum Value {
        case string(String)
        /// The number's token, as written.
        case number(String)
        case bool(Bool)
        /// null, an object or an array.
        case other
    }

    let bytes: UnsafeBufferPointer<UInt8>
    var position = 0

    init(_ bytes: UnsafeBufferPointer<UInt8>) {
        self.bytes = bytes
    }

    mutating func forEachMember(_ body: (String, Value) -> Void) {
        skipSpace()
        guard next() == UInt8(ascii: "{") else { return }
        while true {
            skipSpace()
            guard let byte = peek() else { return }
            if byte == UInt8(ascii: "}") { return }
            if byte == UInt8(ascii: ",") { position += 1; continue }
            guard byte == UInt8(ascii: "\""), let key = string() else { return }
            skipSpace()
            guard next() == UInt8(ascii: ":") else { return }
            skipSpace()
            guard let value = value() else { return }
            body(key, value)
        }
    }

    func peek() -> UInt8? { position < bytes.count ? bytes[position] : nil }

    mutating func next() -> UInt8? {
        defer { position += 1 }
        return peek()
    }

    mutating func skipSpace() {
        while let byte = peek(), byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D { position += 1 }
    }

    mutating func value() -> Value? {
        guard let byte = peek() else { return nil }
        switch byte {
        case UInt8(ascii: "\""): return string().map(Value.string)
        case UInt8(ascii: "t"): position += 4; return .bool(true)
        case UInt8(ascii: "f"): position += 5; return .bool(false)
        case UInt8(ascii: "n"): position += 4; return .other
        case UInt8(ascii: "{"), UInt8(ascii: "["):
            skipNested()
            return .other
        default:
            let start = position
            while let byte = peek(), byte == UInt8(ascii: "-") || byte == UInt8(ascii: "+") || byte == UInt8(ascii: ".")
                    || byte == UInt8(ascii: "e") || byte == UInt8(ascii: "E") || (0x30...0x39).contains(byte) {
                position += 1
            }
            guard position > start else { return nil }
            return .number(String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<position]), as: UTF8.self))
        }
    }

    /// A string at the position (its opening quote), unescaped.
    mutating func string() -> String? {
        position += 1
        let start = position
        var escaped = false
        while let byte = peek(), byte != UInt8(ascii: "\"") {
            if byte == UInt8(ascii: "\\") { escaped = true; position += 1 }
            position += 1
        }
        guard position < bytes.count else { return nil }
        let raw = UnsafeBufferPointer(rebasing: bytes[start..<position])
        position += 1
        if !escaped { return String(decoding: raw, as: UTF8.self) }
        // Rare: let Foundation read the escapes (\", \\, \n, \u00e9, surrogate pairs).
        var quoted = Data([UInt8(ascii: "\"")])
        quoted.append(contentsOf: raw)
        quoted.append(UInt8(ascii: "\""))
        return (try? JSONSerialization.jsonObject(with: quoted, options: [.fragmentsAllowed])) as? String
    }

    /// Skips an object or an array (strings in it read as strings, so their brackets do not count).
    mutating func skipNested() {
        var depth = 0
        while let byte = peek() {
            switch byte {
            case UInt8(ascii: "\""): _ = string(); continue
            case UInt8(ascii: "{"), UInt8(ascii: "["): depth += 1
            case UInt8(ascii: "}"), UInt8(ascii: "]"):
                depth -= 1
                if depth == 0 { position += 1; return }
            default: break
            }
            position += 1
        }
    }
}
