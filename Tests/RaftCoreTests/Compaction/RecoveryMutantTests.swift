import RaftTestSupport
import Testing

@testable import RaftCore

/// A follower of `term` (its leader s1) holding `log` with `commit` committed, running `mutant` (the
/// correct Raft for nil).
private func follower(_ id: NodeID, term: Term, log: [Entry], commit: LogIndex, mutant: Mutant?) -> RaftNode {
    var node = server(id, term: term, mutant: mutant)
    _ = deliver(appendEntries(term: term, prev: (0, 0), entries: log, commit: commit), from: s1, to: &node)
    return node
}

@Suite("§7 Log compaction: the RB-18 recovery mutant")
struct RecoveryMutantTests {
    /// s2 holds 1:1 2:1 3:1; a leader of term 2 overwrites index 2 (AppendEntries rule 3).
    static func overwritten(mutant: Mutant?) -> RaftNode {
        var node = follower(s2, term: 2, log: [entry(1, 1), entry(1, 2), entry(1, 3)], commit: 0, mutant: mutant)
        _ = deliver(appendEntries(term: 2, prev: (1, 1), entries: [entry(2, 4)], commit: 2), from: s1, to: &node)
        return node
    }

    @Test("Under recovery-resurrects-truncated a truncation's removed entries stay on disk; otherwise nothing does")
    func truncationRecorded() {
        let correct = Self.overwritten(mutant: nil)
        let mutant = Self.overwritten(mutant: .recoveryResurrectsTruncated)
        #expect(correct.log == mutant.log && mutant.log == Log([entry(1, 1), entry(2, 4)]))
        #expect(correct.durableState.truncated.isEmpty)
        #expect(
            mutant.durableState.truncated == [TruncatedEntries(firstIndex: 2, entries: [entry(1, 2), entry(1, 3)])])
    }

    /// RB-18 (etcd #22442): the replay skips the records at or below the snapshot, so the
    /// truncation the overwriting entry at index 2 implied is lost, and 3:1 comes back after 2:2.
    @Test("A restart under the mutant resurrects what a truncation at or below the snapshot removed past the log's end")
    func restartResurrects() {
        var node = Self.overwritten(mutant: .recoveryResurrectsTruncated)
        _ = node.handle(.takeSnapshot(SnapshotState(words: [4])))
        let disk = node.durableState
        #expect(disk.log == Log(after: 2, baseTerm: 2))
        #expect(disk.recovered(under: .recoveryResurrectsTruncated).log == Log(after: 2, baseTerm: 2, [entry(1, 3)]))
        // The correct Raft's restart reads the disk as it is.
        #expect(disk.recovered(under: nil) == disk)
        // Without a snapshot at or past the truncation, the truncation is honoured.
        let unsnapshotted = Self.overwritten(mutant: .recoveryResurrectsTruncated).durableState
        #expect(unsnapshotted.recovered(under: .recoveryResurrectsTruncated) == unsnapshotted)
    }

    @Test("A truncation that began past the snapshot is honoured on restart")
    func truncationPastSnapshotHonoured() {
        var disk = Self.overwritten(mutant: .recoveryResurrectsTruncated).durableState
        disk.log = Log(after: 1, baseTerm: 1, [entry(2, 4)])
        disk.snapshot = Snapshot(lastIncludedIndex: 1, lastIncludedTerm: 1, state: SnapshotState(words: [1]))
        #expect(disk.recovered(under: .recoveryResurrectsTruncated) == disk)
    }
}
