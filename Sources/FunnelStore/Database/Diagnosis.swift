import Foundation
internal import GRDB

/// The query plan of one statement a pane runs.
public struct QueryPlanReport: Sendable, Equatable {
    /// The pane operation that ran it (`leads.search-common #2`: its second statement).
    public let name: String
    /// The statement as it ran, with its values (explained so; it holds the file's data, so
    /// reports show `statement`).
    public let sql: String
    /// The statement as the store prepares it, with `?` for its values.
    public let statement: String
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
        let plans = try part([]) { db in try Self.explainPaneOperations(in: db) }
        if !unreadable.isEmpty { integrity = integrity.filter { $0 != "ok" } + unreadable }
        if integrity != ["ok"] { health.record(damage: "PRAGMA integrity_check: " + (integrity.first ?? "?")) }
        if !unreadable.isEmpty && integrity.isEmpty { integrity = unreadable }
        return DatabaseDiagnosis(
            path: path, integrity: integrity, foreignKeyViolations: violations, schemaVersion: version,
            migrations: migrations, journalMode: journal, plans: plans)
    }

    /// Runs every pane operation (`PaneOperation.all`, through the store's own read methods) with a
    /// statement trace, and explains each distinct statement it ran, with the values it ran with.
    static func explainPaneOperations(in db: Database, now: Date = Date()) throws -> [QueryPlanReport] {
        let reader = StoreReader(db: db)
        let sample = try PaneSample.read(reader, now: now)
        var reports: [QueryPlanReport] = []
        var seen = Set<String>()
        for operation in PaneOperation.all {
            let ran = StatementLog()
            db.trace(options: .statement) { event in
                if case .statement(let statement) = event { ran.add(sql: statement.sql, expanded: statement.expandedSQL) }
            }
            defer { db.trace(options: [], nil) }
            try operation.run(reader, sample)
            // Each statement once, under the first operation that ran it.
            let new = ran.statements.filter { seen.insert($0.sql).inserted }
            for (index, statement) in new.enumerated() {
                reports.append(try explain(name: new.count == 1 ? operation.name : "\(operation.name) #\(index + 1)", sql: statement.expanded,
                                           statement: statement.sql, in: db))
            }
        }
        return reports
    }

    static func explain(name: String, sql: String, statement: String, in db: Database) throws -> QueryPlanReport {
        let rows = try Row.fetchAll(db, sql: "EXPLAIN QUERY PLAN " + sql)
        let steps: [String] = rows.map { $0["detail"] }
        let scans = steps.compactMap { step -> String? in
            // "SCAN leads" reads every row; "SCAN leads USING INDEX ...", virtual tables and
            // "SCAN (subquery-1)" (the rows of a bounded subquery, counted) do not.
            let words = step.split(separator: " ")
            guard words.count == 2, words[0] == "SCAN", !words[1].hasPrefix("(") else { return nil }
            return String(words[1])
        }
        return QueryPlanReport(name: name, sql: sql, statement: statement, steps: steps, fullScans: scans)
    }
}

/// The statements one pane operation ran, in order, once each (by their SQL with placeholders).
private final class StatementLog: @unchecked Sendable {
    private(set) var statements: [(sql: String, expanded: String)] = []
    private var seen = Set<String>()

    func add(sql: String, expanded: String) {
        // Transactions' own statements (BEGIN, COMMIT) are not pane queries, nor FTS5's reads of
        // its shadow tables ('main'.'leads_fts_data'...), which it runs on the same connection.
        let head = sql.prefix(8).uppercased()
        guard head.hasPrefix("SELECT") || head.hasPrefix("WITH"), !sql.contains("'main'."), seen.insert(sql).inserted else { return }
        statements.append((sql, expanded))
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
