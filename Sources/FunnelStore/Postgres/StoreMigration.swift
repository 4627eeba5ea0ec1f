import Foundation
internal import GRDB
internal import PostgresNIO

/// What `funnel migrate` copied: each table's rows and time, and what the check after found.
public struct MigrationReport: Sendable {
    public struct Table: Sendable {
        public let name: String
        public let rows: Int
        public let seconds: Double
    }

    public var tables: [Table] = []
    /// Tables whose rows per organization differ between the two stores after the copy (none
    /// when the copy is whole), in words.
    public var mismatches: [String] = []
    /// How many (table, organization) counts were compared.
    public var comparisons = 0
}

/// Copies a whole SQLite workspace into an empty PostgreSQL database, with all its history:
/// every table's rows with their ids, through COPY, in one transaction on the server (all of it
/// lands, or none). Then the rows of every table, per organization where it has one, are counted
/// on both sides and must match.
public enum StoreMigration {
    /// Tables the copy leaves to the target (its own bookkeeping) or that the target has not.
    static let skipped: Set<String> = ["funnel_migrations", "grdb_migrations"]

    /// Blocks its thread while a task feeds each table to the server's COPY: call it from a thread
    /// of its own, never from Swift's cooperative pool (its one thread, on a one-core machine, would
    /// wait for the task that needs it).
    public static func copy(from source: any Store, to target: any Store,
                            progress: (_ table: String, _ rows: Int) -> Bool = { _, _ in true }) throws -> MigrationReport {
        guard let file = source as? AppDatabase, let server = target as? PostgresStore else {
            throw StoreError.failed(path: target.location.description,
                                    detail: "migrate copies a SQLite file into a PostgreSQL database (FROM is a file, TO a postgres:// URL)")
        }
        return try server.run("BEGIN") { session in
            try session.execute("SET LOCAL TIME ZONE 'UTC'")
            if try PGRow(session.rows("SELECT count(*) FROM organizations")[0]).int(0) > 0 {
                throw StoreError.constraint("\(server.location.description) already holds organizations: migrate copies into an empty Funnel database only (nothing was written)")
            }
            // The source's rows are already consistent (counts, indexes, versions): copied as they
            // are, with the target's triggers and reference checks off for the copy (the owner
            // may), and checked after by counting.
            do {
                try session.execute("SET LOCAL session_replication_role = replica")
            } catch {
                throw StoreError.failed(path: server.location.description, detail: "migrate needs the database's owner as a superuser (to copy rows as they are, triggers off): \(error)")
            }
            try session.execute("DELETE FROM roles")  // the seed's roles, replaced by the file's own (same names, the file's ids)
            let sourceTables = Set(try file.read { db in
                try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'table'")
            })
            var report = MigrationReport()
            for table in server.catalog.tables.keys.sorted() where !skipped.contains(table) && sourceTables.contains(table) {
                let started = Date()
                let targetColumns = try server.catalog.columns(table).filter { !$0.generated }
                let sourceColumns = Set(try file.read { db in try db.columns(in: table).map(\.name) })
                let columns = targetColumns.map(\.name).filter { sourceColumns.contains($0) }
                let rows = try copyTable(table, columns: columns, from: file, into: session, progress: progress)
                report.tables.append(.init(name: table, rows: rows, seconds: Date().timeIntervalSince(started)))
            }
            // Identities continue after the copied ids.
            for table in server.catalog.tables.keys.sorted() where server.catalog.tables[table]?.contains(where: { $0.name == "id" }) == true {
                try session.execute("""
                    SELECT setval(pg_get_serial_sequence('\(table)', 'id'), greatest((SELECT max(id) FROM \(table)), 1))
                    WHERE pg_get_serial_sequence('\(table)', 'id') IS NOT NULL
                    """)
            }
            try session.execute("SET LOCAL session_replication_role = origin")
            try compare(file, session, tables: report.tables.map(\.name), catalog: server.catalog, into: &report)
            guard report.mismatches.isEmpty else {
                throw StoreError.constraint("the copy differs from the file (nothing was kept): " + report.mismatches.prefix(5).joined(separator: "; "))
            }
            let problems = try PostgresStore.consistencyProblems(session)
            guard problems.isEmpty else {
                throw StoreError.constraint("the copied counts disagree with the rows (nothing was kept): " + problems.prefix(3).joined(separator: "; "))
            }
            return report
        }
    }

    /// Tables a SQLite file keeps from its other tables' rows by triggers (counts, the attribute
    /// value index, full-text indexes): never copied into a file, which rebuilds them.
    static let derivedInFile: Set<String> = [
        "lead_status_counts", "content_status_counts", "deal_stage_totals", "deal_month_totals", "lead_attribute_values",
    ]

