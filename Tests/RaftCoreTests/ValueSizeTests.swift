import Testing

@testable import RaftCore

/// The sizes of the values every explored world is made of.
///
/// The model checker copies, packs and hashes millions of worlds, and each copy of a server,
/// message or log entry moves these bytes and retains each reference they hold. A field added for
/// one feature (session clients, ReadIndex) widened them for every spec, clients or not, and made
/// the single-thread checker measurably slower; these bounds make such a widening a decision.
@Suite("Value sizes of hot state")
struct ValueSizeTests {
    @Test("A server identity is one byte, so envelopes and votes stay small")
    func nodeID() {
        #expect(MemoryLayout<NodeID>.size == 1)
        #expect(MemoryLayout<NodeID?>.size == 2)
    }

    @Test("A session command is no larger than what an entry already held")
    func sessionCommand() {
        #expect(MemoryLayout<SessionCommand>.size <= 6)
    }

    @Test("A log entry is two words, whatever its payload")
    func entry() {
        #expect(MemoryLayout<Entry>.stride == 16)
    }

    @Test("An envelope is eight words")
    func envelope() {
        #expect(MemoryLayout<Envelope>.stride <= 64)
    }

    @Test("A leader's progress holds ReadIndex state out of line: one word for it")
    func progress() {
        // nextIndex, matchIndex, recentlyActive, flow, inflight, and the ReadIndex box.
        #expect(MemoryLayout<Progress>.size <= 6 * 8)
    }
}

@Suite("Rarely set state kept out of line")
struct OutOfLineStateTests {
    @Test("A disk or server without RB-18's truncation records holds no box for them")
    func truncationsUnboxedWhileEmpty() {
        let disk = DurableState(currentTerm: 1, log: Log(), truncated: [])
        #expect(disk.truncatedUnlessEmpty == nil && disk.truncatedIsEmpty)
        let node = RaftNode(id: NodeID(0), serverCount: 3, restoring: disk)
        #expect(node.truncatedUnlessEmpty == nil && node.truncatedIsEmpty)
        #expect(node.durableState.truncatedUnlessEmpty == nil)
    }

    @Test("Truncation records survive the box: set, read back, equal by content, shared with the disk")
    func truncationsRoundTrip() {
        let records = [TruncatedEntries(firstIndex: 2, entries: [Entry(term: 1, command: Command(key: 0, value: 1))])]
        var disk = DurableState(currentTerm: 1, truncated: records)
        #expect(disk.truncated == records && !disk.truncatedIsEmpty)
        #expect(disk == DurableState(currentTerm: 1, truncated: records))
        #expect(disk != DurableState(currentTerm: 1))
        let node = RaftNode(id: NodeID(0), serverCount: 3, restoring: disk)
        #expect(node.truncated == records)
        #expect(node.durableState.truncatedUnlessEmpty === disk.truncatedUnlessEmpty)
        disk.truncated = []
        #expect(disk.truncatedUnlessEmpty == nil && node.truncated == records)
    }
}
