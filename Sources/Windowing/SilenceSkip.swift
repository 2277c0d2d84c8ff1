import BNCWire

/// Empty windows of one symbol that were not written because a silence outlasted
/// `--max-silence`: bnc-window says so on stderr, once per silence.
package struct SilenceSkip: Sendable, Equatable {
    package var symbol: Symbol
    /// Start of the first and end of the last window not written, epoch ms.
    package var from: Int64
    package var to: Int64
    package var windows: Int64
}
