import Foundation
internal import GRDB
import Logging

/// Funnel's database: one SQLite file in WAL mode, foreign keys on, and every migration.
///
/// It owns the database writer; each write method is one transaction. Nothing above the
/// store sees SQL or GRDB: the layers above call these methods with plain Swift values.
public final class AppDatabase: Store {
    /// The `PRAGMA application_id` of a Funnel database ("FNL1").
    public static let applicationID: Int32 = 0x464E_4C31
    /// How long a write waits for another process's lock before it fails.
    public static let busyTimeout: TimeInterval = 5

    let writer: any DatabaseWriter
    /// The database file, or `:memory:`.
    public let path: String
    /// Whether writes are refused (read-only mode, or a file or folder that cannot be written).
    public let isReadOnly: Bool
    /// Why writes are refused, in words (nil when they are not).
    public let readOnlyReason: String?
    /// What a write does when another process holds the lock longer than the busy timeout.
    public let lockWait: LockWaitPolicy
    /// Damage found by checks and reads; once found, writes are refused.
    let health = FileHealth()
    /// Whether a connection waits for another process's lock, and stopping that wait.
    public let lockWatch: LockWatch
    /// Plan hints kept between reads (a search's match count, to pick how its pages are read).
    let hints = PlanHints()

    init(writer: any DatabaseWriter, path: String, readOnlyReason: String?, lockWait: LockWaitPolicy = LockWaitPolicy(),
         lockWatch: LockWatch = LockWatch(timeout: AppDatabase.busyTimeout)) {
        self.writer = writer
        self.lockWatch = lockWatch
        self.path = path
        self.isReadOnly = readOnlyReason != nil
        self.readOnlyReason = readOnlyReason
        self.lockWait = lockWait
    }

    /// Why writes are refused when the user asked for read-only mode.
    public static let readOnlyModeReason = "Funnel is in read-only mode (--read-only)"

    /// Opens (and, when `create`, creates and migrates to the current schema) the database at `path`.
    ///
    /// A new file is created readable and writable by its owner only; an empty file is made a
    /// database only when `create` (reading never creates one). A folder, a file that is not a
    /// Funnel database, is damaged, or was written by a newer Funnel is refused before anything
    /// is written to it. A file that cannot be written (its permissions, or a read-only folder,
    /// where SQLite cannot keep its -wal and -shm) is opened read-only, with `readOnlyReason`
    /// saying why; in a read-only folder it is read as immutable (nothing else can write it there).
    /// `replacing`: the file is about to be replaced whole (`funnel restore`): damage is no reason
    /// to refuse writing it, since the restore overwrites every page.
    public static func open(path: String, readOnly: Bool = false, create: Bool = true, replacing: Bool = false,
                            lockWait: LockWaitPolicy = LockWaitPolicy()) throws -> AppDatabase {
        let found = try Preflight.locate(path: path)
        if found == .missing {
            guard create, !readOnly else { throw StoreError.cannotOpen(path: path, detail: "no such file") }
            try createPrivateFile(at: path)
        }
        var readOnlyReason = readOnly ? readOnlyModeReason : Preflight.readOnlyReason(path: path)
        // A file to be written, small enough to check at once, is checked before the pool opens it
        // (opening one may write): a damaged one is opened read-only and every write refused.
        var damage: IntegrityReport?
        if case .file(let size) = found {
            try Preflight.check(path: path, size: size, knownMigrations: migrator.migrations, allowEmpty: create && readOnlyReason == nil)
            if size > 0, readOnlyReason == nil, !replacing, isSmallEnoughToCheck(path) {
                let report = try checkIntegrity(.quick, path: path, glance: true)
                if !report.isSound {
                    damage = report
                    readOnlyReason = "it is damaged"
                }
            }
        }
        let checkedAtOpen = readOnlyReason == nil && !replacing && { if case .file(let size) = found { return size > 0 && isSmallEnoughToCheck(path) } else { return false } }()
        do {
            if let readOnlyReason {
                var config = makeConfiguration()
                config.readonly = true
                let target = Preflight.lookingConfiguration(path: path).path
                let queue: DatabaseQueue
                do {
                    queue = try DatabaseQueue(path: target, configuration: config)
                } catch let error as DatabaseError where Preflight.readOnlyReason(path: path) != nil && Preflight.hasPendingLog(path: path) {
                    throw StoreError.cannotOpen(
                        path: path, detail: "\(Preflight.readOnlyReason(path: path) ?? ""), and \(path)-wal holds changes SQLite can read only with a -shm file beside it (\(error.message ?? "\(error.resultCode)")); open it once where it can be written, or copy the three files to a writable folder")
                }
                let database = AppDatabase(writer: queue, path: path, readOnlyReason: readOnlyReason)
                if let damage { database.health.record(damage: damage.summary) }
                try database.requireCurrentSchema()
                return database
            }
            // Opening a pool writes when the -wal file is missing or empty (GRDB makes one), so it
            // waits for another process's lock like every write.
            let watch = LockWatch(timeout: busyTimeout)
            let pool = try retryingLocks(path: path, lockWait: lockWait) { _ in try DatabasePool(path: path, configuration: makeConfiguration(watch: watch)) }
            let database = AppDatabase(writer: pool, path: path, readOnlyReason: nil, lockWait: lockWait, lockWatch: watch)
            if checkedAtOpen { database.health.markVerified() }
            // Migrating takes the write lock: only when there is something to do (a busy database
            // stays readable), and waiting for another process's lock like every write.
            if try !pool.read({ db in try migrator.hasCompletedMigrations(db) }) {
                try database.retryingLocks { _ in try migrator.migrate(pool) }
            }
            return database
        } catch let error as DatabaseError {
            throw StoreError(error, path: path)
        }
    }

