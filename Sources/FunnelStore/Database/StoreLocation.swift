import Foundation

/// Where a Funnel database is, as `--db`, `FUNNEL_DB` or the config's `database` name it: a SQLite
/// file, or a PostgreSQL server's URL (`postgres://user@host:5432/funnel`, the team mode).
public enum StoreLocation: Sendable, Equatable, CustomStringConvertible {
    case file(String)
    case server(URL)

    /// Reads a location: a `postgres://` or `postgresql://` URL names a server; anything else is a
    /// file path (`~` expanded).
    public init(_ text: String) {
        let lowered = text.lowercased()
        if lowered.hasPrefix("postgres://") || lowered.hasPrefix("postgresql://"), let url = URL(string: text), url.host != nil {
            self = .server(url)
        } else {
            self = .file((text as NSString).expandingTildeInPath)
        }
    }

    /// The file's path, for a file.
    public var path: String? {
        if case .file(let path) = self { return path }
        return nil
    }

    /// The location in words, never with a password: the path, or `postgres://user@host:port/db`.
    public var description: String {
        switch self {
        case .file(let path):
            return path
        case .server(let url):
            var components = URLComponents(url: url, resolvingAgainstBaseURL: false)
            if components?.password != nil { components?.password = "***" }
            return components?.string ?? "postgres://\(url.host ?? "?")"
        }
    }

    /// What the status bar shows: the file's name, or the server and database.
    public var displayName: String {
        switch self {
        case .file(let path): return (path as NSString).lastPathComponent
        case .server(let url): return "\(url.host ?? "?")\(url.path)"
        }
    }
}

extension AppDatabase {
    /// Opens the database at a location. A SQLite file opens as `open(path:)` does; a PostgreSQL
    /// server is refused, saying so, until the team mode's store exists (nothing is written).
    public static func open(at location: StoreLocation, readOnly: Bool = false, create: Bool = true, replacing: Bool = false,
                            lockWait: LockWaitPolicy = LockWaitPolicy()) throws -> AppDatabase {
        switch location {
        case .file(let path):
            return try open(path: path, readOnly: readOnly, create: create, replacing: replacing, lockWait: lockWait)
        case .server:
            throw StoreError.cannotOpen(path: location.description, detail: "this Funnel opens SQLite files only; a PostgreSQL server (team mode) is not supported yet")
        }
    }

    /// Where this database is.
    public var location: StoreLocation { .file(path) }
}
