import Foundation
import FunnelStore

/// An activity in words: what was done, each field from → to, and the note or comment given.
///
/// One reading of the audit trail for every face: the panes' timelines, `funnel leads show` (text
/// and JSON), and the refusal of a stale change ("… was changed by Amélie Ødegaard at 16:20
/// (status contacted → lost, reason “budget”): not undone").
public struct ActivityDescription: Sendable, Equatable {
    /// What was done, in words: "status changed", "logged a call", "undid assigned".
    public let action: String
    /// Each field that changed: `status contacted → lost`, `owner nobody → Kwame Silva`.
    public let changes: [String]
    /// Free text given with it: `note “wants a demo”`, `comment “fix the subject”`.
    public let notes: [String]
    /// What happened to the record, as a past participle: "set to lost", "assigned to Kwame Silva".
    public let past: String

    /// "status changed: status contacted → lost, reason — → “budget”"; the notes follow.
    public var text: String {
        var text = action
        if !changes.isEmpty { text += ": " + changes.joined(separator: ", ") }
        if !notes.isEmpty { text += (changes.isEmpty ? ": " : "; ") + notes.joined(separator: "; ") }
        return text
    }

    /// The changes and notes alone, for a sentence that says the action itself.
    public var details: String { (changes + notes).joined(separator: ", ") }
}

public enum ActivityText {
    /// Describes an activity; `names` gives users' names by id (for owners and assignees).
    public static func describe(_ activity: Activity, names: [Int64: String]) -> ActivityDescription {
        let metadata = (activity.metadata.data(using: .utf8).flatMap { try? JSONSerialization.jsonObject(with: $0) } as? [String: Any]) ?? [:]
        let before = fields(metadata["before"])
        let after = fields(metadata["after"])
        var changes: [String] = []
        for key in order(Set(before.keys).union(after.keys)) where !hidden.contains(key) {
            let old = before[key].flatMap(unwrap)
            let new = after[key].flatMap(unwrap)
            if activity.action == "created" {
                if let new { changes.append("\(label(key)) \(format(new, key: key, names: names))") }
                continue
            }
            guard !same(old, new) else { continue }
            changes.append("\(label(key)) \(format(old, key: key, names: names)) → \(format(new, key: key, names: names))")
        }
        var notes: [String] = []
        for key in ["note", "comment", "reason"] {
            guard let value = metadata[key] as? String, !value.isEmpty else { continue }
            notes.append("\(key) “\(value)”")
        }
        // An action logged after the fact: when it happened.
        if activity.action == "action_logged", let text = metadata["action_at"] as? String, let at = actionTime(text),
           abs(at.timeIntervalSince(activity.createdAt)) >= 60 {
            notes.append("happened " + moment(at, now: activity.createdAt))
        }
        if let ids = metadata["merged_ids"] as? String { notes.append("merged " + ids.split(separator: ",").map { "#\($0)" }.joined(separator: ", ")) }
        if let contact = metadata["contact_id"] as? String, let deal = metadata["deal_id"] as? String {
            notes.append("contact #\(contact), deal #\(deal)")
        }
        return ActivityDescription(action: actionText(activity.action, metadata: metadata), changes: changes, notes: notes,
                                   past: pastText(activity.action, after: after, metadata: metadata, names: names))
    }

    /// Who did an activity: the user's name, or "the system" (imports run by scripts, the demo).
    public static func who(_ activity: Activity, names: [Int64: String]) -> String {
        guard let id = activity.userId else { return "the system" }
        return names[id] ?? "user #\(id)"
    }