    /// An empty, migrated in-memory database, for tests.
    public static func inMemory() throws -> AppDatabase {
        let queue = try DatabaseQueue(configuration: makeConfiguration())
        try migrator.migrate(queue)
        return AppDatabase(writer: queue, path: ":memory:", readOnlyReason: nil)
    }

    static func makeConfiguration(watch: LockWatch? = nil) -> Configuration {
        var config = Configuration()
        config.foreignKeysEnabled = true
        if let watch {
            // Funnel's own busy handler: it waits as long as `.timeout` would, and can be stopped.
            config.busyMode = .callback { tries in watch.busy(tries: tries) }
        } else {
            config.busyMode = .timeout(busyTimeout)
        }
        config.label = "funnel"
        config.prepareDatabase { db in
            // WAL with synchronous=NORMAL cannot corrupt; it may lose the last commit on power loss.
            try db.execute(sql: "PRAGMA synchronous = NORMAL")
            // Statement journals (every insert that fires triggers keeps one) and temporary
            // b-trees in memory, not in files under /var/tmp: an import wrote ~20 times per row there.
            try db.execute(sql: "PRAGMA temp_store = MEMORY")
            // Every page read is checked cell by cell (no measurable cost; docs/architecture.md):
            // a write that meets a damaged page fails and rolls back instead of spreading it.
            try db.execute(sql: "PRAGMA cell_size_check = ON")
        }
        return config
    }

