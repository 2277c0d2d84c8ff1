import ArgumentParser
import BNCCore
import MarketHistory

/// `bnc-stream replay FILE… --speed N`: a recording played back at its original pace.
struct ReplayCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "replay",
        abstract: "Replay recorded trade lines paced by their exchange trade time.",
        discussion: """
            Writes each line of the recordings (NDJSON trade lines, bare or in the combined-stream \
            envelope) byte for byte, at the moment its trade time T says, relative to the first \
            line: the live feed's timing, offline. Deadlines are kept on the monotonic clock from \
            the start, so delays never add up. Compressed recordings: decompress in front, \
            e.g. zstdcat day.ndjson.zst | bnc-stream replay --speed 10.
            """)

    @Argument(help: "Recordings (plain NDJSON), replayed in this order as one timeline ('-' or none: stdin).")
    var files: [String] = []

    @Option(help: "1 = original pace, 10 = ten times faster, 0.5 = half speed, 0 = as fast as possible.")
    var speed: Double = 1

    @Flag(help: "Stop with exit status 65 at the first line that is not a trade instead of skipping it.")
    var strict = false

    func validate() throws {
        guard speed.isFinite, speed == 0 || speed >= 0.01 else {
            // Slower than 1/100 would stretch an hour of exchange time (the most one pause may
            // last, `Pacer.maxJumpMicroseconds`) beyond four days of waiting.
            throw ValidationError("--speed must be 0 (as fast as possible) or at least 0.01")
        }
    }

    mutating func run() {
        ToolExit.run(tool: "bnc-stream") {
            SignalTrap.install()
            let output = OutputBuffer()
            let replayer = Replayer(speed: speed, output: output, strict: strict, diagnostics: Diagnostics(tool: "bnc-stream"))
            do {
                try replayer.replay(InputFile.list(files))
            } catch {
                try? output.flush()   // the lines replayed before the error still go out
                throw error
            }
        }
    }
}
