import RaftCore

extension World: ServerRenamable {
    /// The stored properties `renamed(by:)` accounts for, here and in the parts' own lists below; a
    /// test holds each list to the type's actual stored properties, so that a new field fails it
    /// until renaming handles it.
    ///
    /// `spent` counts faults and names no server.
    static let renamedFields = ["servers", "network", "partition", "spent", "ghost", "initialConfiguration", "clients"]

    /// This world with the servers named as `renaming` says: servers, disks, votes, roles,
    /// messages, the partition and the ghost history all follow.
    ///
    /// Nil when something needs a server the renaming drops (a message from it, a vote for it, a
    /// split it alone made).
    ///
    /// Symmetry reduction renames by permutations, which always succeed.
    public func renamed(by renaming: ServerRenaming) -> World? {
        precondition(renaming.serverCountBefore == servers.count)
        var copy = self
        copy.servers = []
        copy.servers.reserveCapacity(renaming.serverCountAfter)
        for server in renaming.reindexed(servers) {
            guard let moved = server.renamed(by: renaming) else { return nil }
            copy.servers.append(moved)
        }
        // Re-enqueued one by one, so that the network stays sorted by the new fingerprints.
        copy.network = []
        for envelope in network {
            guard let moved = envelope.renamed(by: renaming) else { return nil }
            copy.enqueue(moved)
        }
        if let side = partition {
            guard let named = Partition.namedSide(of: side, renamedBy: renaming) else { return nil }
            copy.partition = named
        }
        guard let ghost = ghost.renamed(by: renaming) else { return nil }
        copy.ghost = ghost
        copy.initialConfiguration = initialConfiguration?.survivors(renamedBy: renaming)
        if let clients {
            guard let moved = clients.renamed(by: renaming) else { return nil }
            copy.clients = moved
        }
        return copy
    }
}

extension World.Server: ServerRenamable {
    /// See `World.renamedFields`.
    ///
    /// The state machine holds keys and values, no server.
    static let renamedFields = ["node", "disk", "stateMachine"]

    public func renamed(by renaming: ServerRenaming) -> World.Server? {
        guard let node = node.renamed(by: renaming), let disk = disk.renamed(by: renaming) else { return nil }
        return World.Server(node: node, disk: disk, stateMachine: stateMachine)
    }
}

extension World.Ghost: ServerRenamable {
    /// See `World.renamedFields`.
    ///
    /// Acknowledged commands name no server.
    static let renamedFields = ["leadersByTerm", "committed", "acknowledged"]

    public func renamed(by renaming: ServerRenaming) -> World.Ghost? {
        guard let leadersByTerm = leadersByTerm.renamed(by: renaming), let committed = committed.renamed(by: renaming)
        else { return nil }
        var copy = self
        copy.leadersByTerm = leadersByTerm
        copy.committed = committed
        return copy
    }
}

extension World.CommittedRecord: ServerRenamable {
    /// See `World.renamedFields`.
    static let renamedFields = ["entry", "commitTerm", "server"]

    public func renamed(by renaming: ServerRenaming) -> World.CommittedRecord? {
        guard let server = renaming[server] else { return nil }
        var copy = self
        copy.server = server
        copy.entry = entry.renamed(by: renaming)
        return copy
    }
}

extension World.Acknowledgement {
    /// See `World.renamedFields`: none names a server, so renaming carries them over.
    static let renamedFields = ["command", "index"]
}

extension World.Budget {
    /// See `World.renamedFields`: counts, carried over by renaming.
    static let renamedFields = [
        "clientRequests", "crashes", "drops", "duplicates", "partitions", "elections", "heartbeats", "configChanges",
        "snapshots",
    ]
}

extension KeyValueStore {
    /// See `World.renamedFields`: keys and values, carried over by renaming.
    static let renamedFields = ["values", "appliedCount"]
}

extension Action: ServerRenamable {
    /// This action with the servers named as `renaming` says; nil when it names a server the
    /// renaming drops, or is a partition that no longer splits the servers left.
    public func renamed(by renaming: ServerRenaming) -> Action? {
        switch self {
        case .deliver(let envelope): envelope.renamed(by: renaming).map(Action.deliver)
        case .drop(let envelope): envelope.renamed(by: renaming).map(Action.drop)
        case .duplicate(let envelope): envelope.renamed(by: renaming).map(Action.duplicate)
        case .electionTimeout(let id): renaming[id].map(Action.electionTimeout)
        case .heartbeatTimeout(let id): renaming[id].map(Action.heartbeatTimeout)
        case .clientRequest(let id, let command): renaming[id].map { .clientRequest($0, command) }
        case .crash(let id): renaming[id].map(Action.crash)
        case .restart(let id): renaming[id].map(Action.restart)
        case .partition(let side): Partition.namedSide(of: side, renamedBy: renaming).map(Action.partition)
        case .heal: .heal
        case .proposeChange(let id, let change):
            renaming[id].flatMap { id in change.renamed(by: renaming).map { .proposeChange(id, $0) } }
        case .takeSnapshot(let id): renaming[id].map(Action.takeSnapshot)
        case .client(let action): action.renamed(by: renaming).map(Action.client)
        }
    }
}
