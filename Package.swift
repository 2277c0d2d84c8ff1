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
                "BNCCore", "TradeFormat", "MarketStream", "MarketHistory",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]),
        .executableTarget(
            name: "bnc-window",
            dependencies: [
                "BNCCore", "TradeFormat", "Windowing",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]),
        .executableTarget(
            name: "bnc-score",
            dependencies: [
                "BNCCore", "AnomalyModel", "Scoring",
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
        /// Trade lines (DESIGN.md §1): the byte scanner and the `Trade` value.
        .target(name: "TradeFormat", dependencies: ["BNCCore"]),
        /// Event-time windows and feature rows (DESIGN.md §2).
        .target(name: "Windowing", dependencies: ["BNCCore", "TradeFormat"]),
        /// StandardScaler + Isolation Forest (DESIGN.md §4) and model files.
        .target(name: "AnomalyModel", dependencies: ["BNCCore"]),
        /// bnc-score's life cycle: window-row reading, buffers, retraining, result output (DESIGN.md §3).
        .target(name: "Scoring", dependencies: ["BNCCore", "AnomalyModel"]),
        /// libcurl and libcrypto, reached through C shims (curl_easy_setopt is variadic).
        .target(
            name: "CCurl",
            linkerSettings: [.linkedLibrary("curl"), .linkedLibrary("crypto")]),
        /// The live feed: RFC 6455 over libcurl, reconnects, rollover, REST backfill.
        .target(name: "MarketStream", dependencies: ["BNCCore", "TradeFormat", "CCurl"]),
        /// Offline sources: Binance public-data CSV/zip, paced replay, the simulator.
        .target(
            name: "MarketHistory",
            dependencies: [
                "BNCCore", "TradeFormat",
                .product(name: "ZIPFoundation", package: "ZIPFoundation"),
            ]),
        /// bnc-stats' readers, analyses, Mann–Whitney U, and the HTML report.
        .target(name: "ResultStats", dependencies: ["BNCCore"]),

        // MARK: Tests
        /// Helpers every test target shares: the package root, the fixtures, ToolRunner, the Python runner.
        .target(name: "TestSupport", path: "Tests/TestSupport"),
        // The fast, hermetic tier (`swift test`): no Python, chromium, root, faketime or ../shared.
        .testTarget(name: "BNCCoreTests", dependencies: ["BNCCore", "TestSupport"]),
        .testTarget(name: "TradeFormatTests", dependencies: ["TradeFormat", "TestSupport"]),
        .testTarget(name: "WindowingTests", dependencies: ["Windowing", "TradeFormat", "TestSupport"]),
        .testTarget(name: "AnomalyModelTests", dependencies: ["AnomalyModel", "TestSupport"]),
        .testTarget(name: "ScoringTests", dependencies: ["Scoring", "AnomalyModel", "TestSupport"]),
        .testTarget(name: "MarketStreamTests", dependencies: ["MarketStream", "TradeFormat", "TestSupport"]),
        .testTarget(
            name: "MarketHistoryTests",
            dependencies: [
                "MarketHistory", "TradeFormat", "TestSupport",
                .product(name: "ZIPFoundation", package: "ZIPFoundation"),
            ]),
        .testTarget(name: "ResultStatsTests", dependencies: ["ResultStats", "TestSupport"]),
        /// Runs the built executables connected by real pipes, on the fixtures in Tests/Fixtures.
        .testTarget(
            name: "EndToEndTests",
            dependencies: [
                "BNCCore", "TestSupport", "bnc-stream", "bnc-window", "bnc-score", "bnc-stats",
                .product(name: "ZIPFoundation", package: "ZIPFoundation"),
            ]),
        /// The integration tier, enabled by BNC_INTEGRATION=1: parity with scikit-learn / pandas /
        /// SciPy, the Python WebSocket peer, chromium, crash-restart and faults, full real captures.
        .testTarget(
            name: "IntegrationTests",
            dependencies: ["AnomalyModel", "TestSupport", "bnc-stream", "bnc-window", "bnc-score", "bnc-stats"]),
    ]
)
