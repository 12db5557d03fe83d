import RaftTestSupport
import Testing

@testable import RaftCore

/// ReadIndex's switches: reads need the no-op (section 8).
private let readIndexOn = ProtocolOptions(leaderNoOp: true, readIndex: true)

/// c1's first get of key x.
private let get = SessionCommand(client: 0, sequence: 1, key: 0, kind: .get)

/// s1, just elected leader of term 2 over a log holding x=1 from term 1 (uncommitted here): its
/// no-op sits at index 2, not yet acknowledged by anyone.
private func newLeader(mutant: Mutant? = nil) -> RaftNode {
    var node = RaftNode(
        id: s1, serverCount: 3, mutant: mutant, options: readIndexOn,
        restoring: DurableState(currentTerm: 1, log: Log([entry(1, 1)])))
    _ = elect(&node, votesFrom: [s2])
    precondition(node.isLeader && node.currentTerm == 2 && node.log.lastIndex == 2)
    return node
}

/// `follower`'s reply to an AppendEntries of `term` that echoes read round `round`.
private func acknowledgement(term: Term = 2, match: LogIndex = 2, round: Int) -> Message {
    .appendEntriesResponse(AppendEntriesResponse(term: term, success: true, matchIndex: match, readRound: round))
}

private func readRounds(in ready: Ready) -> [Int] {
    ready.messages.compactMap { envelope in
        guard case .appendEntries(let request) = envelope.message else { return nil }
        return request.readRound
    }
}

private func reads(of node: RaftNode) -> ReadIndexState {
    guard case .leader(let progress) = node.role else { return ReadIndexState() }
    return progress.reads
}

/// s1 after its no-op committed (s2 acknowledged it) and a get arrived: the read is registered at
/// read index 2 with round 1, whose heartbeats are out.
private func leaderWithRegisteredRead(mutant: Mutant? = nil) -> (RaftNode, Ready) {
    var node = newLeader(mutant: mutant)
    _ = deliver(acknowledgement(round: 0), from: s2, to: &node)
    precondition(node.commitIndex == 2)
    let ready = node.handle(.sessionRequest(get))
    return (node, ready)
}

@Suite("ReadIndex: a get served without a log entry (the thesis, section 6.4)")
struct ReadIndexTests {
    @Test("Step 1: a new leader defers a read until it has committed an entry of its term (6.4, section 8)")
    func defersUntilTermCommit() {
        var node = newLeader()
        let early = node.handle(.sessionRequest(get))
        #expect(early.clientReplies.isEmpty)
        #expect(early.messages.isEmpty, "no read round before the no-op commits")
        #expect(reads(of: node).pending == [PendingRead(command: get, readIndex: 0, round: 0)])
        // The no-op commits: the read is registered and its round starts.
        let commit = deliver(acknowledgement(round: 0), from: s2, to: &node)
        #expect(node.commitIndex == 2)
        #expect(reads(of: node).pending == [PendingRead(command: get, readIndex: 2, round: 1)])
        #expect(readRounds(in: commit) == [1, 1])
        #expect(commit.clientReplies.isEmpty)
    }

    @Test("Step 1: the read index is the commit index when the read is registered, and no entry is appended")
    func recordsCommitIndex() {
        let (node, ready) = leaderWithRegisteredRead()
        #expect(node.log.lastIndex == 2, "a read appends nothing")
        #expect(ready.persist == nil)
        #expect(reads(of: node).pending.map(\.readIndex) == [node.commitIndex])
        #expect(readRounds(in: ready) == [1, 1])
    }

    @Test("Steps 2-3: only a majority's acknowledgements of this round, in this term, confirm the read")
    func confirmsOnlyWithFreshQuorum() {
        var (node, _) = leaderWithRegisteredRead()
        // An acknowledgement of no read round, or of another one, proves nothing about this read.
        #expect(deliver(acknowledgement(round: 0), from: s2, to: &node).clientReplies.isEmpty)
        #expect(deliver(acknowledgement(round: 2), from: s3, to: &node).clientReplies.isEmpty)
        // Nor does one from an earlier term, even echoing the round.
        #expect(deliver(acknowledgement(term: 1, match: 1, round: 1), from: s3, to: &node).clientReplies.isEmpty)
        #expect(reads(of: node).acknowledged.isEmpty)
        let confirmed = deliver(acknowledgement(round: 1), from: s2, to: &node)
        #expect(confirmed.clientReplies == [.read(get, index: 2)])
        #expect(reads(of: node).pending.isEmpty)
    }

    @Test("Step 3: a follower echoes the read round of the AppendEntries it answers, rejected or not")
    func followerEchoesRound() {
        var node = follower(s2, term: 2, log: [entry(1, 1)], commit: 1)
        let heartbeat = AppendEntries(
            term: 2, prevLogIndex: 1, prevLogTerm: 1, entries: [], leaderCommit: 1, readRound: 3)
        let reply = onlyMessage(deliver(.appendEntries(heartbeat), from: s1, to: &node))
        guard case .appendEntriesResponse(let response) = reply.message else {
            Issue.record("expected an AppendEntriesResponse, got \(reply)")
            return
        }
        #expect(response.readRound == 3 && response.success)
        let mismatched = AppendEntries(
            term: 2, prevLogIndex: 5, prevLogTerm: 2, entries: [], leaderCommit: 1, readRound: 4)
        let refusal = onlyMessage(deliver(.appendEntries(mismatched), from: s1, to: &node))
        guard case .appendEntriesResponse(let rejected) = refusal.message else { return }
        #expect(rejected.readRound == 4 && !rejected.success)
    }

