import Foundation
import FunnelStore

/// A kind of store the contract suite runs against: each implementation of `Store`.
public enum StoreUnderTest: String, CaseIterable, Sendable, CustomStringConvertible {
    /// A SQLite file (WAL, foreign keys on) in a temporary folder.
    case sqlite

    public var description: String { rawValue }

    /// A new, empty store (migrated to the current schema), kept in `folder`.
    public func make(in folder: TemporaryFolder) throws -> any Store {
        switch self {
        case .sqlite: return try location(in: folder).openStore()
        }
    }

    /// Another client of the same store (another connection, as another process would have).
    public func another(in folder: TemporaryFolder, readOnly: Bool = false) throws -> any Store {
        try location(in: folder).openStore(readOnly: readOnly, create: false)
    }

    func location(in folder: TemporaryFolder) -> StoreLocation {
        switch self {
        case .sqlite: return .file(folder.file("contract.sqlite"))
        }
    }
}
