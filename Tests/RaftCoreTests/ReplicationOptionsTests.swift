import RaftTestSupport
import Testing

@testable import RaftCore

/// A server of a 3-server cluster running with `options`, restored from the given state.
private func node(
    _ id: NodeID, options: ProtocolOptions, term: Term = 0, log: [Entry] = [], mutant: Mutant? = nil
) -> RaftNode {
    RaftNode(
        id: id, serverCount: 3, mutant: mutant, options: options,
        restoring: DurableState(currentTerm: term, votedFor: nil, log: Log(log)))
}

/// s1 as leader of `term` with `options` and `log`, elected with s2's vote.
private func leader(options: ProtocolOptions, term: Term, log: [Entry] = [], mutant: Mutant? = nil) -> RaftNode {
    var leader = node(s1, options: options, term: term - 1, log: log, mutant: mutant)
    _ = elect(&leader, votesFrom: [s2])
    precondition(leader.isLeader && leader.currentTerm == term)
    return leader
}

private func acknowledgement(term: Term, matchIndex: LogIndex) -> Message {
    .appendEntriesResponse(AppendEntriesResponse(term: term, success: true, matchIndex: matchIndex))
}

private func rejection(term: Term, hint: (term: Term, index: LogIndex)? = nil) -> Message {
    .appendEntriesResponse(
        AppendEntriesResponse(
            term: term, success: false, matchIndex: 0, conflictTerm: hint?.term ?? 0, conflictIndex: hint?.index ?? 0))
}

/// The AppendEntries `ready` sends to `peer`, in order.
private func appends(in ready: Ready, to peer: NodeID) -> [AppendEntries] {
    ready.messages.compactMap { envelope in
        guard envelope.to == peer, case .appendEntries(let request) = envelope.message else { return nil }
        return request
    }
}

private func progress(of node: RaftNode) -> Progress {
    guard case .leader(let progress) = node.role else { preconditionFailure("\(node.id) does not lead") }
    return progress
}

@Suite("Batching: one AppendEntries carries at most maxEntriesPerAppend entries")
struct BatchingTests {
    @Test("A lagging follower gets its entries a batch per round trip, each batch acknowledged")
    func batchesPerRoundTrip() {
        let options = ProtocolOptions(maxEntriesPerAppend: 2)
        var node = leader(options: options, term: 2, log: [entry(1, 1), entry(1, 2), entry(1, 3)])
        // s2 holds nothing: the leader walks nextIndex back to 1 (one entry per rejection, Figure 2).
        var ready = deliver(rejection(term: 2), from: s2, to: &node)
        ready = deliver(rejection(term: 2), from: s2, to: &node)
        ready = deliver(rejection(term: 2), from: s2, to: &node)
        #expect(appends(in: ready, to: s2).map(\.entries) == [[entry(1, 1), entry(1, 2)]])
        ready = deliver(acknowledgement(term: 2, matchIndex: 2), from: s2, to: &node)
        #expect(appends(in: ready, to: s2).map(\.entries) == [[entry(1, 3)]])
        #expect(progress(of: node).matchIndex[s2.index] == 2)
    }

    @Test("A duplicated acknowledgement sends no second batch: chains of round trips collapse, not multiply")
    func duplicateAcknowledgementSendsNothing() {
        let options = ProtocolOptions(maxEntriesPerAppend: 1)
        var node = leader(options: options, term: 2, log: [entry(1, 1), entry(1, 2), entry(1, 3)])
        _ = deliver(rejection(term: 2), from: s2, to: &node)
        _ = deliver(rejection(term: 2), from: s2, to: &node)
        _ = deliver(rejection(term: 2), from: s2, to: &node)
        var ready = deliver(acknowledgement(term: 2, matchIndex: 1), from: s2, to: &node)
        #expect(appends(in: ready, to: s2).map(\.entries) == [[entry(1, 2)]])
        // The same reply again (a duplicate, or the answer to a second chain's copy of the batch)
        // teaches nothing: continuing it would double the traffic for the rest of the catch-up.
        ready = deliver(acknowledgement(term: 2, matchIndex: 1), from: s2, to: &node)
        #expect(appends(in: ready, to: s2).isEmpty)
    }

    @Test("Without a limit, one AppendEntries carries every entry from nextIndex (Figure 2)")
    func unboundedByDefault() {
        var node = leader(options: .figure2, term: 2, log: [entry(1, 1), entry(1, 2), entry(1, 3)])
        _ = deliver(rejection(term: 2), from: s2, to: &node)
        _ = deliver(rejection(term: 2), from: s2, to: &node)
        let ready = deliver(rejection(term: 2), from: s2, to: &node)
        #expect(appends(in: ready, to: s2).map(\.entries.count) == [3])
    }
}

