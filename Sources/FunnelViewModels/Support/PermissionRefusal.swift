import FunnelServices

extension Session {
    /// Why this user may not do `what` (an action's summary), which needs the permission named
    /// `permission`: "Assign to me needs the leads.assign permission: viewer@… (viewer) does not
    /// have it". Nil when their role grants it (the services check the same `Permission`).
    public func refusal(_ what: String, needing permission: String) -> String? {
        guard !can(Permission(permission)) else { return nil }
        return "\(what) needs the \(permission) permission: \(user.email) (\(role.name)) does not have it"
    }
}

extension ActsOnShownRecords {
    /// The target of an action on one record, decided at the key (before a prompt opens); nil
    /// with the reason in `message` when there is nothing to act on or several records are marked.
    public func target(forOne what: String) -> ActionTarget? {
        singleTarget(nil, what)?.0
    }
}
