/// A server's role, with the data that exists only in that role (Figure 2, section 5.2).
public enum Role: Hashable, Sendable {
    /// Follows `leader`, the leader of the current term once known.
    case follower(leader: NodeID?)
    /// Asking, without changing its term or vote, whether it could win the next term (PreVote,
    /// the thesis section 9.6); `votesGranted` holds the pre-votes, its own included.
    case preCandidate(votesGranted: NodeSet)
    /// Campaigning in the current term; `votesGranted` includes its own vote.
    case candidate(votesGranted: NodeSet)
    /// Leading the current term; the replication progress of every server.
    case leader(Progress)

    /// The role's name without its data, for printing and for counting.
    @inlinable public var kind: Kind {
        switch self {
        case .follower: .follower
        case .preCandidate: .preCandidate
        case .candidate: .candidate
        case .leader: .leader
        }
    }

    public enum Kind: String, Hashable, Sendable, CaseIterable {
        case follower, preCandidate, candidate, leader
    }
}

/// The leader's volatile view of every server's log (Figure 2: nextIndex[] and matchIndex[]),
/// and, with pipelining on, the flow control of each follower (etcd-io/raft's `Progress`).
///
/// Arrays indexed by `NodeID.index`, so iteration order is the server order. `flow` and
/// `inflight` are empty when pipelining is off, so Figure 2's leader carries (and fingerprints)
/// exactly what it did before the switch existed.
public struct Progress: Hashable, Sendable {
    /// The index of the next entry to send to each server.
    ///
    /// With pipelining, in `Flow.replicate`, it runs ahead of the replies: it is the entry after
    /// the last one sent, optimistically, and a rejection sets it back.
    public var nextIndex: [LogIndex]
    /// The highest index known to be replicated on each server.
    ///
    /// Only acknowledgements move it, and never backwards; optimism lives in `nextIndex` alone.
    public var matchIndex: [LogIndex]
    /// The other servers heard from at this term since the leader last checked its quorum
    /// (CheckQuorum, the thesis section 6.2); always empty with CheckQuorum off.
    ///
    /// The leader itself is not a member: it counts itself once when it checks.
    public var recentlyActive = NodeSet()
    /// With pipelining, how the leader sends to each server; empty when pipelining is off.
    public var flow: [Flow]
    /// With pipelining, per server, the last index of each unacknowledged AppendEntries.
    ///
    /// Only AppendEntries carrying entries count, oldest first; the window limits how many there
    /// are. Empty when pipelining is off.
    public var inflight: [[LogIndex]]
    /// With ReadIndex, the gets waiting for their heartbeat round (the thesis, section 6.4); empty
    /// otherwise, so a leader without it carries (and fingerprints) what it always did.
    public var reads: ReadIndexState {
        get { readsUnlessEmpty?.state ?? ReadIndexState() }
        set { readsUnlessEmpty = newValue.isEmpty ? nil : ReadIndexBox(newValue) }
    }
    /// `reads` out of line, nil while empty: every leader of every explored world carries a
    /// `Progress`, and held inline the ReadIndex state made each copy of a server larger, with or
    /// without ReadIndex.
    private var readsUnlessEmpty: ReadIndexBox?

    /// Whether `reads` is empty, as every leader without ReadIndex has it, asked without building
    /// one: fingerprints, digests and the packer ask it of every leader they meet.
    public var readsAreEmpty: Bool {
        if case .none = readsUnlessEmpty { true } else { false }
    }

    /// How the leader replicates to one follower (etcd-io/raft's probe and replicate states).
    public enum Flow: Hashable, Sendable {
        /// The follower's log is not known to match: one AppendEntries at a time, `nextIndex` held
        /// until a reply says where the logs meet.
        case probe
        /// The follower matched: AppendEntries stream back to back, up to the window, each
        /// advancing `nextIndex` before any reply.
        case replicate
    }

    init(serverCount: Int, leader: NodeID, lastLogIndex: LogIndex, pipelined: Bool = false) {
        nextIndex = Array(repeating: lastLogIndex + 1, count: serverCount)
        matchIndex = Array(repeating: 0, count: serverCount)
        matchIndex[leader.index] = lastLogIndex
        // A new leader knows nothing of its followers' logs, so it probes each one first.
        flow = pipelined ? Array(repeating: .probe, count: serverCount) : []
        inflight = pipelined ? Array(repeating: [], count: serverCount) : []
    }

    /// Whether the leader tracks flow control (pipelining is on).
    public var isPipelined: Bool { !flow.isEmpty }
}

/// A `ReadIndexState` on the heap, never changed once made: `Progress.reads` replaces the box
/// rather than writing through it, so progress values that share one stay independent.
final class ReadIndexBox: Hashable, Sendable {
    let state: ReadIndexState

    init(_ state: ReadIndexState) { self.state = state }

    static func == (lhs: ReadIndexBox, rhs: ReadIndexBox) -> Bool { lhs === rhs || lhs.state == rhs.state }

    func hash(into hasher: inout Hasher) { hasher.combine(state) }
}
