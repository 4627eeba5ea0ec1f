import Foundation
import FunnelStore

/// What to build: how many leads, from which seed, around which day.
public struct DemoOptions: Sendable {
    /// Leads in all organizations together; the other tables follow in proportion.
    public var leads: Int
    /// The random seed: the same seed and reference day give the same workspace.
    public var seed: UInt64
    /// "Today" for the demo: content is scheduled around it and actions happen before it.
    public var referenceDate: Date
    /// Deals in all organizations together (nil: a tenth of the leads).
    public var deals: Int?
    /// Content items in all organizations together (nil: a twentieth of the leads).
    public var content: Int?

    public init(leads: Int = 10_000, seed: UInt64 = 42, referenceDate: Date = DemoOptions.startOfToday(), deals: Int? = nil, content: Int? = nil) {
        self.leads = leads
        self.seed = seed
        self.referenceDate = referenceDate
        self.deals = deals
        self.content = content
    }

    /// Midnight UTC of the current day.
    public static func startOfToday() -> Date {
        let now = Date().timeIntervalSince1970
        return Date(timeIntervalSince1970: (now / 86_400).rounded(.down) * 86_400)
    }
}

/// What the demo build did and how fast.
public struct DemoReport: Sendable {
    public let path: String
    public let rowCounts: [(table: String, rows: Int)]
    public let seconds: Double
    public let leads: Int
    public let leadActions: Int
    public let organizations: [String]
    /// Who `funnel demo` signs in as.
    public let managerEmail: String
    /// Seconds spent in each phase of the build, in order.
    public let phases: [(phase: String, seconds: Double)]

    /// Leads (with their actions) written per second, the whole build included.
    public var leadsPerSecond: Double { Double(leads) / max(seconds, 0.000_001) }
    /// Rows of every table written per second, the whole build included.
    public var rowsPerSecond: Double { Double(rowCounts.reduce(0) { $0 + $1.rows }) / max(seconds, 0.000_001) }
}

/// Progress of a demo build, for a progress bar.
public struct DemoProgress: Sendable {
    public let phase: String
    public let leadsWritten: Int
    public let leadsTotal: Int
}

/// Builds a realistic, deterministic demo workspace in a new database file.
public struct DemoWorkspaceBuilder: Sendable {
    /// The demo manager, who `funnel demo` signs in as.
    public static let managerEmail = "manager@northwind.example"

    /// Whether a database holding these organizations is a demo `funnel demo` built (its three
    /// organizations, in order, and no other), which it may replace without asking.
    public static func isDemo(organizationSlugs: [String]) -> Bool {
        organizationSlugs == DemoGenerator.organizations.map(\.slug)
    }

    public let options: DemoOptions

    public init(options: DemoOptions) {
        self.options = options
    }

    /// Builds the demo at `path`, replacing an earlier file there only once the new one is complete.
    public func build(at path: String, progress: @escaping (DemoProgress) -> Void = { _ in }) throws -> DemoReport {
        guard options.leads >= 0 else { throw ServiceError.invalid(field: "--leads", problem: "needs 0 or more leads") }
        guard options.leads <= 20_000_000 else {
            throw ServiceError.invalid(field: "--leads", problem: "at most 20,000,000 leads")
        }
        let temporary = path + ".building"
        for suffix in ["", "-wal", "-shm", "-journal"] {
            try? FileManager.default.removeItem(atPath: temporary + suffix)
        }
        let start = DispatchTime.now().uptimeNanoseconds
        var generator = DemoGenerator(options: options)
        let total = options.leads
        var phases: [(phase: String, seconds: Double)] = []
        var phaseStart = start
        var currentPhase = "inserting rows"
        func enter(_ phase: String) {
            let now = DispatchTime.now().uptimeNanoseconds
            phases.append((currentPhase, Double(now - phaseStart) / 1e9))
            phaseStart = now
            currentPhase = phase
        }
        defer {
            for suffix in ["", "-wal", "-shm", "-journal"] {
                try? FileManager.default.removeItem(atPath: temporary + suffix)
            }
        }
        try ServiceError.wrapping {
            try AppDatabase.buildNew(
                at: temporary,
                phase: { phase in
                    if phase != "inserting rows" { enter(phase) }
                    progress(DemoProgress(phase: phase, leadsWritten: total, leadsTotal: total))
                },
                load: { loader in
                    try generator.generate(into: loader) { written in
                        progress(DemoProgress(phase: "inserting rows", leadsWritten: written, leadsTotal: total))
                    }
                })
        }
        enter("done")
        for suffix in ["-wal", "-shm"] {
            try? FileManager.default.removeItem(atPath: path + suffix)
        }
        guard rename(temporary, path) == 0 else {
            throw ServiceError.invalid(field: "database path", problem: "cannot move the demo into \(path): \(String(cString: strerror(errno)))")
        }
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        let counts = try ServiceError.wrapping { try AppDatabase.open(path: path).snapshot { try $0.tableRowCounts() } }
        return DemoReport(
            path: path, rowCounts: counts, seconds: seconds, leads: generator.leadCount,
            leadActions: generator.leadActionCount, organizations: generator.organizationNames,
            managerEmail: Self.managerEmail, phases: phases)
    }
}
