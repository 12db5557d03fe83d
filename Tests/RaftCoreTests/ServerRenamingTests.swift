import RaftTestSupport
import Testing

@testable import RaftCore

/// Renaming servers: a permutation for symmetry reduction, a removal for the shrinker.
@Suite("Renaming servers")
struct ServerRenamingTests {
    let rotation = ServerRenaming(permutation: [s2, s3, s1])
    let withoutS2 = ServerRenaming.removing(s2, serverCount: 3)

    @Test("Removing a server drops it and moves the servers above it down by one")
    func removal() {
        #expect(withoutS2.serverCountBefore == 3 && withoutS2.serverCountAfter == 2)
        #expect(withoutS2[s1] == s1 && withoutS2[s2] == nil && withoutS2[s3] == s2)
        #expect(withoutS2.reindexed(["a", "b", "c"]) == ["a", "c"])
        #expect(NodeSet([s1, s2, s3]).survivors(renamedBy: withoutS2) == NodeSet([s1, s2]))
    }

    @Test("A permutation moves per-server arrays, sets and envelopes together")
    func permutation() {
        #expect(rotation.reindexed(["a", "b", "c"]) == ["c", "a", "b"])
        #expect(NodeSet([s1, s2]).renamed(by: rotation) == NodeSet([s2, s3]))
        let envelope = Envelope(
            from: s1, to: s3, message: .requestVoteResponse(RequestVoteResponse(term: 1, voteGranted: true)))
        #expect(envelope.renamed(by: rotation) == Envelope(from: s2, to: s1, message: envelope.message))
        #expect(envelope.renamed(by: ServerRenaming.removing(s3, serverCount: 3)) == nil)
    }

    @Test("A renamed leader keeps its term, log and progress, under the new names (Figure 2)")
    func renamedLeader() throws {
        var leader = server(s1, term: 1, log: [entry(1)])
        _ = elect(&leader, votesFrom: [s2])
        let moved = try #require(leader.renamed(by: rotation))
        #expect(moved.id == s2 && moved.votedFor == s2 && moved.currentTerm == leader.currentTerm)
        #expect(moved.log == leader.log && moved.isLeader)
        guard case .leader(let before) = leader.role, case .leader(let after) = moved.role else {
            Issue.record("not a leader")
            return
        }
        #expect(after.matchIndex == rotation.reindexed(before.matchIndex))
        #expect(after.nextIndex == rotation.reindexed(before.nextIndex))
    }

    @Test("A server cannot be renamed without itself, or without the server it voted for")
    func removalThatNeedsTheServer() throws {
        let voter = server(s3, term: 1, votedFor: s2)
        #expect(voter.renamed(by: withoutS2) == nil)
        #expect(server(s2).renamed(by: withoutS2) == nil)
        let moved = try #require(server(s3, term: 1, votedFor: s1).renamed(by: withoutS2))
        #expect(moved == server(s2, of: 2, term: 1, votedFor: s1))
    }
}
