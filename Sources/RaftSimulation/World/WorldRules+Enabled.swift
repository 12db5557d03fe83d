import RaftCore

extension WorldRules {
    /// Whether `action` is among `enabledActions(in: world)`, decided without listing them all.
    ///
    /// Drivers that pick an action by their own rules (the fuzzer's virtual clock, the shrinker's
    /// lenient replay) ask this instead of building the whole list on every step. It states the
    /// same rules as `enabledActions(in:into:)`, and a test holds the two together.
    public func isEnabled(_ action: Action, in world: World) -> Bool {
        guard action.servers.allSatisfy({ $0.index < world.servers.count }) else { return false }
        let networkHasRoom = world.network.count < spec.maxInFlight
        switch action {
        case .deliver(let envelope):
            return world.servers[envelope.to.index].isUp && world.network.contains(envelope)
        case .drop(let envelope):
            return world.spent.drops < spec.maxDrops && world.network.contains(envelope)
        case .duplicate(let envelope):
            return world.spent.duplicates < spec.maxDuplicates && world.network.contains(envelope)
        case .electionTimeout(let id):
            guard networkHasRoom, let node = world.servers[id.index].node else { return false }
            if node.isLeader { return spec.options.checkQuorum }
            return node.currentTerm < spec.maxTerm && node.electionTimeoutActs
                && spec.maxElections.map { world.spent.elections < $0 } ?? true
        case .heartbeatTimeout(let id):
            guard networkHasRoom, let node = world.servers[id.index].node else { return false }
            return node.isLeader && spec.maxHeartbeats.map { world.spent.heartbeats < $0 } ?? true
        case .clientRequest(let id, let command):
            return networkHasRoom && world.spent.clientRequests < spec.maxClientRequests
                && world.servers[id.index].isUp && command == nextCommand(in: world)
        case .crash(let id):
            return world.spent.crashes < spec.maxCrashes && world.servers[id.index].isUp
        case .restart(let id):
            return !world.servers[id.index].isUp
        case .partition(let side):
            return world.partition == nil && world.spent.partitions < spec.maxPartitions && spec.servers > 1
                && Partition.isNamedSide(side, servers: spec.servers)
        case .heal:
            return world.partition != nil
        case .proposeChange(let id, let change):
            return networkHasRoom && isProposalEnabled(change, to: id, in: world)
        case .takeSnapshot(let id):
            return mayTakeSnapshot(on: id, in: world)
        case .client(let action):
            return isClientActionEnabled(action, in: world)
        }
    }
}

extension Action {
    /// The servers the action names: a message's two ends, a timer's or request's server, the
    /// partitioned side.
    ///
    /// Empty for `heal`.
    public var servers: [NodeID] {
        switch self {
        case .deliver(let envelope), .drop(let envelope), .duplicate(let envelope): [envelope.from, envelope.to]
        case .electionTimeout(let id), .heartbeatTimeout(let id), .clientRequest(let id, _), .crash(let id),
            .restart(let id):
            [id]
        case .partition(let side): side.members
        case .heal: []
        case .proposeChange(let id, let change): [id, change.server]
        case .takeSnapshot(let id): [id]
        case .client(let action): action.server.map { [$0] } ?? []
        }
    }
}
