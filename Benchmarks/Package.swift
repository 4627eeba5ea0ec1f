// swift-tools-version:6.1
import PackageDescription

/// Performance benchmarks for Funnel, kept in their own package so that package-benchmark
/// (and its malloc interposer) never becomes a dependency of the app itself.
///
/// Run from this directory: `swift package benchmark` (see README.md).
/// The Funnel targets come from the `FunnelKit` library product of the main package (`..`).
let package = Package(
    name: "FunnelBenchmarks",
    platforms: [.macOS(.v14)],
    dependencies: [
        .package(url: "https://github.com/ordo-one/benchmark", exact: "1.38.1", traits: ["MallocInterposer"]),
        .package(name: "Funnel", path: ".."),
    ],
    targets: [
        // The team mode under load (issue 17): simulated users on a PostgreSQL server (scripts/team-load.sh).
        .executableTarget(
            name: "TeamLoad",
            dependencies: [.product(name: "FunnelKit", package: "Funnel")],
            path: "Benchmarks/TeamLoad",
            swiftSettings: [.swiftLanguageMode(.v6)]
        ),
        // What several benchmarks share: the demo workspaces they run on.
        .target(
            name: "BenchSupport",
            dependencies: [.product(name: "FunnelKit", package: "Funnel")],
            path: "Benchmarks/BenchSupport",
            swiftSettings: [.swiftLanguageMode(.v6)]
        ),
        // Frame composition, diffed flushing through a headless ncurses screen, and scrolling.
        .executableTarget(
            name: "FrameBenchmarks",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "FunnelKit", package: "Funnel"),
            ],
            path: "Benchmarks/FrameBenchmarks",
            swiftSettings: [.swiftLanguageMode(.v6)],
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
        // Building the demo workspace (SQLite via GRDB) into a temporary file.
        .executableTarget(
            name: "DemoBenchmarks",
            dependencies: [
                "BenchSupport",
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "FunnelKit", package: "Funnel"),
            ],
            path: "Benchmarks/DemoBenchmarks",
            swiftSettings: [.swiftLanguageMode(.v6)],
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
        // The Leads pane's view-model and lead scoring on the 1,000,000- and 10,000-lead demo workspaces, and its
        // attribute filter on 1,000,000 imported leads with 20 attributes (issue 14).
        .executableTarget(
            name: "LeadsBenchmarks",
            dependencies: [
                "BenchSupport",
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "FunnelKit", package: "Funnel"),
            ],
            path: "Benchmarks/LeadsBenchmarks",
            swiftSettings: [.swiftLanguageMode(.v6)],
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
        // The Pipeline pane's view-model on a demo workspace with 100,000 deals in the manager's organization.
        .executableTarget(
            name: "PipelineBenchmarks",
            dependencies: [
                "BenchSupport",
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "FunnelKit", package: "Funnel"),
            ],
            path: "Benchmarks/PipelineBenchmarks",
            swiftSettings: [.swiftLanguageMode(.v6)],
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
        // The Calendar and Approvals panes' view-models on a demo workspace with 50,000 content items in the manager's organization.
        .executableTarget(
            name: "ContentBenchmarks",
            dependencies: [
                "BenchSupport",
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "FunnelKit", package: "Funnel"),
            ],
            path: "Benchmarks/ContentBenchmarks",
            swiftSettings: [.swiftLanguageMode(.v6)],
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
        // CSV import of 1,000,000 generated leads with duplicate detection, and their export; 1,000,000 leads
        // with 20 attributes (issue 14).
        .executableTarget(
            name: "ImportBenchmarks",
            dependencies: [
                "BenchSupport",
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "FunnelKit", package: "Funnel"),
            ],
            path: "Benchmarks/ImportBenchmarks",
            swiftSettings: [.swiftLanguageMode(.v6)],
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
    ]
)