    /// Creates an empty file with mode 0600 (and its folder with 0700), so that the database,
    /// and the -wal and -shm files SQLite derives from it, are readable by the owner only.
    static func createPrivateFile(at path: String) throws {
        let folder = (path as NSString).deletingLastPathComponent
        if !folder.isEmpty, !FileManager.default.fileExists(atPath: folder) {
            do {
                try FileManager.default.createDirectory(
                    atPath: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            } catch {
                throw StoreError.cannotOpen(path: path, detail: "cannot create the folder \(folder): \(error.localizedDescription)")
            }
        }
        let descriptor = Foundation.open(path, O_CREAT | O_EXCL | O_WRONLY, 0o600)
        guard descriptor >= 0 else {
            throw StoreError.cannotOpen(path: path, detail: String(cString: strerror(errno)))
        }
        close(descriptor)
    }

    /// Refuses a read-only database whose schema is not the current one (it cannot be migrated).
    func requireCurrentSchema() throws {
        let complete = try writer.read { db in try Self.migrator.hasCompletedMigrations(db) }
        if !complete {
            let remedy = readOnlyReason == Self.readOnlyModeReason
                ? "open it once without --read-only" : "open it once where it can be written"
            throw StoreError.readOnly(path: path, detail: "its schema is older than this Funnel's and it cannot be migrated here (\(readOnlyReason ?? "read-only")); \(remedy)")
        }
    }

    /// The schema version (`PRAGMA user_version`): the number of migrations applied.
    public func schemaVersion() throws -> Int {
        try read { db in try Int.fetchOne(db, sql: "PRAGMA user_version") ?? 0 }
    }

    /// The names of the migrations applied to this database, in order.
    public func appliedMigrations() throws -> [String] {
        try read { db in try Self.migrator.appliedMigrations(db) }
    }

    // MARK: - Transactions

    /// Runs `body` in one read transaction, translating database errors.
    func read<T>(_ body: (Database) throws -> T) throws -> T {
        do {
            return try writer.read(body)
        } catch let error as DatabaseError {
            let translated = StoreError(error, path: path)
            noteDamage(translated)
            throw translated
        }
    }

    /// Runs `body` in one write transaction: all of it is written, or nothing.
    ///
    /// A write waits up to the busy timeout for another connection's lock (SQLite's busy handler).
    /// When the lock is held longer, `lockWait` is told and the write waits again, up to
    /// `lockWait.retries` more times, before it fails with `StoreError.locked`. Only a transaction
    /// that could not begin is tried again (the lock is taken at BEGIN IMMEDIATE, before `body`
    /// runs), so nothing is done twice and nothing is lost.
    ///
    /// A file found damaged (by a check, a read, or the check before a process's first write) is
    /// refused before anything is written.
    func write<T>(_ body: (Database) throws -> T) throws -> T {
        if let damage = health.damage { throw StoreError.corrupt(path: path, detail: damage) }
        if let readOnlyReason { throw StoreError.readOnly(path: path, detail: readOnlyReason) }
        try checkBeforeFirstWrite()
        defer { lockWatch.settled() }
        do {
            return try retryingLocks { started in
                try writer.write { db in
                    started = true
                    return try body(db)
                }
            }
        } catch let error as StoreError {
            noteDamage(error)
            throw error
        }
    }

    /// Runs `attempt` (which sets its flag once its transaction has begun), again after a lock
    /// timeout when the transaction had not begun; translates database errors.
    func retryingLocks<T>(_ attempt: (inout Bool) throws -> T) throws -> T {
        try Self.retryingLocks(path: path, lockWait: lockWait, watch: lockWatch, attempt)
    }

    static func retryingLocks<T>(path: String, lockWait: LockWaitPolicy, watch: LockWatch? = nil, _ attempt: (inout Bool) throws -> T) throws -> T {
        var tries = 1
        while true {
            var started = false
            do {
                return try attempt(&started)
            } catch let error as DatabaseError where (error.resultCode == .SQLITE_BUSY || error.resultCode == .SQLITE_LOCKED) && watch?.takeStopped() == true {
                throw StoreError.stoppedWaiting(path: path)
            } catch let error as DatabaseError where (error.resultCode == .SQLITE_BUSY || error.resultCode == .SQLITE_LOCKED) && !started && tries <= lockWait.retries {
                lockWait.onWait(LockWaitPolicy.Wait(path: path, waited: Self.busyTimeout * Double(tries), attempt: tries + 1, attempts: lockWait.retries + 1))
                tries += 1
            } catch let error as DatabaseError {
                if error.resultCode == .SQLITE_BUSY || error.resultCode == .SQLITE_LOCKED {
                    throw StoreError.locked(path: path, seconds: Self.busyTimeout * Double(tries))
                }
                throw StoreError(error, path: path)
            }
        }
    }

    /// Runs `body` in one write transaction with the store's write methods.
    ///
    /// Services compose a change and its activity in one `transaction` so both land or neither.
    public func transaction<T>(_ body: (any StoreWriting) throws -> T) throws -> T {
        try write { db in try body(StoreTransaction(db: db, hints: hints)) }
    }

    /// Runs `body` in one read transaction with the store's read methods.
    public func snapshot<T>(_ body: (any StoreReading) throws -> T) throws -> T {
        try read { db in try body(StoreReader(db: db, hints: hints)) }
    }
}

/// What a write does when another process holds the database's lock longer than the busy timeout:
/// how many more times it waits, and whom it tells (the command line prints a line, so a person
/// knows why nothing happens yet).
public struct LockWaitPolicy: Sendable {
    /// One more wait, about to begin.
    public struct Wait: Sendable, Equatable {
        public let path: String
        /// Seconds waited so far.
        public let waited: Double
        /// The attempt about to start (2 for the first retry) and how many there are in all.
        public let attempt: Int
        public let attempts: Int
    }

