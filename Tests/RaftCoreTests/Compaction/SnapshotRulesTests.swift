import RaftTestSupport
import Testing

@testable import RaftCore

/// A state the shell might hand over; RaftCore only stores and ships it.
private let state = SnapshotState(words: [7, 0])

/// A follower of `term` (its leader s1) holding `log`, of which `applied` entries are committed
/// and applied, that then snapshots them.
private func compacted(_ id: NodeID = s2, term: Term, log: [Entry], applied: LogIndex) -> RaftNode {
    var node = follower(id, term: term, log: log, commit: applied)
    precondition(node.lastApplied == applied)
    _ = node.handle(.takeSnapshot(state))
    return node
}

private func installSnapshot(term: Term, last: (LogIndex, Term)) -> Message {
    .installSnapshot(
        InstallSnapshot(
            term: term, snapshot: Snapshot(lastIncludedIndex: last.0, lastIncludedTerm: last.1, state: state)))
}

private func success(term: Term, match: LogIndex) -> Message {
    .appendEntriesResponse(AppendEntriesResponse(term: term, success: true, matchIndex: match))
}

/// Records, in order, the shell calls that concern the state machine.
private struct MachineShell: ReadyShell {
    var events: [String] = []
    mutating func persist(_ durable: DurableState) {}
    mutating func send(_ envelope: Envelope) {}
    mutating func apply(_ committed: CommittedEntry) { events.append("apply \(committed.index)") }
    mutating func reply(_ reply: ClientReply) {}
    mutating func arm(_ timer: TimerDirective) {}
    mutating func install(_ snapshot: Snapshot) { events.append("install \(snapshot.lastIncludedIndex)") }
}

@Suite("§7 Log compaction: the log's base")
struct CompactedLogTests {
    @Test("Indexes past the base read through the offset; the base reads as its term; below it nothing")
    func indexing() {
        var log = Log([entry(1, 1), entry(1, 2), entry(2, 3), entry(2, 4)])
        log.compact(through: 2)
        #expect(log.baseIndex == 2 && log.baseTerm == 1)
        #expect(log.lastIndex == 4 && log.lastTerm == 2)
        #expect(log.term(at: 2) == 1)
        #expect(log.term(at: 1) == nil)
        #expect(log.term(at: 3) == 2)
        #expect(log[3] == entry(2, 3))
        #expect(log.suffix(from: 4) == [entry(2, 4)])
        #expect(log.isCompacted(2) && !log.isCompacted(3))
        #expect(log.matches(index: 2, term: 1) && !log.matches(index: 1, term: 1))
        log.truncate(after: 2)
        #expect(log.lastIndex == 2 && log.lastTerm == 1 && log.entries.isEmpty)
        #expect(log.description == "[..2/1|]")
    }

    @Test("A compacted log still extends its uncompacted self, and not a log that differs after the base")
    func extendsAcrossTheBase() {
        let full = Log([entry(1, 1), entry(1, 2), entry(2, 3)])
        var compacted = full
        compacted.compact(through: 2)
        compacted.append(entry(2, 4))
        #expect(compacted.extends(full))
        #expect(!compacted.extends(Log([entry(1, 1), entry(1, 2), entry(3, 3)])))
        #expect(!compacted.extends(Log([entry(1, 1), entry(2, 2), entry(2, 3)])))
    }
}

@Suite("§7 Log compaction: taking a snapshot and restarting from it")
struct TakingSnapshotTests {
    @Test("A server snapshots exactly its applied prefix, and persists snapshot and shortened log together")
    func snapshotsAppliedPrefix() {
        var node = follower(s2, term: 2, log: [entry(1, 1), entry(2, 2), entry(2, 3)], commit: 2)
        let ready = node.handle(.takeSnapshot(state))
        #expect(node.snapshot == Snapshot(lastIncludedIndex: 2, lastIncludedTerm: 2, state: state))
        #expect(node.log == Log(after: 2, baseTerm: 2, [entry(2, 3)]))
        #expect(ready.persist?.snapshot == node.snapshot)
        #expect(ready.persist?.log == node.log)
        #expect(ready.messages.isEmpty)
        #expect(node.commitIndex == 2 && node.lastApplied == 2)
    }

