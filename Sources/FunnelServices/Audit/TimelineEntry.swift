import Foundation
import FunnelStore

/// One line of a record's story: when, who, and what in words.
public struct TimelineEntry: Sendable, Equatable, Encodable {
    public let at: Date
    /// The person who did it, or "the system" (an import, an agent, the demo).
    public let who: String
    /// `status changed: status new → contacted`, `logged a call: score 59 → 65; note “wants a demo”`.
    public let what: String

    public init(at: Date, who: String, what: String) {
        self.at = at
        self.who = who
        self.what = what
    }

    /// A lead's story from its activities (every change a person or an import made, with before and
    /// after) and its actions (engagement: visits, opens, forms, and what people logged). A logged
    /// action is told once, by its activity, with the note the action holds.
    public static func timeline(actions: [LeadAction], history: [Activity], names: [Int64: String]) -> [TimelineEntry] {
        // Notes of logged actions by (who, when): activities written before notes were copied into
        // them find theirs here.
        var logged: [String: LeadAction] = [:]
        var byId: [Int64: LeadAction] = [:]
        for action in actions where action.userId != nil {
            logged["\(action.userId ?? 0)@\(action.createdAt.timeIntervalSince1970)"] = action
            if let id = action.id { byId[id] = action }
        }
        var told: Set<Int64> = []
        var entries: [TimelineEntry] = history.map { activity in
            var description = ActivityText.describe(activity, names: names)
            // An activity names its action by id (an action logged after the fact has its own time);
            // older ones by who and when.
            if activity.action == "action_logged",
               let action = loggedActionId(activity).flatMap({ byId[$0] }) ?? logged["\(activity.userId ?? 0)@\(activity.createdAt.timeIntervalSince1970)"] {
                action.id.map { _ = told.insert($0) }
                if !description.notes.contains(where: { $0.hasPrefix("note ") }), let note = note(of: action) {
                    description = ActivityDescription(action: description.action, changes: description.changes,
                                                      notes: description.notes + ["note “\(note)”"], past: description.past)
                }
            }
            return TimelineEntry(at: activity.createdAt, who: ActivityText.who(activity, names: names), what: description.text)
        }
        for action in actions where !(action.id.map(told.contains) ?? false) {
            var what = action.actionType.rawValue.replacingOccurrences(of: "_", with: " ")
            if let note = note(of: action) { what += ": note “\(note)”" }
            let who = action.userId.map { names[$0] ?? "user #\($0)" } ?? (action.agentId.map { "agent #\($0)" } ?? "the lead")
            entries.append(TimelineEntry(at: action.createdAt, who: who, what: what))
        }
        return entries.sorted { $0.at > $1.at }
    }

    /// The `action_id` detail of an `action_logged` activity.
    static func loggedActionId(_ activity: Activity) -> Int64? {
        guard let data = activity.metadata.data(using: .utf8),
              let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
              let id = object["action_id"] as? String else { return nil }
        return Int64(id)
    }

    /// The note an action's metadata holds, if any.
    static func note(of action: LeadAction) -> String? {
        guard let data = action.metadata.data(using: .utf8),
              let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
              let note = object["note"] as? String, !note.isEmpty else { return nil }
        return note
    }
}
