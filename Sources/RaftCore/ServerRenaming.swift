/// A renaming of a cluster's servers: each server's new identity, or none when it is dropped.
///
/// Raft treats server identities symmetrically, so states equal up to a renaming behave alike.
/// The model checker uses a permutation to visit one state of each such class (symmetry
/// reduction); the shrinker uses a renaming that drops one server and moves the ones above it
/// down to try a failing trace in a smaller cluster. Every value that names servers conforms to
/// `ServerRenamable`, so the rule for each field is written once, next to its type (stateright's
/// `RewritePlan` and `Rewrite`, with dropping added).
public struct ServerRenaming: Hashable, Sendable {
    /// `newIDs[old.index]`: the server's new identity, or nil when the renaming drops it.
    private let newIDs: [NodeID?]
    /// How many servers the cluster has after the renaming.
    public let serverCountAfter: Int

    /// Every server `s` is called `permutation[s.index]`; nothing is dropped.
    public init(permutation: [NodeID]) {
        precondition(
            NodeSet(permutation).count == permutation.count && permutation.allSatisfy { $0.index < permutation.count },
            "\(permutation) is not a permutation")
        newIDs = permutation
        serverCountAfter = permutation.count
    }

    /// The cluster of `serverCount` without `removed`: the servers above it move down by one.
    public static func removing(_ removed: NodeID, serverCount: Int) -> ServerRenaming {
        precondition(removed.index < serverCount)
        return ServerRenaming(
            newIDs: (0..<serverCount).map { index in
                index == removed.index ? nil : NodeID(index > removed.index ? index - 1 : index)
            })
    }

    private init(newIDs: [NodeID?]) {
        self.newIDs = newIDs
        serverCountAfter = newIDs.count(where: { $0 != nil })
    }

    /// How many servers the cluster has before the renaming.
    public var serverCountBefore: Int { newIDs.count }

    /// The new identity of `id`; nil when the renaming drops it.
    @inline(__always)
    public subscript(id: NodeID) -> NodeID? { newIDs[id.index] }

    /// A per-server array (indexed by `NodeID.index`) rearranged so that each server's element
    /// sits at its new index; dropped servers' elements are left out.
    public func reindexed<Element>(_ perServer: [Element]) -> [Element] {
        precondition(perServer.count == newIDs.count)
        var result = perServer
        var kept = 0
        for (index, element) in perServer.enumerated() {
            guard let newID = newIDs[index] else { continue }
            result[newID.index] = element
            kept += 1
        }
        result.removeLast(perServer.count - kept)
        return result
    }
}

/// A value that names servers and can be renamed by a `ServerRenaming`.
///
/// Implement it for every type whose stored properties name a server, directly or through a
/// field's type, and rename every such field; fields that name no server are carried over.
public protocol ServerRenamable {
    /// This value with every server named as `renaming` says; nil when the value needs a server
    /// that `renaming` drops (a message from it, a vote for it). Sets just lose dropped members.
    func renamed(by renaming: ServerRenaming) -> Self?
}

extension NodeID: ServerRenamable {
    @inline(__always)
    public func renamed(by renaming: ServerRenaming) -> NodeID? { renaming[self] }
}

extension NodeSet: ServerRenamable {
    /// `survivors(renamedBy:)`: a set never needs a particular member, so this is never nil.
    public func renamed(by renaming: ServerRenaming) -> NodeSet? { survivors(renamedBy: renaming) }

    /// The members the renaming keeps, under their new identities.
    public func survivors(renamedBy renaming: ServerRenaming) -> NodeSet {
        var result = NodeSet()
        for member in members {
            if let newID = renaming[member] { result.insert(newID) }
        }
        return result
    }
}

extension Optional: ServerRenamable where Wrapped: ServerRenamable {
    /// Nothing stays nothing; a value is renamed, and a value that cannot be makes the whole nil.
    public func renamed(by renaming: ServerRenaming) -> Wrapped?? {
        guard let value = self else { return .some(nil) }
        return value.renamed(by: renaming).map { .some($0) }
    }
}

extension Array: ServerRenamable where Element: ServerRenamable {
    /// Every element renamed, in order; nil when any element cannot be.
    public func renamed(by renaming: ServerRenaming) -> [Element]? {
        var result: [Element] = []
        result.reserveCapacity(count)
        for element in self {
            guard let moved = element.renamed(by: renaming) else { return nil }
            result.append(moved)
        }
        return result
    }
}

