import GRDB

/// The query plan of one pane query.
public struct QueryPlanReport: Sendable, Equatable {
    public let name: String
    /// The plan as SQLite explains it, one step a line.
    public let steps: [String]
    /// The tables the plan reads from start to end without an index.
    public let fullScans: [String]
}

/// What `funnel doctor` found.
public struct DatabaseDiagnosis: Sendable {
    public let path: String
    public let integrity: [String]
    public let foreignKeyViolations: Int
    public let schemaVersion: Int
    public let migrations: [String]
    public let journalMode: String
    public let plans: [QueryPlanReport]

    /// Whether everything is in order.
    public var isHealthy: Bool {
        integrity == ["ok"] && foreignKeyViolations == 0 && plans.allSatisfy { $0.fullScans.isEmpty }
    }
}

extension AppDatabase {
    /// Checks integrity, foreign keys and schema, and explains every pane query.
    public func diagnose() throws -> DatabaseDiagnosis {
        // A damaged file is diagnosed, not refused: each part reads in its own transaction (SQLite
        // may end one that meets a damaged page), and what could not be read is listed as a problem.
        var unreadable: [String] = []
        func part<T>(_ fallback: T, _ body: (Database) throws -> T) throws -> T {
            do {
                return try writer.read(body)
            } catch let error as DatabaseError where error.resultCode == .SQLITE_CORRUPT || error.resultCode == .SQLITE_NOTADB {
                unreadable.append(error.message ?? "database disk image is malformed")
                return fallback
            } catch let error as DatabaseError {
                throw StoreError(error, path: path)
            }
        }
        // On a connection of its own without cell_size_check, so that SQLite lists the damage.
        let report = try checkIntegrity(.full)
        var integrity = report.isSound ? ["ok"] : report.problems
        let violations = try part(0) { db in try Row.fetchAll(db, sql: "PRAGMA foreign_key_check").count }
        let (version, journal, migrations) = try read { db in
            (try Int.fetchOne(db, sql: "PRAGMA user_version") ?? 0, try String.fetchOne(db, sql: "PRAGMA journal_mode") ?? "?",
             try Self.migrator.appliedMigrations(db))
        }
        let plans = try part([]) { db in try PaneQueries.all.map { try Self.explain($0, in: db) } }
        if !unreadable.isEmpty { integrity = integrity.filter { $0 != "ok" } + unreadable }
        if integrity != ["ok"] { health.record(damage: "PRAGMA integrity_check: " + (integrity.first ?? "?")) }
        if !unreadable.isEmpty && integrity.isEmpty { integrity = unreadable }
        return DatabaseDiagnosis(
            path: path, integrity: integrity, foreignKeyViolations: violations, schemaVersion: version,
            migrations: migrations, journalMode: journal, plans: plans)
    }

    static func explain(_ query: PaneQuery, in db: Database) throws -> QueryPlanReport {
        let arguments = StatementArguments(query.sampleArguments.map { value -> (any DatabaseValueConvertible)? in
            switch value {
            case let int as Int: return int
            case let string as String: return string
            default: return nil
            }
        })
        let rows = try Row.fetchAll(db, sql: "EXPLAIN QUERY PLAN " + query.sql, arguments: arguments)
        let steps: [String] = rows.map { $0["detail"] }
        let scans = steps.compactMap { step -> String? in
            // "SCAN leads" reads every row; "SCAN leads USING INDEX ..." and virtual tables do not.
            let words = step.split(separator: " ")
            guard words.count == 2, words[0] == "SCAN" else { return nil }
            return String(words[1])
        }
        return QueryPlanReport(name: query.name, steps: steps, fullScans: scans)
    }
}

/// One index of the schema, as SQLite describes it.
public struct IndexDefinition: Sendable, Equatable {
    public let name: String
    public let table: String
    /// The indexed columns, comma-separated, with ` DESC` where descending.
    public let columns: String
    public let isUnique: Bool
    /// The statement that created it (shows a partial index's WHERE).
    public let sql: String
}

extension AppDatabase {
    /// Every index Funnel's schema created (not SQLite's automatic ones).
    public func indexDefinitions() throws -> [IndexDefinition] {
        try read { db in
            try Row.fetchAll(db, sql: "SELECT name, tbl_name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL")
                .map { row in
                    let name: String = row["name"]
                    let sql: String = row["sql"]
                    let columns = try Row.fetchAll(db, sql: "SELECT name, desc FROM pragma_index_xinfo(?) WHERE key = 1 ORDER BY seqno", arguments: [name])
                        .map { ($0["name"] as String? ?? "?") + (($0["desc"] as Int? ?? 0) == 1 ? " DESC" : "") }
                    return IndexDefinition(
                        name: name, table: row["tbl_name"], columns: columns.joined(separator: ","),
                        isUnique: sql.uppercased().hasPrefix("CREATE UNIQUE"), sql: sql)
                }
        }
    }
}
