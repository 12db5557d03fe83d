import Foundation

/// One level of the breadth-first queue as packed states: each state a run of bytes, one after
/// the other, spilled to a temporary file past a size, as TLC spills its queue.
///
/// A queued state costs its packed bytes and 8 bytes of offset; past `memoryLimitBytes` the
/// bytes go to the file in blocks, so a level of any size holds at most that much in memory
/// (plus the batch being read). The file is unlinked as soon as it is created and used only
/// through its descriptor, as `PathLog`'s is, so it disappears with the process however the
/// process ends, even by SIGKILL. When no file can be made, or a write fails (a full disk), the
/// bytes from then on stay in memory: the search goes on, only its memory grows.
///
/// One writer appends while the level is built (the merge); once built, one thread at a time
/// loads a batch (`load`, or `loadBatch(_:slot:)` for two batches in use at once) and workers read
/// its states concurrently, read-only.
final class PackedLevel: @unchecked Sendable {
    // Unchecked exclusivity throughout: one writer builds the level, then workers only read it,
    // and a dynamic check on each read would cost more than the read.
    /// The end offset of each state in the level's byte stream: state `i` spans
    /// `ends[i - 1]..<ends[i]` (from 0 for the first).
    private let ends: PlainBuffer<Int>
    /// The level's bytes from `memoryStart` on; those before are in the file.
    private let memory: PlainBuffer<UInt8>
    @exclusivity(unchecked) private var memoryStart = 0
    /// The spill file's descriptor, or -1 while none is open (or none could be made).
    @exclusivity(unchecked) private var descriptor: Int32 = -1
    /// False once making the file or writing to it failed: everything stays in memory then.
    @exclusivity(unchecked) private var spillable = true
    private let memoryLimitBytes: Int
    private let folder: String
    /// The bytes of a loaded batch read back from the file, when they were not all in memory: one
    /// window per slot, so that a batch can be loaded while workers still read the one before.
    private let windows = [PlainBuffer<UInt8>(minimumCapacity: 0), PlainBuffer<UInt8>(minimumCapacity: 0)]
    /// Where the loaded batch's bytes are, and the level offset of that first byte.
    @exclusivity(unchecked) private var readBase: UnsafePointer<UInt8>? = nil
    @exclusivity(unchecked) private var readStart = 0

    init(memoryLimitBytes: Int, expectedStates: Int = 0, folder: String = FileManager.default.temporaryDirectory.path) {
        self.memoryLimitBytes = max(memoryLimitBytes, 1)
        self.folder = folder
        ends = PlainBuffer(minimumCapacity: expectedStates)
        memory = PlainBuffer(minimumCapacity: min(self.memoryLimitBytes, 1 << 16))
    }

    deinit {
        if descriptor >= 0 { close(descriptor) }
    }

    var count: Int { ends.count }

    /// Bytes of packed states held in memory, with their offsets.
    var memoryBytes: Int {
        memory.capacity + windows[0].capacity + windows[1].capacity + ends.capacity * MemoryLayout<Int>.stride
    }

    /// Bytes written to the spill file.
    var spilledBytes: Int { memoryStart }

    /// Appends one packed state.
    func append(_ bytes: UnsafeRawBufferPointer) {
        memory.append(contentsOf: bytes.bindMemory(to: UInt8.self))
        ends.append(memoryStart + memory.count)
        if spillable && memory.count >= memoryLimitBytes { spill() }
    }

    /// Writes the bytes in memory at the end of the file.
    ///
    /// A failed write keeps them in memory and stops spilling: a half-written block lies past
    /// `memoryStart` and is never read.
    private func spill() {
        if descriptor < 0 {
            var template = Array((folder + "/raftlab-queue-XXXXXX").utf8CString)
            let opened = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
            guard opened >= 0 else {
                spillable = false
                return
            }
            descriptor = opened
            template.withUnsafeBufferPointer { _ = unlink($0.baseAddress!) }
        }
        var done = 0
        while done < memory.count {
            let result = pwrite(
                descriptor, memory.base + done, memory.count - done, off_t(memoryStart + done))
            if result < 0 && errno == EINTR { continue }
            if result <= 0 {
                spillable = false
                return
            }
            done += result
        }
        memoryStart += memory.count
        memory.removeAll()
    }

    /// Makes the states `range` readable by `withBytes(of:_:)`: reads back what of them was
    /// spilled.
    ///
    /// The coordinator only, while no worker reads.
    func load(_ range: Range<Int>) {
        let loaded = loadBatch(range, slot: 0)
        readBase = loaded.base
        readStart = loaded.start
    }