    /// A moment as a person reads it in a message: "16:20" today, "1 Dec 16:20" this year, else with the year.
    public static func moment(_ date: Date, now: Date = Date(), calendar: Calendar = .current) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_GB")
        formatter.timeZone = calendar.timeZone
        if calendar.isDate(date, inSameDayAs: now) {
            formatter.dateFormat = "HH:mm"
        } else if calendar.component(.year, from: date) == calendar.component(.year, from: now) {
            formatter.dateFormat = "d MMM HH:mm"
        } else {
            formatter.dateFormat = "d MMM yyyy HH:mm"
        }
        return formatter.string(from: date)
    }

    // MARK: - Reading the metadata

    /// An `action_at` detail: `2026-03-14T09:30:00.000Z`.
    static func actionTime(_ text: String) -> Date? {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter.date(from: text)
    }

    /// Fields that say nothing to a person (or that the action already says).
    static let hidden: Set<String> = ["id", "org_id", "created_at", "updated_at", "version", "phone_normalized", "last_action_at",
                                      "stage_changed_at", "external_ref", "body_characters_before", "created_by", "submitted_at"]

    /// The order fields are listed in: the triage fields first, then the rest by name.
    static func order(_ keys: Set<String>) -> [String] {
        let first = ["status", "status_reason", "assigned_to", "stage", "value", "probability", "owner_id", "close_date", "lost_reason",
                     "scheduled_at", "title", "name", "company", "email", "phone", "source", "product_id", "score"]
        return first.filter(keys.contains) + keys.subtracting(first).sorted()
    }

    /// A snapshot's fields with snake_case names (merges encode whole leads in camelCase).
    static func fields(_ value: Any?) -> [String: Any] {
        guard let object = value as? [String: Any] else { return [:] }
        var fields: [String: Any] = [:]
        for (key, value) in object { fields[snakeCase(key)] = value }
        return fields
    }

    static func snakeCase(_ key: String) -> String {
        var result = ""
        for character in key {
            if character.isUppercase { result += "_" + character.lowercased() } else { result.append(character) }
        }
        return result
    }

    /// nil for JSON null.
    static func unwrap(_ value: Any) -> Any? { value is NSNull ? nil : value }

    static func same(_ a: Any?, _ b: Any?) -> Bool {
        switch (a, b) {
        case (nil, nil): return true
        case let (a as NSNumber, b as NSNumber): return a == b
        case let (a as String, b as String): return a == b
        default: return false
        }
    }

    static func label(_ key: String) -> String {
        switch key {
        case "status_reason": return "reason"
        case "assigned_to", "owner_id": return "owner"
        case "product_id": return "product"
        case "close_date": return "close date"
        case "lost_reason": return "lost reason"
        case "scheduled_at": return "scheduled"
        case "probability_is_manual": return "probability set by hand"
        case "body_characters": return "body (characters)"
        default: return key.replacingOccurrences(of: "_", with: " ")
        }
    }

    static func format(_ value: Any?, key: String, names: [Int64: String]) -> String {
        guard let value else { return key == "assigned_to" || key == "owner_id" ? "nobody" : "—" }
        switch key {
        case "assigned_to", "owner_id":
            guard let id = (value as? NSNumber)?.int64Value else { return "\(value)" }
            return names[id] ?? "user #\(id)"
        case "product_id":
            return (value as? NSNumber).map { "#\($0.int64Value)" } ?? "\(value)"
        case "value":
            return (value as? NSNumber).map { Money.text(cents: $0.int64Value) } ?? "\(value)"
        case "probability":
            return (value as? NSNumber).map { "\($0.intValue)%" } ?? "\(value)"
        case "status", "stage", "source", "lost_reason":
            return "\(value)".replacingOccurrences(of: "_", with: " ")
        case "probability_is_manual":
            return (value as? NSNumber)?.boolValue == true ? "yes" : "no"
        case "scheduled_at":
            return "\(value)".replacingOccurrences(of: "T", with: " ").replacingOccurrences(of: "Z", with: " UTC")
        default:
            if let string = value as? String { return "“\(string)”" }
            return "\(value)"
        }
    }

    static func pastText(_ action: String, after: [String: Any], metadata: [String: Any], names: [Int64: String]) -> String {
        switch action {
        case "status_changed":
            return "set to " + format(after["status"].flatMap(unwrap), key: "status", names: names)
        case "assigned":
            return "assigned to " + format(after["assigned_to"].flatMap(unwrap), key: "assigned_to", names: names)
        case "stage_changed":
            return "moved to " + format(after["stage"].flatMap(unwrap), key: "stage", names: names)
        case "undone":
            return "changed back (an undo of " + ((metadata["undid"] as? String) ?? "a change").replacingOccurrences(of: "_", with: " ") + ")"
        case "won", "lost", "edited", "approved", "rejected", "submitted", "rescheduled", "converted", "merged", "created", "deleted":
            return action
        default:
            return "changed (" + action.replacingOccurrences(of: "_", with: " ") + ")"
        }
    }

    static func actionText(_ action: String, metadata: [String: Any]) -> String {
        switch action {
        case "action_logged":
            // The action's type (`page_visit`; `email` before every type could be logged).
            let type = (metadata["action"] as? String) ?? "action"
            let kind = type == "email_sent" ? "email" : type.replacingOccurrences(of: "_", with: " ")
            return "logged a" + (kind.first.map { "aeiou".contains($0) } == true ? "n " : " ") + kind
        case "undone":
            return "undid " + ((metadata["undid"] as? String) ?? "a change").replacingOccurrences(of: "_", with: " ")
        default:
            return action.replacingOccurrences(of: "_", with: " ")
        }
    }
}
