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
    public var kind: Kind {
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

/// The leader's volatile view of every server's log (Figure 2: nextIndex[] and matchIndex[]).
///
/// Arrays indexed by `NodeID.index`, so iteration order is the server order.
public struct Progress: Hashable, Sendable {
    /// The index of the next entry to send to each server.
    public var nextIndex: [LogIndex]
    /// The highest index known to be replicated on each server.
    public var matchIndex: [LogIndex]
    /// The other servers heard from at this term since the leader last checked its quorum
    /// (CheckQuorum, the thesis section 6.2); always empty with CheckQuorum off.
    ///
    /// The leader itself is not a member: it counts itself once when it checks.
    public var recentlyActive = NodeSet()

    init(serverCount: Int, leader: NodeID, lastLogIndex: LogIndex) {
        nextIndex = Array(repeating: lastLogIndex + 1, count: serverCount)
        matchIndex = Array(repeating: 0, count: serverCount)
        matchIndex[leader.index] = lastLogIndex
    }
}
