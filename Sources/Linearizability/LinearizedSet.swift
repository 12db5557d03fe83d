/// The set of a partition's operations already linearized, as a bit set: cheap to copy, hash
/// and compare, which the memoisation cache does on every step of the search.
struct LinearizedSet: Hashable {
    private(set) var words: [UInt64]

    init(capacity: Int) { words = Array(repeating: 0, count: (capacity + 63) / 64) }

    mutating func insert(_ member: Int) { words[member >> 6] |= 1 << UInt64(member & 63) }

    mutating func remove(_ member: Int) { words[member >> 6] &= ~(1 << UInt64(member & 63)) }

    func contains(_ member: Int) -> Bool { words[member >> 6] & (1 << UInt64(member & 63)) != 0 }
}
