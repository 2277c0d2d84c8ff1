import AnomalyModel
import Foundation
import Testing
import TestSupport

/// Item 5 of the issue: on every labelled ODDS dataset, our StandardScaler + IsolationForest scores
/// like scikit-learn's. scikit-learn runs six seeds (0–5) on the same rows in one Python process
/// (`scripts/reference/iforest_reference.py`; sets over 6,000 rows — shuttle, smtp, mammography,
/// annthyroid, pendigits, satellite — are subsampled deterministically by that script, and we score
/// the very rows it wrote). We run three seeds of our own and require, per dataset and per seed:
/// - ROC-AUC within max(0.02, 3 × scikit-learn's seed-to-seed standard deviation) of its mean;
/// - mean and standard deviation of `score_samples` inside scikit-learn's own seed-to-seed range
///   widened by two seed-to-seed standard deviations on each side ([min − 2σ, max + 2σ]). Why the
///   margin: with six reference seeds the bare range rejects a seventh draw of the very same
///   distribution 2 times in 7, and ±1σ still about 1 time in 12 — across 60 checks that is a
///   certain false alarm (two ±1σ misses by 2e-4 and 4e-5 were seen while developing this test);
///   ±2σ brings it near 1 in 100 per check while staying tight: σ is 1e-3 to 5e-3 on scores of
///   about −0.45, far below what a wrong algorithm (ψ, depth limit, c(n), offset) shifts them by;
/// - Spearman correlation with every scikit-learn seed no lower than the lowest correlation
///   between two scikit-learn seeds minus 0.02 (the noise floor of the issue: 0.91–0.99).
@Suite("Parity with scikit-learn's IsolationForest on the ODDS datasets", .integration)
struct ScikitLearnParityTests {
    struct Reference: Decodable {
        struct Seed: Decodable { var seed: Int; var auc: Double; var mean: Double; var std: Double }
        var name: String
        var rows: Int
        var anomalies: Int
        var seeds: [Seed]
        var spearman_pairs: [Double]
    }

    static let ourSeeds: [UInt64] = [0, 1, 2]

    @Test func everyDatasetScoresLikeScikitLearn() throws {
        let odds = PackagePaths.sharedData.appendingPathComponent("odds")
        let files = try FileManager.default.contentsOfDirectory(atPath: odds.path)
            .filter { $0.hasSuffix(".csv") }.sorted()
        try #require(files.count == 10, "expected the ten ODDS datasets in \(odds.path)")
        let work = try ToolRunner.temporaryDirectory("bnc-parity")
        defer { try? FileManager.default.removeItem(at: work) }
        var arguments = ["--rows-out", work.path, "--scores-out", work.path]
        for f in files { arguments += ["--csv", odds.appendingPathComponent(f).path] }
        let output = try ReferencePython.text("scripts/reference/iforest_reference.py", arguments)
        let references = try output.split(separator: "\n").map {
            try JSONDecoder().decode(Reference.self, from: Data($0.utf8))
        }
        #expect(references.count == files.count)

        for reference in references {
            let (rows, labels) = try LabelledCSV.read(work.appendingPathComponent(reference.name))
            #expect(rows.count == reference.rows)
            let featureCount = rows[0].count
            let flat = rows.flatMap { $0 }
            let theirScores = try String(contentsOf: work.appendingPathComponent(reference.name + ".scores"), encoding: .utf8)
                .split(separator: "\n").map { $0.split(separator: ",").map { Double($0)! } }

            let aucs = reference.seeds.map(\.auc), means = reference.seeds.map(\.mean), stds = reference.seeds.map(\.std)
            let aucMean = RankStatistics.mean(aucs)
            let aucTolerance = max(0.02, 3 * RankStatistics.sampleStd(aucs))
            let meanBand = (means.min()! - 2 * RankStatistics.sampleStd(means))...(means.max()! + 2 * RankStatistics.sampleStd(means))
            let stdBand = (stds.min()! - 2 * RankStatistics.sampleStd(stds))...(stds.max()! + 2 * RankStatistics.sampleStd(stds))
            let floor = reference.spearman_pairs.min()! - 0.02

            for seed in Self.ourSeeds {
                let names = (0..<featureCount).map { "f\($0)" }
                let detector = try flat.withUnsafeBufferPointer {
                    try AnomalyDetector.train(rows: $0, rowCount: rows.count, featureNames: names,
                                              parameters: ModelParameters(contamination: .auto), seed: seed)
                }
                let ours = flat.withUnsafeBufferPointer { detector.scoreSamples($0, rowCount: rows.count) }
                let auc = RankStatistics.rocAUC(scores: ours.map { -$0 }, labels: labels)
                let mean = RankStatistics.mean(ours), std = RankStatistics.std(ours)
                let spearmans = theirScores.map { RankStatistics.spearman(ours, $0) }
                let context = "\(reference.name) seed \(seed): AUC \(auc) vs \(aucMean)±\(aucTolerance), mean \(mean) in \(meanBand), std \(std) in \(stdBand), Spearman \(spearmans.min()!) ≥ \(floor)"
                print(context)
                #expect(abs(auc - aucMean) <= aucTolerance, "\(context)")
                #expect(meanBand.contains(mean), "\(context)")
                #expect(stdBand.contains(std), "\(context)")
                #expect(spearmans.min()! >= floor, "\(context)")
            }
        }
    }
}
