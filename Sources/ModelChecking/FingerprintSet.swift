import Dispatch
import Foundation
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
/// simply answers "not yet" (the writer's own insert decides). Growth moves the table: either in
/// `reserve(forInserting:workers:)`, while no reader runs, or in `reserveWhileReading(forInserting:)`,
/// which publishes the new table for readers' next `probe` and keeps the old one readable until
/// `releaseRetiredTables()`. A class, so that the workers and the merge share the one table.
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
    /// The table readers probe: where `slots` and `capacity` are published together, so that a
    /// reader asking for a `probe` while the writer grows the table gets the old table or the
    /// new one, never the address of one with the size of the other.
    private let published: Atomic<UnsafeMutablePointer<Probe>>
    /// Tables replaced while readers ran, each with the `Probe` that published it: still read by
    /// a worker's probe until `releaseRetiredTables()`.
    @exclusivity(unchecked) private var retired: [UnsafeMutablePointer<Probe>] = []

    init(capacity requested: Int = 1 << 16) {
        precondition(MemoryLayout<Atomic<UInt64>>.stride == MemoryLayout<UInt64>.stride)
        capacity = max(64, requested)
        slots = Self.emptyTable(capacity)
        growthThreshold = capacity / 5 * 4
        published = Atomic(Self.publication(slots, capacity: capacity))
    }

    deinit {
        releaseRetiredTables()
        published.load(ordering: .relaxed).deallocate()
        Self.release(slots, capacity: capacity)
    }

    private static func publication(
        _ slots: UnsafeMutablePointer<Atomic<UInt64>>, capacity: Int
    ) -> UnsafeMutablePointer<Probe> {
        let probe = UnsafeMutablePointer<Probe>.allocate(capacity: 1)
        probe.initialize(to: Probe(slots: slots, capacity: capacity))
        return probe
    }

    /// Frees the tables `reserveWhileReading(forInserting:)` replaced.
    ///
    /// The writer only, while no reader holds a `probe` taken before the last growth.
    func releaseRetiredTables() {
        for probe in retired {
            Self.release(probe.pointee.slots, capacity: probe.pointee.capacity)
            probe.deallocate()
        }
        retired.removeAll()
    }

    /// Bytes the table occupies.
    var bytes: Int { capacity * MemoryLayout<UInt64>.size }

    /// A table of `capacity` empty slots (an atomic word is laid out as the plain word it
    /// holds, so zeroed memory is a table of empty slots).
    ///
    /// From `calloc`: a large table comes as fresh pages the system zeroes as they are first
    /// touched, by whichever worker places a fingerprint there, instead of in one serial pass.
    private static func emptyTable(_ capacity: Int) -> UnsafeMutablePointer<Atomic<UInt64>> {
        guard let raw = calloc(capacity, MemoryLayout<UInt64>.stride) else {
            fatalError("out of memory for a visited set of \(capacity) slots")
        }
        return raw.bindMemory(to: Atomic<UInt64>.self, capacity: capacity)
    }

    private static func release(_ table: UnsafeMutablePointer<Atomic<UInt64>>, capacity: Int) {
        table.deinitialize(count: capacity)
        free(UnsafeMutableRawPointer(table))
    }

    @inline(__always)
    fileprivate static func stored(_ fingerprint: UInt64) -> UInt64 { fingerprint == 0 ? zeroSubstitute : fingerprint }

    @inline(__always)
    fileprivate static func home(of key: UInt64, capacity: Int) -> Int {
        Int(truncatingIfNeeded: key.multipliedFullWidth(by: UInt64(capacity)).high)
    }

    /// Whether `fingerprint` is in the set.
    ///
    /// Safe while the writer inserts (see the type).
    func contains(_ fingerprint: UInt64) -> Bool { probe.contains(fingerprint) }

    /// A read-only view of the table as it is now, for a worker that asks `contains` many
    /// times while the writer inserts.
    ///
    /// It holds the table's address and size itself, so a probe reads nothing of this object,
    /// whose `count` the writer changes on every insert: on a shared cache line, each of those
    /// writes would make the worker's next probe miss. Valid until the table grows, which
    /// happens only in `reserve(forInserting:workers:)`, while no worker runs, or in
    /// `reserveWhileReading(forInserting:)`, which keeps the old table until
    /// `releaseRetiredTables()`. Acquires the publication, so the probe sees every fingerprint
    /// the table held when it was published.
    var probe: Probe { published.load(ordering: .acquiring).pointee }

    /// See `probe`.
    struct Probe: @unchecked Sendable {
        fileprivate let slots: UnsafeMutablePointer<Atomic<UInt64>>
        fileprivate let capacity: Int

        /// Whether `fingerprint` is in the set, as `FingerprintSet.contains`.
        @inline(__always)
        func contains(_ fingerprint: UInt64) -> Bool {
            let key = FingerprintSet.stored(fingerprint)
            var slot = FingerprintSet.home(of: key, capacity: capacity)
            while true {
                let found = slots[slot].load(ordering: .relaxed)
                if found == key { return true }
                if found == 0 { return false }
                slot += 1
                if slot == capacity { slot = 0 }
            }
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
    ///
    /// Straight to the capacity that growing by half, step by step, would reach, and with the
    /// fingerprints re-placed by `workers` threads: the search waits for this, every worker
    /// idle, and each re-placement is a cache miss.
    func reserve(forInserting additional: Int, workers: Int = 1) {
        guard count + additional >= growthThreshold else { return }
        var newCapacity = capacity
        repeat { newCapacity += newCapacity / 2 } while count + additional >= newCapacity / 5 * 4
        grow(to: newCapacity, workers: workers)
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

    /// Grows the table now if `additional` inserts could take it past its threshold, while
    /// readers may be probing it.
    ///
    /// Only the writer's thread re-places the fingerprints, so the readers go on working; the
    /// old table stays allocated, and answers what it held, for any reader still holding a
    /// probe of it (it misses only what was inserted since, as a probe may anyway).
    func reserveWhileReading(forInserting additional: Int) {
        guard count + additional >= growthThreshold else { return }
        var newCapacity = capacity
        repeat { newCapacity += newCapacity / 2 } while count + additional >= newCapacity / 5 * 4
        let newSlots = Self.emptyTable(newCapacity)
        for slot in 0..<capacity {
            let key = slots[slot].load(ordering: .relaxed)
            if key != 0 { _ = Self.place(key, in: newSlots, capacity: newCapacity) }
        }
        retired.append(published.load(ordering: .relaxed))
        slots = newSlots
        capacity = newCapacity
        growthThreshold = newCapacity / 5 * 4
        published.store(Self.publication(newSlots, capacity: newCapacity), ordering: .releasing)
    }

    /// Grows the table by half and re-places every fingerprint.
    private func grow() { grow(to: capacity + capacity / 2, workers: 1) }

    /// Moves every fingerprint to a new table of `newCapacity` slots, `workers` threads each
    /// re-placing a contiguous part of the old one.
    ///
    /// Threads claim empty slots by compare-and-exchange, so two fingerprints racing for one
    /// slot both end up placed; which goes where may differ from run to run, but only probe
    /// lengths depend on that, never an answer (the fingerprints are distinct).
    private func grow(to newCapacity: Int, workers: Int) {
        let newSlots = Self.emptyTable(newCapacity)
        let oldSlots = UncheckedSendable(value: (slots, capacity, newSlots))
        let parts = min(max(workers, 1), max(capacity / (1 << 16), 1))
        DispatchQueue.concurrentPerform(iterations: parts) { part in
            let (slots, capacity, newSlots) = oldSlots.value
            for slot in (capacity * part / parts)..<(capacity * (part + 1) / parts) {
                let key = slots[slot].load(ordering: .relaxed)
                if key != 0 { Self.claim(key, in: newSlots, capacity: newCapacity) }
            }
        }
        Self.release(slots, capacity: capacity)
        published.load(ordering: .relaxed).deallocate()
        slots = newSlots
        capacity = newCapacity
        growthThreshold = newCapacity / 5 * 4
        published.store(Self.publication(newSlots, capacity: newCapacity), ordering: .releasing)
    }

    /// Places `key`, which the table does not hold, while other threads may place others.
    @inline(__always)
    private static func claim(_ key: UInt64, in table: UnsafeMutablePointer<Atomic<UInt64>>, capacity: Int) {
        var slot = home(of: key, capacity: capacity)
        while !table[slot].compareExchange(expected: 0, desired: key, ordering: .relaxed).exchanged {
            slot += 1
            if slot == capacity { slot = 0 }
        }
    }
}
