/// One level of the breadth-first queue: the states themselves (`MoveOnceBuffer`), or, for a
/// model that packs its states, their bytes (`PackedLevel`).
///
/// The same contract as `MoveOnceBuffer`: one thread appends, never while workers take; each
/// state is taken once; `load` (a no-op for values) readies a batch before workers take from it.
final class StateQueue<M: Model>: @unchecked Sendable {
    private let model: M
    private let packs: Bool
    // Both always exist (the unused one empty), so that a worker reaches either without
    // unwrapping an optional reference, which may retain it: a shared count bouncing between cores.
    private let values: MoveOnceBuffer<M.State>
    private let packed: PackedLevel

    init(model: M, expectedStates: Int = 1024, spillAboveBytes: Int) {
        self.model = model
        packs = model.packsStates
        values = MoveOnceBuffer(minimumCapacity: packs ? 0 : expectedStates)
        packed = PackedLevel(memoryLimitBytes: spillAboveBytes, expectedStates: packs ? expectedStates : 0)
    }

    var count: Int { packs ? packed.count : values.count }

    var isEmpty: Bool { count == 0 }

    /// Appends a state (packing it, for a model that packs).
    func append(_ state: consuming M.State) {
        if packs {
            let bytes = PackedBytes()
            model.pack(state, into: bytes)
            packed.append(bytes.bytes(from: 0, to: bytes.count))
        } else {
            values.append(state)
        }
    }

    /// Appends a state already packed.
    func append(packed bytes: UnsafeRawBufferPointer) { packed.append(bytes) }

    /// Readies the states `range` for `take`: reads back what of them was spilled.
    func load(_ range: Range<Int>) { if packs { packed.load(range) } }

    /// Readies the states `range` for `take(_:in:)` through the view it returns, using the
    /// window of `slot` (0 or 1) for spilled bytes: see `PackedLevel.loadBatch(_:slot:)`.
    func loadBatch(_ range: Range<Int>, slot: Int) -> PackedLevel.Batch {
        packs ? packed.loadBatch(range, slot: slot) : packed.batch
    }

    /// The state at `index`, moved out or unpacked.
    @inline(__always)
    func take(_ index: Int) -> M.State {
        if packs { return model.unpack(packed.bytes(of: index)) }
        return values.take(index)
    }

    /// The loaded batch's packed states, for `take(_:in:)`; see `PackedLevel.batch`.
    var batch: PackedLevel.Batch { packed.batch }

    /// The state at `index`, moved out or unpacked from `batch` (this queue's, since the last
    /// `load`).
    @inline(__always)
    func take(_ index: Int, in batch: PackedLevel.Batch) -> M.State {
        if packs { return model.unpack(batch.bytes(of: index)) }
        return values.take(index)
    }

    func markTaken(upTo index: Int) { if !packs { values.markTaken(upTo: index) } }

    /// Bytes the queued states hold in memory: counted exactly when packed, else estimated from the last
    /// state (`Model.approximateBytes`) for `queued` states.
    func memoryBytes(queued: Int) -> Int {
        if packs { return packed.memoryBytes }
        return values.last.map { queued * model.approximateBytes(of: $0) } ?? 0
    }

    /// Bytes of packed states written to the spill file.
    var spilledBytes: Int { packed.spilledBytes }
}
