/// A server's role, with the data that exists only in that role (Figure 2, section 5.2).
public enum Role: Hashable, Sendable {
    /// Follows `leader`, the leader of the current term once known.
    case follower(leader: NodeID?)
    /// Campaigning in the current term; `votesGranted` includes its own vote.
    case candidate(votesGranted: NodeSet)
    /// Leading the current term; the replication progress of every server.
    case leader(Progress)

    /// The role's name without its data, for printing and for counting.
    public var kind: Kind {
        switch self {
        case .follower: .follower
        case .candidate: .candidate
        case .leader: .leader
        }
    }

    public enum Kind: String, Hashable, Sendable, CaseIterable {
        case follower, candidate, leader
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

    init(serverCount: Int, leader: NodeID, lastLogIndex: LogIndex) {
        nextIndex = Array(repeating: lastLogIndex + 1, count: serverCount)
        matchIndex = Array(repeating: 0, count: serverCount)
        matchIndex[leader.index] = lastLogIndex
    }
}
