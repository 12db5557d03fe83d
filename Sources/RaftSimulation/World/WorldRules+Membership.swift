import RaftCore

extension WorldSpec {
    /// The configuration every server starts from: the first `initialMembers` slots voting, the
    /// rest spare slots that run as empty followers until a change adds them; nil when every slot
    /// votes (the fixed cluster).
    public var initialConfiguration: Configuration? {
        guard let initialMembers else { return nil }
        return Configuration(voters: NodeSet(NodeID.all(initialMembers)))
    }

    /// Whether a spec allows membership changes at all.
    public var allowsMembershipChanges: Bool { maxConfigChanges > 0 }

    /// Turns the leader's no-op on when membership changes are allowed: a leader changes the
    /// configuration only after committing an entry of its term (Ongaro's 2015 fix), and without
    /// the no-op a leader that receives no client command never could.
    public mutating func turnOnWhatMembershipNeeds() {
        if allowsMembershipChanges { options.leaderNoOp = true }
    }
}

extension WorldRules {
    /// The membership changes a client may ask of `leader`, in a fixed order: for each slot, add
    /// it as a learner, promote it, or remove it, whichever applies to the leader's latest
    /// configuration (the thesis, section 4.1).
    ///
    /// Proposals go only to servers that believe they lead, and only changes that apply to their
    /// configuration: any other proposal is refused and changes nothing, a step to the same
    /// world. The leader's own guards (a committed entry of its term, no change in flight) are
    /// left to the leader, so that the mutants that drop them are exercised.
    func configurationChanges(proposableTo leader: RaftNode) -> [ConfigurationChange] {
        var changes: [ConfigurationChange] = []
        for server in NodeID.all(spec.servers) {
            for change in [ConfigurationChange.addLearner(server), .promote(server), .remove(server)]
            where leader.configuration.applying(change) != nil {
                changes.append(change)
            }
        }
        return changes
    }

    /// Appends the enabled `proposeChange` actions of `world` to `actions`.
    func appendProposals(in world: World, leaders: NodeSet, to actions: inout [Action]) {
        guard world.spent.configChanges < spec.maxConfigChanges else { return }
        for index in 0..<world.servers.count where leaders.contains(NodeID(index)) {
            guard let leader = world.servers[index].node else { continue }
            for change in configurationChanges(proposableTo: leader) {
                actions.append(.proposeChange(NodeID(index), change))
            }
        }
    }

    /// Whether `proposeChange(id, change)` is enabled in `world`; see `appendProposals`.
    func isProposalEnabled(_ change: ConfigurationChange, to id: NodeID, in world: World) -> Bool {
        guard world.spent.configChanges < spec.maxConfigChanges, change.server.index < spec.servers,
            let node = world.servers[id.index].node, node.isLeader
        else { return false }
        return node.configuration.applying(change) != nil
    }
}
