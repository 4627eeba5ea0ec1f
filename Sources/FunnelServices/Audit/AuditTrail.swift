import Foundation
import FunnelStore

/// Builds the activities that record every change a user makes.
public enum AuditTrail {
    /// An activity for `action` on one record, with the record's state before and after.
    public static func activity<Value: Encodable>(
        _ action: String, on entity: EntityType, id: Int64, by session: Session,
        before: Value?, after: Value?, details: [String: String] = [:], at date: Date = Date()
    ) -> Activity {
        Activity(
            orgId: session.orgId, entityType: entity, entityId: id, action: action, userId: session.userId,
            metadata: metadata(before: before, after: after, details: details), createdAt: date)
    }

    /// The JSON metadata of an activity: `{"before": ..., "after": ..., ...details}`.
    public static func metadata<Value: Encodable>(before: Value?, after: Value?, details: [String: String] = [:]) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        encoder.dateEncodingStrategy = .iso8601
        var object: [String: Any] = details
        if let before, let data = try? encoder.encode(before), let value = try? JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed]) {
            object["before"] = value
        }
        if let after, let data = try? encoder.encode(after), let value = try? JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed]) {
            object["after"] = value
        }
        guard let data = try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]) else { return "{}" }
        return String(decoding: data, as: UTF8.self)
    }
}
