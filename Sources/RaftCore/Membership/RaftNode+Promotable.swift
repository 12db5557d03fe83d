extension RaftNode {
    /// Whether an election timeout makes this server campaign (etcd-io/raft's `promotable`): a
    /// voter of its latest configuration, or a server left out of one it does not know committed.
    ///
    /// A server that learnt of its removal, a learner and a spare slot never campaign (the thesis,
    /// section 4.2.3), but a configuration is in effect from its append, committed or not, and
    /// one that drops this server may never commit: a leader that removed itself and lost its
    /// leadership before the change reached the new voters holds the only copy. Were it silent,
    /// the voters it left would wait for its vote in the older configuration forever; campaigning
    /// under the configuration it holds, it wins their votes, commits the change and steps down
    /// (section 4.2.2). etcd-io/raft reaches the same end by reading membership from applied, not
    /// appended, configurations.
    @inlinable public var mayCampaign: Bool {
        configuration.voters.contains(id) || configurationIndex > commitIndex
    }
}

extension RaftNode {
    /// Whether an election timeout does anything here: a server that may campaign campaigns, and
    /// one that may not still forgets the leader it follows.
    ///
    /// A learner, or a server removed by a change it holds, hears no more from a leader that
    /// stepped down, and would otherwise keep its leader contact (and the lease that refuses
    /// votes under PreVote and CheckQuorum) forever, so that a candidate needing its vote under
    /// an older configuration never got it.
    @inlinable public var electionTimeoutActs: Bool {
        !isLeader && (mayCampaign || knownLeader != nil)
    }

    /// `electionTimeoutActs` of the server at `node`, read where it lies, field by field: asked
    /// of `node.pointee`, the whole server is copied first (a retain and a release of each of
    /// its arrays), and the explorers ask it of every server of every state they expand.
    @inlinable public static func electionTimeoutActs(at node: UnsafePointer<RaftNode>) -> Bool {
        guard !node.pointee.isLeader else { return false }
        if node.pointee.configuration.voters.contains(node.pointee.id)
            || node.pointee.configurationIndex > node.pointee.commitIndex
        {
            return true
        }
        if case .follower(let leader) = node.pointee.role { return leader != nil }
        return false
    }
}
