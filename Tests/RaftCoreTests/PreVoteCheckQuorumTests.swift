import RaftTestSupport
import Testing

@testable import RaftCore

/// A server of a 3-server cluster with the given switches, restored at `term` with `log`.
private func node(
    _ id: NodeID, term: Term = 0, votedFor: NodeID? = nil, log: [Entry] = [], preVote: Bool = false,
    checkQuorum: Bool = false, mutant: Mutant? = nil
) -> RaftNode {
    RaftNode(
        id: id, serverCount: 3, mutant: mutant, options: ProtocolOptions(preVote: preVote, checkQuorum: checkQuorum),
        restoring: DurableState(currentTerm: term, votedFor: votedFor, log: Log(log)))
}

/// A follower that has heard from leader s1 in `term`.
private func followerOfS1(
    _ id: NodeID, term: Term, preVote: Bool = false, checkQuorum: Bool = false, mutant: Mutant? = nil
) -> RaftNode {
    var follower = node(id, term: term, preVote: preVote, checkQuorum: checkQuorum, mutant: mutant)
    _ = deliver(appendEntries(term: term, prev: (0, 0), entries: [], commit: 0), from: s1, to: &follower)
    precondition(follower.role == .follower(leader: s1))
    return follower
}

/// A leader of term 1 (elected with s2's vote) with the given switches.
private func leaderS1(checkQuorum: Bool, mutant: Mutant? = nil) -> RaftNode {
    var leader = node(s1, checkQuorum: checkQuorum, mutant: mutant)
    _ = elect(&leader, votesFrom: [s2])
    precondition(leader.isLeader)
    return leader
}

private func preVote(term: Term, last: (LogIndex, Term)) -> Message {
    .preVote(RequestVote(term: term, lastLogIndex: last.0, lastLogTerm: last.1))
}

private func preVoteResponse(term: Term, granted: Bool) -> Message {
    .preVoteResponse(RequestVoteResponse(term: term, voteGranted: granted))
}

@Suite("§9.6 PreVote")
struct PreVoteTests {
    @Test("A timeout starts a pre-election at term + 1 without changing term or vote, or persisting")
    func preElection() {
        var s = node(s1, term: 2, votedFor: s3, log: [entry(1)], preVote: true)
        let ready = s.handle(.electionTimeout)
        #expect(s.role == .preCandidate(votesGranted: NodeSet([s1])))
        #expect(s.currentTerm == 2 && s.votedFor == s3)
        #expect(ready.persist == nil)
        #expect(ready.messages.map(\.to) == [s2, s3])
        #expect(ready.messages.allSatisfy { $0.message == preVote(term: 3, last: (1, 1)) })
        #expect(Array(ready.timers) == [.resetElectionTimer])
    }

    @Test("A majority of pre-votes starts the real election; a denied or stale grant does not count")
    func majorityStartsElection() {
        var s = node(s1, term: 2, preVote: true)
        _ = s.handle(.electionTimeout)
        _ = deliver(preVoteResponse(term: 2, granted: false), from: s2, to: &s)
        _ = deliver(preVoteResponse(term: 2, granted: true), from: s2, to: &s)
        #expect(s.role == .preCandidate(votesGranted: NodeSet([s1])))
        let ready = deliver(preVoteResponse(term: 3, granted: true), from: s3, to: &s)
        #expect(s.role.kind == .candidate && s.currentTerm == 3 && s.votedFor == s1)
        #expect(ready.persist?.currentTerm == 3)
        #expect(ready.messages.allSatisfy { $0.message == requestVote(term: 3, last: (0, 0)) })
    }

    @Test("A server without a leader grants a pre-vote and changes nothing: no term, vote, persist or timer")
    func grantChangesNothing() {
        var s = node(s2, term: 2, votedFor: s3, preVote: true)
        let before = s
        let ready = deliver(preVote(term: 3, last: (0, 0)), from: s1, to: &s)
        #expect(onlyMessage(ready).message == preVoteResponse(term: 3, granted: true))
        #expect(s == before)
        #expect(ready.persist == nil && ready.timers.isEmpty)
    }

    @Test("A server that heard from a leader within an election timeout refuses a pre-vote, at its own term")
    func refusedWhileLeaderKnown() {
        var s = followerOfS1(s2, term: 2, preVote: true)
        let ready = deliver(preVote(term: 3, last: (5, 2)), from: s3, to: &s)
        #expect(onlyMessage(ready).message == preVoteResponse(term: 2, granted: false))
        #expect(s.currentTerm == 2 && s.role == .follower(leader: s1))
    }

    @Test("Once its own timer fired it no longer counts as hearing from the leader, and grants")
    func grantsAfterOwnTimeout() {
        var s = followerOfS1(s2, term: 2, preVote: true)
        _ = s.handle(.electionTimeout)
        let ready = deliver(preVote(term: 3, last: (0, 0)), from: s3, to: &s)
        #expect(onlyMessage(ready).message == preVoteResponse(term: 3, granted: true))
    }

    @Test("A pre-vote from a pre-candidate with a less up-to-date log is refused (§5.4.1)")
    func logCheck() {
        var s = node(s2, term: 2, log: [entry(1), entry(2)], preVote: true)
        let ready = deliver(preVote(term: 3, last: (5, 1)), from: s1, to: &s)
        #expect(onlyMessage(ready).message == preVoteResponse(term: 2, granted: false))
    }

