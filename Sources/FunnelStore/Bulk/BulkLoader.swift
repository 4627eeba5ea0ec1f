import Foundation
internal import GRDB
internal import GRDBSQLite

/// Loads rows in bulk into a new database: prepared statements bound column by column.
///
/// Only `AppDatabase.buildNew` makes one, on a file nobody else has open, with indexes and
/// triggers set aside until the rows are in (building an index once is faster than updating it
/// a million times). Callers give explicit ids, so no row needs a read-back.
public final class BulkLoader {
    let db: Database
    private var inserters: [String: BulkInserter] = [:]

    init(db: Database) { self.db = db }

    /// Rows a loader's inserter binds into one statement before stepping it.
    static let rowsPerStatement = 16

    /// An inserter for `table` with these columns, prepared once and reused.
    ///
    /// It writes `rowsPerStatement` rows a statement (`INSERT ... SELECT * FROM (VALUES ...) LIMIT ?`,
    /// the limit telling how many of the bound rows are new, so the last, partial batch needs no
    /// statement of its own): stepping a statement costs about as much as a row, so a million rows
    /// in 62,500 steps instead of a million save a fifth of the inserting. Rows wait in the statement
    /// until it is full; `flush()` (or any `execute`) writes them.
    public func inserter(table: String, columns: [String]) throws -> BulkInserter {
        let key = table + "(" + columns.joined(separator: ",") + ")"
        if let inserter = inserters[key] { return inserter }
        let row = "(" + Array(repeating: "?", count: columns.count).joined(separator: ", ") + ")"
        let rows = Array(repeating: row, count: Self.rowsPerStatement).joined(separator: ", ")
        let sql = "INSERT INTO \(table)(\(columns.joined(separator: ", "))) SELECT * FROM (VALUES \(rows)) LIMIT ?"
        let statement = try db.makeStatement(sql: sql)
        let inserter = BulkInserter(statement: statement, columnCount: columns.count, table: table, rowsPerStatement: Self.rowsPerStatement)
        inserters[key] = inserter
        return inserter
    }

    /// Writes the rows every inserter still holds.
    public func flush() throws {
        for inserter in inserters.values { try inserter.flush() }
    }

    /// The id of each role, by name.
    public func roleIDs() throws -> [String: Int64] {
        var ids: [String: Int64] = [:]
        for row in try Row.fetchAll(db, sql: "SELECT name, id FROM roles") {
            ids[row["name"]] = row["id"]
        }
        return ids
    }

    /// Runs one statement of plain SQL (for set-based fix-ups after a load), once every row
    /// inserted so far is written.
    public func execute(_ sql: String) throws {
        try flush()
        try db.execute(sql: sql)
    }
}

/// Inserts rows into one table through one prepared statement.
public final class BulkInserter {
    let statement: Statement
    let columnCount: Int
    let table: String
    /// Rows bound into the statement before it is stepped (1: each `insert` writes its row).
    let rowsPerStatement: Int
    /// Rows bound and not written yet (with `rowsPerStatement` > 1).
    private var pending = 0
    /// How many rows this inserter has taken.
    public private(set) var rowCount = 0

    /// `rowsPerStatement` > 1: the statement holds that many rows of `columnCount` parameters,
    /// then one more, the number of them to insert (a `LIMIT`).
    init(statement: Statement, columnCount: Int, table: String, rowsPerStatement: Int = 1) {
        self.statement = statement
        self.columnCount = columnCount
        self.table = table
        self.rowsPerStatement = rowsPerStatement
    }

    /// Inserts one row: `bind` sets each column in order through the row binder.
    public func insert(_ bind: (inout BulkRow) -> Void) throws {
        let handle = statement.sqliteStatement
        let first = Int32(pending * columnCount + 1)
        var row = BulkRow(handle: handle, index: first)
        bind(&row)
        precondition(Int(row.index - first) == columnCount, "\(table): bound \(row.index - first) of \(columnCount) columns")
        guard rowsPerStatement > 1 else {
            try step(rows: 1)
            rowCount += 1
            return
        }
        rowCount += 1
        pending += 1
        if pending == rowsPerStatement { try flush() }
    }

    /// Writes the rows bound and not written yet.
    public func flush() throws {
        guard pending > 0 else { return }
        let rows = pending
        pending = 0
        try step(rows: rows)
    }