    @Test("A later round confirms every read registered before it; a retry joins its waiting read")
    func laterRoundConfirmsEarlierReads() {
        var (node, _) = leaderWithRegisteredRead()
        #expect(node.handle(.sessionRequest(get)).messages.isEmpty, "a retry starts no second round")
        let other = SessionCommand(client: 1, sequence: 1, key: 0, kind: .get)
        #expect(readRounds(in: node.handle(.sessionRequest(other))) == [2, 2])
        let confirmed = deliver(acknowledgement(round: 2), from: s3, to: &node)
        #expect(confirmed.clientReplies == [.read(get, index: 2), .read(other, index: 2)])
    }

    @Test("Step 4: a confirmed read waits until the state machine has applied its read index")
    func waitsForApply() {
        var (node, _) = leaderWithRegisteredRead()
        // The shape an asynchronous apply would leave: committed through 2, applied through 1.
        node.lastApplied = 1
        guard case .leader(var progress) = node.role else { return }
        progress.reads.acknowledged.insert(s2)
        node.role = .leader(progress)
        var early = Ready()
        node.advanceReads(&early)
        #expect(early.clientReplies.isEmpty, "answered before applying index 2")
        // The next input applies index 2; the answer follows the apply (Ready's order).
        let ready = node.handle(.heartbeatTimeout)
        #expect(ready.committed.map(\.index) == [2])
        #expect(ready.clientReplies == [.read(get, index: 2)])
    }

    @Test("Reads are volatile: stepping down or restarting loses them, and the client retries")
    func lostOnStepDownAndRestart() {
        var (node, _) = leaderWithRegisteredRead()
        let restarted = RaftNode(id: s1, serverCount: 3, options: readIndexOn, restoring: node.durableState)
        #expect(reads(of: restarted).isEmpty && !restarted.isLeader)
        let stepDown = deliver(acknowledgement(term: 3, match: 0, round: 1), from: s2, to: &node)
        #expect(!node.isLeader)
        #expect(stepDown.clientReplies.isEmpty)
        #expect(node.handle(.sessionRequest(get)).clientReplies == [.redirected(get, leaderHint: nil)])
    }

    @Test("With ReadIndex off a get goes through the log as before")
    func offGoesThroughLog() {
        var node = RaftNode(
            id: s1, serverCount: 3, options: ProtocolOptions(leaderNoOp: true),
            restoring: DurableState(currentTerm: 1, log: Log([entry(1, 1)])))
        _ = elect(&node, votesFrom: [s2])
        _ = node.handle(.sessionRequest(get))
        #expect(node.log.lastIndex == 3)
        #expect(node.log[3].payload == .session(get))
    }

    @Test("RB-26 read-without-quorum answers from local state at once, without a heartbeat round")
    func readWithoutQuorum() {
        var node = newLeader(mutant: .readWithoutQuorum)
        let ready = node.handle(.sessionRequest(get))
        #expect(ready.clientReplies == [.read(get, index: 0)])
        #expect(readRounds(in: ready).isEmpty)
    }

    @Test(
        "Step 2: an acknowledgement of an earlier round, sent before a later read arrived, does not confirm it (RB-28)")
    func staleRoundAcknowledgementIgnored() {
        var (node, _) = leaderWithRegisteredRead()
        // s3 confirms round 1; s2's answer to round 1 is still in flight.
        #expect(deliver(acknowledgement(round: 1), from: s3, to: &node).clientReplies == [.read(get, index: 2)])
        let later = SessionCommand(client: 1, sequence: 1, key: 0, kind: .get)
        #expect(readRounds(in: node.handle(.sessionRequest(later))) == [2, 2])
        #expect(deliver(acknowledgement(round: 1), from: s2, to: &node).clientReplies.isEmpty)
        #expect(reads(of: node).pending.map(\.command) == [later])
    }

    @Test("RB-28 read-stale-acks lets an earlier round's acknowledgement in flight confirm a later read")
    func readStaleAcks() {
        var (node, _) = leaderWithRegisteredRead(mutant: .readStaleAcks)
        #expect(deliver(acknowledgement(round: 1), from: s3, to: &node).clientReplies == [.read(get, index: 2)])
        let later = SessionCommand(client: 1, sequence: 1, key: 0, kind: .get)
        // The round keeps its id (etcd's retried request context) and waits for a majority again.
        #expect(readRounds(in: node.handle(.sessionRequest(later))) == [1, 1])
        #expect(reads(of: node).pending == [PendingRead(command: later, readIndex: 2, round: 1)])
        #expect(deliver(acknowledgement(round: 1), from: s2, to: &node).clientReplies == [.read(later, index: 2)])
    }

    @Test("RB-27 read-before-term-commit registers the read at a commit index of an earlier leader")
    func readBeforeTermCommit() {
        var node = newLeader(mutant: .readBeforeTermCommit)
        let ready = node.handle(.sessionRequest(get))
        #expect(reads(of: node).pending == [PendingRead(command: get, readIndex: 0, round: 1)])
        #expect(readRounds(in: ready) == [1, 1])
    }
}
