/// A growable buffer whose elements are each moved out exactly once, in any order, by any thread.
///
/// Breadth-first search holds a whole level of states. Kept in a Swift array, every state is
/// copied when a worker reads it and destroyed when the level is dropped, on the coordinating
/// thread, and that serial clean-up caps what a second worker can add. Here a worker
/// *takes* the state it expands (a move: no reference counting) and drops it when done, in
/// parallel; the coordinator only records how far taking has got.
///
/// Unsafe by design, and kept small so that its contract can be checked by reading:
/// - `append` and `markTaken` are called by one thread, never while workers take;
/// - each index below `count` is taken at most once, and only at or above `takenPrefix`;
/// - before `markTaken(upTo: n)`, every index below `n` has been taken.
final class MoveOnceBuffer<Element>: @unchecked Sendable {
    private var base: UnsafeMutablePointer<Element>
    private var capacity: Int
    /// Elements appended so far.
    private(set) var count = 0
    /// Elements below this index have been taken; the rest are still owned here.
    private(set) var takenPrefix = 0

    init(minimumCapacity: Int = 1024) {
        capacity = max(minimumCapacity, 16)
        base = .allocate(capacity: capacity)
    }

    deinit {
        (base + takenPrefix).deinitialize(count: count - takenPrefix)
        base.deallocate()
    }

    func append(_ element: consuming Element) {
        if count == capacity { grow() }
        (base + count).initialize(to: element)
        count += 1
    }

    /// Moves element `index` out.
    ///
    /// See the type's contract.
    func take(_ index: Int) -> Element {
        precondition(index >= takenPrefix && index < count, "element \(index) already taken or never added")
        return (base + index).move()
    }

    /// Records that every element below `index` has been taken.
    func markTaken(upTo index: Int) {
        precondition(index >= takenPrefix && index <= count)
        takenPrefix = index
    }

    /// A copy of the last element, if it is still here.
    var last: Element? { count > takenPrefix ? base[count - 1] : nil }

    var isEmpty: Bool { count == 0 }

    private func grow() {
        let newCapacity = capacity * 2
        let newBase = UnsafeMutablePointer<Element>.allocate(capacity: newCapacity)
        (newBase + takenPrefix).moveInitialize(from: base + takenPrefix, count: count - takenPrefix)
        base.deallocate()
        base = newBase
        capacity = newCapacity
    }
}
