import RaftTestSupport
import Testing

@testable import RaftCore

@Suite("§5.1 Terms")
struct TermTests {
    @Test(
        "A server seeing a higher term adopts it, clears its vote and becomes follower", arguments: Role.Kind.allCases)
    func adoptsHigherTerm(_ start: Role.Kind) {
        var node: RaftNode
        switch start {
        case .follower: node = server(s1, term: 1, votedFor: s1)
        case .preCandidate:
            node = RaftNode(
                id: s1, serverCount: 3, options: ProtocolOptions(preVote: true),
                restoring: DurableState(currentTerm: 1))
            _ = node.handle(.electionTimeout)
        case .candidate:
            node = server(s1, term: 0)
            _ = node.handle(.electionTimeout)
        case .leader: node = leader(s1, term: 1)
        }
        #expect(node.role.kind == start)
        let ready = deliver(appendEntries(term: 5, prev: (0, 0), entries: [], commit: 0), from: s2, to: &node)
        #expect(node.currentTerm == 5)
        #expect(node.role == .follower(leader: s2))
        #expect(node.votedFor == nil)
        #expect(ready.persist?.currentTerm == 5)
    }

    @Test("A reply carrying a higher term also makes a leader step down")
    func higherTermInReply() {
        var node = leader(s1, term: 2)
        _ = deliver(
            .appendEntriesResponse(AppendEntriesResponse(term: 3, success: false, matchIndex: 0)), from: s2, to: &node)
        #expect(node.role == .follower(leader: nil))
        #expect(node.currentTerm == 3)
    }

    @Test("AppendEntries and RequestVote from an older term are refused with the current term")
    func refusesStaleTerm() {
        var node = server(s1, term: 4)
        let append = onlyMessage(
            deliver(appendEntries(term: 3, prev: (0, 0), entries: [entry(3)], commit: 0), from: s2, to: &node))
        #expect(append.message == .appendEntriesResponse(AppendEntriesResponse(term: 4, success: false, matchIndex: 0)))
        let vote = onlyMessage(deliver(requestVote(term: 3, last: (9, 9)), from: s2, to: &node))
        #expect(vote.message == .requestVoteResponse(RequestVoteResponse(term: 4, voteGranted: false)))
        #expect(node.log.lastIndex == 0)
        #expect(node.votedFor == nil)
    }
}

@Suite("§5.2 Leader election")
struct ElectionTests {
    @Test("An election timeout starts a new term, votes for itself and asks every peer")
    func startsElection() {
        var node = server(s1, term: 2, log: [entry(1), entry(2)])
        let ready = node.handle(.electionTimeout)
        #expect(node.currentTerm == 3)
        #expect(node.votedFor == s1)
        #expect(node.role == .candidate(votesGranted: NodeSet([s1])))
        #expect(ready.messages.map(\.to) == [s2, s3])
        #expect(ready.messages.allSatisfy { $0.message == requestVote(term: 3, last: (2, 2)) })
        #expect(ready.persist == DurableState(currentTerm: 3, votedFor: s1, log: Log([entry(1), entry(2)])))
    }

    @Test("Votes from a majority make a candidate leader, which sends empty AppendEntries as heartbeats")
    func majorityWins() {
        var node = server(s1, term: 0)
        _ = node.handle(.electionTimeout)
        let ready = deliver(.requestVoteResponse(RequestVoteResponse(term: 1, voteGranted: true)), from: s2, to: &node)
        #expect(node.isLeader)
        #expect(ready.messages.count == 2)
        #expect(
            ready.messages.allSatisfy { $0.message == appendEntries(term: 1, prev: (0, 0), entries: [], commit: 0) })
        #expect(ready.timers.contains(.resetHeartbeatTimer))
    }

    @Test("A denied vote or a vote from an earlier term does not count")
    func onlyCurrentTermGrantsCount() {
        var node = server(s1, of: 5, term: 0)
        _ = node.handle(.electionTimeout)
        _ = node.handle(.electionTimeout)  // now term 2
        _ = deliver(.requestVoteResponse(RequestVoteResponse(term: 1, voteGranted: true)), from: s2, to: &node)
        _ = deliver(.requestVoteResponse(RequestVoteResponse(term: 2, voteGranted: false)), from: s3, to: &node)
        #expect(node.role == .candidate(votesGranted: NodeSet([s1])))
    }

    @Test("A server grants one vote per term, persisted before its reply leaves")
    func oneVotePerTerm() {
        var node = server(s1, term: 1)
        let first = deliver(requestVote(term: 1, last: (0, 0)), from: s2, to: &node)
        #expect(onlyMessage(first).message == .requestVoteResponse(RequestVoteResponse(term: 1, voteGranted: true)))
        #expect(first.persist?.votedFor == s2)
        var shell = RecordingShell()
        first.carryOut(into: &shell)
        #expect(shell.events.first == "persist term 1")
        #expect(shell.events.dropFirst().first == "send to s2")
        let second = deliver(requestVote(term: 1, last: (0, 0)), from: s3, to: &node)
        #expect(onlyMessage(second).message == .requestVoteResponse(RequestVoteResponse(term: 1, voteGranted: false)))
        let again = deliver(requestVote(term: 1, last: (0, 0)), from: s2, to: &node)
        #expect(onlyMessage(again).message == .requestVoteResponse(RequestVoteResponse(term: 1, voteGranted: true)))
    }

    @Test("A candidate that hears from the leader of its term becomes its follower")
    func candidateYieldsToLeader() {
        var node = server(s1, term: 0)
        _ = node.handle(.electionTimeout)
        _ = deliver(appendEntries(term: 1, prev: (0, 0), entries: [], commit: 0), from: s2, to: &node)
        #expect(node.role == .follower(leader: s2))
        #expect(node.votedFor == s1)
    }
}