    @Test("A restart restores the snapshot, then the log after it, and applies only what follows the snapshot")
    func restartFromSnapshot() {
        let before = compacted(term: 2, log: [entry(1, 1), entry(2, 2), entry(2, 3)], applied: 2)
        var node = RaftNode(id: s2, serverCount: 3, restoring: before.durableState)
        #expect(node.snapshot == before.snapshot)
        #expect(node.log == before.log)
        // The snapshot's entries were committed and applied before the crash (section 7).
        #expect(node.commitIndex == 2 && node.lastApplied == 2)
        let ready = deliver(appendEntries(term: 2, prev: (3, 2), entries: [], commit: 3), from: s1, to: &node)
        #expect(ready.committed.map(\.index) == [3])
    }
}

@Suite("§7 InstallSnapshot: the leader's side")
struct InstallSnapshotLeaderTests {
    /// s1 leading term 3 with entries 1 to 3 of which 2 are in its snapshot.
    private func compactedLeader() -> RaftNode {
        var node = leader(s1, term: 3, log: [entry(1, 1), entry(2, 2), entry(2, 3)])
        _ = deliver(success(term: 3, match: 3), from: s2, to: &node)
        _ = node.handle(.clientRequest(Command(key: 0, value: 4)))
        _ = deliver(success(term: 3, match: 4), from: s2, to: &node)
        precondition(node.commitIndex == 4 && node.lastApplied == 4)
        _ = node.handle(.takeSnapshot(state))
        return node
    }

    @Test("A follower whose nextIndex is at or below the snapshot's last index gets InstallSnapshot (Figure 13)")
    func sendsSnapshotWhenBehind() {
        var node = compactedLeader()
        // s3 never answered: its nextIndex is still 4, at the snapshot's last index.
        let ready = node.handle(.heartbeatTimeout)
        let toS3 = ready.messages.filter { $0.to == s3 }.map(\.message)
        #expect(toS3 == [.installSnapshot(InstallSnapshot(term: 3, snapshot: node.snapshot!))])
        // s2 matches up to 4, past the snapshot: an ordinary heartbeat.
        let toS2 = ready.messages.filter { $0.to == s2 }.map(\.message)
        #expect(toS2 == [appendEntries(term: 3, prev: (4, 3), entries: [], commit: 4)])
    }

    @Test("The follower's reply to InstallSnapshot moves its nextIndex past the snapshot")
    func replyAdvancesProgress() {
        var node = compactedLeader()
        _ = deliver(success(term: 3, match: 4), from: s3, to: &node)
        guard case .leader(let progress) = node.role else { Issue.record("not leader"); return }
        #expect(progress.matchIndex[s3.index] == 4 && progress.nextIndex[s3.index] == 5)
        let ready = node.handle(.heartbeatTimeout)
        #expect(ready.messages.allSatisfy { if case .appendEntries = $0.message { true } else { false } })
    }
}

@Suite("§7 InstallSnapshot: the receiver's rules (Figure 13)")
struct InstallSnapshotReceiverTests {
    @Test("Rule 1: a snapshot from an older term is refused with the current term and changes nothing")
    func rule1StaleTerm() {
        var node = follower(s2, term: 4, log: [entry(1, 1)], commit: 0)
        let before = node
        let reply = onlyMessage(deliver(installSnapshot(term: 3, last: (2, 3)), from: s1, to: &node))
        #expect(reply.message == .appendEntriesResponse(AppendEntriesResponse(term: 4, success: false, matchIndex: 0)))
        #expect(node.durableState == before.durableState && node.role == before.role)
        #expect(node.commitIndex == before.commitIndex && node.lastApplied == before.lastApplied)
    }

    @Test("Rule 6: an entry with the snapshot's last index and term keeps the entries after it")
    func rule6KeepsFollowingEntries() {
        var node = follower(s2, term: 2, log: [entry(1, 1), entry(2, 2), entry(2, 3)], commit: 1)
        let ready = deliver(installSnapshot(term: 2, last: (2, 2)), from: s1, to: &node)
        #expect(node.log == Log(after: 2, baseTerm: 2, [entry(2, 3)]))
        #expect(node.snapshot?.lastIncludedIndex == 2)
        #expect(ready.persist?.log == node.log && ready.persist?.snapshot == node.snapshot)
        #expect(onlyMessage(ready).message == success(term: 2, match: 2))
    }

