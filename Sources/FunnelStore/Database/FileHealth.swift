import Foundation
internal import GRDB

/// What integrity checks (and failed reads) found about the file, shared by every user of one
/// `AppDatabase`: once damage is known, every write is refused.
final class FileHealth: @unchecked Sendable {
    private let lock = NSLock()
    private var foundDamage: String?
    private var checksBeforeWrites = true
    private var verified = false

    /// The damage found, in words (nil while none was found).
    var damage: String? { lock.withLock { foundDamage } }

    /// Records damage (the first description found is kept).
    func record(damage: String) {
        lock.withLock { if foundDamage == nil { foundDamage = damage } }
    }

    /// Whether the next write must check the file first.
    var needsCheckBeforeWrite: Bool { lock.withLock { checksBeforeWrites && !verified } }

    func markVerified() { lock.withLock { verified = true } }

    func setChecksBeforeWrites(_ on: Bool) { lock.withLock { checksBeforeWrites = on } }
}

/// Which of SQLite's checks to run.
public enum IntegrityCheckKind: String, Sendable {
    /// `PRAGMA quick_check`: every b-tree page and cell, without matching indexes to their tables.
    case quick = "quick_check"
    /// `PRAGMA integrity_check`: quick_check, plus every index entry against its table row.
    case full = "integrity_check"
}

/// What one integrity check found.
public struct IntegrityReport: Sendable, Equatable {
    public let kind: IntegrityCheckKind
    /// SQLite's problem lines (empty when the file is sound), at most `IntegrityReport.limit`.
    public let problems: [String]
    public let seconds: Double

    /// At most this many problems are listed.
    public static let limit = 20

    public var isSound: Bool { problems.isEmpty }

    /// The damage in one line: how many problems and the first.
    public var summary: String {
        guard let first = problems.first else { return "no problems found" }
        let count = problems.count >= Self.limit ? "\(Self.limit) or more problems" : (problems.count == 1 ? "1 problem" : "\(problems.count) problems")
        return "PRAGMA \(kind.rawValue) found \(count); the first: \(first)"
    }
}

extension AppDatabase {
    /// Before a command-line write, the whole file is checked (`PRAGMA quick_check`) when it is at
    /// most this large (about 0.1 s for 12 MB, 16 s for the 1.2 GB of the 1,000,000-lead demo: see
    /// docs/architecture.md); a larger file relies on `cell_size_check`, which checks each page the
    /// write reads.
    public static let checkBeforeWriteLimit: Int64 = 32 << 20

    /// The damage found so far by a check or a read (nil while none was found). Once set, every
    /// write is refused.
    public var damage: String? { health.damage }

    /// Whether the first write checks the file first (the command line's default). The TUI turns it
    /// off and checks the whole file in the background instead (`checkIntegrity`).
    public func setChecksBeforeWrites(_ on: Bool) { health.setChecksBeforeWrites(on) }

    /// Runs one of SQLite's checks on a connection of its own (read-only, never writing the file),
    /// so it can run off the main thread while the pool serves the screen. Damage found is
    /// recorded: every later write is refused.
    public func checkIntegrity(_ kind: IntegrityCheckKind = .quick) throws -> IntegrityReport {
        do {
            let report = try Self.checkIntegrity(kind, path: path, writer: path == ":memory:" ? writer : nil)
            if !report.isSound { health.record(damage: report.summary) }
            return report
        } catch let error as StoreError {
            noteDamage(error)
            throw error
        }
    }

    /// Runs a check on the file at `path` (or on `writer` when given), writing nothing.
    static func checkIntegrity(_ kind: IntegrityCheckKind, path: String, writer: (any DatabaseWriter)? = nil, glance: Bool = false) throws -> IntegrityReport {
        let start = DispatchTime.now().uptimeNanoseconds
        let sql = "PRAGMA \(kind.rawValue)(\(IntegrityReport.limit))"
        let lines: [String]
        do {
            if let writer {
                lines = try writer.read { db in try String.fetchAll(db, sql: sql) }
            } else {
                let (target, config) = Preflight.lookingConfiguration(path: path, glance: glance)
                let queue = try DatabaseQueue(path: target, configuration: config)
                defer { try? queue.close() }
                lines = try queue.read { db in try String.fetchAll(db, sql: sql) }
            }
        } catch let error as DatabaseError {
            throw StoreError(error, path: path)
        }
        let report = IntegrityReport(
            kind: kind,
            // One row may hold several problems, a line each, under a "*** in database main ***" heading.
            problems: lines == ["ok"] ? [] : lines.flatMap { $0.split(separator: "\n").map(String.init) }.filter { !$0.hasPrefix("***") },
            seconds: Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
        return report
    }

    /// The check before the first write of a process that checks before writes: refuses a file
    /// found damaged, before anything is written.
    func checkBeforeFirstWrite() throws {
        if let damage = health.damage { throw StoreError.corrupt(path: path, detail: damage) }
        guard health.needsCheckBeforeWrite else { return }
        if path != ":memory:" && Self.isSmallEnoughToCheck(path) {
            let report = try checkIntegrity(.quick)
            if !report.isSound { throw StoreError.corrupt(path: path, detail: report.summary) }
        }
        health.markVerified()
    }

    /// Whether the file and its -wal are at most `checkBeforeWriteLimit`.
    static func isSmallEnoughToCheck(_ path: String) -> Bool {
        let size = { (file: String) -> Int64 in
            ((try? FileManager.default.attributesOfItem(atPath: file))?[.size] as? NSNumber)?.int64Value ?? 0
        }
        return size(path) + size(path + "-wal") <= checkBeforeWriteLimit
    }

    /// Records damage a read or a write ran into (SQLite said SQLITE_CORRUPT).
    func noteDamage(_ error: StoreError) {
        if case .corrupt(_, let detail) = error { health.record(damage: detail) }
    }
}
