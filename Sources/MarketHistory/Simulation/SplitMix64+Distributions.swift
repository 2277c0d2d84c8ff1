import BNCCore

/// The simulator's draws from BNCCore's `SplitMix64`. Ours rather than
/// `SystemRandomNumberGenerator` so a seed gives the same stream everywhere, and the draws are
/// written out here (not the standard library's `random(in:using:)`, whose
/// algorithm may change between releases) so the simulator's output for a seed never changes.
extension SplitMix64 {
    /// Uniform in [0, 1), 53 random bits.
    @inline(__always)
    package mutating func unit() -> Double { Double(next() >> 11) * 0x1p-53 }

    /// Uniform in (0, 1): safe to take the logarithm of.
    @inline(__always)
    package mutating func openUnit() -> Double { (Double(next() >> 11) + 0.5) * 0x1p-53 }

    /// Uniform in [low, high).
    @inline(__always)
    package mutating func uniform(_ low: Double, _ high: Double) -> Double { low + (high - low) * unit() }

    /// Exponential with the given rate (mean 1 / rate).
    @inline(__always)
    package mutating func exponential(rate: Double) -> Double { -log(openUnit()) / rate }

    /// Standard normal by Box–Muller (one draw per call; the sine half is dropped for simplicity).
    @inline(__always)
    package mutating func normal() -> Double {
        sqrt(-2 * log(openUnit())) * cos(2 * Double.pi * unit())
    }

    /// True with probability `p`.
    @inline(__always)
    package mutating func chance(_ p: Double) -> Bool { unit() < p }

    /// Uniform integer in 0..<bound (bound > 0), by rejection, so it is unbiased.
    package mutating func below(_ bound: UInt64) -> UInt64 {
        precondition(bound > 0)
        let limit = UInt64.max - UInt64.max % bound
        while true {
            let x = next()
            if x < limit { return x % bound }
        }
    }
}