@Suite("Pipelining with flow control (etcd-io/raft's probe and replicate states)")
struct PipeliningTests {
    static let options = ProtocolOptions(pipelineWindow: 2, maxEntriesPerAppend: 1)

    /// A leader of term 1 with an empty log whose heartbeat s2 acknowledged: s2 streams.
    static func streamingLeader(mutant: Mutant? = nil) -> RaftNode {
        var node = leader(options: options, term: 1, mutant: mutant)
        #expect(progress(of: node).flow[s2.index] == .probe)
        _ = deliver(acknowledgement(term: 1, matchIndex: 0), from: s2, to: &node)
        #expect(progress(of: node).flow[s2.index] == .replicate)
        return node
    }

    @Test("A streaming leader sends without waiting, advancing nextIndex, until the window is full")
    func windowLimitsInFlight() {
        var node = Self.streamingLeader()
        var sent: [AppendEntries] = []
        for value in 1...3 {
            sent += appends(in: node.handle(.clientRequest(Command(key: 0, value: UInt16(value)))), to: s2)
        }
        // Two in flight (the window), each from the optimistic nextIndex; the third waits.
        #expect(sent.map(\.prevLogIndex) == [0, 1])
        #expect(progress(of: node).nextIndex[s2.index] == 3)
        #expect(progress(of: node).inflight[s2.index] == [1, 2])
        // matchIndex moved on no acknowledgement.
        #expect(progress(of: node).matchIndex[s2.index] == 0)
        // An acknowledgement of the first frees one place, and the third entry goes out.
        let ready = deliver(acknowledgement(term: 1, matchIndex: 1), from: s2, to: &node)
        #expect(appends(in: ready, to: s2).map(\.prevLogIndex) == [2])
        #expect(progress(of: node).matchIndex[s2.index] == 1)
        #expect(progress(of: node).inflight[s2.index] == [2, 3])
    }

    @Test("A rejection while streaming falls back to one probe at a time, from matchIndex + 1")
    func rejectionFallsBackToProbe() {
        var node = Self.streamingLeader()
        for value in 1...3 { _ = node.handle(.clientRequest(Command(key: 0, value: UInt16(value)))) }
        _ = deliver(acknowledgement(term: 1, matchIndex: 1), from: s2, to: &node)
        let ready = deliver(rejection(term: 1), from: s2, to: &node)
        #expect(progress(of: node).flow[s2.index] == .probe)
        // One probe, from right after what s2 is known to hold; nextIndex is not advanced.
        #expect(appends(in: ready, to: s2).map(\.prevLogIndex) == [1])
        #expect(progress(of: node).nextIndex[s2.index] == 2)
        // A second trigger sends nothing more to s2 while the probe is out.
        let more = node.handle(.clientRequest(Command(key: 0, value: 4)))
        #expect(appends(in: more, to: s2).isEmpty)
        // Its acknowledgement resumes streaming.
        let resumed = deliver(acknowledgement(term: 1, matchIndex: 2), from: s2, to: &node)
        #expect(progress(of: node).flow[s2.index] == .replicate)
        #expect(appends(in: resumed, to: s2).map(\.prevLogIndex) == [2, 3])
    }

    @Test("matchIndex never goes backwards: a late acknowledgement of an earlier message changes nothing")
    func staleAcknowledgement() {
        var node = Self.streamingLeader()
        for value in 1...2 { _ = node.handle(.clientRequest(Command(key: 0, value: UInt16(value)))) }
        _ = deliver(acknowledgement(term: 1, matchIndex: 2), from: s2, to: &node)
        _ = deliver(acknowledgement(term: 1, matchIndex: 1), from: s2, to: &node)
        #expect(progress(of: node).matchIndex[s2.index] == 2)
        #expect(progress(of: node).nextIndex[s2.index] == 3)
    }

    @Test("Heartbeats ignore the window, so a follower whose messages were lost is heard from again")
    func heartbeatsIgnoreWindow() {
        var node = Self.streamingLeader()
        for value in 1...2 { _ = node.handle(.clientRequest(Command(key: 0, value: UInt16(value)))) }
        let ready = node.handle(.heartbeatTimeout)
        #expect(appends(in: ready, to: s2).map(\.prevLogIndex) == [2])
        #expect(appends(in: ready, to: s2).allSatisfy { $0.entries.isEmpty })
    }

