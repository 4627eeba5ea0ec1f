import Foundation
internal import GRDB

/// A record as GRDB reads and writes it, inside the store only: above it a record is a plain
/// value (`StoredRecord`), with no database conformance.
struct RecordRow<Value: StoredRecord>: FetchableRecord, MutablePersistableRecord, TableRecord, Encodable {
    var value: Value

    init(_ value: Value) { self.value = value }

    static var databaseTableName: String { Value.tableName }
    static var databaseColumnEncodingStrategy: DatabaseColumnEncodingStrategy { .convertToSnakeCase }

    /// Reads the record column by column where it knows how (`RowDecodable`: leads and deals,
    /// which lists read by the thousand), else through `Decodable`.
    init(row: Row) throws {
        if let decodable = Value.self as? any RowDecodable.Type, let value = try decodable.init(row: row) as? Value {
            self.value = value
        } else {
            value = try CodableRow<Value>(row: row).value
        }
    }

    func encode(to encoder: any Encoder) throws { try value.encode(to: encoder) }

    mutating func didInsert(_ inserted: InsertionSuccess) { value.id = inserted.rowID }
}

/// Decodes a record from a row through `Decodable`, columns named in snake case.
struct CodableRow<Value: Decodable>: FetchableRecord, Decodable {
    var value: Value

    static var databaseColumnDecodingStrategy: DatabaseColumnDecodingStrategy { .convertFromSnakeCase }

    init(from decoder: any Decoder) throws { value = try Value(from: decoder) }
}

/// A record that reads itself from a row faster than `Decodable` does.
protocol RowDecodable {
    init(row: Row) throws
}

extension StoredRecord {
    /// The record's table as a request of the store's.
    static var rows: QueryInterfaceRequest<RecordRow<Self>> { RecordRow<Self>.all() }
}
