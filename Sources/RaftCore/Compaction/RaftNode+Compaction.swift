// MARK: - Log compaction (section 7, Figures 12 and 13)

extension RaftNode {
    /// Snapshots the applied prefix: `state` is the shell's state machine after applying every
    /// entry up to `lastApplied`, which the snapshot now stands for, and the log drops them.
    ///
    /// Only applied entries are covered, so only committed ones (section 7: "each server takes
    /// snapshots independently, covering just the committed entries in its log"). The snapshot
    /// and the shortened log are persisted together.
    mutating func takeSnapshot(of state: SnapshotState) {
        precondition(lastApplied > log.baseIndex, "\(id) has applied nothing since its last snapshot")
        guard let term = log.term(at: lastApplied) else { preconditionFailure("\(id) no longer holds applied entries") }
        snapshot = Snapshot(lastIncludedIndex: lastApplied, lastIncludedTerm: term, state: state)
        log.compact(through: lastApplied)
        durableStateChanged = true
    }

    /// The InstallSnapshot to send `peer` instead of an AppendEntries: the entries it needs next
    /// were discarded into this leader's snapshot, so nothing else can bring it up to date
    /// (section 7: "the leader must occasionally send snapshots to followers that lag behind").
    ///
    /// Nil when `peer`'s `nextIndex` is past the snapshot.
    func installSnapshotRequest(to peer: NodeID) -> InstallSnapshot? {
        guard let snapshot, case .leader(let progress) = role else { return nil }
        // RB-20 tests with < where the rule says <=, so a follower at the boundary gets an
        // AppendEntries with nothing in it.
        let behind =
            deviates(.snapshotBoundaryAppend)
            ? progress.nextIndex[peer.index] < snapshot.lastIncludedIndex
            : progress.nextIndex[peer.index] <= snapshot.lastIncludedIndex
        guard behind else { return nil }
        return InstallSnapshot(term: currentTerm, snapshot: snapshot)
    }

    /// InstallSnapshot receiver (Figure 13, in one message, so rules 2 to 5 on chunks do not
    /// arise).
    ///
    /// The reply is an `AppendEntriesResponse` proving the snapshot's last included index, which
    /// the follower holds after installing it, and holds already when it refuses a snapshot it
    /// has committed past.
    mutating func handleInstallSnapshot(_ request: InstallSnapshot, from leader: NodeID, _ ready: inout Ready) {
        // 1. Reply immediately if term < currentTerm.
        guard request.term == currentTerm else {
            respondToAppend(success: false, matchIndex: 0, to: leader, &ready)
            return
        }
        if isLeader {
            // Two leaders in one term: refused, as `handleAppendEntries` does.
            respondToAppend(success: false, matchIndex: 0, to: leader, &ready)
            return
        }
        // The leader of this term spoke: as for AppendEntries (Figure 2, "Rules for Servers").
        becomeFollower(term: currentTerm, leader: leader, &ready)
        ready.timers.append(.resetElectionTimer)
        let snapshot = request.snapshot
        let lastIncluded = snapshot.lastIncludedIndex
        // A snapshot no newer than what this server committed would roll its state machine back
        // (etcd-io/raft's `restore`; RB-21, Zeebe #6092): it already holds all the snapshot covers.
        // RB-21's discard variant skips this check and rule 6 (Zeebe #6092).
        let discards = deviates(.installSnapshotDiscardsLog)
        guard lastIncluded > commitIndex || discards else {
            respondToAppend(success: true, matchIndex: lastIncluded, to: leader, &ready)
            return
        }
        if !discards && log.matches(index: lastIncluded, term: snapshot.lastIncludedTerm) {
            // 6. An existing entry has the snapshot's last index and term: retain the entries
            //    following it (they may be entries the leader sent after taking the snapshot).
            log.compact(through: lastIncluded)
        } else if deviates(.installSnapshotKeepsConflict) && log.lastIndex > lastIncluded {
            // RB-21's keep variant (hashicorp/raft PR #704) drops rule 6's term check: the entries
            // after the snapshot's last index stay, though they followed a different entry there.
            log = Log(after: lastIncluded, baseTerm: snapshot.lastIncludedTerm, log.suffix(from: lastIncluded + 1))
        } else {
            // 7. Discard the entire log.
            log.reset(after: lastIncluded, term: snapshot.lastIncludedTerm)
        }
        // 8. Reset the state machine using the snapshot's contents. The term is not touched:
        //    `request.term` is the current term, and a snapshot's own term is never above it.
        self.snapshot = snapshot
        durableStateChanged = true
        if lastIncluded > commitIndex { commitIndex = lastIncluded }
        lastApplied = lastIncluded
        ready.installed = snapshot
        respondToAppend(success: true, matchIndex: lastIncluded, to: leader, &ready)
    }

    /// `request` restated to start at this log's base, when it starts below it; the request as it
    /// is when it does not; nil when every entry it carries is at or below the base.
    ///
    /// The entries up to the base are committed (a snapshot covers only committed entries), so
    /// every leader of this term holds the same ones (Leader Completeness): only the entries past
    /// the base are news, and the leader's entry at the base is checked against the base's term
    /// by the usual consistency check (Figure 2, rule 2).
    func withinLog(_ request: AppendEntries) -> AppendEntries? {
        let base = log.baseIndex
        guard request.prevLogIndex < base else { return request }
        let skipped = base - request.prevLogIndex
        guard request.entries.count > skipped else { return nil }
        var restated = request
        restated.prevLogIndex = base
        restated.prevLogTerm = request.entries[skipped - 1].term
        restated.entries = Array(request.entries[skipped...])
        return restated
    }
}
