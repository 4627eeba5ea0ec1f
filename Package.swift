// swift-tools-version:6.1
import PackageDescription

/// Funnel: a keyboard-driven terminal client for a multi-tenant sales and marketing platform.
///
/// Layers, bottom to top (docs/architecture.md):
/// FunnelStore (GRDB, the only target that sees SQL) -> FunnelServices (rules, scoring, audit)
/// -> FunnelViewModels (pane state and intents) -> FunnelUI (cell buffer, widgets, keys, themes)
/// and FunnelTerminal (the only ncurses code) -> FunnelTUI (screens and the app shell)
/// -> FunnelCLI (commands) -> funnel (the executable).
let strict: [SwiftSetting] = [
    .swiftLanguageMode(.v6),
    .enableUpcomingFeature("ExistentialAny"),
]

let package = Package(
    name: "Funnel",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "funnel", targets: ["funnel"]),
        // For the benchmark package in Benchmarks/ (package-benchmark needs products to link).
        .library(
            name: "FunnelKit",
            targets: ["FunnelStore", "FunnelServices", "FunnelViewModels", "FunnelUI", "FunnelTerminal", "FunnelTUI"]),
    ],
    dependencies: [
        .package(url: "https://github.com/groue/GRDB.swift", exact: "7.10.0"),
        .package(url: "https://github.com/apple/swift-argument-parser", exact: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", exact: "1.16.2"),
        .package(url: "https://github.com/LebJe/TOMLKit", exact: "0.6.0"),
        .package(url: "https://github.com/pointfreeco/swift-snapshot-testing", exact: "1.19.7"),
        .package(url: "https://github.com/vapor/postgres-nio", exact: "1.33.2"),
    ],
    targets: [
        // System libraries.
        .systemLibrary(
            name: "CNcursesw",
            providers: [.apt(["libncurses-dev"])]
        ),
        .systemLibrary(
            name: "CArgon2",
            pkgConfig: "libargon2",
            providers: [.apt(["libargon2-dev"])]
        ),

        // The store: the only target that imports GRDB or PostgresNIO, or writes SQL.
        .target(
            name: "FunnelStore",
            dependencies: [
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "GRDBSQLite", package: "GRDB.swift"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            // The PostgreSQL schema and its security, applied by `funnel init --db postgres://...`.
            resources: [.embedInCode("Postgres/SQL/schema.sql"), .embedInCode("Postgres/SQL/security.sql")],
            swiftSettings: strict
        ),
        // Services: identity, permissions, audit, scoring, demo data, doctor.
        .target(
            name: "FunnelServices",
            dependencies: [
                "FunnelStore", "CArgon2",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),
        // View-models: pane state and intents; no terminal code.
        .target(
            name: "FunnelViewModels",
            dependencies: ["FunnelServices"],
            swiftSettings: strict
        ),
        // The terminal-independent UI kit: cell buffer, widgets, keys, themes.
        .target(
            name: "FunnelUI",
            dependencies: [
                .product(name: "TOMLKit", package: "TOMLKit"),
            ],
            swiftSettings: strict
        ),
        // The ncurses adapter: the only code that touches ncurses.
        .target(
            name: "FunnelTerminal",
            dependencies: ["CNcursesw", "FunnelUI"],
            swiftSettings: strict
        ),
        // Screens and the application shell.
        .target(
            name: "FunnelTUI",
            dependencies: [
                "FunnelViewModels", "FunnelUI", "FunnelTerminal",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),
        // The command line (swift-argument-parser), shared by the executable and tests.
        .target(
            name: "FunnelCLI",
            dependencies: [
                "FunnelServices", "FunnelViewModels", "FunnelTUI", "FunnelUI",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),
        .executableTarget(
            name: "funnel",
            dependencies: ["FunnelCLI", "FunnelStore"],
            swiftSettings: strict
        ),

        // Shared fixtures for the tests.
        .target(
            name: "FunnelTestSupport",
            dependencies: ["FunnelStore", "FunnelServices", "FunnelUI"],
            swiftSettings: strict
        ),
        .testTarget(
            name: "FunnelStoreTests",
            dependencies: ["FunnelStore", "FunnelTestSupport", .product(name: "GRDB", package: "GRDB.swift")],
            swiftSettings: strict
        ),
        // What any store must do (the contract), run against each implementation.
        .testTarget(
            name: "FunnelStoreContractTests",
            dependencies: ["FunnelStore", "FunnelServices", "FunnelTestSupport"],
            swiftSettings: strict
        ),
        // Team mode's security held by PostgreSQL (a sandbox server, psql as each role).
        .testTarget(
            name: "FunnelPostgresTests",
            dependencies: ["FunnelStore", "FunnelTestSupport"],
            swiftSettings: strict
        ),
        .testTarget(
            name: "FunnelServicesTests",
            dependencies: ["FunnelServices", "FunnelTestSupport"],
            swiftSettings: strict
        ),
        .testTarget(
            name: "FunnelViewModelsTests",
            dependencies: ["FunnelViewModels", "FunnelTestSupport"],
            swiftSettings: strict
        ),
        .testTarget(
            name: "FunnelUITests",
            dependencies: [
                "FunnelUI", "FunnelTerminal",
                .product(name: "SnapshotTesting", package: "swift-snapshot-testing"),
            ],
            exclude: ["__Snapshots__"],
            swiftSettings: strict
        ),
        .testTarget(
            name: "FunnelTUITests",
            dependencies: [
                "FunnelTUI", "FunnelTestSupport",
                .product(name: "SnapshotTesting", package: "swift-snapshot-testing"),
            ],
            exclude: ["__Snapshots__"],
            swiftSettings: strict
        ),
        .testTarget(
            name: "FunnelCLITests",
            dependencies: ["FunnelCLI", "FunnelTestSupport", "funnel"],
            swiftSettings: strict
        ),
        .testTarget(
            name: "FunnelEndToEndTests",
            dependencies: ["FunnelTestSupport", "funnel"],
            swiftSettings: strict
        ),
    ]
)
