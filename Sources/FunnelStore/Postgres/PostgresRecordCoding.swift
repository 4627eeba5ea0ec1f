import Foundation
internal import PostgresNIO

/// The columns of the store's tables as the signed-in role may read them (`information_schema`
/// also lists a column the role may only write, such as a product's `api_key`: those are left
/// out, or reading a product would be refused), with their types: records are written with each
/// parameter cast to its column's type (text to `jsonb`, `int8` to `integer`) and read by name.
struct PostgresCatalog: Sendable {
    struct Column: Sendable {
        let name: String
        let type: String
        /// Generated (`email_normalized`, `search`): never written.
        let generated: Bool
    }

    var tables: [String: [Column]]
    /// Whether the database has `funnel_lead_matches` (security.sql), through which a search reads
    /// the full-text index as a user; a database set up before it reads `search @@` row by row.
    var hasLeadMatches = false

    static func load(_ session: PostgresSession) throws -> PostgresCatalog {
        let rows = try session.rows("""
            SELECT table_name::text, column_name::text, udt_name::text, is_generated::text,
              to_regprocedure('funnel_lead_matches(bigint,tsquery,integer)') IS NOT NULL
            FROM information_schema.columns WHERE table_schema = current_schema()
              AND has_column_privilege(format('%I.%I', table_schema, table_name), column_name, 'SELECT')
            ORDER BY table_name, ordinal_position
            """)
        var tables: [String: [Column]] = [:]
        var matches = false
        for row in rows.map(PGRow.init) {
            tables[try row.string(0), default: []].append(
                Column(name: try row.string(1), type: try row.string(2), generated: try row.string(3) == "ALWAYS"))
            matches = try row.bool(4)
        }
        return PostgresCatalog(tables: tables, hasLeadMatches: matches)
    }

    func columns(_ table: String) throws -> [Column] {
        guard let columns = tables[table] else {
            throw StoreError.failed(path: table, detail: "the server has no table \(table) this role may read (is this a Funnel database? `funnel init --db postgres://...` creates one)")
        }
        return columns
    }

    /// What `SELECT` reads of a record's table: its readable columns but search vectors and the
    /// leads' attribute document (read on their own). A `date` column is read as its text
    /// (`YYYY-MM-DD`, as records keep it: a deal's `closeDate`).
    func selectList(_ table: String, prefix: String = "") throws -> String {
        try columns(table).filter { $0.type != "tsvector" && !(table == "leads" && $0.name == "attributes") }
            .map { $0.type == "date" ? "\(prefix)\"\($0.name)\"::text AS \"\($0.name)\"" : prefix + "\"\($0.name)\"" }.joined(separator: ", ")
    }
}

// MARK: - Encoding a record to columns

/// Encodes a record (`Encodable`, keys in camel case) to its columns (snake case) and values.
struct PGRecordEncoder {
    static func encode<R: Encodable>(_ record: R) throws -> [(column: String, value: PGValue)] {
        let storage = Storage()
        try record.encode(to: KeyedEncoderRoot(storage: storage))
        return storage.values
    }

    final class Storage {
        var values: [(column: String, value: PGValue)] = []
    }

