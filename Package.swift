// swift-tools-version: 6.1
import PackageDescription

/// Layout (DESIGN.md §5): four thin commands, the logic in libraries named for what they hold.
/// Only `bnc-stream` (through `MarketStream` → `CCurl`) links libcurl.
let package = Package(
    name: "bnc",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "bnc-stream", targets: ["bnc-stream"]),
        .executable(name: "bnc-window", targets: ["bnc-window"]),
        .executable(name: "bnc-score", targets: ["bnc-score"]),
        .executable(name: "bnc-stats", targets: ["bnc-stats"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/weichsel/ZIPFoundation", from: "0.9.20"),
    ],
    targets: [
        // MARK: Commands (argument parsing and wiring only)
        .executableTarget(
            name: "bnc-stream",
            dependencies: [
                "BNCCore", "BNCWire", "MarketStream", "MarketHistory",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]),
        .executableTarget(
            name: "bnc-window",
            dependencies: [
                "BNCCore", "Windowing",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]),
        .executableTarget(
            name: "bnc-score",
            dependencies: [
                "BNCCore", "BNCWire", "AnomalyModel", "Scoring",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]),
        .executableTarget(
            name: "bnc-stats",
            dependencies: [
                "BNCCore", "ResultStats",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]),

        // MARK: Libraries
        /// Shared plumbing: exit codes, durations, diagnostics, chunked line input,
        /// buffered output, signals, flat JSON scanning, UTC time formatting.
        .target(
            name: "BNCCore",
            dependencies: [.product(name: "ArgumentParser", package: "swift-argument-parser")]),
        /// The wire formats (DESIGN.md §1–3), each with its one reader, writer, limits and key
        /// names: trade lines, window rows, scored-result columns.
        .target(name: "BNCWire", dependencies: ["BNCCore"]),
        /// Event-time windows and feature rows (DESIGN.md §2).
        .target(name: "Windowing", dependencies: ["BNCCore", "BNCWire"]),
        /// StandardScaler + Isolation Forest (DESIGN.md §4) and model files.
        .target(name: "AnomalyModel"),
        /// bnc-score's life cycle: window-row reading, buffers, retraining, result output (DESIGN.md §3).
        .target(name: "Scoring", dependencies: ["BNCCore", "BNCWire", "AnomalyModel"]),
        /// libcurl and libcrypto, reached through C shims (curl_easy_setopt is variadic).
        .target(
            name: "CCurl",
            linkerSettings: [.linkedLibrary("curl"), .linkedLibrary("crypto")]),
        /// The live feed: RFC 6455 over libcurl, reconnects, rollover, REST backfill.
        .target(name: "MarketStream", dependencies: ["BNCCore", "BNCWire", "CCurl"]),
        /// Offline sources: Binance public-data CSV/zip, paced replay, the simulator.
        .target(
            name: "MarketHistory",
            dependencies: [
                "BNCCore", "BNCWire",
                .product(name: "ZIPFoundation", package: "ZIPFoundation"),
            ]),
        /// bnc-stats' readers, analyses, Mann–Whitney U, and the HTML report.
        .target(name: "ResultStats", dependencies: ["BNCCore", "BNCWire"]),

        // MARK: Tests
        .testTarget(name: "BNCCoreTests", dependencies: ["BNCCore"]),
        .testTarget(name: "BNCWireTests", dependencies: ["BNCWire", "BNCCore"]),
        .testTarget(name: "WindowingTests", dependencies: ["Windowing", "BNCWire", "BNCCore"]),
        .testTarget(name: "AnomalyModelTests", dependencies: ["AnomalyModel"]),
        .testTarget(name: "ScoringTests", dependencies: ["Scoring", "BNCWire", "AnomalyModel"]),
        .testTarget(name: "MarketStreamTests", dependencies: ["MarketStream"]),
        .testTarget(
            name: "MarketHistoryTests",
            dependencies: ["MarketHistory", "BNCCore", .product(name: "ZIPFoundation", package: "ZIPFoundation")]),
        .testTarget(name: "ResultStatsTests", dependencies: ["ResultStats", "BNCCore"]),
        /// Runs the built executables connected by real pipes.
        .testTarget(
            name: "EndToEndTests",
            dependencies: ["bnc-stream", "bnc-window", "bnc-score", "bnc-stats"]),
    ]
)
