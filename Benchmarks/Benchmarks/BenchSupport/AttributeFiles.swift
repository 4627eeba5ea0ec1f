import Foundation
import FunnelServices
import FunnelStore

/// Issue 14's generated file of 1,000,000 leads with 20 attributes, and the database made once by
/// importing it (for the Leads pane's attribute filter benchmarks).
///
/// The file is written by `Benchmarks/scripts/leads-with-attributes.py` (python3, standard library
/// only, fixed seed: the same 179 MB on every machine) when it is missing; the database is imported
/// from it by `RecordImportService` (as `funnel import leads` does, default options) into a new
/// workspace with one organization, and kept. Delete either to rebuild it.
public enum AttributeFiles {
    public static let directory = DemoDatabases.directory
    public static let rows = 1_000_000
    public static let adminEmail = "admin@attributes.example"

    public static var csvPath: String { "\(directory)/leads-attrs-\(rows).csv" }
    public static var importedPath: String { "\(directory)/attrs-imported-\(rows).sqlite" }

    /// The generator, found from this source file: `Benchmarks/scripts/leads-with-attributes.py`.
    static var script: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("scripts/leads-with-attributes.py").path
    }

    /// The file, written first when missing (about 30 s; into a temporary name, then renamed).
    public static func leads() throws -> String {
        if let size = (try? FileManager.default.attributesOfItem(atPath: csvPath))?[.size] as? Int, size > 170_000_000 { return csvPath }
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let partial = "\(csvPath).\(ProcessInfo.processInfo.processIdentifier).partial"
        let python = Process()
        python.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        python.arguments = ["python3", script, String(rows), partial]
        try python.run()
        python.waitUntilExit()
        guard python.terminationStatus == 0 else {
            try? FileManager.default.removeItem(atPath: partial)
            throw BenchProblem(description: "python3 \(script) \(rows) \(partial) exited with \(python.terminationStatus)")
        }
        try? FileManager.default.removeItem(atPath: csvPath)
        try FileManager.default.moveItem(atPath: partial, toPath: csvPath)
        return csvPath
    }

    /// A new database with one organization and its administrator, at a fresh path.
    public static func newDatabase() throws -> (path: String, database: AppDatabase, session: Session) {
        let path = "\(directory)/attrs-import-\(ProcessInfo.processInfo.processIdentifier)-\(UUID().uuidString).sqlite"
        let database = try AppDatabase.open(path: path)
        let session = try WorkspaceSetup(database: database).createOrganization(
            name: "Attributes Bench", adminEmail: adminEmail, adminName: "Bench Admin", password: nil)
        return (path, database, session)
    }

    /// Deletes a database file with its WAL and shared-memory files.
    public static func remove(_ path: String) {
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
    }

    /// The imported database, signed in as its administrator: imported first (about 2 minutes) when
    /// missing or not holding every lead of the file (the import is one transaction, so an
    /// interrupted one leaves no lead).
    public static func imported() throws -> (AppDatabase, Session) {
        if FileManager.default.fileExists(atPath: importedPath), let opened = try? openImported(),
           try LeadService(database: opened.0).statusCounts(in: opened.1).values.reduce(0, +) == rows {
            return opened
        }
        remove(importedPath)
        let file = try leads()
        let database = try AppDatabase.open(path: importedPath)
        let session = try WorkspaceSetup(database: database).createOrganization(
            name: "Attributes Bench", adminEmail: adminEmail, adminName: "Bench Admin", password: nil)
        let report = try RecordImportService(database: database).run(file: file, options: RecordImportOptions(entity: .leads), in: session)
        guard report.created == rows, report.problemCount == 0 else {
            throw BenchProblem(description: "importing \(file): \(report.lines().prefix(8).joined(separator: "; "))")
        }
        FileHandle.standardError.write(Data("imported \(importedPath): \(report.created) leads in \(Int(report.seconds)) s\n".utf8))
        return (database, session)
    }

    private static func openImported() throws -> (AppDatabase, Session) {
        let database = try AppDatabase.open(path: importedPath)
        return (database, try IdentityService(database: database).signIn(email: adminEmail, password: nil))
    }
}
