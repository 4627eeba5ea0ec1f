import Foundation
internal import GRDB

extension AppDatabase {
    /// Builds a new database at `path` (which must not exist) and loads it in bulk.
    ///
    /// The schema is migrated as usual; then indexes and triggers are set aside, `load` inserts
    /// rows, and indexes, triggers, full-text indexes and maintained counts are rebuilt from the
    /// rows. Foreign keys are checked once for the whole load; any violation fails the build.
    /// The file is written without a journal, so callers build at a temporary path and move the
    /// result into place: an interrupted build leaves no half-made database where one is expected.
    public static func buildNew(
        at path: String,
        phase: (String) -> Void = { _ in },
        load: (BulkLoader) throws -> Void
    ) throws {
        guard !FileManager.default.fileExists(atPath: path) else {
            throw StoreError.cannotOpen(path: path, detail: "a file is already there")
        }
        try createPrivateFile(at: path)
        var config = makeConfiguration()
        config.foreignKeysEnabled = false
        config.prepareDatabase { db in
            try db.execute(sql: """
                PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF; PRAGMA temp_store = MEMORY;
                PRAGMA cache_size = -1000000; PRAGMA foreign_keys = OFF
                """)
        }
        do {
            let queue = try DatabaseQueue(path: path, configuration: config)
            try migrator.migrate(queue)
            try queue.inDatabase { db in
                try db.inTransaction {
                let setAside = try Row.fetchAll(db, sql: """
                    SELECT type, name, sql FROM sqlite_master
                    WHERE type IN ('index', 'trigger') AND sql IS NOT NULL
                    ORDER BY CASE type WHEN 'index' THEN 0 ELSE 1 END, rowid
                    """).map { (type: $0["type"] as String, name: $0["name"] as String, sql: $0["sql"] as String) }
                for object in setAside {
                    try db.execute(sql: "DROP \(object.type.uppercased()) \(object.name)")
                }
                phase("inserting rows")
                let loader = BulkLoader(db: db)
                try load(loader)
                try loader.flush()
                phase("building indexes")
                for object in setAside where object.type == "index" {
                    try db.execute(sql: object.sql)
                }
                phase("building full-text search")
                for statement in SchemaV1.rebuildDerivedData + SchemaV2.rebuildMonthTotals {
                    try db.execute(sql: statement)
                }
                for object in setAside where object.type == "trigger" {
                    try db.execute(sql: object.sql)
                }
                let violations = try Row.fetchAll(db, sql: "SELECT * FROM pragma_foreign_key_check LIMIT 5")
                if !violations.isEmpty {
                    let first = violations[0]
                    throw StoreError.constraint("bulk load left \(violations.count)+ broken references (first: \(first["table"] as String? ?? "?") row \(first["rowid"] as Int64? ?? 0) -> \(first["parent"] as String? ?? "?"))")
                }
                return .commit
                }
                phase("analyzing")
                try db.execute(sql: "PRAGMA analysis_limit = 1000; ANALYZE")
                try db.execute(sql: "PRAGMA journal_mode = WAL")
            }
            try queue.close()
        } catch let error as DatabaseError {
            throw StoreError(error, path: path)
        }
    }
}
