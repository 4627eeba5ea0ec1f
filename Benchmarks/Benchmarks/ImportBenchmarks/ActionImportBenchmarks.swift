import Benchmark
import Foundation
import FunnelServices
import FunnelStore

/// `funnel import actions` of 5,000,000 generated actions into a copy of a 100,000-lead demo
/// workspace (the manager's organization has 80,000 leads), a fresh copy per iteration.
enum ActionImportFiles {
    static let directory = "/tmp/funnel-bench"
    static let rows = 5_000_000
    static let leads = 100_000
    /// A fixed "today" for the demo (2026-01-01 00:00 UTC); the file's times are the year before it.
    static let referenceDate = Date(timeIntervalSince1970: 1_767_225_600)

    static var demoPath: String { "\(directory)/actions-demo-\(leads).sqlite" }
    static var path: String { "\(directory)/actions-\(rows).csv" }

    /// The demo workspace the actions go into, built once.
    static func demo() throws -> String {
        if FileManager.default.fileExists(atPath: demoPath) { return demoPath }
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        _ = try DemoWorkspaceBuilder(options: DemoOptions(leads: leads, seed: 42, referenceDate: referenceDate)).build(at: demoPath)
        return demoPath
    }

    /// The file (about 340 MB), written once: `lead,type,time,page,campaign` in time order over the
    /// year before the reference date, for random leads of the manager's organization (by email, or
    /// `#id` for a lead without one), with the mix of types a marketing tool's export has.
    static func actions() throws -> String {
        if let size = (try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? Int, size > 300_000_000 { return path }
        let (database, session) = try open(try demo())
        var keys: [String] = []
        try database.snapshot { reader in
            var emails: [Int64: String] = [:]
            try reader.forEachLeadEmail(orgId: session.orgId) { bytes, id in emails[id] = String(decoding: bytes, as: UTF8.self) }
            keys = try reader.leadIDs(orgId: session.orgId).map { emails[$0] ?? "#\($0)" }
        }
        guard FileManager.default.createFile(atPath: path, contents: nil) else { throw CocoaError(.fileWriteUnknown) }
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        defer { try? handle.close() }
        let weighted: [(String, Int)] = [
            ("page_visit", 26), ("email_open", 22), ("email_sent", 14), ("email_click", 10), ("form_submit", 5), ("content_download", 5),
            ("call", 4), ("reply", 4), ("webinar", 2), ("demo_request", 2), ("meeting", 2), ("note", 2), ("unsubscribe", 1), ("bounce", 1),
        ]
        let types = weighted.flatMap { Array(repeating: $0.0, count: $0.1) }
        let pages = ["/pricing", "/blog/lead-scoring", "/integrations", "/docs/api", "/case-studies", "/", "/signup", "/features"]
        var generator = SplitMix(seed: 14)
        let end = Int64(referenceDate.timeIntervalSince1970) - 3600
        let start = end - 365 * 86_400
        var chunk = "lead,type,time,page,campaign\n"
        for index in 0..<rows {
            let key = keys[Int(generator.next() % UInt64(keys.count))]
            let type = types[Int(generator.next() % UInt64(types.count))]
            let time = StoreTimestamp.text(start + Int64(index) * (end - start) / Int64(rows)).prefix(19)
            let page = type == "page_visit" ? pages[Int(generator.next() % UInt64(pages.count))] : ""
            let campaign = type.hasPrefix("email") ? "newsletter-\(1 + generator.next() % 12)" : ""
            chunk += "\(key),\(type),\(time),\(page),\(campaign)\n"
            if chunk.utf8.count > 1 << 20 {
                try handle.write(contentsOf: Data(chunk.utf8))
                chunk = ""
            }
        }
        try handle.write(contentsOf: Data(chunk.utf8))
        return path
    }

    static func open(_ path: String) throws -> (AppDatabase, Session) {
        let database = try AppDatabase.open(path: path)
        return (database, try IdentityService(database: database).signIn(email: DemoWorkspaceBuilder.managerEmail, password: nil))
    }

    /// A fresh copy of the demo to import into.
    static func copy() throws -> String {
        let copy = "\(directory)/actions-import-\(ProcessInfo.processInfo.processIdentifier)-\(UUID().uuidString).sqlite"
        try FileManager.default.copyItem(atPath: try demo(), toPath: copy)
        return copy
    }

    static func remove(_ path: String) {
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
    }

    /// SplitMix64: the same file on every machine.
    struct SplitMix {
        var state: UInt64
        init(seed: UInt64) { state = seed }
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }
}

/// The benchmarks of `funnel import actions` (registered by ImportBenchmarks.swift).
func actionImportBenchmarks(_ rowsPerSecond: BenchmarkMetric) {
    Benchmark(
        "Import 5M actions (CSV, leads by email or #id, rescoring the touched leads) into a 100,000-lead demo",
        configuration: .init(
            metrics: [.wallClock, .peakMemoryResident, rowsPerSecond],
            timeUnits: .seconds,
            warmupIterations: 0,
            maxDuration: .seconds(300),
            maxIterations: 3,
            setup: { _ = try? ActionImportFiles.actions() }
        )
    ) { benchmark in
        let file = try ActionImportFiles.actions()
        let copy = try ActionImportFiles.copy()
        defer { ActionImportFiles.remove(copy) }
        let (database, session) = try ActionImportFiles.open(copy)
        benchmark.startMeasurement()
        let report = try ActionImportService(database: database).run(file: file, options: ActionImportOptions(), in: session)
        benchmark.stopMeasurement()
        precondition(report.rowsRead == ActionImportFiles.rows && report.problemCount == 0 && report.created == ActionImportFiles.rows,
                     "unexpected import: \(report.lines().prefix(8))")
        benchmark.measurement(rowsPerSecond, Int(report.rowsPerSecond.rounded()))
    }
}
