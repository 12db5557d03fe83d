import RaftCore

// MARK: - Invariants over compacted logs (section 7)

extension Invariants {
    /// The entry `log` stands for at `index`: the entry itself past the base; at or below it, the
    /// entry the cluster committed there, which the snapshot covers (nil if none was committed).
    ///
    /// A snapshot covers only committed entries (`snapshotCommitted` checks that it does), so the
    /// entries discarded into it count as present, and as the ones committed.
    static func heldEntry(_ log: Log, at index: LogIndex, committed: [World.CommittedRecord]) -> Entry? {
        if index > log.baseIndex { return index <= log.lastIndex ? log[index] : nil }
        return index >= 1 && index <= committed.count ? committed[index - 1].entry : nil
    }

    /// Log Matching between two logs of which one at least is compacted: as
    /// `logMatching(_:_:_:_:)`, each compacted entry read as the committed one it stands for.
    static func logMatchingAcrossSnapshots(
        _ left: Log, _ leftID: NodeID, _ right: Log, _ rightID: NodeID, committed: [World.CommittedRecord]
    ) -> Violation? {
        func terms(at index: LogIndex) -> (Term?, Term?) {
            (
                heldEntry(left, at: index, committed: committed)?.term,
                heldEntry(right, at: index, committed: committed)?.term
            )
        }
        var index = min(left.lastIndex, right.lastIndex)
        while index > 0 {
            let (leftTerm, rightTerm) = terms(at: index)
            if let leftTerm, leftTerm == rightTerm { break }
            index -= 1
        }
        guard index > 0 else { return nil }
        let agreedTerm = terms(at: index).0!
        // Only what both logs still hold can differ: below both bases each stands for the same
        // committed entry.
        var position = max(1, min(left.baseIndex, right.baseIndex) + 1)
        while position <= index {
            if let leftEntry = heldEntry(left, at: position, committed: committed),
                let rightEntry = heldEntry(right, at: position, committed: committed), leftEntry != rightEntry
            {
                return Violation(
                    invariant: .logMatching, servers: [leftID, rightID], index: position, terms: [agreedTerm],
                    detail: "\(leftID) and \(rightID) both hold term \(agreedTerm) at index \(index) "
                        + "but differ at index \(position) (\(leftEntry) vs \(rightEntry))")
            }
            position += 1
        }
        return nil
    }

    /// Whether `log` holds `record`'s entry at `index` (Leader Completeness): past the base the
    /// entry itself; at the base its term, which is all the log keeps of it; below the base the
    /// snapshot holds it.
    static func holds(_ record: World.CommittedRecord, at index: LogIndex, in log: Log) -> Bool {
        if index > log.baseIndex { return index <= log.lastIndex && log[index] == record.entry }
        return index < log.baseIndex || log.baseTerm == record.entry.term
    }

    /// What `log` holds at `index`, in words, for a Leader Completeness report.
    static func describeHeld(at index: LogIndex, in log: Log) -> String {
        if index > log.baseIndex { return index <= log.lastIndex ? log[index].description : "nothing" }
        return index == log.baseIndex ? "a snapshot ending in term \(log.baseTerm)" : "a snapshot"
    }

    /// Snapshot Covers Committed: every snapshot, of a running server or on a disk, ends at an
    /// index the cluster committed, with that entry's term, and holds the state machine's state
    /// after applying exactly the committed entries up to it.
    public static func snapshotCommitted(_ world: World) -> Violation? {
        for (index, server) in world.servers.enumerated() {
            let id = NodeID(index)
            if let snapshot = server.node?.snapshot,
                let violation = snapshotCommitted(snapshot, of: id, committed: world.ghost.committed)
            {
                return violation
            }
            if let snapshot = server.disk.snapshot, snapshot != server.node?.snapshot,
                let violation = snapshotCommitted(snapshot, of: id, committed: world.ghost.committed)
            {
                return violation
            }
        }
        return nil
    }