    @Test("A pre-vote's higher term and a grant's are not adopted; a refusal's higher term is (etcd #8243)")
    func termRules() {
        var receiver = node(s2, term: 2, preVote: true)
        _ = deliver(preVote(term: 9, last: (0, 0)), from: s1, to: &receiver)
        #expect(receiver.currentTerm == 2)

        var follower = node(s1, term: 2, preVote: true)
        _ = deliver(preVoteResponse(term: 3, granted: true), from: s2, to: &follower)
        #expect(follower.currentTerm == 2 && follower.role == .follower(leader: nil))
        var lagging = node(s1, term: 2, preVote: true)
        _ = lagging.handle(.electionTimeout)
        let ready = deliver(preVoteResponse(term: 7, granted: false), from: s3, to: &lagging)
        #expect(lagging.currentTerm == 7 && lagging.role == .follower(leader: nil))
        #expect(ready.persist?.currentTerm == 7)
    }

    @Test("RB-30 (PreVote): the mutant leaves a refusal's higher term unadopted")
    func mutantKeepsLaggingTerm() {
        var lagging = node(s1, term: 2, preVote: true, mutant: .preVoteKeepsLaggingTerm)
        _ = lagging.handle(.electionTimeout)
        _ = deliver(preVoteResponse(term: 7, granted: false), from: s3, to: &lagging)
        #expect(lagging.currentTerm == 2 && lagging.role.kind == .preCandidate)
    }

    @Test("The pre-vote-despite-leader mutant grants while following a live leader")
    func mutantGrantsDespiteLeader() {
        var s = followerOfS1(s2, term: 2, preVote: true, mutant: .preVoteDespiteLeader)
        let ready = deliver(preVote(term: 3, last: (0, 0)), from: s3, to: &s)
        #expect(onlyMessage(ready).message == preVoteResponse(term: 3, granted: true))
    }

    @Test("With PreVote off a timeout starts the real election at once (Figure 2)")
    func offIsFigure2() {
        var s = node(s1, term: 2)
        _ = s.handle(.electionTimeout)
        #expect(s.role.kind == .candidate && s.currentTerm == 3)
    }
}

@Suite("§6.2, §9.6 CheckQuorum")
struct CheckQuorumTests {
    @Test("A new leader arms its election timer for the first quorum check only with CheckQuorum on")
    func armsCheck() {
        var on = node(s1, checkQuorum: true)
        var off = node(s1)
        let readyOn = elect(&on, votesFrom: [s2])
        let readyOff = elect(&off, votesFrom: [s2])
        #expect(Array(readyOn.timers) == [.resetElectionTimer, .resetHeartbeatTimer])
        #expect(Array(readyOff.timers) == [.resetHeartbeatTimer])
    }

    @Test("A leader that heard from no follower since the last check steps down at its election timeout")
    func stepsDownWithoutMajority() {
        var leader = leaderS1(checkQuorum: true)
        let ready = leader.handle(.electionTimeout)
        #expect(leader.role == .follower(leader: nil) && leader.currentTerm == 1)
        #expect(Array(ready.timers) == [.resetElectionTimer])
    }

    @Test("One reply from a follower is a majority with the leader counted once; the check starts afresh")
    func keepsLeadingWithMajority() {
        var leader = leaderS1(checkQuorum: true)
        _ = deliver(
            .appendEntriesResponse(AppendEntriesResponse(term: 1, success: true, matchIndex: 0)), from: s3,
            to: &leader)
        let ready = leader.handle(.electionTimeout)
        #expect(leader.isLeader)
        #expect(Array(ready.timers) == [.resetElectionTimer])
        _ = leader.handle(.electionTimeout)
        #expect(!leader.isLeader)
    }

    @Test("The counts-self-twice mutant keeps leading with no follower heard from")
    func mutantCountsSelfTwice() {
        var leader = leaderS1(checkQuorum: true, mutant: .checkQuorumSelfTwice)
        _ = leader.handle(.electionTimeout)
        #expect(leader.isLeader)
    }

    @Test("With CheckQuorum off a leader's election timeout does nothing")
    func offDoesNothing() {
        var leader = leaderS1(checkQuorum: false)
        let before = leader
        #expect(leader.handle(.electionTimeout).isEmpty)
        #expect(leader == before)
    }

    @Test("The lease: a follower of a live leader ignores a higher-term RequestVote and pre-vote entirely")
    func leaseIgnoresVotes() {
        var s = followerOfS1(s2, term: 2, preVote: true, checkQuorum: true)
        let before = s
        #expect(deliver(requestVote(term: 5, last: (9, 9)), from: s3, to: &s).isEmpty)
        #expect(deliver(preVote(term: 5, last: (9, 9)), from: s3, to: &s).isEmpty)
        #expect(s == before)
        var leader = leaderS1(checkQuorum: true)
        #expect(deliver(requestVote(term: 5, last: (9, 9)), from: s3, to: &leader).isEmpty)
        #expect(leader.isLeader && leader.currentTerm == 1)
    }

    @Test("Without the lease (CheckQuorum off, or the timer fired) the higher-term RequestVote is heard")
    func noLease() {
        var off = followerOfS1(s2, term: 2)
        _ = deliver(requestVote(term: 5, last: (9, 9)), from: s3, to: &off)
        #expect(off.currentTerm == 5 && off.votedFor == s3)
        var timedOut = followerOfS1(s2, term: 2, preVote: true, checkQuorum: true)
        _ = timedOut.handle(.electionTimeout)
        _ = deliver(requestVote(term: 5, last: (9, 9)), from: s3, to: &timedOut)
        #expect(timedOut.currentTerm == 5 && timedOut.votedFor == s3)
    }
}
