import Foundation
internal import GRDB

/// Looks at an existing file, read-only, before Funnel opens it.
enum Preflight {
    /// What is at a path, before anything is opened.
    enum Found: Equatable {
        case missing
        case folder
        /// A regular file of this many bytes.
        case file(size: Int)
    }

    /// What is at `path`; throws when it cannot even be looked at or read.
    static func locate(path: String) throws -> Found {
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) else { return .missing }
        if isFolder.boolValue {
            throw StoreError.cannotOpen(path: path, detail: "it is a folder, not a database file; give the path of a file (e.g. \(path)/funnel.sqlite)")
        }
        guard access(path, R_OK) == 0 else {
            throw StoreError.cannotOpen(path: path, detail: "you may not read it (\(String(cString: strerror(errno))))")
        }
        let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
        return .file(size: size)
    }

    /// Why a database at `path` cannot be written although it can be read, or nil when it can.
    ///
    /// SQLite keeps the -wal and -shm files beside the database: it needs a writable folder
    /// as well as a writable file.
    static func readOnlyReason(path: String) -> String? {
        if access(path, W_OK) != 0 {
            return "the file is not writable by you"
        }
        let folder = folderOf(path)
        if access(folder, W_OK) != 0 {
            return "its folder \(folder) is not writable, and SQLite keeps the -wal and -shm files beside the database"
        }
        return nil
    }

    static func folderOf(_ path: String) -> String {
        let folder = (path as NSString).deletingLastPathComponent
        return folder.isEmpty ? "." : folder
    }

    /// Whether the file has a -wal with changes not yet copied into it.
    static func hasPendingLog(path: String) -> Bool {
        let size = (try? FileManager.default.attributesOfItem(atPath: path + "-wal")[.size] as? Int) ?? 0
        return size > 0
    }

    /// A configuration for looking at the file without writing anything, even its -wal or -shm.
    ///
    /// In a folder where the -shm cannot be made, SQLite can only read a WAL database opened as
    /// immutable, which is right only when no -wal holds changes (nobody can write there either).
    /// A `glance` (a few reads, before deciding whether to open the file at all) reads a file
    /// with no -wal (that no process has open) as immutable too, so a file that is refused is
    /// left without a -wal or -shm beside it (a read-only connection would make both).
    static func lookingConfiguration(path: String, glance: Bool = false) -> (path: String, configuration: Configuration) {
        var config = Configuration()
        config.readonly = true
        config.busyMode = .timeout(AppDatabase.busyTimeout)
        let noLog = !FileManager.default.fileExists(atPath: path + "-wal")
        if (access(folderOf(path), W_OK) != 0 && !hasPendingLog(path: path)) || (glance && noLog) {
            return (immutableURI(path), config)
        }
        return (path, config)
    }

    /// A SQLite URI naming `path` as a file that cannot change (no lock, no -shm).
    static func immutableURI(_ path: String) -> String {
        let absolute = path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
        var allowed = CharacterSet.urlPathAllowed
        allowed.remove(charactersIn: "?#%")
        return "file:" + (absolute.addingPercentEncoding(withAllowedCharacters: allowed) ?? absolute) + "?immutable=1"
    }

    /// Throws a clear error when the file is not a Funnel database, is damaged, or is newer.
    ///
    /// An empty file is a new database only when `allowEmpty` (`funnel init` may make one in it);
    /// otherwise it is refused, so that reading never creates a database.
    static func check(path: String, size: Int, knownMigrations: [String], allowEmpty: Bool) throws {
        if size == 0 {
            if allowEmpty { return }  // an empty file, as `createPrivateFile` leaves it: a new database
            throw StoreError.notAFunnelDatabase(
                path: path, reason: "it is an empty file (0 bytes); `funnel init --db \(path)` makes a new database in it")
        }
        let (target, config) = lookingConfiguration(path: path, glance: true)
        do {
            let queue = try DatabaseQueue(path: target, configuration: config)
            defer { try? queue.close() }
            try queue.read { db in
                let applicationID = try Int32.fetchOne(db, sql: "PRAGMA application_id") ?? 0
                let tableCount = try Int.fetchOne(db, sql: "SELECT count(*) FROM sqlite_master") ?? 0
                if applicationID != AppDatabase.applicationID {
                    if tableCount == 0 && applicationID == 0 {
                        if allowEmpty { return }  // an empty SQLite database
                        throw StoreError.notAFunnelDatabase(
                            path: path, reason: "it is an empty SQLite database; `funnel init --db \(path)` makes a Funnel database in it")
                    }
                    throw StoreError.notAFunnelDatabase(
                        path: path,
                        reason: applicationID == 0
                            ? "it is a SQLite database of another program (\(tableCount) schema objects)"
                            : String(format: "it is a SQLite database of another program (application id 0x%08X)", applicationID))
                }
                guard try db.tableExists("grdb_migrations") else {
                    throw StoreError.notAFunnelDatabase(path: path, reason: "its migration history is missing")
                }
                let applied = try String.fetchAll(db, sql: "SELECT identifier FROM grdb_migrations")
                let unknown = applied.filter { !knownMigrations.contains($0) }
                if !unknown.isEmpty {
                    throw StoreError.newerSchema(path: path, unknownMigrations: unknown)
                }
                // Each migration sets user_version to its number: a larger one was set by a newer Funnel.
                let version = try Int.fetchOne(db, sql: "PRAGMA user_version") ?? 0
                if version > knownMigrations.count {
                    throw StoreError.newerSchema(
                        path: path, unknownMigrations: ["schema version \(version); this Funnel knows versions up to \(knownMigrations.count)"])
                }
            }
        } catch let error as DatabaseError {
            throw StoreError(error, path: path)
        }
    }
}

/// What is at a path, as `funnel demo` needs to know before replacing it.
public enum ExistingFile: Sendable, Equatable {
    case none
    /// An empty file.
    case empty
    /// A Funnel database, with the slugs of its organizations.
    case funnel(organizationSlugs: [String])
    /// Anything else, and why it is not a Funnel database (or not one this Funnel can read).
    case other(String)
}

extension AppDatabase {
    /// Looks at what is at `path` without writing anything. Throws for a folder, an unreadable
    /// file, or a damaged one.
    public static func existingFile(at path: String) throws -> ExistingFile {
        guard case .file(let size) = try Preflight.locate(path: path) else { return .none }
        if size == 0 { return .empty }
        do {
            try Preflight.check(path: path, size: size, knownMigrations: migrator.migrations, allowEmpty: true)
        } catch StoreError.notAFunnelDatabase(_, let reason) {
            return .other(reason)
        } catch let error as StoreError {
            if case .newerSchema = error { return .other("it was written by a newer version of Funnel") }
            throw error
        }
        let (target, config) = Preflight.lookingConfiguration(path: path, glance: true)
        do {
            let queue = try DatabaseQueue(path: target, configuration: config)
            defer { try? queue.close() }
            return try queue.read { db in
                guard try db.tableExists("organizations") else { return .other("it is an empty SQLite database") }
                return .funnel(organizationSlugs: try String.fetchAll(db, sql: "SELECT slug FROM organizations ORDER BY id"))
            }
        } catch let error as DatabaseError {
            throw StoreError(error, path: path)
        }
    }
}