    static func snapshotCommitted(
        _ snapshot: Snapshot, of id: NodeID, committed: [World.CommittedRecord]
    ) -> Violation? {
        let last = snapshot.lastIncludedIndex
        guard last <= committed.count else {
            return Violation(
                invariant: .snapshotCommitted, servers: [id], index: last, terms: [snapshot.lastIncludedTerm],
                detail: "\(id)'s snapshot covers up to index \(last), but only \(committed.count) entries are committed"
            )
        }
        let record = committed[last - 1]
        guard record.entry.term == snapshot.lastIncludedTerm else {
            return Violation(
                invariant: .snapshotCommitted, servers: [id, record.server].sorted(), index: last,
                terms: [snapshot.lastIncludedTerm, record.entry.term],
                detail: "\(id)'s snapshot ends in term \(snapshot.lastIncludedTerm) at index \(last), but the entry "
                    + "committed there is \(record.entry)")
        }
        let expected = committedState(committed, through: last)
        guard snapshot.state == expected.snapshotState else {
            return Violation(
                invariant: .snapshotCommitted, servers: [id], index: last, terms: [snapshot.lastIncludedTerm],
                detail: "\(id)'s snapshot at index \(last) holds state \(snapshot.state), but the committed "
                    + "entries up to it give \(expected.snapshotState) (\(expected))")
        }
        return nil
    }

    /// The state machine after applying the committed entries `1...index`.
    static func committedState(_ committed: [World.CommittedRecord], through index: LogIndex) -> KeyValueStore {
        var store = KeyValueStore()
        for record in committed.prefix(index) { store.apply(record.entry) }
        return store
    }

    /// Snapshot Keeps Term: loading a snapshot, installed from a leader or restored on restart,
    /// never lowers the server's current term, and leaves it no lower than the snapshot's own.
    public static func snapshotKeepsTerm(from previous: World, taking action: Action, to world: World) -> Violation? {
        let id: NodeID
        switch action {
        case .deliver(let envelope):
            guard case .installSnapshot = envelope.message else { return nil }
            id = envelope.to
        case .restart(let restarted):
            guard previous.servers[restarted.index].disk.snapshot != nil else { return nil }
            id = restarted
        default: return nil
        }
        guard let after = world.servers[id.index].node, let snapshot = after.snapshot else { return nil }
        let before = previous.servers[id.index].node?.currentTerm ?? previous.servers[id.index].disk.currentTerm
        guard after.currentTerm < before || after.currentTerm < snapshot.lastIncludedTerm else { return nil }
        return Violation(
            invariant: .snapshotKeepsTerm, servers: [id], index: snapshot.lastIncludedIndex,
            terms: [before, after.currentTerm],
            detail: "\(id) loaded a snapshot ending at \(snapshot.lastIncludedIndex)/\(snapshot.lastIncludedTerm) "
                + "and its term went from \(before) to \(after.currentTerm)")
    }
}

extension Invariants {
    /// The incremental check's part for a server whose snapshot just changed (taken or
    /// installed): its snapshots cover committed entries, and its term is not below them.
    static func snapshotViolates(_ server: Int, _ node: RaftNode, in world: World) -> Bool {
        let committed = world.ghost.committed
        let id = NodeID(server)
        if let snapshot = node.snapshot {
            if node.currentTerm < snapshot.lastIncludedTerm { return true }
            if snapshotCommitted(snapshot, of: id, committed: committed) != nil { return true }
        }
        if let disk = world.servers[server].disk.snapshot, disk != node.snapshot {
            return snapshotCommitted(disk, of: id, committed: committed) != nil
        }
        return false
    }

    /// The incremental check's part for a restart: the snapshot restored from disk leaves the term
    /// where the disk had it (a restart writes nothing, so the disk is as before the step).
    static func restoredSnapshotViolates(_ server: Int, in world: World) -> Bool {
        let disk = world.servers[server].disk
        guard disk.snapshot != nil, let node = world.servers[server].node else { return false }
        return node.currentTerm < disk.currentTerm || node.currentTerm < disk.snapshot!.lastIncludedTerm
    }
}