    @Test("Rule 7: otherwise the whole log is discarded, whether it conflicts at the last index or is shorter")
    func rule7DiscardsLog() {
        var conflicting = follower(s2, term: 3, log: [entry(1, 1), entry(1, 2), entry(1, 3)], commit: 1)
        _ = deliver(installSnapshot(term: 3, last: (2, 2)), from: s1, to: &conflicting)
        #expect(conflicting.log == Log(after: 2, baseTerm: 2))
        var short = follower(s2, term: 3, log: [entry(1, 1)], commit: 1)
        _ = deliver(installSnapshot(term: 3, last: (3, 2)), from: s1, to: &short)
        #expect(short.log == Log(after: 3, baseTerm: 2))
        #expect(short.lastApplied == 3 && short.commitIndex == 3)
    }

    @Test("Rule 8: the state machine is reset from the snapshot before anything else is applied")
    func rule8ResetsStateMachine() {
        var node = follower(s2, term: 2, log: [entry(1, 1)], commit: 0)
        let ready = deliver(installSnapshot(term: 2, last: (3, 2)), from: s1, to: &node)
        #expect(ready.installed == node.snapshot)
        var shell = MachineShell()
        ready.carryOut(into: &shell)
        #expect(shell.events == ["install 3"])
        #expect(node.lastApplied == 3 && node.commitIndex == 3)
    }

    @Test("A snapshot not newer than the commit index is refused: nothing rolls back, and the reply still proves it")
    func refusesSnapshotBehindCommit() {
        var node = follower(s2, term: 2, log: [entry(1, 1), entry(2, 2), entry(2, 3)], commit: 3)
        let before = node
        let ready = deliver(installSnapshot(term: 2, last: (2, 2)), from: s1, to: &node)
        #expect(node.log == before.log && node.snapshot == nil && node.lastApplied == 3)
        #expect(ready.installed == nil && ready.persist == nil)
        #expect(onlyMessage(ready).message == success(term: 2, match: 2))
    }

    @Test("Loading a snapshot never lowers the term, even one whose last entry is of an older term")
    func termNeverLowered() {
        var node = follower(s2, term: 5, log: [], commit: 0)
        _ = deliver(installSnapshot(term: 5, last: (4, 2)), from: s1, to: &node)
        #expect(node.currentTerm == 5)
        #expect(node.durableState.currentTerm == 5)
    }

    @Test("A candidate of the snapshot's term hears its leader and follows it, as on AppendEntries")
    func candidateFollows() {
        var node = server(s2, term: 1)
        _ = node.handle(.electionTimeout)
        _ = deliver(installSnapshot(term: 2, last: (1, 1)), from: s1, to: &node)
        #expect(node.role == .follower(leader: s1))
    }
}

@Suite("§7 AppendEntries against a compacted log")
struct AppendBelowBaseTests {
    @Test("Entries at or below the base are committed here already: only the ones after it are appended")
    func restatesAtBase() {
        var node = compacted(term: 2, log: [entry(1, 1), entry(2, 2)], applied: 2)
        let ready = deliver(
            appendEntries(term: 2, prev: (0, 0), entries: [entry(1, 1), entry(2, 2), entry(2, 3)], commit: 2),
            from: s1, to: &node)
        #expect(node.log == Log(after: 2, baseTerm: 2, [entry(2, 3)]))
        #expect(onlyMessage(ready).message == success(term: 2, match: 3))
    }

    @Test("The leader's entry at the base must have the base's term, as the consistency check requires")
    func checksTermAtBase() {
        var node = compacted(term: 3, log: [entry(1, 1), entry(2, 2)], applied: 2)
        let ready = deliver(
            appendEntries(term: 3, prev: (1, 1), entries: [entry(3, 2), entry(3, 3)], commit: 2), from: s1, to: &node)
        #expect(node.log == Log(after: 2, baseTerm: 2))
        #expect(
            onlyMessage(ready).message
                == .appendEntriesResponse(
                    AppendEntriesResponse(term: 3, success: false, matchIndex: 0)))
    }

    @Test("A request wholly below the base succeeds proving only its own last index (RB-11)")
    func wholeRequestBelowBase() {
        var node = compacted(term: 2, log: [entry(1, 1), entry(2, 2)], applied: 2)
        let ready = deliver(
            appendEntries(term: 2, prev: (0, 0), entries: [entry(1, 1)], commit: 1), from: s1, to: &node)
        #expect(onlyMessage(ready).message == success(term: 2, match: 1))
        #expect(node.log == Log(after: 2, baseTerm: 2))
    }
}