@Suite("§5.4.1 Election restriction")
struct ElectionRestrictionTests {
    @Test(
        "A vote goes only to a candidate whose log is at least as up to date: last term first, then length",
        arguments: [
            ((2, 1), false),  // shorter, same last term
            ((3, 1), true),  // same length and last term
            ((1, 2), true),  // shorter but later last term
            ((5, 0), false),  // longer but earlier last term
        ] as [((LogIndex, Term), Bool)])
    func upToDate(_ candidateLast: (LogIndex, Term), _ granted: Bool) {
        var node = server(s1, term: 2, log: [entry(1), entry(1), entry(1)])
        let ready = deliver(requestVote(term: 2, last: candidateLast), from: s2, to: &node)
        #expect(onlyMessage(ready).message == .requestVoteResponse(RequestVoteResponse(term: 2, voteGranted: granted)))
        #expect(node.votedFor == (granted ? s2 : nil))
    }
}

@Suite("§5.3 Log replication")
struct ReplicationTests {
    @Test("A follower refuses AppendEntries whose previous entry it lacks or holds with another term")
    func consistencyCheck() {
        var node = server(s1, term: 2, log: [entry(1)])
        let missing = onlyMessage(
            deliver(appendEntries(term: 2, prev: (2, 1), entries: [entry(2)], commit: 0), from: s2, to: &node))
        #expect(
            missing.message == .appendEntriesResponse(AppendEntriesResponse(term: 2, success: false, matchIndex: 0)))
        let otherTerm = onlyMessage(
            deliver(appendEntries(term: 2, prev: (1, 2), entries: [entry(2)], commit: 0), from: s2, to: &node))
        #expect(
            otherTerm.message == .appendEntriesResponse(AppendEntriesResponse(term: 2, success: false, matchIndex: 0)))
        #expect(node.log == Log([entry(1)]))
    }

    @Test("A stale or duplicate AppendEntries never truncates entries that do not conflict")
    func noTruncationWithoutConflict() {
        var node = server(s1, term: 1, log: [entry(1, 1), entry(1, 2)])
        let ready = deliver(
            appendEntries(term: 1, prev: (0, 0), entries: [entry(1, 1)], commit: 0), from: s2, to: &node)
        #expect(node.log == Log([entry(1, 1), entry(1, 2)]))
        #expect(ready.persist == nil)
        #expect(
            onlyMessage(ready).message
                == .appendEntriesResponse(AppendEntriesResponse(term: 1, success: true, matchIndex: 1)))
    }

    @Test("A conflicting entry (same index, other term) is deleted with all that follow it")
    func truncatesOnConflict() {
        var node = server(s1, term: 3, log: [entry(1, 1), entry(2, 2), entry(2, 3)])
        _ = deliver(appendEntries(term: 3, prev: (1, 1), entries: [entry(3, 9)], commit: 0), from: s2, to: &node)
        #expect(node.log == Log([entry(1, 1), entry(3, 9)]))
    }

    @Test("commitIndex = min(leaderCommit, index of the last new entry)")
    func commitBoundedByLastNewEntry() {
        var node = server(s1, term: 2, log: [entry(1, 1), entry(1, 2), entry(1, 3)])
        _ = deliver(appendEntries(term: 2, prev: (0, 0), entries: [entry(1, 1)], commit: 3), from: s2, to: &node)
        #expect(node.commitIndex == 1)
        let ready = deliver(
            appendEntries(term: 2, prev: (1, 1), entries: [entry(1, 2)], commit: 3), from: s2, to: &node)
        #expect(node.commitIndex == 2)
        #expect(ready.committed.map(\.index) == [2])
    }

    @Test("Committed entries are applied once each, in index order")
    func appliesInOrder() {
        var node = server(s1, term: 1)
        let ready = deliver(
            appendEntries(term: 1, prev: (0, 0), entries: [entry(1, 1), entry(1, 2), entry(1, 3)], commit: 3), from: s2,
            to: &node)
        #expect(ready.committed.map(\.index) == [1, 2, 3])
        #expect(node.lastApplied == 3)
        let again = deliver(appendEntries(term: 1, prev: (3, 1), entries: [], commit: 3), from: s2, to: &node)
        #expect(again.committed.isEmpty)
    }

    @Test("A rejected AppendEntries makes the leader back off nextIndex and retry with entries")
    func backsOffOnRejection() {
        var node = leader(s1, term: 3, log: [entry(1), entry(2)])
        let ready = deliver(
            .appendEntriesResponse(AppendEntriesResponse(term: 3, success: false, matchIndex: 0)), from: s2, to: &node)
        #expect(onlyMessage(ready).message == appendEntries(term: 3, prev: (1, 1), entries: [entry(2)], commit: 0))
    }

    @Test("The leader ignores replies from older terms")
    func ignoresOldReplies() {
        var node = leader(s1, term: 3, log: [entry(3)])
        let before = node
        let ready = deliver(
            .appendEntriesResponse(AppendEntriesResponse(term: 2, success: true, matchIndex: 1)), from: s2, to: &node)
        #expect(node == before)
        #expect(ready.isEmpty)
    }

    @Test("The leader appends a client command and sends it to every follower")
    func leaderAppendsClientRequest() {
        var node = leader(s1, term: 1)
        let command = Command(key: 1, value: 7)
        let ready = node.handle(.clientRequest(command))
        #expect(node.log == Log([Entry(term: 1, command: command)]))
        #expect(ready.clientReplies == [.accepted(command, index: 1, term: 1)])
        #expect(ready.persist?.log == node.log)
        #expect(ready.messages.count == 2)
    }
}

