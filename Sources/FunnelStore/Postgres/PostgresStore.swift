import Foundation
internal import PostgresNIO

/// The team mode's store: a Funnel workspace on a PostgreSQL server (`--db postgres://...`).
///
/// Each client signs in as its own PostgreSQL role (a Funnel user, or the database's owner for
/// set-up), and the server's row-level security keeps every organization's rows apart and holds
/// the permissions (Postgres/SQL/security.sql), whatever program a user connects with. The store's
/// methods scope every query by organization as the SQLite store's do.
///
/// Each `snapshot` or `transaction` takes a connection from the store's pool for its body (reads
/// and writes on other threads go on in parallel, as SQLite's WAL readers do): a read is one
/// `REPEATABLE READ READ ONLY` transaction, a write one `READ COMMITTED` transaction whose
/// `update` locks the row it compares (`FOR UPDATE`), so a stale version is refused, never
/// overwritten. Changes are heard through LISTEN/NOTIFY on the organizations' channels.
public final class PostgresStore: Store, @unchecked Sendable {
    public let location: StoreLocation
    public let isReadOnly: Bool
    public var readOnlyReason: String? { isReadOnly ? "opened read-only" : nil }
    public let lockWatch = LockWatch(timeout: 5)
    public var damage: String? { nil }

    let address: PostgresAddress
    let catalog: PostgresCatalog
    /// Plan hints kept between reads (a search's match count, to pick how its pages are read).
    let hints = PlanHints()
    private let lock = NSLock()
    private var idle: [PostgresSession] = []

    /// Connects to the server at `url`. An empty database is given Funnel's schema, its security
    /// and the seed roles when `create` (the owner's work: `funnel init`); a database without them
    /// is otherwise refused, saying what to run.
    public static func open(url: String, readOnly: Bool = false, create: Bool = true) throws -> PostgresStore {
        let location = StoreLocation.server(url)
        let address = try PostgresAddress(url: url)
        let session = try PostgresSession(address, shownLocation: location.description)
        let hasSchema = try PGRow(session.rows("SELECT to_regclass('funnel_migrations') IS NOT NULL")[0]).bool(0)
        if !hasSchema {
            guard create, !readOnly else {
                throw StoreError.notAFunnelDatabase(path: location.description, reason: "it has no Funnel schema (`funnel init --db \(location.description)` creates it, as the database's owner)")
            }
            try installSchema(session, shownLocation: location.description)
        }
        let catalog = try PostgresCatalog.load(session)
        let store = PostgresStore(location: location, address: address, catalog: catalog, readOnly: readOnly)
        store.checkIn(session)
        return store
    }

    init(location: StoreLocation, address: PostgresAddress, catalog: PostgresCatalog, readOnly: Bool) {
        self.location = location
        self.address = address
        self.catalog = catalog
        self.isReadOnly = readOnly
    }

    /// Applies Funnel's schema and security to an empty database, in one transaction.
    static func installSchema(_ session: PostgresSession, shownLocation: String) throws {
        let schema = String(decoding: PackageResources.schema_sql, as: UTF8.self)
        let security = String(decoding: PackageResources.security_sql, as: UTF8.self)
        do {
            try session.execute("BEGIN")
            // The scripts are many statements: sent as one simple query each (no parameters).
            try session.simple(schema)
            try session.simple(security)
            try session.execute("COMMIT")
        } catch {
            _ = try? session.execute("ROLLBACK")
            throw StoreError.cannotOpen(path: shownLocation, detail: "creating Funnel's schema failed (it needs the database's owner, with the right to create extensions): \(error)")
        }
    }

    // MARK: - Connections

    /// A connection of the pool (a new one when all are in use).
    func checkOut() throws -> PostgresSession {
        // Connections the server closed while they waited (a restart) are dropped.
        while let session = lock.withLock({ idle.popLast() }) {
            if !session.isBroken, !session.connection.isClosed { return session }
        }
        return try PostgresSession(address, shownLocation: location.description)
    }

    /// Gives a connection back (a broken one is dropped: the next use connects again).
    func checkIn(_ session: PostgresSession) {
        guard !session.isBroken else { return }
        lock.lock()
        if idle.count < 4 { idle.append(session) }
        lock.unlock()
    }

    /// A connection from `connect`, or the failure of a server that cannot be reached said as one.
    private func reachable(_ connect: () throws -> PostgresSession) throws -> PostgresSession {
        do {
            return try connect()
        } catch StoreError.cannotOpen(_, let detail) {
            throw StoreError.failed(path: location.displayName, detail: "the connection to the server was lost and it cannot be reached now (\(detail)); this was not done")
        }
    }

