/// The state machine's state as the shell hands it to RaftCore, opaque to the protocol.
///
/// RaftCore never applies commands itself: the shell owns the state machine, so a snapshot
/// carries whatever the shell says its state was at the snapshot's last included index, and the
/// shell alone reads it back (on restart and on InstallSnapshot, section 7). Raft only stores,
/// persists and ships it. A few words suffice for the simulated key-value store; a real shell
/// would put its serialized state here.
public struct SnapshotState: Hashable, Sendable, CustomStringConvertible {
    /// The shell's encoding of its state machine.
    public var words: [UInt64]

    public init(words: [UInt64]) { self.words = words }

    /// `{3,0}`: the words in order.
    public var description: String { "{" + words.map(String.init).joined(separator: ",") + "}" }
}

/// A snapshot of a server's applied prefix (section 7, Figure 12): the state machine's state after
/// applying every entry up to `lastIncludedIndex`, and the term of that entry, which the log
/// consistency check at the boundary needs once the entry itself is gone.
public struct Snapshot: Hashable, Sendable, CustomStringConvertible {
    public var lastIncludedIndex: LogIndex
    public var lastIncludedTerm: Term
    public var state: SnapshotState

    public init(lastIncludedIndex: LogIndex, lastIncludedTerm: Term, state: SnapshotState) {
        precondition(lastIncludedIndex >= 1 && lastIncludedTerm >= 1, "a snapshot covers at least one entry")
        self.lastIncludedIndex = lastIncludedIndex
        self.lastIncludedTerm = lastIncludedTerm
        self.state = state
    }

    /// `3/2{3,0}`: last included index and term, then the state.
    public var description: String { "\(lastIncludedIndex)/\(lastIncludedTerm)\(state)" }
}

/// InstallSnapshot RPC arguments (Figure 13), in one message: the whole snapshot travels at once,
/// so the chunking fields (`offset`, `done`) are left out.
///
/// The leader is the envelope's sender. The follower answers with an `AppendEntriesResponse`
/// whose `matchIndex` is the snapshot's last included index, as etcd-io/raft answers MsgSnap with
/// MsgAppResp: the leader's progress tracking then needs no second kind of reply.
public struct InstallSnapshot: Hashable, Sendable {
    public var term: Term
    public var snapshot: Snapshot

    public init(term: Term, snapshot: Snapshot) {
        self.term = term
        self.snapshot = snapshot
    }
}