@Suite("§5.4.2 Committing entries from previous terms")
struct CommitRuleTests {
    @Test("A majority holding an older-term entry does not commit it; a current-term entry commits both")
    func onlyCurrentTermByCounting() {
        var node = leader(s1, term: 3, log: [entry(1)])
        _ = deliver(
            .appendEntriesResponse(AppendEntriesResponse(term: 3, success: true, matchIndex: 1)), from: s2, to: &node)
        #expect(node.commitIndex == 0)
        _ = node.handle(.clientRequest(Command(key: 0, value: 2)))
        let ready = deliver(
            .appendEntriesResponse(AppendEntriesResponse(term: 3, success: true, matchIndex: 2)), from: s2, to: &node)
        #expect(node.commitIndex == 2)
        #expect(ready.committed.map(\.index) == [1, 2])
        #expect(ready.clientReplies == [.committed(Command(key: 0, value: 2), index: 2)])
    }

    @Test("The commit-previous-term mutant commits by counting alone (Figure 8)")
    func mutantCommitsOldTerm() {
        var node = leader(s1, term: 3, log: [entry(1)], mutant: .commitPreviousTerm)
        _ = deliver(
            .appendEntriesResponse(AppendEntriesResponse(term: 3, success: true, matchIndex: 1)), from: s2, to: &node)
        #expect(node.commitIndex == 1)
    }
}

@Suite("§8 Client interaction")
struct ClientTests {
    @Test("A follower refuses a client request and names the leader it knows")
    func followerRedirects() {
        var node = server(s1, term: 1)
        _ = deliver(appendEntries(term: 1, prev: (0, 0), entries: [], commit: 0), from: s3, to: &node)
        let ready = node.handle(.clientRequest(Command(key: 0, value: 1)))
        #expect(ready.clientReplies == [.notLeader(leaderHint: s3)])
        #expect(node.log.lastIndex == 0)
    }