    private func step(rows: Int) throws {
        let handle = statement.sqliteStatement
        if rowsPerStatement > 1 { sqlite3_bind_int64(handle, Int32(rowsPerStatement * columnCount + 1), Int64(rows)) }
        let code = sqlite3_step(handle)
        sqlite3_reset(handle)
        guard code == SQLITE_DONE else {
            let message = String(cString: sqlite3_errmsg(sqlite3_db_handle(handle)))
            // A refused row is a constraint; a full disk or an I/O error is a failure of the whole.
            if code & 0xFF == SQLITE_CONSTRAINT {
                throw StoreError.constraint((rows == 1 ? "the database refused the row: " : "the database refused one of \(rows) rows of \(table): ") + message)
            }
            throw StoreError.failed(path: sqlite3_db_filename(sqlite3_db_handle(handle), "main").map { String(cString: $0) } ?? "", detail: message)
        }
    }
}

/// Binds the columns of one row, in order.
public struct BulkRow {
    let handle: OpaquePointer
    var index: Int32 = 1
    private static let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

    init(handle: OpaquePointer, index: Int32 = 1) {
        self.handle = handle
        self.index = index
    }

    /// An integer column.
    public mutating func int(_ value: Int64) {
        sqlite3_bind_int64(handle, index, value)
        index += 1
    }

    /// An integer column that may be NULL.
    public mutating func int(_ value: Int64?) {
        if let value { int(value) } else { null() }
    }

    /// A text column.
    public mutating func text(_ value: String) {
        var value = value
        value.withUTF8 { buffer in
            _ = sqlite3_bind_text(handle, index, buffer.baseAddress, Int32(buffer.count), Self.transient)
        }
        index += 1
    }

    /// A text column that may be NULL.
    public mutating func text(_ value: String?) {
        if let value { text(value) } else { null() }
    }

    /// A timestamp column, from seconds since 1970 (UTC), written as GRDB writes dates.
    public mutating func timestamp(_ secondsSince1970: Int64) {
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 23) { buffer in
            StoreTimestamp.write(secondsSince1970, into: buffer)
            _ = sqlite3_bind_text(handle, index, UnsafeRawPointer(buffer.baseAddress!).assumingMemoryBound(to: CChar.self), 23, Self.transient)
        }
        index += 1
    }

    /// A timestamp column that may be NULL.
    public mutating func timestamp(_ secondsSince1970: Int64?) {
        if let secondsSince1970 { timestamp(secondsSince1970) } else { null() }
    }

    /// A NULL column.
    public mutating func null() {
        sqlite3_bind_null(handle, index)
        index += 1
    }
}

/// Timestamps as the store writes them: `YYYY-MM-DD HH:MM:SS.SSS` in UTC.
public enum StoreTimestamp {
    /// Writes the 23 bytes of a timestamp into `buffer`.
    static func write(_ seconds: Int64, into buffer: UnsafeMutableBufferPointer<UInt8>) {
        let days = seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400
        let secondOfDay = seconds - days * 86_400
        let (year, month, day) = civilDate(daysSince1970: days)
        func put(_ value: Int64, _ width: Int, at offset: Int) {
            var value = value
            for position in stride(from: offset + width - 1, through: offset, by: -1) {
                buffer[position] = UInt8(48 + value % 10)
                value /= 10
            }
        }
        put(year, 4, at: 0); buffer[4] = 45
        put(month, 2, at: 5); buffer[7] = 45
        put(day, 2, at: 8); buffer[10] = 32
        put(secondOfDay / 3600, 2, at: 11); buffer[13] = 58
        put(secondOfDay / 60 % 60, 2, at: 14); buffer[16] = 58
        put(secondOfDay % 60, 2, at: 17); buffer[19] = 46
        put(0, 3, at: 20)
    }

    /// The text of a timestamp.
    public static func text(_ seconds: Int64) -> String {
        String(unsafeUninitializedCapacity: 23) { buffer in
            write(seconds, into: buffer)
            return 23
        }
    }

    /// Year, month and day of a day count since 1970-01-01 (Howard Hinnant's algorithm).
    static func civilDate(daysSince1970: Int64) -> (Int64, Int64, Int64) {
        let z = daysSince1970 + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthPrime = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * monthPrime + 2) / 5 + 1
        let month = monthPrime < 10 ? monthPrime + 3 : monthPrime - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }
}
