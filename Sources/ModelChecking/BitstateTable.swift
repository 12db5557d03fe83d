import Foundation

/// How a bitstate (supertrace) search remembers states: a fixed table of bits, `hashCount` of
/// them set per state, as SPIN's `-DBITSTATE` does.
public struct BitstateOptions: Hashable, Sendable {
    /// The table's size in bytes; its bit count is eight times this.
    public var tableBytes: Int
    /// Bits set (and tested) per state: SPIN's `-k`, 3 by default.
    public var hashCount: Int
    /// Chooses the hash functions: searches with different seeds lose different states, which
    /// is why a swarm of them covers more than one search with the same table.
    public var hashSeed: UInt64

    public init(tableBytes: Int, hashCount: Int = 3, hashSeed: UInt64 = 0) {
        precondition(tableBytes >= 8 && hashCount >= 1)
        self.tableBytes = tableBytes
        self.hashCount = hashCount
        self.hashSeed = hashSeed
    }
}

/// A Bloom filter over state fingerprints: a state counts as seen when all of its `hashCount`
/// bits are set.
///
/// Fixed memory whatever the state count, at the price of completeness: a new state whose bits
/// happen to be set already (by others) is taken as seen and never explored. Holzmann's
/// supertrace trades exactly this: far more states in the same memory, each omission unlikely
/// while the table is sparse, and the report says how likely (`BitstateCoverage`).
///
/// The k bit positions come from the 64-bit fingerprint by double hashing (Kirsch and
/// Mitzenmacher: bit i is h1 + i * h2 modulo the bit count), with h1 and h2 two mixes of the
/// fingerprint and the seed. The fingerprint is already a stable hash of the state, so the
/// positions are stable across processes; the seed makes searches lose different states.
final class BitstateTable {
    private var words: [UInt64]
    let bitCount: UInt64
    let hashCount: Int
    private let seed: UInt64
    /// Bits set so far.
    private(set) var setBits = 0
    /// States inserted (tests that found at least one bit clear).
    private(set) var insertedStates = 0

    init(_ options: BitstateOptions) {
        words = Array(repeating: 0, count: max(1, options.tableBytes / 8))
        bitCount = UInt64(words.count) * 64
        hashCount = options.hashCount
        seed = options.hashSeed
    }

    /// Bytes the table occupies.
    var bytes: Int { words.count * 8 }

    /// The bit positions of `fingerprint`, in order.
    func positions(of fingerprint: UInt64) -> [UInt64] {
        var positions: [UInt64] = []
        forEachPosition(of: fingerprint) { positions.append($0) }
        return positions
    }

    @inline(__always)
    private func forEachPosition(of fingerprint: UInt64, _ body: (UInt64) -> Void) {
        let h1 = Self.mix(fingerprint ^ seed)
        // Odd, so that the k positions differ whenever the bit count is a power of two.
        let h2 = Self.mix(fingerprint &+ seed &+ 0x9E37_79B9_7F4A_7C15) | 1
        for i in 0..<UInt64(hashCount) {
            body((h1 &+ i &* h2) % bitCount)
        }
    }

    /// Sets the bits of `fingerprint`; returns whether one was clear (the state is new).
    @discardableResult
    func insert(_ fingerprint: UInt64) -> Bool {
        var new = false
        forEachPosition(of: fingerprint) { position in
            let word = Int(position >> 6)
            let bit: UInt64 = 1 << (position & 63)
            if words[word] & bit == 0 {
                words[word] |= bit
                setBits += 1
                new = true
            }
        }
        if new { insertedStates += 1 }
        return new
    }

    /// Whether every bit of `fingerprint` is set: seen, or taken for seen.
    func contains(_ fingerprint: UInt64) -> Bool {
        var all = true
        forEachPosition(of: fingerprint) { position in
            if words[Int(position >> 6)] & (1 << (position & 63)) == 0 { all = false }
        }
        return all
    }

    /// The figures of the table now, for the report.
    var coverage: BitstateCoverage {
        BitstateCoverage(
            tableBytes: bytes, hashCount: hashCount, hashSeed: seed, storedStates: insertedStates, setBits: setBits)
    }

    /// SplitMix64's finaliser: a bijection that spreads every input bit over the output.
    @inline(__always)
    static func mix(_ value: UInt64) -> UInt64 {
        var z = value &+ 0x9E37_79B9_7F4A_7C15
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// What a bitstate search's table says about its coverage: SPIN's hash factor and the chance
/// that states were lost.
public struct BitstateCoverage: Hashable, Sendable {
    public var tableBytes: Int
    public var hashCount: Int
    public var hashSeed: UInt64
    /// States the table took as new.
    public var storedStates: Int
    public var setBits: Int

    public var tableBits: Int { tableBytes * 8 }

    /// Bits per stored state, as SPIN reports it: above 100 little is lost, near 1 much is.
    public var hashFactor: Double { storedStates == 0 ? .infinity : Double(tableBits) / Double(storedStates) }

    /// The share of bits set.
    public var fillRatio: Double { Double(setBits) / Double(tableBits) }

    /// The chance that a state never seen is taken as seen now: all k of its bits already set,
    /// the fill ratio to the k-th power.
    public var omissionProbability: Double { pow(fillRatio, Double(hashCount)) }

    /// About how many states were taken as seen without being so: the omission probability
    /// summed over the insertions, as the table filled (for n insertions into m bits with k
    /// hashes, the sum of (1 - e^(-k i / m))^k for i below n).
    public var expectedOmittedStates: Double {
        let m = Double(tableBits)
        let k = Double(hashCount)
        let n = Double(storedStates)
        let steps = 256.0
        var sum = 0.0
        for step in 0..<Int(steps) {
            let inserted = n * (Double(step) + 0.5) / steps
            sum += pow(1 - exp(-k * inserted / m), k)
        }
        return sum * n / steps
    }

    /// One line for summaries.
    public var description: String {
        let factor = hashFactor.isFinite ? String(format: "%.1f", hashFactor) : "inf"
        return "bitstate table \(Self.size(tableBytes)), k=\(hashCount), hash factor \(factor) "
            + "(SPIN: good above 100), \(String(format: "%.4f", fillRatio * 100))% of bits set, "
            + "P(next new state lost) \(String(format: "%.2e", omissionProbability)), "
            + "about \(String(format: "%.1f", expectedOmittedStates)) states lost"
    }

    static func size(_ bytes: Int) -> String {
        if bytes >= 1 << 30, bytes % (1 << 30) == 0 { return "\(bytes >> 30) GiB" }
        if bytes >= 1 << 20, bytes % (1 << 20) == 0 { return "\(bytes >> 20) MiB" }
        if bytes >= 1 << 10, bytes % (1 << 10) == 0 { return "\(bytes >> 10) KiB" }
        return "\(bytes) bytes"
    }
}
