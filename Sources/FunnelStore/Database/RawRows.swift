internal import GRDB
internal import GRDBSQLite

extension Database {
    /// The error of a failed `sqlite3_step` on this connection.
    func stepFailure(_ code: Int32) -> DatabaseError {
        DatabaseError(resultCode: ResultCode(rawValue: code), message: String(cString: sqlite3_errmsg(sqliteConnection)))
    }
}

extension Statement {
    /// Steps through the rows with SQLite's own calls (no `Row`, no Swift value per column),
    /// calling `body` with the statement's handle until it returns false or the rows end; then
    /// resets the statement. For loops over hundreds of thousands of rows.
    func forEachRawRow(in db: Database, _ body: (OpaquePointer) throws -> Bool) throws {
        let handle = sqliteStatement
        defer { sqlite3_reset(handle) }
        while true {
            let code = sqlite3_step(handle)
            if code == SQLITE_DONE { return }
            guard code == SQLITE_ROW else { throw db.stepFailure(code) }
            if try !body(handle) { return }
        }
    }
}
