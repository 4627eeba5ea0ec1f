import Foundation
import FunnelServices
import FunnelStore

/// The demo workspaces the Leads benchmarks run on, built once into fixed paths and reused.
///
/// Building the 1,000,000-lead demo takes a minute or more, so a database is only (re)built when the file is
/// missing or does not hold the expected leads; later runs open the existing file. The rescoring benchmarks
/// write scores into the 1,000,000-lead file and leave it scored as of `referenceDate` again.
enum DemoDatabases {
    static let directory = "/tmp/funnel-bench"
    /// A fixed "today" (2026-01-01 00:00 UTC), so every build, on any day, writes the same workspace.
    static let referenceDate = Date(timeIntervalSince1970: 1_767_225_600)

    static func path(leads: Int) -> String { "\(directory)/demo-\(leads).sqlite" }

    /// Opens the demo of `leads` leads (building it first when needed) and signs the demo manager in.
    static func open(leads: Int) throws -> (AppDatabase, Session) {
        let path = path(leads: leads)
        if let opened = try? openExisting(path: path, leads: leads) { return opened }
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let builder = DemoWorkspaceBuilder(options: DemoOptions(leads: leads, seed: 42, referenceDate: referenceDate))
        let report = try builder.build(at: path)
        FileHandle.standardError.write(Data("built \(path): \(report.leads) leads in \(Int(report.seconds)) s\n".utf8))
        return try openExisting(path: path, leads: leads)
    }

    /// Opens an existing demo and checks it holds about as many leads as asked (the manager's organization
    /// has 80% of them).
    private static func openExisting(path: String, leads: Int) throws -> (AppDatabase, Session) {
        guard FileManager.default.fileExists(atPath: path) else { throw DemoDatabaseProblem(description: "\(path) is missing") }
        let database = try AppDatabase.open(path: path)
        let session = try IdentityService(database: database).signIn(email: DemoWorkspaceBuilder.managerEmail, password: nil)
        let count = try LeadService(database: database).statusCounts(in: session).values.reduce(0, +)
        guard count >= leads * 3 / 4, count <= leads else {
            throw DemoDatabaseProblem(description: "\(path) holds \(count) of the manager's leads, expected about \(leads * 4 / 5)")
        }
        return (database, session)
    }
}

/// Why a demo database is not the one the benchmarks expect.
struct DemoDatabaseProblem: Error, CustomStringConvertible {
    var description: String
}
