import Benchmark
import Foundation
import FunnelServices
import FunnelStore

/// Rows imported (or exported) per second by one whole run: reading, checking, duplicate detection, writing.
private let rowsPerSecond = BenchmarkMetric.custom("rowsPerSecond", polarity: .prefersLarger, useScalingFactor: false)

/// The generated file: 1,000,000 leads, 5% of them repeating the email and phone of an earlier row.
enum ImportFiles {
    static let directory = "/tmp/funnel-bench"
    static let rows = 1_000_000

    static var path: String { "\(directory)/leads-\(rows).csv" }

    /// Writes the file once (about 76 MB) and reuses it while it has the expected size.
    static func leads() throws -> String {
        if let size = (try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? Int, size > 70_000_000 { return path }
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        guard FileManager.default.createFile(atPath: path, contents: nil) else {
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: path])
        }
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        defer { try? handle.close() }
        let sources = ["website", "referral", "social", "email", "event", "paid_ads"]
        var random = SystemRandomNumberGenerator()
        var chunk = "name,email,phone,company,source,status\n"
        for index in 0..<rows {
            let key = index > 0 && Int.random(in: 0..<100, using: &random) < 5 ? Int.random(in: 0..<index, using: &random) : index
            chunk += "Lead \(index),lead\(key)@example\(key % 100).com,+1 415 \(String(format: "%07d", key % 10_000_000)),Company \(key % 5000),\(sources[index % 6]),new\n"
            if chunk.utf8.count > 1 << 20 {
                try handle.write(contentsOf: Data(chunk.utf8))
                chunk = ""
            }
        }
        try handle.write(contentsOf: Data(chunk.utf8))
        return path
    }

    /// A new database with one organization and its administrator, at a fresh temporary path.
    static func newDatabase() throws -> (path: String, database: AppDatabase, session: Session) {
        let path = "\(directory)/import-\(ProcessInfo.processInfo.processIdentifier)-\(UUID().uuidString).sqlite"
        let database = try AppDatabase.open(path: path)
        let session = try WorkspaceSetup(database: database).createOrganization(
            name: "Import Bench", adminEmail: "admin@import.example", adminName: "Bench Admin", password: nil)
        return (path, database, session)
    }

    static func remove(_ path: String) {
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
    }

    /// The database the export benchmark reads: the file imported once, kept.
    static func imported() throws -> (AppDatabase, Session) {
        let path = "\(directory)/imported-\(rows).sqlite"
        if FileManager.default.fileExists(atPath: path) {
            let database = try AppDatabase.open(path: path)
            let session = try IdentityService(database: database).signIn(email: "admin@import.example", password: nil)
            return (database, session)
        }
        let fresh = try newDatabase()
        _ = try RecordImportService(database: fresh.database).run(file: try leads(), options: RecordImportOptions(entity: .leads), in: fresh.session)
        try FileManager.default.moveItem(atPath: fresh.path, toPath: path)
        remove(fresh.path)
        return try imported()
    }
}

let benchmarks: @Sendable () -> Void = {
    Benchmark(
        "Import 1M leads (CSV, create, duplicates by email and phone) into a new database",
        configuration: .init(
            metrics: [.wallClock, .peakMemoryResident, .mallocCountTotal, rowsPerSecond],
            timeUnits: .seconds,
            warmupIterations: 0,
            maxDuration: .seconds(240),
            maxIterations: 3
        )
    ) { benchmark in
        let file = try ImportFiles.leads()
        let fresh = try ImportFiles.newDatabase()
        defer { ImportFiles.remove(fresh.path) }
        benchmark.startMeasurement()
        let report = try RecordImportService(database: fresh.database).run(file: file, options: RecordImportOptions(entity: .leads), in: fresh.session)
        benchmark.stopMeasurement()
        precondition(report.rowsRead == ImportFiles.rows && report.problemCount == 0 && report.created + report.duplicateCount == ImportFiles.rows,
                     "unexpected import: \(report.lines().prefix(8))")
        benchmark.measurement(rowsPerSecond, Int(report.rowsPerSecond.rounded()))
    }

    Benchmark(
        "Export 1M leads as CSV (streamed to /dev/null)",
        configuration: .init(
            metrics: [.wallClock, .peakMemoryResident, .mallocCountTotal, rowsPerSecond],
            timeUnits: .seconds,
            warmupIterations: 0,
            maxDuration: .seconds(120),
            maxIterations: 3,
            setup: { _ = try? ImportFiles.imported() }
        )
    ) { benchmark in
        let (database, session) = try ImportFiles.imported()
        guard let sink = FileHandle(forWritingAtPath: "/dev/null") else { return }
        var buffer = [UInt8]()
        buffer.reserveCapacity(1 << 16)
        let started = Date()
        benchmark.startMeasurement()
        let rows = try ExportService(database: database).export(.leads, format: .csv, in: session) { text in
            buffer.append(contentsOf: text.utf8)
            if buffer.count >= 1 << 16 {
                sink.write(Data(buffer))
                buffer.removeAll(keepingCapacity: true)
            }
        }
        sink.write(Data(buffer))
        benchmark.stopMeasurement()
        benchmark.measurement(rowsPerSecond, Int(Double(rows) / Date().timeIntervalSince(started)))
    }

    actionImportBenchmarks(rowsPerSecond)
    attributeImportBenchmarks(rowsPerSecond)
}
