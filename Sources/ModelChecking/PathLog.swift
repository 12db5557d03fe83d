import Foundation

/// How each queued state was reached: its parent's ordinal and the position of the action taken in
/// the parent's enabled list.
///
/// Enough to rebuild, by replaying the model's own actions, the exact concrete path to any queued
/// state.
///
/// Records are numbered in the order states are queued: once per state breadth-first, and once
/// more each time depth-first search queues a state again because a shorter path reached it.
/// Records are 6 bytes and are spilled to a temporary file in 1 MiB blocks, as TLC spills its
/// trace, so the memory a visited state costs is the fingerprint set's alone. When no temporary
/// file can be made, or a write to it fails (a full disk), the records from then on stay in memory
/// (`spilledToDisk` says whether a file is still written, and the report counts the bytes held in
/// memory).
///
/// The file is unlinked as soon as it is created and used only through its descriptor, so it
/// disappears with the process however the process ends, even by SIGKILL.
final class PathLog {
    /// The parent of an initial state.
    static let noParent = UInt32.max
    private static let recordSize = 6
    private static let blockSize = 1 << 20

    private var buffer: [UInt8] = []
    /// The spill file's descriptor, or -1 when none could be made.
    private var descriptor: Int32 = -1
    /// Whether full blocks are still written to the file (false after a failed write).
    private var spilling = false
    /// Records `0..<flushedRecords` are in the file; the rest are in `buffer`.
    private var flushedRecords = 0
    private(set) var count = 0

    /// A log spilling to a new file in `folder` (by default `$TMPDIR`).
    init(folder: String = FileManager.default.temporaryDirectory.path) {
        buffer.reserveCapacity(Self.blockSize)
        var template = Array((folder + "/raftlab-paths-XXXXXX").utf8CString)
        let opened = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        if opened >= 0 {
            descriptor = opened
            spilling = true
            template.withUnsafeBufferPointer { _ = unlink($0.baseAddress!) }
        }
    }

    deinit {
        if descriptor >= 0 { close(descriptor) }
    }

    /// Whether records are written to a temporary file rather than kept in memory.
    var spilledToDisk: Bool { spilling }

    /// Bytes of records held in memory.
    var memoryBytes: Int { buffer.count }

    /// Appends the record of the next state: reached from `parent` by its `action`-th action.
    @inline(__always)
    func append(parent: UInt32, action: Int) {
        precondition(action <= Int(UInt16.max), "more than 65,535 actions enabled in one state")
        withUnsafeBytes(of: parent.littleEndian) { buffer.append(contentsOf: $0) }
        withUnsafeBytes(of: UInt16(action).littleEndian) { buffer.append(contentsOf: $0) }
        count += 1
        if spilling, buffer.count >= Self.blockSize { spill() }
    }

    /// Writes the buffered records at the end of the file.
    ///
    /// A failed write keeps them in memory and stops spilling: a half-written block lies past
    /// `flushedRecords` and is never read.
    private func spill() {
        let offset = flushedRecords * Self.recordSize
        let written = buffer.withUnsafeBytes { bytes in
            var done = 0
            while done < bytes.count {
                let result = pwrite(descriptor, bytes.baseAddress! + done, bytes.count - done, off_t(offset + done))
                if result < 0 && errno == EINTR { continue }
                if result <= 0 { return false }
                done += result
            }
            return true
        }
        guard written else {
            // The records already in the file stay readable through the open descriptor.
            spilling = false
            return
        }
        flushedRecords = count
        buffer.removeAll(keepingCapacity: true)
    }

    /// The record of state `ordinal`.
    func record(_ ordinal: Int) -> (parent: UInt32, action: Int) {
        var bytes = [UInt8](repeating: 0, count: Self.recordSize)
        if ordinal >= flushedRecords {
            let start = (ordinal - flushedRecords) * Self.recordSize
            bytes = Array(buffer[start..<start + Self.recordSize])
        } else {
            readBack(ordinal, into: &bytes)
        }
        let parent = UInt32(bytes[0]) | UInt32(bytes[1]) << 8 | UInt32(bytes[2]) << 16 | UInt32(bytes[3]) << 24
        let action = Int(bytes[4]) | Int(bytes[5]) << 8
        return (parent, action)
    }

    /// Reads a spilled record back.
    ///
    /// The file was written by this process and is open; a read that fails is a failing device.
    /// There is no counterexample to give then, so the process ends with one line and exit 74
    /// (EX_IOERR), as the command line ends on any other I/O error, rather than with a trap.
    private func readBack(_ ordinal: Int, into bytes: inout [UInt8]) {
        let offset = off_t(ordinal * Self.recordSize)
        let read = bytes.withUnsafeMutableBytes { pread(descriptor, $0.baseAddress!, Self.recordSize, offset) }
        guard read == Self.recordSize else {
            let reason = read < 0 ? String(cString: strerror(errno)) : "short read"
            var line = "raftlab: cannot read the checker's temporary path records back: \(reason)\n"
            _ = line.withUTF8 { write(STDERR_FILENO, $0.baseAddress, $0.count) }
            exit(74)
        }
    }

    /// The action positions from an initial state down to state `ordinal`: the initial state's
    /// position among the model's initial states first, then one action position per step.
    func path(to ordinal: UInt32) -> [Int] {
        var steps: [Int] = []
        var current = ordinal
        while true {
            let (parent, action) = record(Int(current))
            steps.append(action)
            if parent == Self.noParent { break }
            current = parent
        }
        return steps.reversed()
    }
}
