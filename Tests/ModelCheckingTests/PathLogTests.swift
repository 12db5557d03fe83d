import Foundation
import Testing

@testable import ModelChecking

/// Issue 13 items 1 and 2: the checker's temporary file never outlives the process, and no
/// usable temporary folder is not a trap.
@Suite("PathLog's temporary file")
struct PathLogTests {
    /// Appends enough records to spill several blocks, and checks every kind of read.
    private func fillAndRead(_ log: PathLog) {
        log.append(parent: PathLog.noParent, action: 0)
        for ordinal in 1..<400_000 { log.append(parent: UInt32(ordinal - 1), action: ordinal % 7) }
        #expect(log.record(3).parent == 2)
        #expect(log.record(399_999).action == 399_999 % 7)
        #expect(log.path(to: 20) == [0] + (1...20).map { $0 % 7 })
    }

    @Test("The spill file is unlinked as soon as it is made: the folder stays empty while it is used")
    func spillFileIsUnlinked() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("pathlog-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let log = PathLog(folder: folder)
        fillAndRead(log)
        #expect(log.spilledToDisk)
        #expect(log.memoryBytes < 400_000 * 6)
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder).isEmpty)
    }

    @Test("Without a usable temporary folder the records stay in memory")
    func noFolderKeepsRecordsInMemory() {
        let log = PathLog(folder: "/nonexistent/raftlab-\(UUID().uuidString)")
        fillAndRead(log)
        #expect(!log.spilledToDisk)
        #expect(log.memoryBytes == 400_000 * 6)
    }
}