// MARK: - The core's values

extension Envelope: ServerRenamable {
    /// The stored properties `renamed(by:)` accounts for; a test holds this list to the type's
    /// actual stored properties, so that a new field fails it until renaming handles it.
    static let renamedFields = ["from", "to", "message"]

    public func renamed(by renaming: ServerRenaming) -> Envelope? {
        guard let from = renaming[from], let to = renaming[to] else { return nil }
        // The message itself names no server (its sender and receiver are the envelope's), except
        // the configurations its entries may carry.
        if case .appendEntries(var request) = message, request.entries.contains(where: \.namesServers) {
            request.entries = request.entries.renamingConfigurations(by: renaming)
            return Envelope(from: from, to: to, message: .appendEntries(request))
        }
        return Envelope(from: from, to: to, message: message)
    }
}

extension Message {
    /// The stored properties of each message's payload, none of which names a server (the
    /// envelope does): a payload field that did would need renaming in `Envelope.renamed(by:)`.
    static let renamedFieldsByPayload: [(payload: String, fields: [String])] = [
        ("requestVote", ["term", "lastLogIndex", "lastLogTerm"]),
        ("requestVoteResponse", ["term", "voteGranted"]),
        ("preVote", ["term", "lastLogIndex", "lastLogTerm"]),
        ("preVoteResponse", ["term", "voteGranted"]),
        ("appendEntries", ["term", "prevLogIndex", "prevLogTerm", "entries", "leaderCommit", "readRound"]),
        ("appendEntriesResponse", ["term", "success", "matchIndex", "conflictTerm", "conflictIndex", "readRound"]),
        ("installSnapshot", ["term", "snapshot"]),
    ]
}

extension DurableState: ServerRenamable {
    /// See `Envelope.renamedFields`.
    static let renamedFields = ["currentTerm", "votedFor", "log", "snapshot", "truncatedUnlessEmpty"]

    /// A snapshot names no server (its state is the state machine's), so it moves unchanged.
    public func renamed(by renaming: ServerRenaming) -> DurableState? {
        guard let votedFor = votedFor.renamed(by: renaming) else { return nil }
        return DurableState(
            currentTerm: currentTerm, votedFor: votedFor, log: log.renamingConfigurations(by: renaming),
            snapshot: snapshot,
            truncated: truncated.map {
                TruncatedEntries(firstIndex: $0.firstIndex, entries: $0.entries.renamingConfigurations(by: renaming))
            })
    }
}

extension Progress: ServerRenamable {
    /// See `Envelope.renamedFields`.
    static let renamedFields = ["nextIndex", "matchIndex", "recentlyActive", "flow", "inflight", "readsUnlessEmpty"]

    public func renamed(by renaming: ServerRenaming) -> Progress? {
        var moved = self
        moved.nextIndex = renaming.reindexed(nextIndex)
        moved.matchIndex = renaming.reindexed(matchIndex)
        moved.recentlyActive = recentlyActive.survivors(renamedBy: renaming)
        moved.reads.acknowledged = reads.acknowledged.survivors(renamedBy: renaming)
        // Empty without pipelining: nothing to move.
        if isPipelined {
            moved.flow = renaming.reindexed(flow)
            moved.inflight = renaming.reindexed(inflight)
        }
        return moved
    }
}

extension Role: ServerRenamable {
    /// The roles `renamed(by:)` handles, with the labels of each one's payload (the leader's is
    /// one unlabelled `Progress`); see `Envelope.renamedFields`.
    static let renamedPayloads: [(role: String, labels: [String])] = [
        ("follower", ["leader"]), ("preCandidate", ["votesGranted"]), ("candidate", ["votesGranted"]), ("leader", []),
    ]

    public func renamed(by renaming: ServerRenaming) -> Role? {
        switch self {
        case .follower(let leader):
            guard let leader = leader.renamed(by: renaming) else { return nil }
            return .follower(leader: leader)
        case .preCandidate(let votes):
            return votes.renamed(by: renaming).map { .preCandidate(votesGranted: $0) }
        case .candidate(let votes):
            return votes.renamed(by: renaming).map { .candidate(votesGranted: $0) }
        case .leader(let progress):
            return progress.renamed(by: renaming).map { .leader($0) }
        }
    }
}
