import BNCCore
/// The model's only source of randomness: xoshiro256** (Blackman & Vigna, 2018), seeded by
/// SplitMix64. Both are specified bit for bit by their authors and use nothing but 64-bit integer
/// arithmetic, so the same seed gives the same stream on every machine and every Swift version —
/// unlike `SystemRandomNumberGenerator` or Foundation, which we therefore never use in the model.
///
/// Derived draws are documented here because they are part of the output's reproducibility:
/// - `nextDouble()`: the top 53 bits as `k · 2⁻⁵³`, uniform in [0, 1).
/// - `next(below: n)`: Lemire's multiply-shift with rejection, exactly uniform in 0..<n.
package struct Xoshiro256StarStar: RandomNumberGenerator, Sendable, Hashable {
    package private(set) var state: (UInt64, UInt64, UInt64, UInt64)

    /// Expands `seed` into the 256-bit state with four SplitMix64 outputs (the authors' recommendation).
    package init(seed: UInt64) {
        var mixer = SplitMix64(state: seed)
        state = (mixer.next(), mixer.next(), mixer.next(), mixer.next())
        if state == (0, 0, 0, 0) { state.0 = 0x9E37_79B9_7F4A_7C15 }  // the all-zero state is a fixed point
    }

    package static func == (a: Self, b: Self) -> Bool { a.state == b.state }
    package func hash(into hasher: inout Hasher) {
        hasher.combine(state.0); hasher.combine(state.1); hasher.combine(state.2); hasher.combine(state.3)
    }

    @inlinable @inline(__always)
    static func rotl(_ x: UInt64, _ k: UInt64) -> UInt64 { (x << k) | (x >> (64 - k)) }

    @inline(__always)
    package mutating func next() -> UInt64 {
        let result = Self.rotl(state.1 &* 5, 7) &* 9
        let t = state.1 << 17
        state.2 ^= state.0
        state.3 ^= state.1
        state.1 ^= state.2
        state.0 ^= state.3
        state.2 ^= t
        state.3 = Self.rotl(state.3, 45)
        return result
    }

    /// Uniform in [0, 1) with 53 random bits.
    @inline(__always)
    package mutating func nextDouble() -> Double { Double(next() >> 11) * 0x1.0p-53 }

    /// Uniform in `0..<n` (n > 0), without modulo bias (Lemire 2019).
    @inline(__always)
    package mutating func next(below n: Int) -> Int {
        precondition(n > 0)
        let bound = UInt64(n)
        var product = next().multipliedFullWidth(by: bound)
        if product.low < bound {
            let threshold = (0 &- bound) % bound
            while product.low < threshold { product = next().multipliedFullWidth(by: bound) }
        }
        return Int(product.high)
    }
}