    /// Runs `body` inside `BEGIN ... COMMIT` on a connection of the pool; rolled back when it
    /// throws or when `rollback`.
    func run<T>(_ begin: String, rollback: Bool = false, _ body: (PostgresSession) throws -> T) throws -> T {
        let session = try reachable {
            var session = try checkOut()
            do {
                try session.execute(begin)
            } catch where session.isBroken {
                // Lost before anything was done: once more, on a new connection.
                session = try PostgresSession(address, shownLocation: location.description)
                try session.execute(begin)
            }
            return session
        }
        defer { checkIn(session) }
        do {
            let result = try body(session)
            if rollback { try session.execute("ROLLBACK") } else {
                do { try session.execute("COMMIT") } catch {
                    if session.isBroken {
                        // Sent, never answered: the server may have committed it before it went.
                        throw StoreError.failed(path: location.description, detail: "the server went away as the change was committed: it may or may not have been made (look again once it is back)")
                    }
                    throw StoreError.failed(path: location.description, detail: "the change was not committed (\(error)); nothing was written")
                }
            }
            return result
        } catch {
            if !session.isBroken { _ = try? session.execute("ROLLBACK") }
            throw error
        }
    }

    // MARK: - Store

    public func schemaVersion() throws -> Int { try appliedMigrations().count }

    public func appliedMigrations() throws -> [String] {
        try snapshotSession { session in
            try session.rows("SELECT name FROM funnel_migrations ORDER BY applied_at, name").map { try PGRow($0).string(0) }
        }
    }

    /// Runs `body` in one `REPEATABLE READ READ ONLY` transaction (one snapshot of the data).
    ///
    /// A read waits for the server only for its own statements: `BEGIN` is sent ahead of the
    /// body's first statement and `COMMIT` after its last, neither waited for (the connection runs
    /// them in order; a read-only transaction's commit has nothing to make durable, and the next
    /// user of the connection waits behind it). Each wait is a round trip through two threads and
    /// the server's process; a pane's read of one page was three of them, now one. A connection
    /// found lost at `BEGIN` (a server restart while it sat in the pool) is replaced once.
    func snapshotSession<T>(_ body: (PostgresSession) throws -> T) throws -> T {
        var session = try reachable { try checkOut() }
        for attempt in 0..<2 {
            let begun = session.send("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
            do {
                let result = try body(session)
                try session.settle(begun)
                _ = session.send("COMMIT")
                checkIn(session)
                return result
            } catch {
                if attempt == 0, session.isBroken, !begun.succeeded {
                    // Lost before anything was read: once more, on a new connection.
                    session = try reachable { try PostgresSession(address, shownLocation: location.description) }
                    continue
                }
                if !session.isBroken {
                    _ = session.send("ROLLBACK")
                    checkIn(session)
                }
                throw error
            }
        }
        preconditionFailure("unreachable: the second attempt returns or throws")
    }

    public func snapshot<T>(_ body: (any StoreReading) throws -> T) throws -> T {
        try snapshotSession { session in try body(PostgresReader(session: session, catalog: catalog, hints: hints)) }
    }

    public func transaction<T>(_ body: (any StoreWriting) throws -> T) throws -> T {
        if isReadOnly { throw StoreError.readOnly(path: location.description, detail: "opened read-only") }
        return try run("BEGIN") { session in try body(PostgresWriter(session: session, catalog: catalog, hints: hints)) }
    }

    public func rehearsal<T>(_ body: (any StoreWriting) throws -> T) throws -> T {
        try run("BEGIN", rollback: true) { session in try body(PostgresWriter(session: session, catalog: catalog)) }
    }

    public func changes(every interval: Duration) -> StoreChanges {
        StoreChanges(PostgresChangeListener.stream(address: address, shownLocation: location.description, retry: interval))
    }

    public func setChecksBeforeWrites(_ on: Bool) {}

    public func summary() throws -> BackupSummary {
        try snapshotSession { session in
            let row = PGRow(try session.rows("""
                SELECT pg_database_size(current_database()), (SELECT count(*) FROM funnel_migrations),
                  (SELECT count(*) FROM organizations), (SELECT count(*) FROM leads), (SELECT count(*) FROM deals)
                """)[0])
            return BackupSummary(path: location.description, bytes: try row.int(0), schemaVersion: Int(try row.int(1)),
                                 organizations: Int(try row.int(2)), leads: Int(try row.int(3)), deals: Int(try row.int(4)))
        }
    }

    /// A consistent copy of the whole workspace as a SQLite file (one read transaction on the
    /// server), checked by counting before it is kept: a Funnel backup any Funnel opens. The
    /// server's own backups (`pg_dump`, base backups) stay the administrator's.
    public func backup(to path: String) throws -> BackupSummary {
        _ = try StoreMigration.copy(from: self, toFile: path)
        let file = try AppDatabase.open(path: path, readOnly: true, create: false)
        return try file.summary()
    }

    public func restore(from path: String) throws {
        throw StoreError.failed(path: location.description, detail: "a server is restored by its own tools (`pg_restore`); `funnel migrate FILE \(location.description)` copies a SQLite file into it")
    }

    public func checkIntegrity(_ kind: IntegrityCheckKind) throws -> IntegrityReport {
        // The server keeps its own pages (checksums, WAL); what Funnel checks is its data's rules.
        let started = Date()
        let problems = try snapshotSession { session in try Self.consistencyProblems(session) }
        return IntegrityReport(kind: kind, problems: problems, seconds: Date().timeIntervalSince(started))
    }

    public func diagnose() throws -> DatabaseDiagnosis {
        try snapshotSession { session in
            let problems = try Self.consistencyProblems(session)
            let migrations = try session.rows("SELECT name FROM funnel_migrations ORDER BY applied_at, name").map { try PGRow($0).string(0) }
            let version = try PGRow(session.rows("SHOW server_version")[0]).string(0)
            return DatabaseDiagnosis(path: location.description, integrity: problems.isEmpty ? ["ok"] : problems, foreignKeyViolations: 0,
                                     schemaVersion: migrations.count, migrations: migrations, journalMode: "PostgreSQL \(version)", plans: [])
        }
    }

    /// What breaks the data's own rules that constraints cannot hold: maintained counts that
    /// differ from the rows they count.
    static func consistencyProblems(_ session: PostgresSession) throws -> [String] {
        try session.rows("""
            SELECT 'lead_status_counts of organization ' || coalesce(c.org_id, l.org_id) || ', ' || coalesce(c.status, l.status)
              || ': ' || coalesce(c.lead_count, 0) || ' counted, ' || coalesce(l.n, 0) || ' leads'
            FROM lead_status_counts c FULL JOIN (SELECT org_id, status, count(*) AS n FROM leads GROUP BY org_id, status) l
              ON l.org_id = c.org_id AND l.status = c.status
            WHERE coalesce(c.lead_count, 0) <> coalesce(l.n, 0)
            LIMIT 20
            """).map { try PGRow($0).string(0) }
    }
}

extension PostgresSession {
    /// Runs a script of many statements (no parameters), one statement at a time (the extended
    /// protocol takes one statement per query).
    func simple(_ sql: String) throws {
        for statement in Self.statements(sql) { try execute(statement) }
    }