    @Test("A candidate refuses a client request without a hint")
    func candidateRedirects() {
        var node = server(s1, term: 1)
        _ = node.handle(.electionTimeout)
        #expect(node.handle(.clientRequest(Command(key: 0, value: 1))).clientReplies == [.notLeader(leaderHint: nil)])
    }
}

@Suite("Figure 2: persistent state")
struct PersistenceTests {
    @Test("A restart recovers only persisted state: term, vote and log; a follower with commit index 0")
    func restartRecoversDurableState() {
        var node = server(s1, term: 1)
        _ = deliver(appendEntries(term: 1, prev: (0, 0), entries: [entry(1)], commit: 1), from: s2, to: &node)
        let ready = deliver(requestVote(term: 2, last: (1, 1)), from: s3, to: &node)
        let disk = ready.persist!
        let restarted = RaftNode(id: s1, serverCount: 3, restoring: disk)
        #expect(restarted.currentTerm == 2)
        #expect(restarted.votedFor == s3)
        #expect(restarted.log == Log([entry(1)]))
        #expect(restarted.commitIndex == 0)
        #expect(restarted.lastApplied == 0)
        #expect(restarted.role == .follower(leader: nil))
    }

    @Test("The forget-vote-on-restart mutant leaves the vote out of what it persists")
    func mutantForgetsVote() {
        var node = server(s1, term: 1, mutant: .forgetVoteOnRestart)
        let ready = deliver(requestVote(term: 1, last: (0, 0)), from: s2, to: &node)
        #expect(node.votedFor == s2)
        #expect(ready.persist?.votedFor == nil)
    }

    @Test("Effects are carried out persist first, then send, then apply")
    func carryOutOrder() {
        var node = leader(s1, term: 1)
        _ = node.handle(.clientRequest(Command(key: 0, value: 1)))
        let ready = deliver(
            .appendEntriesResponse(AppendEntriesResponse(term: 1, success: true, matchIndex: 1)), from: s2, to: &node)
        var shell = RecordingShell()
        var clientReady = node.handle(.clientRequest(Command(key: 0, value: 2)))
        clientReady.carryOut(into: &shell)
        #expect(shell.events.prefix(3) == ["persist term 1", "send to s2", "send to s3"])
        shell = RecordingShell()
        ready.carryOut(into: &shell)
        #expect(shell.events.first == "apply 1")
        clientReady = Ready()
        #expect(clientReady.isEmpty)
    }
}

@Suite("§5.2 and Figure 2: timers and terms around a refused vote")
struct RefusedVoteTests {
    /// Students' Guide, "Livelocks": the election timer restarts only on granting a vote, so a
    /// stale candidate cannot keep an up-to-date server from campaigning (RB-29 breaks this).
    @Test("A refused RequestVote does not reset the election timer; a granted one does")
    func timerResetOnlyOnGrant() {
        var refusing = server(s1, term: 2, log: [entry(2)])
        let refused = deliver(requestVote(term: 2, last: (0, 0)), from: s2, to: &refusing)
        #expect(!refused.timers.contains(.resetElectionTimer))
        var granting = server(s1, term: 2, log: [entry(2)])
        let granted = deliver(requestVote(term: 2, last: (1, 2)), from: s2, to: &granting)
        #expect(granted.timers.contains(.resetElectionTimer))
        var mutant = server(s1, term: 2, log: [entry(2)], mutant: .resetTimerWrongly)
        #expect(deliver(requestVote(term: 2, last: (0, 0)), from: s2, to: &mutant).timers.contains(.resetElectionTimer))
    }

    /// Figure 2, Rules for All Servers: a higher term is adopted whatever the request's fate
    /// (RB-30 refuses a stale candidate before adopting its term).
    @Test("A server adopts a stale candidate's higher term even while refusing its vote")
    func higherTermAdoptedOnRefusal() {
        var node = server(s1, term: 2, log: [entry(2)])
        let ready = deliver(requestVote(term: 5, last: (0, 0)), from: s2, to: &node)
        #expect(node.currentTerm == 5)
        #expect(onlyMessage(ready).message == .requestVoteResponse(RequestVoteResponse(term: 5, voteGranted: false)))
        var mutant = server(s1, term: 2, log: [entry(2)], mutant: .ignoreHigherTerm)
        let refused = deliver(requestVote(term: 5, last: (0, 0)), from: s2, to: &mutant)
        #expect(mutant.currentTerm == 2)
        #expect(onlyMessage(refused).to == s2)
        #expect(onlyMessage(refused).message == .requestVoteResponse(RequestVoteResponse(term: 2, voteGranted: false)))
    }
}
