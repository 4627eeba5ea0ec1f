import Foundation
import FunnelStore

/// A kind of store the contract suite runs against: each implementation of `Store`.
public enum StoreUnderTest: String, CaseIterable, Sendable, CustomStringConvertible {
    /// A SQLite file (WAL, foreign keys on) in a temporary folder.
    case sqlite
    /// A database of its own on the sandbox PostgreSQL server (`PostgresSandbox`), signed in as
    /// its owner (the tenant tests sign in as each user).
    case postgres

    public var description: String { rawValue }

    /// A new, empty store (migrated to the current schema), kept in `folder`.
    public func make(in folder: TemporaryFolder) throws -> any Store {
        switch self {
        case .sqlite: return try location(in: folder).openStore()
        case .postgres:
            _ = try PostgresSandbox.freshDatabase(Self.databaseName(folder))
            return try location(in: folder).openStore()
        }
    }

    /// Another client of the same store (another connection, as another process would have).
    public func another(in folder: TemporaryFolder, readOnly: Bool = false) throws -> any Store {
        try location(in: folder).openStore(readOnly: readOnly, create: false)
    }

    func location(in folder: TemporaryFolder) -> StoreLocation {
        switch self {
        case .sqlite: return .file(folder.file("contract.sqlite"))
        case .postgres: return .server((try? PostgresSandbox.url(PostgresSandbox.adminURL(), database: Self.databaseName(folder))) ?? "postgres://sandbox-not-started@127.0.0.1/none")
        }
    }

    /// The folder's own database on the server (dropped with the sandbox).
    static func databaseName(_ folder: TemporaryFolder) -> String {
        "contract_" + ((folder.path as NSString).lastPathComponent.lowercased().filter { $0.isLetter || $0.isNumber }.suffix(32))
    }
}
