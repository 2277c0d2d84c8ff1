/// SplitMix64 (Steele, Lea & Flood, 2014): the package's one seeded 64-bit generator. It seeds
/// the model's xoshiro256** and mixes seeds for derived streams (AnomalyModel), drives the market
/// simulator (MarketHistory, with its distributions in an extension there), and makes tests'
/// random cases reproducible. Same seed, same sequence, on any machine.
package struct SplitMix64: RandomNumberGenerator, Sendable, Hashable {
    package var state: UInt64

    package init(state: UInt64) { self.state = state }

    package init(seed: UInt64) { state = seed }

    package mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        return Self.mix(state)
    }

    /// The SplitMix64 finaliser: a bijective 64-bit hash.
    @inline(__always)
    package static func mix(_ value: UInt64) -> UInt64 {
        var z = value
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
