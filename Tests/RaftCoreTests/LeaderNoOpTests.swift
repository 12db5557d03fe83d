import RaftTestSupport
import Testing

@testable import RaftCore

/// s1 as a newly elected leader of `term` with the no-op switch set as given.
private func newLeader(noOp: Bool, term: Term, log: [Entry]) -> (RaftNode, Ready) {
    var node = RaftNode(
        id: s1, serverCount: 3, options: ProtocolOptions(leaderNoOp: noOp),
        restoring: DurableState(currentTerm: term - 1, votedFor: nil, log: Log(log)))
    let ready = elect(&node, votesFrom: [s2])
    precondition(node.isLeader && node.currentTerm == term)
    return (node, ready)
}

private func appends(in ready: Ready, to peer: NodeID) -> [AppendEntries] {
    ready.messages.compactMap { envelope in
        guard envelope.to == peer, case .appendEntries(let request) = envelope.message else { return nil }
        return request
    }
}

@Suite("The leader's no-op: a new leader commits an entry of its term at once (section 8)")
struct LeaderNoOpTests {
    @Test("On election the leader appends a no-op of its term, persists it and sends it to every peer")
    func appendsAndSendsNoOp() {
        let (node, ready) = newLeader(noOp: true, term: 3, log: [entry(1, 1)])
        #expect(node.log == Log([entry(1, 1), Entry(term: 3, payload: .noOp)]))
        #expect(ready.persist?.log == node.log)
        for peer in [s2, s3] {
            let sent = appends(in: ready, to: peer)
            #expect(sent.count == 1)
            #expect(sent.first?.prevLogIndex == 1)
            #expect(sent.first?.entries == [Entry(term: 3, payload: .noOp)])
        }
    }

    @Test("With the switch off a new leader appends nothing and sends empty heartbeats (Figure 2)")
    func figure2SendsHeartbeats() {
        let (node, ready) = newLeader(noOp: false, term: 3, log: [entry(1, 1)])
        #expect(node.log == Log([entry(1, 1)]))
        #expect(appends(in: ready, to: s2).map(\.entries) == [[]])
    }

    @Test("Committing the no-op commits the earlier term's entries before any client writes (section 5.4.2, Figure 8)")
    func noOpCommitsEarlierTerms() {
        var (node, _) = newLeader(noOp: true, term: 3, log: [entry(1, 1)])
        let ready = deliver(
            .appendEntriesResponse(AppendEntriesResponse(term: 3, success: true, matchIndex: 2)), from: s2, to: &node)
        #expect(node.commitIndex == 2)
        // The state machine gets both entries; only a client command is acknowledged.
        #expect(ready.committed.map(\.index) == [1, 2])
        #expect(ready.clientReplies.isEmpty)
    }

    @Test("A no-op reads back from its trace spelling and renders as noop")
    func spelling() {
        #expect(Entry(term: 4, payload: .noOp).description == "4:noop")
        #expect(Entry(term: 4, payload: .noOp).command == nil)
        #expect(entry(2, 5).command == Command(key: 0, value: 5))
    }
}
