import Foundation

/// What the store keeps between reads to choose how to read: how many leads a search matched
/// when it was last counted (capped at `LeadFilter.searchCountCap` or more).
///
/// Only the choice of plan depends on a hint, never the rows a read returns: a hint made stale by
/// a write (here or elsewhere) costs time, not correctness. A list counts its search before its
/// pages (`leadCount`), so its pages need not count again; nothing above the store sees this.
final class PlanHints: @unchecked Sendable {
    private let lock = NSLock()
    private var searchCounts: [String: Int] = [:]
    /// Searches remembered at most (the oldest are forgotten together).
    static let limit = 256

    func searchMatches(orgId: Int64, search: String) -> Int? {
        lock.withLock { searchCounts["\(orgId)|\(search)"] }
    }

    /// A search's match count for choosing its plan: the one the last count left (the list's
    /// count, made before its pages), else `count()` now, kept for the next read.
    static func searchMatches(_ hints: PlanHints?, orgId: Int64, search: String, count: () throws -> Int) rethrows -> Int {
        if let known = hints?.searchMatches(orgId: orgId, search: search) { return known }
        let counted = try count()
        hints?.record(searchMatches: counted, orgId: orgId, search: search)
        return counted
    }

    /// A count made with a cap of at least the plan's limit: exact below it, "at least" at it.
    func record(searchMatches count: Int, orgId: Int64, search: String) {
        lock.withLock {
            if searchCounts.count >= Self.limit { searchCounts.removeAll(keepingCapacity: true) }
            searchCounts["\(orgId)|\(search)"] = count
        }
    }

    /// The PostgreSQL store's `tsquery` of a typed word (nil: the server makes no lexeme of it).
    /// Not a hint: it is what the server's own parser and dictionaries make of the word, the same
    /// every time for a schema (no row's data goes into it), kept so a search's several reads ask
    /// the server once.
    private var wordQueries: [String: String?] = [:]

    func wordQuery(_ word: String) -> String?? {
        lock.withLock { wordQueries[word] }
    }

    func record(wordQuery: String?, for word: String) {
        lock.withLock {
            if wordQueries.count >= Self.limit * 4 { wordQueries.removeAll(keepingCapacity: true) }
            wordQueries[word] = .some(wordQuery)
        }
    }
}
