import BNCCore
import AnomalyModel
import BNCWire

/// Everything `bnc-score`'s command line decides, validated by the command before it gets here.
package struct ScoringOptions: Sendable {
    /// The row keys that form the model's input vector, in order (DESIGN.md §2 numeric keys).
    package var featureNames: [String]
    /// Complete windows in the training buffer (first training when full; retraining window).
    package var trainWindows: Int
    /// Rows scored by one model before it is retrained on the buffer; 0 = train once, never again.
    package var retrainEvery: Int
    package var parameters: ModelParameters
    /// No `--profile` was given: a `--model` file's saved models keep the profile they were
    /// trained with (a collector upgraded across the profile change goes on with its models),
    /// and `parameters.profile` applies only when there is no file yet.
    package var profileFromModelFile: Bool
    package var seed: UInt64
    /// Offline mode: read everything, train on every complete window, then score every row.
    package var batch: Bool
    package var format: ResultFormat
    /// `--output`: append to this file (with `%Y`, `%m`, `%d` from the window's UTC date) instead of stdout.
    package var outputPath: String?
    /// `--model`: load at start, save after trainings (`ModelSaveSchedule`) and at exit.
    package var modelPath: String?
    /// `--append-foreign`: append to an existing `--output` even when its first line is not our header.
    package var appendForeign: Bool
    /// No informational messages on stderr (warnings and errors still go there).
    package var quiet: Bool
    /// Show the warm-up progress line (only ever true when stderr is a terminal).
    package var showProgress: Bool
    /// `--threads` (batch only): threads that parse a regular file input in line-aligned ranges
    /// and that encode the result rows. 1 does everything on the calling thread; a pipe is always
    /// read in one stream. The output is the same byte for byte whatever the count.
    package var threads: Int
    /// About how many bytes of a file one parsing thread takes at a time; tests make it small so
    /// that ranges end all over a small input.
    package var parallelChunkSize: Int
    /// Rows one thread encodes at a time in batch mode (a multiple of 1,024 keeps the stop-signal
    /// check where one thread makes it); tests make it small.
    package var batchBlockRows: Int
    /// `--model` files from this size on have their saves spaced out (`ModelSaveSchedule`); tests
    /// make it 0 to see the spacing with few small models.
    package var modelSavesSpacedFromBytes = ModelSaveSchedule.defaultSpacedFromBytes

    package static let defaultParallelChunkSize = 2 << 20
    package static let defaultBatchBlockRows = 8_192

    package static let defaultFeatures = WindowRowKey.features.map(\.name)

    // The ranges of the numeric options (docs/score.md#options). Each bound is far beyond what any
    // input could use, and keeps what the value sizes finite: buffers grow with the data, never
    // with the option, but a count no input can reach is a mistake worth a usage error (exit 64).

    /// `--train-windows`: up to a million windows (11.6 days of 1 s windows; 40 MB of buffer with
    /// five features, reached only when that many windows arrive).
    package static let trainWindowsRange = 1...1_000_000
    /// `--retrain-every`: 0 (never) up to 10^8 rows (three years of 1 s windows).
    package static let retrainEveryRange = 0...100_000_000
    /// `--trees`: each tree holds at most 2·max-samples − 1 nodes, all of them kept in memory and
    /// in the model file.
    package static let treesRange = 1...10_000
    /// `--max-samples n`: a count is capped at the training rows anyway; above 10^6 a tree alone
    /// would need tens of megabytes.
    package static let maxSamplesRange = 1...1_000_000
    /// Symbols per run (and per model file): each has its own forest (about 0.2 MB trained with the
    /// defaults, docs/score.md#memory), so a stream of made-up symbols must not grow memory without
    /// end. 4,096 covers every symbol Binance spot lists (about 3,000 with every quote asset) in
    /// well under 1 GB; rows of further symbols are bad lines, skipped and counted.
    package static let maxSymbols = 4096
    /// `--features`: distinct keys per row vector.
    package static let featureCountRange = 1...64
    /// Symbols whose forests keep a per-leaf attribution table while streaming (about 48 bytes
    /// per leaf, some 0.3 MiB per symbol): the first ones seen; the rest walk each path back
    /// instead — the same reasons, a few µs more per window (docs/score.md, *Memory*).
    package static let attributionTableSymbols = 256

    package init(featureNames: [String] = ScoringOptions.defaultFeatures, trainWindows: Int = 500, retrainEvery: Int = 100,
                parameters: ModelParameters = ModelParameters(profile: .defaultProfile), seed: UInt64 = 42, batch: Bool = false,
                format: ResultFormat = .csv, outputPath: String? = nil, modelPath: String? = nil,
                quiet: Bool = false, showProgress: Bool = false, appendForeign: Bool = false,
                profileFromModelFile: Bool = false, threads: Int = 1,
                parallelChunkSize: Int = ScoringOptions.defaultParallelChunkSize,
                batchBlockRows: Int = ScoringOptions.defaultBatchBlockRows) {
        self.featureNames = featureNames
        self.trainWindows = trainWindows
        self.retrainEvery = retrainEvery
        self.parameters = parameters
        self.profileFromModelFile = profileFromModelFile
        self.seed = seed
        self.batch = batch
        self.format = format
        self.outputPath = outputPath
        self.modelPath = modelPath
        self.quiet = quiet
        self.showProgress = showProgress
        self.appendForeign = appendForeign
        self.threads = threads
        self.parallelChunkSize = parallelChunkSize
        self.batchBlockRows = batchBlockRows
    }

    /// The seed of a symbol's `version`-th training: `--seed` itself for the first, so a batch run
    /// with `--seed s` is `AnomalyDetector.train(seed: s)`; SplitMix64-mixed for later ones.
    package func trainingSeed(version: Int) -> UInt64 {
        version <= 1 ? seed : SplitMix64.mix(seed &+ UInt64(version) &* 0x9E37_79B9_7F4A_7C15)
    }
}

/// The output encodings of DESIGN.md §3.
package enum ResultFormat: String, Sendable, CaseIterable {
    case csv, ndjson
    /// The original project's CSV, for its users' pandas code: its eight columns only
    /// (`timestamp … prediction`) and its timestamps, the window start as local wall-clock time
    /// `YYYY-MM-DD HH:MM:SS` (formats.md §3).
    case original
}
