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

private func installSnapshot(term: Term, last: (LogIndex, Term)) -> Message {
    .installSnapshot(
        InstallSnapshot(
            term: term,
            snapshot: Snapshot(lastIncludedIndex: last.0, lastIncludedTerm: last.1, state: SnapshotState(words: [1]))))
}

@Suite("§7 Log compaction: the RB-21 keep mutant")
struct SnapshotKeepMutantTests {
    /// RB-21's keep variant (hashicorp/raft PR #704): rule 6 of Figure 13 keeps the entries after
    /// the snapshot's last index only when the entry there has the snapshot's last term.
    @Test("Under install-snapshot-keeps-conflict the entries after a conflicting last index stay (Figure 13 rule 6)")
    func keepsEntriesAfterConflict() {
        let log = [entry(1, 1), entry(1, 2), entry(1, 3)]
        var correct = follower(s2, term: 3, log: log, commit: 0, mutant: nil)
        var mutant = follower(s2, term: 3, log: log, commit: 0, mutant: .installSnapshotKeepsConflict)
        _ = deliver(installSnapshot(term: 3, last: (2, 2)), from: s1, to: &correct)
        _ = deliver(installSnapshot(term: 3, last: (2, 2)), from: s1, to: &mutant)
        // Rule 7: the entry at 2 is of term 1, not 2, so the whole log goes.
        #expect(correct.log == Log(after: 2, baseTerm: 2))
        // The mutant keeps 3:1 after a base of term 2: a log no leader ever held.
        #expect(mutant.log == Log(after: 2, baseTerm: 2, [entry(1, 3)]))
        #expect(mutant.snapshot?.lastIncludedIndex == 2 && mutant.commitIndex == 2)
    }

    @Test("The keep mutant still discards a log that ends at or before the snapshot's last index")
    func shortLogStillDiscarded() {
        var node = follower(
            s2, term: 3, log: [entry(1, 1), entry(1, 2)], commit: 0, mutant: .installSnapshotKeepsConflict)
        _ = deliver(installSnapshot(term: 3, last: (2, 2)), from: s1, to: &node)
        #expect(node.log == Log(after: 2, baseTerm: 2))
    }
}
