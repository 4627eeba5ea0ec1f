import Foundation

/// Where a Funnel database is, as `--db`, `FUNNEL_DB` or the config's `database` name it: a SQLite
/// file, or a PostgreSQL server's URL (`postgres://user@host:5432/funnel`, the team mode).
public enum StoreLocation: Sendable, Equatable, CustomStringConvertible {
    case file(String)
    /// A server's URL as given (it may hold a password: `description` hides it).
    case server(String)

    /// Reads a location: anything with a `postgres://` or `postgresql://` scheme names a server
    /// (even one too malformed to parse: it is then refused as a server, its password hidden);
    /// anything else is a file path, as given (the command line expands `~`).
    public init(_ text: String) {
        let lowered = text.lowercased()
        self = lowered.hasPrefix("postgres://") || lowered.hasPrefix("postgresql://") ? .server(text) : .file(text)
    }

    /// The file's path, for a file.
    public var path: String? {
        if case .file(let path) = self { return path }
        return nil
    }

    /// The location in words, never with a password: the path, or `postgres://user:***@host:port/db`.
    public var description: String {
        switch self {
        case .file(let path):
            return path
        case .server(let text):
            // Whatever stands between "://" and the last "@" before the path is the user and password.
            guard let scheme = text.range(of: "://") else { return text }
            let rest = text[scheme.upperBound...]
            let authorityEnd = rest.firstIndex(of: "/") ?? rest.endIndex
            guard let at = rest[..<authorityEnd].lastIndex(of: "@") else { return text }
            let userInfo = rest[..<at]
            let user = userInfo.split(separator: ":", maxSplits: 1).first.map(String.init) ?? ""
            let hidden = userInfo.contains(":") ? "\(user):***" : user
            return String(text[..<scheme.upperBound]) + hidden + String(rest[at...])
        }
    }

    /// What the status bar shows: the file's name, or the server and database.
    public var displayName: String {
        switch self {
        case .file(let path): return (path as NSString).lastPathComponent
        case .server:
            let components = URLComponents(string: description)
            return "\(components?.host ?? "?")\(components?.path ?? "")"
        }
    }
}

extension AppDatabase {
    /// Opens the SQLite database at a location as `open(path:)` does; a PostgreSQL server is
    /// refused, saying so (`StoreLocation.openStore` opens either).
    public static func open(at location: StoreLocation, readOnly: Bool = false, create: Bool = true, replacing: Bool = false,
                            lockWait: LockWaitPolicy = LockWaitPolicy()) throws -> AppDatabase {
        switch location {
        case .file(let path):
            return try open(path: path, readOnly: readOnly, create: create, replacing: replacing, lockWait: lockWait)
        case .server:
            throw StoreError.cannotOpen(path: location.description, detail: "this command works on a SQLite file only")
        }
    }

    /// Where this database is.
    public var location: StoreLocation { .file(path) }
}

extension StoreLocation {
    /// Opens the store at this location, whatever keeps it: the one place that picks an
    /// implementation of the contract (`Store`) for a location.
    public func openStore(readOnly: Bool = false, create: Bool = true, replacing: Bool = false,
                          lockWait: LockWaitPolicy = LockWaitPolicy()) throws -> any Store {
        switch self {
        case .file:
            return try AppDatabase.open(at: self, readOnly: readOnly, create: create, replacing: replacing, lockWait: lockWait)
        case .server(let url):
            return try PostgresStore.open(url: url, readOnly: readOnly, create: create)
        }
    }
}
