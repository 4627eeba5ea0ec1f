import Foundation
import FunnelStore

extension LeadService {
    /// The user a person means by `text` as the assignee of leads, under `leads.assign`: `me`,
    /// `nobody` (nil: unassign), or the email or the name of one of `assignableUsers` (the users the
    /// Leads pane's `A` picker offers). The command line's `leads assign --to` and the pane both
    /// assign through `assign`, so they allow and refuse the same.
    public func assignee(_ text: String, in session: Session) throws -> User? {
        try session.require(.leadsAssign)
        let typed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        switch typed.lowercased() {
        case "me", "mine": return session.user
        case "nobody", "unassigned", "none": return nil
        default: break
        }
        guard !typed.isEmpty else {
            throw ServiceError.invalid(field: "assignee", problem: "give `me`, `nobody`, or a user's email or name")
        }
        let users = try assignableUsers(in: session)
        if typed.contains("@"), let user = users.first(where: { $0.email == EmailAddress.normalized(typed) }) {
            return user
        }
        let named = users.filter { $0.name.lowercased() == typed.lowercased() }
        if named.count == 1 { return named[0] }
        if named.count > 1 {
            throw ServiceError.invalid(
                field: "assignee", problem: "\(named.count) active users are named \(typed): give an email (\(named.map(\.email).joined(separator: ", ")))")
        }
        throw ServiceError.invalid(field: "assignee", problem: "no active user of \(session.organization.name) has the email or name \(typed)")
    }
}
