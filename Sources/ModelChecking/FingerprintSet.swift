/// The visited set: 64-bit fingerprints in an open-addressing table, and nothing else.
///
/// 8 bytes a slot. The table grows by half when it is four fifths full, so it stays between
/// 53% and 80% full and a visited state costs 10 to 15 bytes (`bytesPerState` reports the
/// figure). Paths are kept apart, in a `PathLog`, as TLC keeps its trace file apart from its
/// fingerprint set. Linear probing; the slot comes from the fingerprint's high bits by
/// multiply-shift, so any capacity works and fingerprints need no further mixing.
struct FingerprintSet {
    /// Fingerprint 0 marks an empty slot; a real 0 is stored as this instead.
    private static let zeroSubstitute: UInt64 = 0x5A5A_5A5A_5A5A_5A5A

    private var slots: [UInt64]
    private(set) var count = 0
    /// Grow before `count` passes this: four fifths of the capacity.
    private var growthThreshold: Int

    init(capacity requested: Int = 1 << 16) {
        let capacity = max(1024, requested)
        slots = Array(repeating: 0, count: capacity)
        growthThreshold = capacity / 5 * 4
    }

    var capacity: Int { slots.count }
    /// Bytes the table occupies.
    var bytes: Int { capacity * MemoryLayout<UInt64>.size }

    @inline(__always)
    private static func stored(_ fingerprint: UInt64) -> UInt64 { fingerprint == 0 ? zeroSubstitute : fingerprint }

    @inline(__always)
    private static func home(of key: UInt64, capacity: Int) -> Int {
        Int(truncatingIfNeeded: key.multipliedFullWidth(by: UInt64(capacity)).high)
    }

    /// Whether `fingerprint` is in the set.
    func contains(_ fingerprint: UInt64) -> Bool {
        let key = Self.stored(fingerprint)
        return slots.withUnsafeBufferPointer { table in
            var slot = Self.home(of: key, capacity: table.count)
            while true {
                let found = table[slot]
                if found == key { return true }
                if found == 0 { return false }
                slot += 1
                if slot == table.count { slot = 0 }
            }
        }
    }

    /// Inserts `fingerprint`; returns whether it was new.
    @discardableResult
    mutating func insert(_ fingerprint: UInt64) -> Bool {
        if count >= growthThreshold { grow() }
        let key = Self.stored(fingerprint)
        let inserted = slots.withUnsafeMutableBufferPointer { table in
            Self.place(key, in: table)
        }
        if inserted { count += 1 }
        return inserted
    }

    @inline(__always)
    private static func place(_ key: UInt64, in table: UnsafeMutableBufferPointer<UInt64>) -> Bool {
        var slot = home(of: key, capacity: table.count)
        while true {
            let found = table[slot]
            if found == key { return false }
            if found == 0 {
                table[slot] = key
                return true
            }
            slot += 1
            if slot == table.count { slot = 0 }
        }
    }

    /// Grows the table by half and re-places every fingerprint.
    private mutating func grow() {
        let old = slots
        let capacity = old.count + old.count / 2
        slots = Array(repeating: 0, count: capacity)
        growthThreshold = capacity / 5 * 4
        slots.withUnsafeMutableBufferPointer { table in
            for key in old where key != 0 { _ = Self.place(key, in: table) }
        }
    }
}
