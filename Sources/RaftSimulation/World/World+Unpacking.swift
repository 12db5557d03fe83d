import RaftCore

/// Public reassembly of a world from its parts, for a state packer outside this module (the
/// model checker's, which stores queued worlds as bytes and decodes them when it expands them).
///
/// The packer's round-trip test (`unpack(pack(w)) == w` over reachable worlds of every spec)
/// holds each initializer to its type's fields: a field added later and left out here comes
/// back with its default and fails it.
extension World {
    public init(
        unpackingServers servers: [Server], network: [Envelope], partition: NodeSet?, spent: Budget, ghost: Ghost,
        initialConfiguration: Configuration?
    ) {
        self.initialConfiguration = initialConfiguration
        self.servers = servers
        self.network = network
        self.partition = partition
        self.spent = spent
        self.ghost = ghost
    }
}

extension World.Server {
    public init(unpackingNode node: RaftNode?, disk: DurableState, stateMachine: KeyValueStore) {
        self.init(node: node, disk: disk, stateMachine: stateMachine)
    }
}

extension World.Budget {
    public init(
        unpackingClientRequests clientRequests: Int, crashes: Int, drops: Int, duplicates: Int, partitions: Int,
        elections: Int, heartbeats: Int, configChanges: Int, snapshots: Int
    ) {
        self.init(
            clientRequests: clientRequests, crashes: crashes, drops: drops, duplicates: duplicates,
            partitions: partitions, elections: elections, heartbeats: heartbeats, configChanges: configChanges,
            snapshots: snapshots)
    }
}

extension World.Ghost {
    public init(
        unpackingLeadersByTerm leadersByTerm: [NodeSet], committed: [World.CommittedRecord],
        acknowledged: [World.Acknowledgement]
    ) {
        self.init(leadersByTerm: leadersByTerm, committed: committed, acknowledged: acknowledged)
    }
}

extension World.CommittedRecord {
    public init(unpackingEntry entry: Entry, commitTerm: Term, server: NodeID) {
        self.init(entry: entry, commitTerm: commitTerm, server: server)
    }
}

extension World.Acknowledgement {
    public init(unpackingCommand command: Command, index: LogIndex) {
        self.init(command: command, index: index)
    }
}

extension KeyValueStore {
    public init(unpackingValues values: InlineArray<2, UInt16?>, appliedCount: Int) {
        self.init()
        self.values = values
        self.appliedCount = appliedCount
    }
}
