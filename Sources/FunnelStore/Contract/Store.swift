import Foundation

/// A Funnel store: one organization-scoped workspace behind the contract (`StoreReading`,
/// `StoreWriting`), whatever keeps it. Services, the command line and the panes hold `any Store`;
/// `AppDatabase` (a SQLite file) is the implementation today, a PostgreSQL server the team mode's.
///
/// A transaction's body is synchronous and runs where the store runs it (for SQLite, on the
/// calling thread under the store's lock; the TUI calls it from its write queue and background
/// threads, never waiting on the main thread for another process's lock). Everything a body
/// reads or writes is one transaction: all of it lands, or none.
public protocol Store: AnyObject, Sendable {
    /// Where the store is (a file, a server's URL).
    var location: StoreLocation { get }
    /// Whether writes are refused, and why in words.
    var isReadOnly: Bool { get }
    var readOnlyReason: String? { get }
    /// Whether a write waits for another client's lock, and stopping that wait.
    var lockWatch: LockWatch { get }
    /// Damage found by a check or a read (writes are refused once found).
    var damage: String? { get }

    /// The schema version: the number of migrations applied, and their names.
    func schemaVersion() throws -> Int
    func appliedMigrations() throws -> [String]

    /// Runs `body` in one read transaction.
    func snapshot<T>(_ body: (any StoreReading) throws -> T) throws -> T
    /// Runs `body` in one write transaction: all of it is written, or nothing.
    func transaction<T>(_ body: (any StoreWriting) throws -> T) throws -> T
    /// Runs `body` in one write transaction that is always rolled back (a dry run sees what the
    /// real run would: constraints, triggers, ids).
    func rehearsal<T>(_ body: (any StoreWriting) throws -> T) throws -> T

    /// What changed since the sequence began, by anyone (this process or another), as it happens.
    func changes(every interval: Duration) -> StoreChanges

    /// Rescores leads (one organization's, or every one) in chunks of a transaction each;
    /// `progress(scanned, total)` returning false stops after the current chunk.
    func rescoreLeads(orgId: Int64?, chunkSize: Int, withAttributes: Bool,
                      score: (LeadScoringInput, [LeadActionSample]) -> Int,
                      progress: (Int, Int) -> Bool) throws -> RescoreResult
    /// Reads every lead of the organization with its actions, in id order (for learning a model);
    /// `progress(read, total)` returning false stops the read (`CancellationError`).
    func scanLeadsForScoring(orgId: Int64, withAttributes: Bool, chunkSize: Int,
                             _ body: (LeadScoringInput, [LeadActionSample]) throws -> Void,
                             progress: (Int, Int) -> Bool) throws
    /// Writes one lead's score where it differs from the stored one; whether it wrote.
    @discardableResult
    func writeScore(_ score: Int, leadId: Int64, orgId: Int64) throws -> Bool

    /// What the store holds, in counts (for `backup`, `restore` and reports).
    func summary() throws -> BackupSummary
    /// A consistent copy of the whole store at `path`, checked before it is kept.
    func backup(to path: String) throws -> BackupSummary
    /// Replaces the whole store with a checked backup.
    func restore(from path: String) throws
    /// The store's health: integrity, schema, and the plans of the queries the panes run.
    func diagnose() throws -> DatabaseDiagnosis
    /// Checks the stored data (off the main thread); damage found refuses later writes.
    func checkIntegrity(_ kind: IntegrityCheckKind) throws -> IntegrityReport
    /// Whether the first write checks the store first.
    func setChecksBeforeWrites(_ on: Bool)
}

extension Store {
    /// `rescoreLeads` in chunks of 25,000 (a signature of its own, so it never stands in for the
    /// requirement and calls itself).
    public func rescoreLeads(orgId: Int64?, withAttributes: Bool = false, score: (LeadScoringInput, [LeadActionSample]) -> Int,
                             progress: (Int, Int) -> Bool = { _, _ in true }) throws -> RescoreResult {
        try rescoreLeads(orgId: orgId, chunkSize: 25_000, withAttributes: withAttributes, score: score, progress: progress)
    }

    public func scanLeadsForScoring(orgId: Int64, withAttributes: Bool, _ body: (LeadScoringInput, [LeadActionSample]) throws -> Void,
                                    progress: (Int, Int) -> Bool = { _, _ in true }) throws {
        try scanLeadsForScoring(orgId: orgId, withAttributes: withAttributes, chunkSize: 25_000, body, progress: progress)
    }

    public func checkIntegrity() throws -> IntegrityReport { try checkIntegrity(.quick) }
}

/// One thing the store saw change: a commit, by this process or another.
public struct StoreChange: Sendable, Equatable {
    /// A counter of the changes seen by this sequence (1 for the first).
    public let sequence: Int
}

/// The store's changes, as they happen: an `AsyncSequence` the panes reread on.
public struct StoreChanges: AsyncSequence, Sendable {
    public typealias Element = StoreChange
    let stream: AsyncStream<StoreChange>

    init(_ stream: AsyncStream<StoreChange>) { self.stream = stream }

    public func makeAsyncIterator() -> AsyncStream<StoreChange>.Iterator { stream.makeAsyncIterator() }

    /// A sequence that never yields (a store nothing else can change, like an in-memory one).
    public static var none: StoreChanges { StoreChanges(AsyncStream { _ in }) }
}

extension AppDatabase {
    /// `snapshot` with the SQLite store's own reader (its internal methods), for the store's tests.
    func sqliteSnapshot<T>(_ body: (StoreReader) throws -> T) throws -> T {
        try read { db in try body(StoreReader(db: db, hints: hints)) }
    }

    /// `transaction` with the SQLite store's own writer, for the store's tests.
    func sqliteTransaction<T>(_ body: (StoreTransaction) throws -> T) throws -> T {
        try write { db in try body(StoreTransaction(db: db, hints: hints)) }
    }
}
