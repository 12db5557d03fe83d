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
