import Foundation

/// A change that knows the versions of the records it changed, before and after (schema v6), so
/// that undoing it can be refused when someone changed a record since.
public protocol VersionedChange: Sendable {
    /// The version each changed record had before the change (a record the change created has none).
    var versionsBefore: [Int64: Int64] { get }
    /// The version each record was left at; an undo is refused when a record is no longer there.
    var versionsAfter: [Int64: Int64] { get set }
}

/// A pane's undo stack: the newest change first out, at most `limit` kept.
///
/// Undoing a change puts its records back as they were before it, at new versions. An earlier change
/// that had left a record at the version the undone change started from left it as it is again: it
/// is rebased onto the new version, so undoing twice in a row works, while a teammate's change
/// in between still makes the earlier undo stale.
public struct UndoHistory<Change: VersionedChange>: Sendable {
    public private(set) var changes: [Change] = []
    public let limit: Int

    public init(limit: Int = 50) { self.limit = limit }

    public var isEmpty: Bool { changes.isEmpty }
    public var count: Int { changes.count }
    public var last: Change? { changes.last }

    public mutating func push(_ change: Change) {
        changes.append(change)
        if changes.count > limit { changes.removeFirst(changes.count - limit) }
    }

    public mutating func pop() -> Change? { changes.popLast() }

    /// After `undone` was undone and left its records at `versions`.
    public mutating func rebase(after undone: Change, to versions: [Int64: Int64]) {
        for index in changes.indices {
            for (id, version) in versions where changes[index].versionsAfter[id] != nil
                && changes[index].versionsAfter[id] == undone.versionsBefore[id] {
                changes[index].versionsAfter[id] = version
            }
        }
    }
}