    public var retries: Int
    public var onWait: @Sendable (Wait) -> Void

    /// A wait in words: "crm.sqlite is locked by another process ...; waiting again (attempt 2 of 3)...".
    public static func describe(_ wait: Wait) -> String {
        let name = (wait.path as NSString).lastPathComponent
        return "\(name) is locked by another process (a long import or a script?); waited \(Int(wait.waited)) s, "
            + "waiting again (attempt \(wait.attempt) of \(wait.attempts))..."
    }

    /// Two more waits (15 s in all with the 5 s busy timeout), told to nobody.
    public init(retries: Int = 2, onWait: @escaping @Sendable (Wait) -> Void = { _ in }) {
        self.retries = retries
        self.onWait = onWait
    }
}

extension StoreError {
    /// Translates a SQLite error into words a user can act on.
    init(_ error: DatabaseError, path: String) {
        let message = error.message ?? "\(error)"
        switch error.resultCode {
        case .SQLITE_NOTADB:
            self = .notAFunnelDatabase(path: path, reason: "it is not a SQLite database")
        case .SQLITE_CORRUPT:
            self = .corrupt(path: path, detail: message)
        case .SQLITE_READONLY:
            self = .readOnly(path: path, detail: message)
        case .SQLITE_BUSY, .SQLITE_LOCKED:
            self = .locked(path: path, seconds: AppDatabase.busyTimeout)
        case .SQLITE_CANTOPEN, .SQLITE_PERM, .SQLITE_AUTH:
            self = .cannotOpen(path: path, detail: message)
        case .SQLITE_CONSTRAINT:
            self = .constraint(Self.describeConstraint(message, code: error.extendedResultCode))
        default:
            self = .failed(path: path, detail: message)
        }
    }

    static func describeConstraint(_ message: String, code: ResultCode) -> String {
        switch code {
        case .SQLITE_CONSTRAINT_CHECK:
            return "the database refused a value: \(message)"
        case .SQLITE_CONSTRAINT_FOREIGNKEY:
            return "the database refused a reference to a record that does not exist (\(message))"
        case .SQLITE_CONSTRAINT_UNIQUE, .SQLITE_CONSTRAINT_PRIMARYKEY:
            return "the database refused a duplicate: \(message)"
        case .SQLITE_CONSTRAINT_NOTNULL:
            return "the database refused an empty required field: \(message)"
        case .SQLITE_CONSTRAINT_TRIGGER:
            return "the database refused the change: \(message)"
        default:
            return "the database refused the change: \(message)"
        }
    }
}
