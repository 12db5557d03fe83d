import Foundation

/// How each queued state was reached: its parent's ordinal and the position of the action taken
/// in the parent's enabled list. Enough to rebuild, by replaying the model's own actions, the
/// exact concrete path to any queued state.
///
/// Records are numbered in the order states are queued: once per state breadth-first, and once
/// more each time depth-first search queues a state again because a shorter path reached it.
/// Records are 6 bytes and are spilled to a temporary file in 1 MiB blocks, as TLC spills its
/// trace, so the memory a visited state costs is the fingerprint set's alone. When no temporary
/// file can be made, the records stay in memory (`spilledToDisk` says which, and the report
/// counts them).
final class PathLog {
    /// The parent of an initial state.
    static let noParent = UInt32.max
    private static let recordSize = 6
    private static let blockSize = 1 << 20

    private var buffer: [UInt8] = []
    private var file: FileHandle?
    private var fileURL: URL?
    private var flushedRecords = 0
    private(set) var count = 0

    init() {
        buffer.reserveCapacity(Self.blockSize)
        let url = FileManager.default.temporaryDirectory.appendingPathComponent(
            "raftlab-paths-\(ProcessInfo.processInfo.processIdentifier)-\(UInt(bitPattern: Unmanaged.passUnretained(self).toOpaque())).bin"
        )
        if FileManager.default.createFile(atPath: url.path, contents: nil),
            let handle = try? FileHandle(forUpdating: url)
        {
            file = handle
            fileURL = url
        }
    }

    deinit {
        try? file?.close()
        if let fileURL { try? FileManager.default.removeItem(at: fileURL) }
    }

    /// Whether records are written to a temporary file rather than kept in memory.
    var spilledToDisk: Bool { file != nil }

    /// Bytes of records held in memory.
    var memoryBytes: Int { buffer.count }

    /// Appends the record of the next state: reached from `parent` by its `action`-th action.
    @inline(__always)
    func append(parent: UInt32, action: Int) {
        precondition(action <= Int(UInt16.max), "more than 65,535 actions enabled in one state")
        withUnsafeBytes(of: parent.littleEndian) { buffer.append(contentsOf: $0) }
        withUnsafeBytes(of: UInt16(action).littleEndian) { buffer.append(contentsOf: $0) }
        count += 1
        if let file, buffer.count >= Self.blockSize {
            file.write(Data(buffer))
            flushedRecords = count
            buffer.removeAll(keepingCapacity: true)
        }
    }

    /// The record of state `ordinal`.
    func record(_ ordinal: Int) -> (parent: UInt32, action: Int) {
        let bytes: [UInt8]
        if ordinal >= flushedRecords {
            let start = (ordinal - flushedRecords) * Self.recordSize
            bytes = Array(buffer[start..<start + Self.recordSize])
        } else {
            guard let file else { preconditionFailure("path record \(ordinal) lost") }
            try? file.seek(toOffset: UInt64(ordinal * Self.recordSize))
            bytes = [UInt8](file.readData(ofLength: Self.recordSize))
            _ = try? file.seekToEnd()
        }
        let parent = UInt32(bytes[0]) | UInt32(bytes[1]) << 8 | UInt32(bytes[2]) << 16 | UInt32(bytes[3]) << 24
        let action = Int(bytes[4]) | Int(bytes[5]) << 8
        return (parent, action)
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
