/// The project's only source of randomness: xoshiro256** seeded through SplitMix64.
///
/// Every random decision a simulation makes goes through this type, so that a run is
/// fully determined by its seed: no system randomness, no `Double`, and no standard
/// library sampling algorithm (whose details may change between toolchains) can reach
/// behaviour. The seeding is the one the xoshiro authors recommend: the four state words
/// are four successive SplitMix64 outputs, which also guarantees a non-zero state,
/// because SplitMix64 is a bijection of its counter and so never yields four zeros in a row.
///
/// The sampling helpers are defined in terms of `next()` alone and are part of the
/// reproducibility contract: changing how any of them consumes the stream changes every
/// recorded run.
public struct PRNG: Sendable, Equatable {
    private var state0: UInt64
    private var state1: UInt64
    private var state2: UInt64
    private var state3: UInt64

    /// Creates a generator whose whole future is determined by `seed`.
    public init(seed: UInt64) {
        var seeder = SplitMix64(seed: seed)
        state0 = seeder.next()
        state1 = seeder.next()
        state2 = seeder.next()
        state3 = seeder.next()
    }

    /// Returns the next raw 64-bit output of xoshiro256**.
    public mutating func next() -> UInt64 {
        let result = rotateLeft(state1 &* 5, by: 7) &* 9
        let shifted = state1 << 17
        state2 ^= state0
        state3 ^= state1
        state1 ^= state2
        state0 ^= state3
        state2 ^= shifted
        state3 = rotateLeft(state3, by: 45)
        return result
    }

    /// Returns a uniformly distributed integer in `0..<bound`.
    ///
    /// Uses Lemire's multiply-shift method with rejection, so that the result is exactly
    /// unbiased (a plain `next() % bound` favours small values) while usually costing a
    /// single draw. A bound of 1 still consumes one draw, which keeps the number of draws
    /// independent of the bound's value.
    public mutating func uniform(below bound: UInt64) -> UInt64 {
        precondition(bound > 0, "uniform(below:) needs a positive bound")
        var product = bound.multipliedFullWidth(by: next())
        if product.low < bound {
            // Draws whose low half falls below 2^64 mod bound would over-represent some results.
            let threshold = (0 &- bound) % bound
            while product.low < threshold {
                product = bound.multipliedFullWidth(by: next())
            }
        }
        return product.high
    }

    /// Returns a uniformly distributed integer in `range`, both ends included.
    public mutating func uniform(in range: ClosedRange<Int>) -> Int {
        // The wrapping subtraction gives the true span as an unsigned bit pattern even when
        // the range covers more than half of `Int`.
        let span = UInt64(UInt(bitPattern: range.upperBound &- range.lowerBound))
        let offset = span == .max ? next() : uniform(below: span + 1)
        return range.lowerBound &+ Int(truncatingIfNeeded: offset)
    }

    /// Returns `true` with probability `ratio.numerator / ratio.denominator`.
    ///
    /// Always consumes randomness, even for `.never` and `.always`, so that tuning a
    /// probability to or from an extreme does not shift every later draw.
    public mutating func chance(_ ratio: Ratio) -> Bool {
        uniform(below: ratio.denominator) < ratio.numerator
    }

    /// Returns an index `i` of `weights` with probability `weights[i] / sum(weights)`.
    ///
    /// An index whose weight is zero is never returned, which lets callers disable a
    /// choice without removing it and renumbering the others.
    public mutating func pick(weights: [UInt64]) -> Int {
        var total: UInt64 = 0
        for weight in weights {
            let (sum, overflow) = total.addingReportingOverflow(weight)
            precondition(!overflow, "pick(weights:) needs weights whose sum fits in UInt64")
            total = sum
        }
        precondition(total > 0, "pick(weights:) needs at least one positive weight")
        var remaining = uniform(below: total)
        for (index, weight) in weights.enumerated() {
            if remaining < weight {
                return index
            }
            remaining -= weight
        }
        preconditionFailure("unreachable: the draw is below the sum of the weights")
    }

    /// Shuffles `array` in place with the Fisher-Yates algorithm.
    ///
    /// Used instead of the standard library's `shuffle(using:)`, whose algorithm is not
    /// promised to stay the same across toolchains.
    public mutating func shuffle<T>(_ array: inout [T]) {
        guard array.count > 1 else { return }
        for index in stride(from: array.count - 1, to: 0, by: -1) {
            let other = Int(uniform(below: UInt64(index + 1)))
            array.swapAt(index, other)
        }
    }

    /// Returns an independent sub-generator seeded from this generator's next output.
    ///
    /// Giving each component its own generator keeps their streams apart, so that a
    /// change in how many draws one component makes does not perturb the others.
    public mutating func split() -> PRNG {
        PRNG(seed: next())
    }

    private func rotateLeft(_ value: UInt64, by amount: UInt64) -> UInt64 {
        (value << amount) | (value >> (64 - amount))
    }
}

/// SplitMix64, the generator used to expand a single seed into xoshiro's state.
///
/// Public because a well-mixed stream from a plain counter is occasionally useful on its
/// own (for example to derive seeds), and so that its known answers can be tested.
public struct SplitMix64: Sendable, Equatable {
    private var state: UInt64

    /// Creates a generator that starts counting from `seed`.
    public init(seed: UInt64) {
        state = seed
    }

    /// Advances the counter by the golden-ratio increment and returns its mixed value.
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var mixed = state
        mixed = (mixed ^ (mixed >> 30)) &* 0xBF58_476D_1CE4_E5B9
        mixed = (mixed ^ (mixed >> 27)) &* 0x94D0_49BB_1331_11EB
        return mixed ^ (mixed >> 31)
    }
}

/// An integer probability: never `Double`, so that no floating point reaches behaviour.
///
/// Fractions are kept as written, not reduced: `Ratio(1, 2)` and `Ratio(2, 4)` describe
/// the same probability but are different values, and each prints as it was written.
public struct Ratio: Hashable, Sendable, CustomStringConvertible {
    /// How many of `denominator` equally likely outcomes count as success.
    public let numerator: UInt64
    /// The number of equally likely outcomes; always positive.
    public let denominator: UInt64

    /// Creates the probability `numerator / denominator`, which must lie in 0...1.
    public init(_ numerator: UInt64, _ denominator: UInt64) {
        precondition(denominator > 0, "a Ratio needs a positive denominator")
        precondition(numerator <= denominator, "a Ratio cannot exceed 1")
        self.numerator = numerator
        self.denominator = denominator
    }

    /// The probability 0.
    public static let never = Ratio(0, 1)
    /// The probability 1.
    public static let always = Ratio(1, 1)

    /// The fraction as written, for example "3/100".
    public var description: String {
        "\(numerator)/\(denominator)"
    }
}
