import Synchronization

/// The visited set: 64-bit fingerprints in an open-addressing table, and nothing else.
///
/// 8 bytes a slot. The table grows by half when it is four fifths full, so it stays at least
/// eight fifteenths full and a visited state costs 10 to 15 bytes (`bytesPerState` reports the
/// figure). Paths are kept apart, in a `PathLog`, as TLC keeps its trace file apart from its
/// fingerprint set. Linear probing; the slot comes from the fingerprint's high bits by
/// multiply-shift, so any capacity works and fingerprints need no further mixing.
///
/// One writer, any number of readers at the same time: breadth-first search merges one batch
/// (`insert`) while the workers expand the next (`contains`). Each slot is an atomic word that
/// goes from empty to a fingerprint once and never changes again, so a reader sees a
/// fingerprint or an empty slot, never a torn one, and a probe that meets a slot still empty
/// simply answers "not yet" (the writer's own insert decides). Growth moves the table, so it
/// happens only in `reserve(forInserting:)`, which the search calls while no reader runs.
/// A class, so that the workers and the merge share the one table.
final class FingerprintSet: @unchecked Sendable {
    /// Fingerprint 0 marks an empty slot; a real 0 is stored as this instead.
    private static let zeroSubstitute: UInt64 = 0x5A5A_5A5A_5A5A_5A5A

    // Unchecked exclusivity: only the writer changes these, and a dynamic check on every probe
    // would cost more than the probe itself.
    @exclusivity(unchecked) private var slots: UnsafeMutablePointer<Atomic<UInt64>>
    @exclusivity(unchecked) private(set) var capacity: Int
    @exclusivity(unchecked) private(set) var count = 0
    /// Grow before `count` passes this: four fifths of the capacity.
    @exclusivity(unchecked) private var growthThreshold: Int

    init(capacity requested: Int = 1 << 16) {
        precondition(MemoryLayout<Atomic<UInt64>>.stride == MemoryLayout<UInt64>.stride)
        capacity = max(64, requested)
        slots = Self.emptyTable(capacity)
        growthThreshold = capacity / 5 * 4
    }

    deinit {
        slots.deinitialize(count: capacity)
        slots.deallocate()
    }

    /// Bytes the table occupies.
    var bytes: Int { capacity * MemoryLayout<UInt64>.size }

    /// A table of `capacity` empty slots, zeroed in one pass (an atomic word is laid out as
    /// the plain word it holds).
    private static func emptyTable(_ capacity: Int) -> UnsafeMutablePointer<Atomic<UInt64>> {
        let raw = UnsafeMutableRawPointer.allocate(
            byteCount: capacity * MemoryLayout<UInt64>.stride, alignment: MemoryLayout<Atomic<UInt64>>.alignment)
        raw.initializeMemory(as: UInt64.self, repeating: 0, count: capacity)
        return raw.bindMemory(to: Atomic<UInt64>.self, capacity: capacity)
    }

    @inline(__always)
    private static func stored(_ fingerprint: UInt64) -> UInt64 { fingerprint == 0 ? zeroSubstitute : fingerprint }

    @inline(__always)
    private static func home(of key: UInt64, capacity: Int) -> Int {
        Int(truncatingIfNeeded: key.multipliedFullWidth(by: UInt64(capacity)).high)
    }

    /// Whether `fingerprint` is in the set.
    ///
    /// Safe while the writer inserts (see the type).
    func contains(_ fingerprint: UInt64) -> Bool {
        let key = Self.stored(fingerprint)
        var slot = Self.home(of: key, capacity: capacity)
        while true {
            let found = slots[slot].load(ordering: .relaxed)
            if found == key { return true }
            if found == 0 { return false }
            slot += 1
            if slot == capacity { slot = 0 }
        }
    }

    /// Adds `fingerprint`; returns whether it was new.
    ///
    /// The writer only.
    @discardableResult
    func insert(_ fingerprint: UInt64) -> Bool {
        if count >= growthThreshold { grow() }
        let inserted = Self.place(Self.stored(fingerprint), in: slots, capacity: capacity)
        if inserted { count += 1 }
        return inserted
    }

    /// Grows the table now if `additional` inserts could take it past its threshold, so that
    /// they will not move it while readers run.
    func reserve(forInserting additional: Int) {
        while count + additional >= growthThreshold { grow() }
    }

    @inline(__always)
    private static func place(_ key: UInt64, in table: UnsafeMutablePointer<Atomic<UInt64>>, capacity: Int) -> Bool {
        var slot = home(of: key, capacity: capacity)
        while true {
            let found = table[slot].load(ordering: .relaxed)
            if found == key { return false }
            if found == 0 {
                table[slot].store(key, ordering: .relaxed)
                return true
            }
            slot += 1
            if slot == capacity { slot = 0 }
        }
    }

    /// Grows the table by half and re-places every fingerprint.
    private func grow() {
        let newCapacity = capacity + capacity / 2
        let newSlots = Self.emptyTable(newCapacity)
        for slot in 0..<capacity {
            let key = slots[slot].load(ordering: .relaxed)
            if key != 0 { _ = Self.place(key, in: newSlots, capacity: newCapacity) }
        }
        slots.deinitialize(count: capacity)
        slots.deallocate()
        slots = newSlots
        capacity = newCapacity
        growthThreshold = newCapacity / 5 * 4
    }
}