    struct KeyedEncoderRoot: Encoder {
        let storage: Storage
        var codingPath: [any CodingKey] { [] }
        var userInfo: [CodingUserInfoKey: Any] { [:] }
        func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
            KeyedEncodingContainer(Keyed<Key>(storage: storage))
        }
        func unkeyedContainer() -> any UnkeyedEncodingContainer { fatalError("a record encodes to named columns") }
        func singleValueContainer() -> any SingleValueEncodingContainer { fatalError("a record encodes to named columns") }
    }

    struct Keyed<Key: CodingKey>: KeyedEncodingContainerProtocol {
        let storage: Storage
        var codingPath: [any CodingKey] { [] }

        func put(_ value: PGValue, _ key: Key) { storage.values.append((key.stringValue.snakeCased, value)) }

        mutating func encodeNil(forKey key: Key) throws { put(.null, key) }
        mutating func encode(_ value: Bool, forKey key: Key) throws { put(.bool(value), key) }
        mutating func encode(_ value: String, forKey key: Key) throws { put(.text(value), key) }
        mutating func encode(_ value: Double, forKey key: Key) throws { put(.double(value), key) }
        mutating func encode(_ value: Float, forKey key: Key) throws { put(.double(Double(value)), key) }
        mutating func encode(_ value: Int, forKey key: Key) throws { put(.int(Int64(value)), key) }
        mutating func encode(_ value: Int8, forKey key: Key) throws { put(.int(Int64(value)), key) }
        mutating func encode(_ value: Int16, forKey key: Key) throws { put(.int(Int64(value)), key) }
        mutating func encode(_ value: Int32, forKey key: Key) throws { put(.int(Int64(value)), key) }
        mutating func encode(_ value: Int64, forKey key: Key) throws { put(.int(value), key) }
        mutating func encode(_ value: UInt, forKey key: Key) throws { put(.int(Int64(value)), key) }
        mutating func encode(_ value: UInt8, forKey key: Key) throws { put(.int(Int64(value)), key) }
        mutating func encode(_ value: UInt16, forKey key: Key) throws { put(.int(Int64(value)), key) }
        mutating func encode(_ value: UInt32, forKey key: Key) throws { put(.int(Int64(value)), key) }
        mutating func encode(_ value: UInt64, forKey key: Key) throws { put(.int(Int64(value)), key) }
        mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws {
            if let date = value as? Date { return put(.date(date), key) }
            // An enumeration encodes as its raw value; anything else (a list of permissions) as JSON.
            let single = SingleCapture()
            do {
                try value.encode(to: single)
                put(single.value ?? .null, key)
            } catch is SingleCapture.NotSingle {
                let json = try JSONEncoder().encode(value)
                put(.text(String(decoding: json, as: UTF8.self)), key)
            }
        }
        mutating func encodeIfPresent<T: Encodable>(_ value: T?, forKey key: Key) throws {
            if let value { try encode(value, forKey: key) } else { put(.null, key) }
        }
        mutating func encodeIfPresent(_ value: String?, forKey key: Key) throws { put(value.map(PGValue.text) ?? .null, key) }
        mutating func encodeIfPresent(_ value: Int64?, forKey key: Key) throws { put(value.map(PGValue.int) ?? .null, key) }
        mutating func encodeIfPresent(_ value: Int?, forKey key: Key) throws { put(value.map { .int(Int64($0)) } ?? .null, key) }
        mutating func encodeIfPresent(_ value: Double?, forKey key: Key) throws { put(value.map(PGValue.double) ?? .null, key) }
        mutating func encodeIfPresent(_ value: Bool?, forKey key: Key) throws { put(value.map(PGValue.bool) ?? .null, key) }

        mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type, forKey key: Key) -> KeyedEncodingContainer<NestedKey> {
            fatalError("a record's column is one value")
        }
        mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer { fatalError("a record's column is one value") }
        mutating func superEncoder() -> any Encoder { fatalError("a record's column is one value") }
        mutating func superEncoder(forKey key: Key) -> any Encoder { fatalError("a record's column is one value") }
    }

    /// Captures a value that encodes as one scalar (an enumeration's raw value); throws
    /// `NotSingle` for anything that needs a container (encoded as JSON instead).
    final class SingleCapture: Encoder, SingleValueEncodingContainer {
        struct NotSingle: Error {}
        var value: PGValue?
        var codingPath: [any CodingKey] { [] }
        var userInfo: [CodingUserInfoKey: Any] { [:] }

        func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
            KeyedEncodingContainer(Refusing<Key>())
        }
        func unkeyedContainer() -> any UnkeyedEncodingContainer { RefusingUnkeyed() }
        func singleValueContainer() -> any SingleValueEncodingContainer { self }

        func encodeNil() throws { value = .null }
        func encode(_ value: Bool) throws { self.value = .bool(value) }
        func encode(_ value: String) throws { self.value = .text(value) }
        func encode(_ value: Double) throws { self.value = .double(value) }
        func encode(_ value: Float) throws { self.value = .double(Double(value)) }
        func encode(_ value: Int) throws { self.value = .int(Int64(value)) }
        func encode(_ value: Int8) throws { self.value = .int(Int64(value)) }
        func encode(_ value: Int16) throws { self.value = .int(Int64(value)) }
        func encode(_ value: Int32) throws { self.value = .int(Int64(value)) }
        func encode(_ value: Int64) throws { self.value = .int(value) }
        func encode(_ value: UInt) throws { self.value = .int(Int64(value)) }
        func encode(_ value: UInt8) throws { self.value = .int(Int64(value)) }
        func encode(_ value: UInt16) throws { self.value = .int(Int64(value)) }
        func encode(_ value: UInt32) throws { self.value = .int(Int64(value)) }
        func encode(_ value: UInt64) throws { self.value = .int(Int64(value)) }
        func encode<T: Encodable>(_ value: T) throws {
            if let date = value as? Date { self.value = .date(date); return }
            try value.encode(to: self)
        }

        struct Refusing<Key: CodingKey>: KeyedEncodingContainerProtocol {
            var codingPath: [any CodingKey] { [] }
            mutating func encodeNil(forKey key: Key) throws { throw NotSingle() }
            mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws { throw NotSingle() }
            mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type, forKey key: Key) -> KeyedEncodingContainer<NestedKey> {
                KeyedEncodingContainer(Refusing<NestedKey>())
            }
            mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer { RefusingUnkeyed() }
            mutating func superEncoder() -> any Encoder { SingleCapture() }
            mutating func superEncoder(forKey key: Key) -> any Encoder { SingleCapture() }
        }

        struct RefusingUnkeyed: UnkeyedEncodingContainer {
            var codingPath: [any CodingKey] { [] }
            var count: Int { 0 }
            mutating func encodeNil() throws { throw NotSingle() }
            mutating func encode<T: Encodable>(_ value: T) throws { throw NotSingle() }
            mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type) -> KeyedEncodingContainer<NestedKey> {
                KeyedEncodingContainer(Refusing<NestedKey>())
            }
            mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer { RefusingUnkeyed() }
            mutating func superEncoder() -> any Encoder { SingleCapture() }
        }
    }
}

