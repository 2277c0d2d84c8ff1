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
                "BNCCore", "BNCWire", "MarketStream", "MarketHistory", "ToolCommand",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]),
        .executableTarget(
            name: "bnc-window",
            dependencies: [
                "BNCCore", "Windowing", "ToolCommand",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]),
        .executableTarget(
            name: "bnc-score",
            dependencies: [
                "BNCCore", "BNCWire", "AnomalyModel", "Scoring", "ToolCommand",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]),
        .executableTarget(
            name: "bnc-stats",
            dependencies: [
                "BNCCore", "ResultStats", "ToolCommand",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]),

        /// What the commands share about the command line: `DurationSpec` as an option value, and
        /// `ToolMainCommand`, whose `main()` reports option errors as `bnc-<tool>: <option>: <what>`.
        /// Kept out of BNCCore so no library depends on swift-argument-parser.
        .target(
            name: "ToolCommand",
            dependencies: ["BNCCore", .product(name: "ArgumentParser", package: "swift-argument-parser")]),

        // MARK: Libraries
        /// Shared plumbing: exit codes, durations, diagnostics, chunked line input,
        /// buffered output, signals, flat JSON scanning, UTC time formatting.
        .target(name: "BNCCore"),
        /// The wire formats (DESIGN.md §1–3), each with its one reader, writer, limits and key
        /// names: trade lines, window rows, scored-result columns.
        .target(name: "BNCWire", dependencies: ["BNCCore"]),
        /// Event-time windows and feature rows (DESIGN.md §2).
        .target(name: "Windowing", dependencies: ["BNCCore", "BNCWire"]),
        /// StandardScaler + Isolation Forest (DESIGN.md §4) and model files.
        .target(name: "AnomalyModel", dependencies: ["BNCCore"]),
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
        /// Helpers every test target shares: the package root, the fixtures, ToolRunner, the Python runner.
        .target(name: "TestSupport", path: "Tests/TestSupport"),
        // The fast, hermetic tier (`swift test`): no Python, chromium, root, faketime or ../shared.
        .testTarget(name: "BNCCoreTests", dependencies: ["BNCCore", "TestSupport"]),
        .testTarget(name: "BNCWireTests", dependencies: ["BNCWire", "BNCCore", "TestSupport"]),
        .testTarget(name: "WindowingTests", dependencies: ["Windowing", "BNCWire", "BNCCore", "TestSupport"]),
        .testTarget(name: "AnomalyModelTests", dependencies: ["AnomalyModel", "TestSupport"]),
        .testTarget(name: "ScoringTests", dependencies: ["Scoring", "BNCWire", "BNCCore", "AnomalyModel", "TestSupport"]),
        .testTarget(name: "MarketStreamTests", dependencies: ["MarketStream", "BNCCore", "TestSupport"]),
        .testTarget(
            name: "MarketHistoryTests",
            dependencies: [
                "MarketHistory", "BNCCore", "TestSupport",
                .product(name: "ZIPFoundation", package: "ZIPFoundation"),
            ]),
        .testTarget(name: "ResultStatsTests", dependencies: ["ResultStats", "BNCCore"]),
        /// Runs the built executables connected by real pipes, on the fixtures in Tests/Fixtures.
        .testTarget(
            name: "EndToEndTests",
            dependencies: [
                "TestSupport", "bnc-stream", "bnc-window", "bnc-score", "bnc-stats",
                .product(name: "ZIPFoundation", package: "ZIPFoundation"),
            ]),
        /// The integration tier, enabled by BNC_INTEGRATION=1: parity with scikit-learn / pandas /
        /// SciPy, the Python WebSocket peer, chromium, crash-restart and faults, full real captures.
        .testTarget(
            name: "IntegrationTests",
            dependencies: ["AnomalyModel", "TestSupport", "bnc-stream", "bnc-window", "bnc-score", "bnc-stats"]),
    ]
)

// MARK: Fuzzing (Fuzz/README.md)
/// One libFuzzer executable per parser, `Fuzz/<Name>/<Name>.swift`, declared only with `BNC_FUZZ=1`
/// so an ordinary `swift build` or `swift test` never sees them. They live in this package, not a
/// package of their own, so they reach `package` declarations too. With `BNC_FUZZ=1` the package
/// is the libraries plus these targets: the commands (whose `main` would fight libFuzzer's), the
/// command-line glue and the tests are left out, and one `swift build` builds every fuzz target:
///     BNC_FUZZ=1 swift build -c release --scratch-path .build-fuzz --sanitize=fuzzer \
///         -Xswiftc -sanitize=fuzzer,address -Xcc -fsanitize=fuzzer-no-link,address
/// (not `--sanitize=fuzzer --sanitize=address`: swiftc keeps only the last `-sanitize=`, so that
/// loses coverage or ASan). `scripts/fuzz.sh` builds them so and runs them.
if Context.environment["BNC_FUZZ"] == "1" {
    let fuzzTargets: [(name: String, dependencies: [Target.Dependency])] = [
        ("BackfillConverter", ["BNCCore", "BNCWire", "MarketStream"]),
        ("DecimalParser", ["BNCCore"]),
        ("JSONObjectScanner", ["BNCCore"]),
        ("LineReader", ["BNCCore", "FuzzReference"]),
        ("LineSplitter", ["BNCCore", "FuzzReference"]),
        ("ModelFile", ["BNCCore", "AnomalyModel"]),
        ("Pipeline", ["BNCCore", "BNCWire", "Windowing"]),
        ("PublicDataConverter", ["BNCCore", "BNCWire", "MarketHistory"]),
        ("ResultReader", ["BNCCore", "ResultStats"]),
        ("TradeLineParser", ["BNCCore", "BNCWire"]),
        ("TradeMessage", ["BNCCore", "BNCWire", "MarketStream"]),
        ("UTCTime", ["BNCCore"]),
        ("WatchInput", ["BNCCore", "ResultStats"]),
        ("WebSocketHandshake", ["BNCCore", "MarketStream"]),
        ("WebSocketReader", ["BNCCore", "MarketStream"]),
        ("WindowRowReader", ["BNCCore", "BNCWire", "Scoring"]),
    ]
    package.products = []
    package.targets.removeAll { $0.type != .regular || $0.name == "ToolCommand" }
    // What two targets check against: the plain reference line split.
    package.targets.append(.target(name: "FuzzReference", path: "Fuzz/Reference"))
    package.targets += fuzzTargets.map { target in
        .executableTarget(name: "fuzz-\(target.name)", dependencies: target.dependencies, path: "Fuzz/\(target.name)")
    }
}
