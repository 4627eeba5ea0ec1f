import FunnelStore

/// Why a service refused or failed a request, in words a user can act on.
public enum ServiceError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The signed-in user's role lacks a permission.
    case permissionDenied(permission: Permission, user: String, role: String)
    /// A rule of the platform forbids the request (for example approving one's own content).
    case forbidden(String)
    /// A value given is not acceptable; `field` names it.
    case invalid(field: String, problem: String)
    /// No user has this email address.
    case unknownUser(String)
    /// The user exists but is deactivated.
    case inactiveUser(String)
    /// The organization requires a password and none was given.
    case passwordRequired(String)
    /// The password does not match.
    case wrongPassword(String)
    /// No user was chosen and the database has several.
    case noUserChosen(candidates: Int)
    /// The database has no organization yet.
    case notInitialized
    /// The record changed since the version the request was made on (someone else's change would
    /// be overwritten); the text names the record, who changed what and when, and what was not done.
    case stale(String)
    /// A lower layer failed.
    case store(StoreError)

    public var description: String {
        switch self {
        case let .permissionDenied(permission, user, role):
            return "\(user) (\(role)) may not do this: it needs the \(permission.name) permission"
        case let .forbidden(reason):
            return reason
        case let .invalid(field, problem):
            return "\(field): \(problem)"
        case let .unknownUser(email):
            return "no user has the email \(email); `funnel users list` shows who can sign in"
        case let .inactiveUser(email):
            return "\(email) is deactivated and cannot sign in"
        case let .passwordRequired(email):
            return "this organization requires sign-in: give the password of \(email) (asked on a terminal, or --password-stdin)"
        case let .wrongPassword(email):
            return "wrong password for \(email)"
        case let .noUserChosen(count):
            return "the database has \(count) users: choose one with --user EMAIL, FUNNEL_USER, or `user` in the config file"
        case .notInitialized:
            return "the database has no organization yet: run `funnel init` or `funnel demo`"
        case let .stale(text):
            return text
        case let .store(error):
            return error.description
        }
    }
}

extension ServiceError {
    /// Runs `body`, turning store errors into service errors.
    static func wrapping<T>(_ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let error as StoreError {
            throw ServiceError.store(error)
        }
    }
}