    /// A script's statements: split at semicolons outside quotes, quoted names, dollar-quoted
    /// bodies (`$$ ... $$`, `$tag$ ... $tag$`) and comments.
    static func statements(_ script: String) -> [String] {
        let characters = Array(script.unicodeScalars)
        var statements: [String] = []
        var current = String.UnicodeScalarView()
        var index = 0
        func flush() {
            let text = String(current).trimmingCharacters(in: .whitespacesAndNewlines)
            if !text.isEmpty { statements.append(text) }
            current = String.UnicodeScalarView()
        }
        func take(until end: [Unicode.Scalar]) {
            // Copies up to and including `end` (or to the end of the script).
            while index < characters.count {
                if characters[index...].starts(with: end) {
                    current.append(contentsOf: end)
                    index += end.count
                    return
                }
                current.append(characters[index])
                index += 1
            }
        }
        while index < characters.count {
            let character = characters[index]
            let next: Unicode.Scalar? = index + 1 < characters.count ? characters[index + 1] : nil
            switch character {
            case ";":
                index += 1
                flush()
            case "-" where next == "-":
                // A comment to the end of the line (dropped).
                while index < characters.count, characters[index] != "\n" { index += 1 }
            case "/" where next == "*":
                index += 2
                var depth = 1
                while index < characters.count, depth > 0 {
                    if characters[index] == "*", index + 1 < characters.count, characters[index + 1] == "/" { depth -= 1; index += 2 }
                    else if characters[index] == "/", index + 1 < characters.count, characters[index + 1] == "*" { depth += 1; index += 2 }
                    else { index += 1 }
                }
            case "'", "\"":
                current.append(character)
                index += 1
                take(until: [character])
            case "$":
                // A dollar quote's tag: `$` letters/digits/underscores `$` (not a parameter like $1).
                var end = index + 1
                while end < characters.count, characters[end] == "_" || characters[end].properties.isAlphabetic
                        || (end > index + 1 && ("0"..."9").contains(characters[end])) { end += 1 }
                if end < characters.count, characters[end] == "$" {
                    let tag = Array(characters[index...end])
                    current.append(contentsOf: tag)
                    index = end + 1
                    take(until: tag)
                } else {
                    current.append(character)
                    index += 1
                }
            default:
                current.append(character)
                index += 1
            }
        }
        flush()
        return statements
    }
}
