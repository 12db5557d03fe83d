/// Depth-first search's visited set: each 64-bit fingerprint with the smallest depth at which
/// the search has reached its state.
///
/// With a depth bound, a state first reached deep has its successors cut by the bound; when a
/// shorter path reaches it later, the search must expand it again from there, or the states
/// only that shorter path brings within the bound are never visited (SPIN does the same for its
/// bounded searches). So the depth lives next to the fingerprint: in a parallel array of 16-bit
/// words rather than beside it in one slot, which would pad each slot to 16 bytes. A slot costs
/// 10 bytes: 8 for the fingerprint, 2 for the depth. Depths from `saturatedDepth` on are stored as
/// `saturatedDepth` and can no longer be told apart (`saturated` says when that happened).
///
/// Open addressing with linear probing, as `FingerprintSet`, but for one thread: depth-first
/// search has one worker, so plain words serve. Grows by half when four fifths full, only in
/// `reserve(forInserting:)`, so that a slot found by `slot(of:)` stays valid until the next
/// reserve.
final class DepthFingerprintTable {
    /// Fingerprint 0 marks an empty slot; a real 0 is stored as this instead.
    private static let zeroSubstitute: UInt64 = 0x5A5A_5A5A_5A5A_5A5A
    /// The largest depth stored exactly; deeper ones are stored as this.
    static let saturatedDepth = Int(UInt16.max)

    private var keys: UnsafeMutablePointer<UInt64>
    private var depths: UnsafeMutablePointer<UInt16>
    private(set) var capacity: Int
    private(set) var count = 0
    /// Whether some depth was stored as `saturatedDepth`, so re-expansion decisions past it were
    /// approximate.
    private(set) var saturated = false
    private var growthThreshold: Int

    init(capacity requested: Int = 1 << 16) {
        capacity = max(64, requested)
        keys = .allocate(capacity: capacity)
        keys.initialize(repeating: 0, count: capacity)
        depths = .allocate(capacity: capacity)
        depths.initialize(repeating: 0, count: capacity)
        growthThreshold = capacity / 5 * 4
    }

    deinit {
        keys.deallocate()
        depths.deallocate()
    }

    /// Bytes the table occupies.
    var bytes: Int { capacity * (MemoryLayout<UInt64>.size + MemoryLayout<UInt16>.size) }

    @inline(__always)
    private static func stored(_ fingerprint: UInt64) -> UInt64 { fingerprint == 0 ? zeroSubstitute : fingerprint }

    /// The slot holding `fingerprint`, or the empty slot where it would go.
    @inline(__always)
    func slot(of fingerprint: UInt64) -> Int {
        let key = Self.stored(fingerprint)
        var slot = Int(truncatingIfNeeded: key.multipliedFullWidth(by: UInt64(capacity)).high)
        while true {
            let found = keys[slot]
            if found == key || found == 0 { return slot }
            slot += 1
            if slot == capacity { slot = 0 }
        }
    }

    /// The smallest depth recorded in `slot`, or nil for an empty slot (a state never reached).
    @inline(__always)
    func depth(at slot: Int) -> Int? { keys[slot] == 0 ? nil : Int(depths[slot]) }

    /// The smallest depth recorded for `fingerprint`, or nil when it was never reached.
    func depth(of fingerprint: UInt64) -> Int? { depth(at: slot(of: fingerprint)) }

    /// Records `fingerprint` as reached at `depth` in `slot` (from `slot(of:)`, with no reserve
    /// since): a new entry in an empty slot, a smaller depth in a full one.
    @inline(__always)
    func record(_ fingerprint: UInt64, depth: Int, at slot: Int) {
        if keys[slot] == 0 {
            keys[slot] = Self.stored(fingerprint)
            count += 1
        }
        if depth >= Self.saturatedDepth { saturated = true }
        depths[slot] = UInt16(min(depth, Self.saturatedDepth))
    }

    /// Grows the table now if `additional` new entries could take it past its threshold, so
    /// that slots found before those entries stay valid.
    func reserve(forInserting additional: Int) {
        while count + additional >= growthThreshold { grow() }
    }

    /// Grows the table by half and re-places every entry with its depth.
    private func grow() {
        let oldKeys = keys
        let oldDepths = depths
        let oldCapacity = capacity
        capacity = oldCapacity + oldCapacity / 2
        keys = .allocate(capacity: capacity)
        keys.initialize(repeating: 0, count: capacity)
        depths = .allocate(capacity: capacity)
        depths.initialize(repeating: 0, count: capacity)
        growthThreshold = capacity / 5 * 4
        for old in 0..<oldCapacity where oldKeys[old] != 0 {
            // Stored keys are never 0, so `slot(of:)` finds the same home as for the fingerprint.
            let slot = slot(of: oldKeys[old])
            keys[slot] = oldKeys[old]
            depths[slot] = oldDepths[old]
        }
        oldKeys.deallocate()
        oldDepths.deallocate()
    }
}