    /// Makes the states `range` readable through the view it returns: reads back what of them
    /// was spilled, into the window of `slot` (0 or 1).
    ///
    /// One thread at a time, once the level is built, and while no worker reads a batch loaded
    /// before into the same slot: a search can load the next batch into the other slot while
    /// workers still read this one.
    func loadBatch(_ range: Range<Int>, slot: Int) -> Batch {
        guard !range.isEmpty else { return Batch(ends: UnsafePointer(ends.base), base: nil, start: 0) }
        let lower = range.lowerBound == 0 ? 0 : ends[range.lowerBound - 1]
        let upper = ends[range.upperBound - 1]
        guard lower < memoryStart else {
            return Batch(ends: UnsafePointer(ends.base), base: UnsafePointer(memory.base), start: memoryStart)
        }
        let window = windows[slot]
        window.removeAll()
        let fromFile = min(upper, memoryStart) - lower
        window.reserve(upper - lower)
        var done = 0
        while done < fromFile {
            let result = pread(descriptor, window.base + done, fromFile - done, off_t(lower + done))
            if result < 0 && errno == EINTR { continue }
            precondition(result > 0, "could not read back the spilled search queue (errno \(errno))")
            done += result
        }
        window.count = fromFile
        if upper > memoryStart {
            window.append(contentsOf: UnsafeBufferPointer(start: memory.base, count: upper - memoryStart))
        }
        return Batch(ends: UnsafePointer(ends.base), base: UnsafePointer(window.base), start: lower)
    }

    /// The packed bytes of state `index`, which the last `load` covered; valid until the next
    /// `load` or `append`.
    ///
    /// Safe from any number of workers at once.
    @inline(__always)
    func bytes(of index: Int) -> UnsafeRawBufferPointer { batch.bytes(of: index) }

    /// Where the loaded batch's states are, for a worker to read them without going through
    /// this object; valid until the next `load` or `append`.
    ///
    /// A worker holding these few words reads no object the merge might write next to.
    var batch: Batch { Batch(ends: UnsafePointer(ends.base), base: readBase, start: readStart) }

    /// See `batch`.
    struct Batch: @unchecked Sendable {
        fileprivate let ends: UnsafePointer<Int>
        fileprivate let base: UnsafePointer<UInt8>?
        fileprivate let start: Int

        /// The packed bytes of state `index`, as `PackedLevel.bytes(of:)`.
        @inline(__always)
        func bytes(of index: Int) -> UnsafeRawBufferPointer {
            let lower = index == 0 ? 0 : ends[index - 1]
            return UnsafeRawBufferPointer(start: base! + (lower - start), count: ends[index] - lower)
        }
    }
}

/// A growable buffer of plain values behind a stable pointer: what `PackedLevel` reads from
/// many threads at once, without the reference counting an array read from a class would cost.
final class PlainBuffer<Element: BitwiseCopyable>: @unchecked Sendable {
    @exclusivity(unchecked) private(set) var base: UnsafeMutablePointer<Element>
    @exclusivity(unchecked) private(set) var capacity: Int
    @exclusivity(unchecked) var count = 0

    init(minimumCapacity: Int) {
        capacity = max(minimumCapacity, 16)
        base = .allocate(capacity: capacity)
    }

    deinit { base.deallocate() }

    @inline(__always)
    subscript(index: Int) -> Element { base[index] }

    @inline(__always)
    func append(_ element: Element) {
        if count == capacity { reserve(capacity * 2) }
        base[count] = element
        count += 1
    }

    func append(contentsOf elements: UnsafeBufferPointer<Element>) {
        guard !elements.isEmpty else { return }
        if count + elements.count > capacity { reserve(max(capacity * 2, count + elements.count)) }
        (base + count).update(from: elements.baseAddress!, count: elements.count)
        count += elements.count
    }

    /// Makes room for `minimumCapacity` elements in all.
    func reserve(_ minimumCapacity: Int) {
        guard minimumCapacity > capacity else { return }
        let newBase = UnsafeMutablePointer<Element>.allocate(capacity: minimumCapacity)
        newBase.update(from: base, count: count)
        base.deallocate()
        base = newBase
        capacity = minimumCapacity
    }

    /// Empties the buffer, keeping its storage.
    func removeAll() { count = 0 }
}
