import Foundation
import FunnelServices
import FunnelStore

/// The demo workspaces the benchmarks run on, built once into fixed paths under /tmp/funnel-bench
/// and reused.
///
/// Building the 1,000,000-lead demo takes a minute or more, so a database is only (re)built when the
/// file is missing or fails the caller's check; later runs open the existing file. The rescoring
/// benchmarks write scores into the 1,000,000-lead file and leave it scored as of `referenceDate`.
public enum DemoDatabases {
    public static let directory = "/tmp/funnel-bench"
    /// A fixed "today" (2026-01-01 00:00 UTC), so every build, on any day, writes the same workspace.
    public static let referenceDate = Date(timeIntervalSince1970: 1_767_225_600)

    /// The path of the plain demo of `leads` leads.
    public static func path(leads: Int) -> String { "\(directory)/demo-\(leads).sqlite" }

    /// Opens the plain demo of `leads` leads (building it first when needed) and signs the demo
    /// manager in; an existing file must hold about as many leads as asked (the manager's
    /// organization has 80% of them).
    public static func open(leads: Int) throws -> (AppDatabase, Session) {
        try open(path: path(leads: leads), options: DemoOptions(leads: leads, seed: 42, referenceDate: referenceDate)) { database, session in
            let count = try LeadService(database: database).statusCounts(in: session).values.reduce(0, +)
            guard count >= leads * 3 / 4, count <= leads else {
                throw BenchProblem(description: "holds \(count) of the manager's leads, expected about \(leads * 4 / 5)")
            }
        }
    }

    /// Opens the demo at `path` and signs the demo manager in. When the file is missing, or
    /// `check` throws on it, the demo is (re)built from `options` first.
    public static func open(
        path: String, options: DemoOptions,
        check: (AppDatabase, Session) throws -> Void = { _, _ in }
    ) throws -> (AppDatabase, Session) {
        if FileManager.default.fileExists(atPath: path), let opened = try? openExisting(path: path, check: check) { return opened }
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let report = try DemoWorkspaceBuilder(options: options).build(at: path)
        FileHandle.standardError.write(Data("built \(path): \(report.leads) leads in \(Int(report.seconds)) s\n".utf8))
        return try openExisting(path: path, check: check)
    }

    private static func openExisting(path: String, check: (AppDatabase, Session) throws -> Void) throws -> (AppDatabase, Session) {
        let database = try AppDatabase.open(path: path)
        let session = try IdentityService(database: database).signIn(email: DemoWorkspaceBuilder.managerEmail, password: nil)
        do {
            try check(database, session)
        } catch {
            throw BenchProblem(description: "\(path): \(error)")
        }
        return (database, session)
    }
}

/// Why a benchmark's database or pane is not the one it expects.
public struct BenchProblem: Error, CustomStringConvertible {
    public var description: String

    public init(description: String) {
        self.description = description
    }
}
