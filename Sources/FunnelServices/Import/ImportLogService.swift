import Foundation
import FunnelStore

/// The organization's import log: the CSV imports it ran, and undoing one as a whole.
public struct ImportLogService: Sendable {
    let database: any Store
    let clock: @Sendable () -> Date

    public init(database: any Store, clock: @escaping @Sendable () -> Date = WallClock.now) {
        self.database = database
        self.clock = clock
    }

    /// The organization's CSV imports, newest first (needs `data.import`).
    public func list(limit: Int = 50, in session: Session) throws -> [ImportLogEntry] {
        try session.require(.dataImport)
        return try ServiceError.wrapping { try database.snapshot { try $0.imports(orgId: session.orgId, limit: limit) } }
    }

    /// Undoes import `number` in one transaction: the rows it created are deleted and the rows it
    /// updated get their earlier values back. Refused when the import's rows changed since, unless
    /// `force`. Recorded as an `undone` activity on the import.
    public func undo(number: Int64, force: Bool = false, in session: Session) throws -> (ImportLogEntry, ImportUndoResult) {
        try session.require(.dataImport)
        let now = clock()
        return try ServiceError.wrapping {
            try database.transaction { tx in
                let (entry, result) = try tx.undoImport(orgId: session.orgId, number: number, by: session.userId, at: now, force: force)
                if entry.entity == .actions {
                    // The leads that lost actions are scored again without them.
                    let scorer = try ScoringService.scorer(for: session, reader: tx)
                    _ = try tx.rescoreLeads(ids: result.leadIds, orgId: session.orgId, withAttributes: scorer.readsAttributes,
                                            score: scorer.scorer(now: now))
                }
                try tx.record(AuditTrail.activity(
                    "undone", on: .import, id: number, by: session, before: nil as String?, after: nil as String?,
                    details: ["entity": entry.entity.rawValue, "file": entry.file, "deleted": String(result.deleted), "restored": String(result.restored)],
                    at: now))
                return (entry, result)
            }
        }
    }
}