    @Test("RB-34: a rejection while streaming leaves nextIndex past the gap")
    func keepsNextMutant() {
        var node = Self.streamingLeader(mutant: .keepNextOnReject)
        for value in 1...2 { _ = node.handle(.clientRequest(Command(key: 0, value: UInt16(value)))) }
        _ = deliver(rejection(term: 1), from: s2, to: &node)
        #expect(progress(of: node).flow[s2.index] == .replicate)
        #expect(progress(of: node).nextIndex[s2.index] == 3)
    }
}

@Suite("§5.3 Fast log backtracking: a rejection says where the conflicting term starts")
struct FastBacktrackingTests {
    static let options = ProtocolOptions(fastBacktracking: true)

    @Test("A conflicting entry: the rejection carries its term and the first index of that term")
    func hintForConflictingTerm() {
        var follower = node(s2, options: Self.options, term: 3, log: [entry(1), entry(2), entry(2), entry(2)])
        let reply = onlyMessage(
            deliver(appendEntries(term: 3, prev: (4, 3), entries: [], commit: 0), from: s1, to: &follower))
        #expect(
            reply.message
                == .appendEntriesResponse(
                    AppendEntriesResponse(term: 3, success: false, matchIndex: 0, conflictTerm: 2, conflictIndex: 2)))
    }

    @Test("A log too short: the rejection carries term 0 and the follower's last index + 1")
    func hintForShortLog() {
        var follower = node(s2, options: Self.options, term: 3, log: [entry(1)])
        let reply = onlyMessage(
            deliver(appendEntries(term: 3, prev: (5, 3), entries: [], commit: 0), from: s1, to: &follower))
        #expect(
            reply.message
                == .appendEntriesResponse(
                    AppendEntriesResponse(term: 3, success: false, matchIndex: 0, conflictTerm: 0, conflictIndex: 2)))
    }

    @Test("With the switch off a rejection carries no hint (Figure 2)")
    func noHintWhenOff() {
        var follower = node(s2, options: .figure2, term: 3, log: [entry(1), entry(2)])
        let reply = onlyMessage(
            deliver(appendEntries(term: 3, prev: (2, 3), entries: [], commit: 0), from: s1, to: &follower))
        #expect(reply.message == rejection(term: 3))
    }

    @Test("The leader skips the whole conflicting term in one round trip")
    func leaderSkipsTerm() {
        var node = leader(
            options: Self.options, term: 4, log: [entry(1), entry(3), entry(3), entry(3), entry(3)])
        let ready = deliver(rejection(term: 4, hint: (2, 2)), from: s2, to: &node)
        #expect(progress(of: node).nextIndex[s2.index] == 2)
        #expect(appends(in: ready, to: s2).map(\.prevLogIndex) == [1])
    }

    @Test("A hint at or below matchIndex is not followed below what the follower is known to hold")
    func hintBoundedByMatch() {
        var node = leader(options: Self.options, term: 2, log: [entry(1), entry(1), entry(1)])
        _ = deliver(acknowledgement(term: 2, matchIndex: 2), from: s2, to: &node)
        _ = deliver(rejection(term: 2, hint: (0, 1)), from: s2, to: &node)
        #expect(progress(of: node).nextIndex[s2.index] == 3)
    }

    @Test("RB-33: the hint names one index past the start of the conflicting term")
    func offByOneMutant() {
        var follower = node(
            s2, options: Self.options, term: 3, log: [entry(1), entry(2), entry(2)], mutant: .backtrackHintOffByOne)
        let reply = onlyMessage(
            deliver(appendEntries(term: 3, prev: (3, 3), entries: [], commit: 0), from: s1, to: &follower))
        guard case .appendEntriesResponse(let response) = reply.message else {
            Issue.record("expected a reply, got \(reply.message)")
            return
        }
        #expect(response.conflictTerm == 2 && response.conflictIndex == 3)
    }
}

@Suite("Renaming a pipelining leader moves its flow control with its servers")
struct FlowControlRenamingTests {
    @Test("Swapping s2 and s3 swaps their flow and their windows")
    func renamesFlowControl() throws {
        var node = PipeliningTests.streamingLeader()
        for value in 1...2 { _ = node.handle(.clientRequest(Command(key: 0, value: UInt16(value)))) }
        let before = progress(of: node)
        #expect(before.flow == [.probe, .replicate, .probe] && before.inflight == [[], [1, 2], [1]])
        let swapped = try #require(node.renamed(by: ServerRenaming(permutation: [s1, s3, s2])))
        let after = progress(of: swapped)
        #expect(after.flow == [.probe, .probe, .replicate])
        #expect(after.inflight == [[], [1], [1, 2]])
        #expect(after.nextIndex == [before.nextIndex[0], before.nextIndex[2], before.nextIndex[1]])
    }
}
