import Foundation
import FunnelStore

/// A record whose version the database raises on every change a person can make (schema v6).
protocol VersionedRecord: OrganizationScopedRecord {
    var version: Int64 { get }
    /// The audit trail's name for its kind.
    static var entity: EntityType { get }
    /// How messages name it: `#1874 Liam Suzuki`.
    var displayName: String { get }
}

extension Lead: VersionedRecord {
    static var entity: EntityType { .lead }
    var displayName: String { Lead.displayName(id: id ?? 0, name: name ?? email ?? phone ?? externalId) }

    /// `#1874 Liam Suzuki` (or `#1874` when the lead has no name, email or phone).
    public static func displayName(id: Int64, name: String?) -> String {
        guard let name, !name.isEmpty else { return "#\(id)" }
        return "#\(id) \(name)"
    }
}

extension Deal: VersionedRecord {
    static var entity: EntityType { .deal }
    var displayName: String { "#\(id ?? 0) \(title)" }
}

extension Content: VersionedRecord {
    static var entity: EntityType { .content }
    var displayName: String { ContentService.name(self) }
}

/// The one rule against lost updates: a change made on a version of a record that is no longer
/// the database's (someone changed it since it was shown, or since the change being undone) is
/// refused, and the refusal says who changed what and when, from the audit trail.
enum StaleCheck {
    /// Throws `ServiceError.stale` when `record` is no longer at `expected` (nil: nothing expected).
    /// `outcome` says what was not done: "not undone", "not set to contacted".
    static func require<R: VersionedRecord>(_ record: R, at expected: Int64?, _ outcome: String, tx: any StoreReading,
                                            session: Session, now: Date) throws {
        guard let expected, expected != record.version else { return }
        throw ServiceError.stale(message(record, outcome, tx: tx, session: session, now: now))
    }

    /// "#1874 Liam Suzuki was set to lost by Amélie Ødegaard at 16:20: not undone (status contacted → lost, reason — → “budget”)".
    static func message<R: VersionedRecord>(_ record: R, _ outcome: String, tx: any StoreReading, session: Session, now: Date) -> String {
        let names = (try? tx.userNames(orgId: session.orgId)) ?? [:]
        // The newest activity that changed a field (a logged call or a rescore changes no version).
        let recent = record.id.flatMap { try? tx.activities(orgId: session.orgId, entityType: R.entity, entityId: $0, limit: 20) } ?? []
        guard let (latest, description) = recent.lazy.map({ ($0, ActivityText.describe($0, names: names)) })
            .first(where: { activity, description in
                // An edit changes the body even when its length (all a snapshot keeps of it) is the same.
                activity.action == "edited" || description.changes.contains { !$0.hasPrefix("score ") }
            }) else {
            return "\(record.displayName) was changed since you saw it (by an import or a script, which left no activity): \(outcome)"
        }
        let who = latest.userId == session.userId ? "you (in another window or command)" : ActivityText.who(latest, names: names)
        // What was not done comes before the details: a status bar cuts a long message at its end.
        let details = description.details.isEmpty ? "" : " (\(description.details))"
        return "\(record.displayName) was \(description.past) by \(who) at \(ActivityText.moment(latest.createdAt, now: now)): \(outcome)\(details)"
    }
}
