import Foundation
/// What went wrong in the store, in words a user can act on.
public enum StoreError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The file exists but is not a Funnel database.
    case notAFunnelDatabase(path: String, reason: String)
    /// The file was written by a newer Funnel: it knows migrations this one does not.
    case newerSchema(path: String, unknownMigrations: [String])
    /// SQLite reports the file as damaged.
    case corrupt(path: String, detail: String)
    /// The file cannot be written (permissions, a read-only mount, or read-only mode).
    case readOnly(path: String, detail: String)
    /// Another process held the database longer than the busy timeout.
    case locked(path: String, seconds: Double)
    /// Waiting for another process's lock was stopped (Esc in the TUI): nothing was written.
    case stoppedWaiting(path: String)
    /// The file cannot be opened at all.
    case cannotOpen(path: String, detail: String)
    /// SQLite failed for another reason.
    case failed(path: String, detail: String)
    /// A write broke a rule of the schema (a CHECK, a foreign key, a unique index...).
    case constraint(String)
    /// A record asked for by id does not exist in the signed-in organization.
    case notFound(entity: String, id: Int64)

    public var description: String {
        switch self {
        case let .notAFunnelDatabase(path, reason):
            return "\(path) is not a Funnel database: \(reason). Nothing was written to it."
        case let .newerSchema(path, unknown):
            return "\(path) was written by a newer version of Funnel (it has schema changes this version does not know: \(unknown.joined(separator: ", "))). Upgrade Funnel; nothing was changed."
        case let .corrupt(path, detail):
            return "\(path) is damaged (\(detail)); nothing was written to it. Run `funnel doctor --db \(path)` for the details, then `funnel restore BACKUP --db \(path)` to go back to a backup."
        case let .readOnly(path, detail):
            return "\(path) cannot be written (\(detail)). Nothing was changed."
        case let .locked(path, seconds):
            return "\(path) is locked by another process (waited \(Int(seconds)) s). Nothing was changed; try again."
        case let .stoppedWaiting(path):
            return "Stopped waiting for \((path as NSString).lastPathComponent), which another process holds locked: nothing was written"
        case let .cannotOpen(path, detail):
            return "cannot open \(path): \(detail)"
        case let .failed(path, detail):
            return "database error in \(path): \(detail)"
        case let .constraint(message):
            return message
        case let .notFound(entity, id):
            return "no \(entity) with id \(id) in this organization"
        }
    }
}