// MARK: - Decoding a record from a row

/// Decodes a record (`Decodable`, keys in camel case) from a row's columns (snake case).
struct PGRecordDecoder: Decoder {
    let row: PGRow
    var codingPath: [any CodingKey] { [] }
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    static func decode<R: Decodable>(_ type: R.Type, from row: PGRow) throws -> R {
        try R(from: PGRecordDecoder(row: row))
    }

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        KeyedDecodingContainer(Keyed<Key>(row: row))
    }
    func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
        throw DecodingError.typeMismatch([Any].self, .init(codingPath: [], debugDescription: "a record is read from named columns"))
    }
    func singleValueContainer() throws -> any SingleValueDecodingContainer {
        throw DecodingError.typeMismatch(Any.self, .init(codingPath: [], debugDescription: "a record is read from named columns"))
    }

    struct Keyed<Key: CodingKey>: KeyedDecodingContainerProtocol {
        let row: PGRow
        var codingPath: [any CodingKey] { [] }
        var allKeys: [Key] { [] }

        func column(_ key: Key) -> String { key.stringValue.snakeCased }
        func contains(_ key: Key) -> Bool { row.has(column(key)) }
        func decodeNil(forKey key: Key) throws -> Bool {
            !contains(key) || row.row[column(key)].bytes == nil
        }
        func decode(_ type: Bool.Type, forKey key: Key) throws -> Bool { try row.decode(Bool.self, column(key)) }
        func decode(_ type: String.Type, forKey key: Key) throws -> String { try row.decode(String.self, column(key)) }
        func decode(_ type: Double.Type, forKey key: Key) throws -> Double { try row.decode(Double.self, column(key)) }
        func decode(_ type: Float.Type, forKey key: Key) throws -> Float { try row.decode(Float.self, column(key)) }
        func decode(_ type: Int.Type, forKey key: Key) throws -> Int { try row.decode(Int.self, column(key)) }
        func decode(_ type: Int8.Type, forKey key: Key) throws -> Int8 { Int8(try row.decode(Int64.self, column(key))) }
        func decode(_ type: Int16.Type, forKey key: Key) throws -> Int16 { try row.decode(Int16.self, column(key)) }
        func decode(_ type: Int32.Type, forKey key: Key) throws -> Int32 { try row.decode(Int32.self, column(key)) }
        func decode(_ type: Int64.Type, forKey key: Key) throws -> Int64 { try row.decode(Int64.self, column(key)) }
        func decode(_ type: UInt.Type, forKey key: Key) throws -> UInt { UInt(try row.decode(Int64.self, column(key))) }
        func decode(_ type: UInt8.Type, forKey key: Key) throws -> UInt8 { UInt8(try row.decode(Int64.self, column(key))) }
        func decode(_ type: UInt16.Type, forKey key: Key) throws -> UInt16 { UInt16(try row.decode(Int64.self, column(key))) }
        func decode(_ type: UInt32.Type, forKey key: Key) throws -> UInt32 { UInt32(try row.decode(Int64.self, column(key))) }
        func decode(_ type: UInt64.Type, forKey key: Key) throws -> UInt64 { UInt64(try row.decode(Int64.self, column(key))) }
        func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T {
            let name = column(key)
            if T.self == Date.self { return try row.decode(Date.self, name) as! T }
            guard contains(key) else {
                throw DecodingError.keyNotFound(key, .init(codingPath: [], debugDescription: "no column \(name)"))
            }
            // An enumeration reads its raw value; anything else (a list) reads its JSON.
            do {
                return try T(from: Single(row: row, column: name))
            } catch is Single.NotSingle {
                let text = try row.decode(String.self, name)
                return try JSONDecoder().decode(T.self, from: Data(text.utf8))
            }
        }

        func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type, forKey key: Key) throws -> KeyedDecodingContainer<NestedKey> {
            throw DecodingError.typeMismatch(Any.self, .init(codingPath: [], debugDescription: "a column is one value"))
        }
        func nestedUnkeyedContainer(forKey key: Key) throws -> any UnkeyedDecodingContainer {
            throw DecodingError.typeMismatch(Any.self, .init(codingPath: [], debugDescription: "a column is one value"))
        }
        func superDecoder() throws -> any Decoder { PGRecordDecoder(row: row) }
        func superDecoder(forKey key: Key) throws -> any Decoder { PGRecordDecoder(row: row) }
    }

    /// One column read as one scalar (an enumeration's raw value).
    struct Single: Decoder, SingleValueDecodingContainer {
        struct NotSingle: Error {}
        let row: PGRow
        let column: String
        var codingPath: [any CodingKey] { [] }
        var userInfo: [CodingUserInfoKey: Any] { [:] }

        func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> { throw NotSingle() }
        func unkeyedContainer() throws -> any UnkeyedDecodingContainer { throw NotSingle() }
        func singleValueContainer() throws -> any SingleValueDecodingContainer { self }

        func decodeNil() -> Bool { row.row[column].bytes == nil }
        func decode(_ type: Bool.Type) throws -> Bool { try row.decode(Bool.self, column) }
        func decode(_ type: String.Type) throws -> String { try row.decode(String.self, column) }
        func decode(_ type: Double.Type) throws -> Double { try row.decode(Double.self, column) }
        func decode(_ type: Float.Type) throws -> Float { try row.decode(Float.self, column) }
        func decode(_ type: Int.Type) throws -> Int { try row.decode(Int.self, column) }
        func decode(_ type: Int8.Type) throws -> Int8 { Int8(try row.decode(Int64.self, column)) }
        func decode(_ type: Int16.Type) throws -> Int16 { try row.decode(Int16.self, column) }
        func decode(_ type: Int32.Type) throws -> Int32 { try row.decode(Int32.self, column) }
        func decode(_ type: Int64.Type) throws -> Int64 { try row.decode(Int64.self, column) }
        func decode(_ type: UInt.Type) throws -> UInt { UInt(try row.decode(Int64.self, column)) }
        func decode(_ type: UInt8.Type) throws -> UInt8 { UInt8(try row.decode(Int64.self, column)) }
        func decode(_ type: UInt16.Type) throws -> UInt16 { UInt16(try row.decode(Int64.self, column)) }
        func decode(_ type: UInt32.Type) throws -> UInt32 { UInt32(try row.decode(Int64.self, column)) }
        func decode(_ type: UInt64.Type) throws -> UInt64 { UInt64(try row.decode(Int64.self, column)) }
        func decode<T: Decodable>(_ type: T.Type) throws -> T {
            if T.self == Date.self { return try row.decode(Date.self, column) as! T }
            return try T(from: self)
        }
    }
}

extension String {
    /// `orgId` -> `org_id` (as GRDB's `convertToSnakeCase` names the SQLite columns). Coding keys
    /// are ASCII; this runs for every cell of every row read, so it works on bytes and returns the
    /// key itself when it has no capital (most columns: `id`, `name`, `score`).
    var snakeCased: String {
        guard utf8.contains(where: { $0 >= UInt8(ascii: "A") && $0 <= UInt8(ascii: "Z") }) else { return self }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(utf8.count + 4)
        for byte in utf8 {
            if byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z") {
                bytes.append(UInt8(ascii: "_"))
                bytes.append(byte + 32)
            } else {
                bytes.append(byte)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
