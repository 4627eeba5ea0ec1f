import Foundation

/// A change that knows the versions of the records it changed, before and after (schema v6), so
/// that undoing it can be refused when someone changed a record since.
public protocol VersionedChange: Sendable {
    /// The version each changed record had before the change (a record the change created has none).
    var versionsBefore: [Int64: Int64] { get }
    /// The version each record was left at; an undo is refused when a record is no longer there.
    var versionsAfter: [Int64: Int64] { get set }
    /// What the change did, naming its records.
    var summary: String { get }
}

/// A pane's undo stack: the newest change first out, at most `limit` kept.
///
/// Undoing a change puts its records back as they were before it, at new versions. An earlier change
/// that had left a record at the version the undone change started from left it as it is again: it
/// is rebased onto the new version, so undoing twice in a row works, while a teammate's change
/// in between still makes the earlier undo stale.
public struct UndoHistory<Change: VersionedChange>: Sendable {
    /// A change and what the screen said of it ("Undone: " repeats it).
    public struct Entry: Sendable {
        public var change: Change
        public let text: String
    }

    public private(set) var entries: [Entry] = []
    public let limit: Int

    public init(limit: Int = 50) { self.limit = limit }

    public var isEmpty: Bool { entries.isEmpty }
    public var count: Int { entries.count }
    public var last: Change? { entries.last?.change }

    /// Remembers a change; `text` is what was said of it (its summary when nil).
    public mutating func push(_ change: Change, text: String? = nil) {
        entries.append(Entry(change: change, text: text ?? change.summary))
        if entries.count > limit { entries.removeFirst(entries.count - limit) }
    }

    public mutating func pop() -> Entry? { entries.popLast() }

    /// The newest change's undo ran elsewhere (off the main thread) and ended with `result`: a
    /// refusal because someone changed a record since ends the entry; any other failure leaves it
    /// to try again (and is thrown); a success ends it and rebases the earlier changes.
    public mutating func settleUndo(of entry: Entry, _ result: Result<[Int64: Int64], any Error>) throws -> (entry: Entry, versions: [Int64: Int64]) {
        // One write runs at a time and nothing is pushed while it waits: the entry undone is the last.
        switch result {
        case .success(let versions):
            _ = entries.popLast()
            rebase(after: entry.change, to: versions)
            return (entry, versions)
        case .failure(let error):
            if case ServiceError.stale = error { _ = entries.popLast() }
            throw error
        }
    }

    /// After `undone` was undone and left its records at `versions`.
    public mutating func rebase(after undone: Change, to versions: [Int64: Int64]) {
        for index in entries.indices {
            for (id, version) in versions where entries[index].change.versionsAfter[id] != nil
                && entries[index].change.versionsAfter[id] == undone.versionsBefore[id] {
                entries[index].change.versionsAfter[id] = version
            }
        }
    }
}