    /// Copies a whole PostgreSQL workspace into a new SQLite file at `path` (which must not exist),
    /// with all its history, then counts every table's rows per organization on both sides. The
    /// file is written beside `path` and renamed into place once checked.
    public static func copy(from server: PostgresStore, toFile path: String) throws -> MigrationReport {
        guard !FileManager.default.fileExists(atPath: path) else {
            throw StoreError.failed(path: path, detail: "it exists already: a copy goes to a new file")
        }
        let partial = path + ".partial"
        try? FileManager.default.removeItem(atPath: partial)
        var report = MigrationReport()
        do {
            let file = try AppDatabase.open(path: partial, create: true)
            try server.snapshotSession { session in
                try session.execute("SET LOCAL TIME ZONE 'UTC'")
                try file.write { db in
                    // References are checked once every table is in (at the commit).
                    try db.execute(sql: "PRAGMA defer_foreign_keys = ON")
                    try db.execute(sql: "DELETE FROM roles")  // the file's seed, replaced by the server's (same names)
                    let fileTables = Set(try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'table'"))
                    for table in server.catalog.tables.keys.sorted()
                    where !skipped.contains(table) && !derivedInFile.contains(table) && fileTables.contains(table) {
                        let started = Date()
                        // Generated columns (hidden 2 and 3) are the file's own to compute.
                        let fileColumns = Set(try String.fetchAll(db, sql: "SELECT name FROM pragma_table_xinfo(?) WHERE hidden = 0", arguments: [table]))
                        let columns = try server.catalog.columns(table).filter { fileColumns.contains($0.name) }
                        guard !columns.isEmpty else { continue }
                        // Each value as the file keeps it: times as GRDB's text, JSON as text, booleans as 0/1.
                        let select = columns.map { column -> String in
                            let name = "\"\(column.name)\""
                            switch column.type {
                            case "timestamptz", "timestamp": return "to_char(\(name), 'YYYY-MM-DD HH24:MI:SS.MS')"
                            case "jsonb", "json", "date", "numeric": return "\(name)::text"
                            case "bool": return "\(name)::int::bigint"
                            case "int2", "int4": return "\(name)::bigint"
                            case "float4": return "\(name)::float8"
                            default: return name
                            }
                        }.joined(separator: ", ")
                        let insert = try db.makeStatement(sql: "INSERT INTO \(table) (\(columns.map { "\"\($0.name)\"" }.joined(separator: ", "))) VALUES (\(Array(repeating: "?", count: columns.count).joined(separator: ", ")))")
                        var rows = 0
                        var last: Int64? = nil
                        let keyed = columns.contains { $0.name == "id" }
                        // In pages by id (or whole, for the few tables without one).
                        while true {
                            let page = try session.rows(
                                "SELECT \(select)\(keyed ? ", id" : "") FROM \(table)" + (keyed ? " WHERE id > $1 ORDER BY id LIMIT 5000" : ""),
                                keyed ? [.int(last ?? Int64.min)] : [])
                            for row in page.map(PGRow.init) {
                                var values: [(any DatabaseValueConvertible)?] = []
                                for index in 0..<columns.count {
                                    switch columns[index].type {
                                    case "int8", "int4", "int2", "bool": values.append(try row.optionalInt(index))
                                    case "float8", "float4": values.append(try row.decode(Double?.self, index))
                                    default: values.append(try row.optionalString(index))
                                    }
                                }
                                try insert.execute(arguments: StatementArguments(values))
                                if keyed { last = try row.int(columns.count) }
                                rows += 1
                            }
                            if !keyed || page.count < 5000 { break }
                        }
                        report.tables.append(.init(name: table, rows: rows, seconds: Date().timeIntervalSince(started)))
                    }
                }
                try compare(file, session, tables: report.tables.map(\.name), catalog: server.catalog, into: &report)
            }
            guard report.mismatches.isEmpty else {
                throw StoreError.constraint("the copy differs from the server: " + report.mismatches.prefix(5).joined(separator: "; "))
            }
            let integrity = try file.checkIntegrity(.full)
            guard integrity.isSound else { throw StoreError.corrupt(path: partial, detail: integrity.problems.joined(separator: "; ")) }
        } catch {
            for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: partial + suffix) }
            throw error
        }
        for suffix in ["-wal", "-shm"] { try? FileManager.default.removeItem(atPath: partial + suffix) }
        try FileManager.default.moveItem(atPath: partial, toPath: path)
        return report
    }

    /// Counts each table's rows per organization (or in all, for tables without one) on both sides.
    static func compare(_ file: AppDatabase, _ session: PostgresSession, tables: [String], catalog: PostgresCatalog,
                        into report: inout MigrationReport) throws {
        for table in tables {
            let byOrg = try catalog.columns(table).contains { $0.name == "org_id" }
            let sql = byOrg ? "SELECT org_id, count(*) FROM \(table) GROUP BY org_id ORDER BY org_id" : "SELECT 0, count(*) FROM \(table)"
            let there = try file.read { db in
                try Row.fetchAll(db, sql: sql).map { "\($0[0] as Int64? ?? 0):\($0[1] as Int64? ?? 0)" }
            }
            let here = try session.rows(sql).map { row -> String in
                let row = PGRow(row)
                return "\(try row.optionalInt(0) ?? 0):\(try row.int(1))"
            }
            report.comparisons += max(there.count, 1)
            if there != here {
                report.mismatches.append("\(table): file \(there.prefix(4).joined(separator: ", ")), server \(here.prefix(4).joined(separator: ", "))")
            }
        }
    }

    /// Streams one table from the file into the server with COPY (text format), in chunks.
    static func copyTable(_ table: String, columns: [String], from file: AppDatabase, into session: PostgresSession,
                          progress: (String, Int) -> Bool) throws -> Int {
        guard !columns.isEmpty else { return 0 }
        let queue = ChunkQueue()
        let select = "SELECT " + columns.map { "\"\($0)\"" }.joined(separator: ", ") + " FROM \(table)"
        // The file is read on a thread of its own, a chunk at a time, while the server takes the last.
        let reader = Thread {
            do {
                try file.read { db in
                    let cursor = try Row.fetchCursor(db, sql: select)
                    var text = ""
                    var rows = 0
                    while let row = try cursor.next() {
                        for index in 0..<columns.count {
                            if index > 0 { text += "\t" }
                            Self.appendCopyText(row[index] as DatabaseValue, to: &text)
                        }
                        text += "\n"
                        rows += 1
                        if text.utf8.count >= 1 << 20 {
                            guard queue.put(.chunk(text, rows)) else { return }
                            text = ""
                            rows = 0
                        }
                    }
                    if !text.isEmpty { _ = queue.put(.chunk(text, rows)) }
                }
                _ = queue.put(.end)
            } catch {
                _ = queue.put(.failed("\(error)"))
            }
        }
        reader.start()
        let outcome = Outcome()
        let done = DispatchSemaphore(value: 0)
        let connection = session.connection
        Task {
            do {
                try await connection.copyFrom(table: table, columns: columns, logger: PostgresSession.logger) { writer in
                    while true {
                        switch queue.take() {
                        case .chunk(let text, let rows):
                            try await writer.write(ByteBuffer(string: text))
                            outcome.add(rows)
                        case .end:
                            return
                        case .failed(let message):
                            throw StoreError.failed(path: table, detail: "reading \(table) from the file: \(message)")
                        }
                    }
                }
            } catch {
                outcome.fail(error)
            }
            done.signal()
        }
        done.wait()
        queue.close()
        if let error = outcome.error { throw session.translate(error) }
        guard progress(table, outcome.rows) else { throw CancellationError() }
        return outcome.rows
    }

    /// A value as COPY's text format writes it: `\N` for NULL, backslash escapes for the rest.
    static func appendCopyText(_ value: DatabaseValue, to text: inout String) {
        switch value.storage {
        case .null: text += "\\N"
        case .int64(let int): text += String(int)
        case .double(let double): text += "\(double)"
        case .string(let string):
            for scalar in string.unicodeScalars {
                switch scalar {
                case "\\": text += "\\\\"
                case "\t": text += "\\t"
                case "\n": text += "\\n"
                case "\r": text += "\\r"
                default: text.unicodeScalars.append(scalar)
                }
            }
        case .blob(let data):
            text += "\\\\x" + data.map { String(format: "%02x", $0) }.joined()
        }
    }

    /// Chunks from the file's reader to the server's writer, at most four waiting.
    final class ChunkQueue: @unchecked Sendable {
        enum Item { case chunk(String, Int), end, failed(String) }
        private let lock = NSLock()
        private var items: [Item] = []
        private var closed = false
        private let spaces = DispatchSemaphore(value: 4)
        private let available = DispatchSemaphore(value: 0)

        /// Adds an item, waiting for room; false once the taker has gone.
        func put(_ item: Item) -> Bool {
            spaces.wait()
            return lock.withLock {
                if closed { return false }
                items.append(item)
                available.signal()
                return true
            }
        }

        func take() -> Item {
            available.wait()
            let item = lock.withLock { items.removeFirst() }
            spaces.signal()
            return item
        }

        /// The taker has gone: a waiting reader is let go.
        func close() {
            lock.withLock { closed = true }
            for _ in 0..<4 { spaces.signal() }
        }
    }

    final class Outcome: @unchecked Sendable {
        private let lock = NSLock()
        private(set) var rows = 0
        private(set) var error: (any Error)?
        func add(_ count: Int) { lock.withLock { rows += count } }
        func fail(_ error: any Error) { lock.withLock { self.error = error } }
    }
}
