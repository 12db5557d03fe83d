import RaftCore

extension World {
    /// This world with every server `s` called `renamed[s.index]`: servers, votes, roles,
    /// messages, the partition and the ghost history all follow. Used for symmetry reduction.
    public func renamingServers(_ renamed: [NodeID]) -> World {
        precondition(renamed.count == servers.count)
        var copy = self
        for (index, server) in servers.enumerated() {
            var moved = server
            moved.node = server.node?.renamingServers(renamed)
            moved.disk.votedFor = server.disk.votedFor.map { renamed[$0.index] }
            copy.servers[renamed[index].index] = moved
        }
        copy.network = []
        for envelope in network {
            copy.enqueue(Envelope(from: renamed[envelope.from.index], to: renamed[envelope.to.index], message: envelope.message))
        }
        if let side = partition {
            let movedSide = NodeSet(side.members.map { renamed[$0.index] })
            // Partitions are named by the side without s1 (see `WorldRules.enabledActions`).
            let all = UInt16((1 << servers.count) - 1)
            copy.partition = movedSide.contains(NodeID(0)) ? NodeSet(bits: all & ~movedSide.bits) : movedSide
        }
        copy.ghost.leadersByTerm = ghost.leadersByTerm.map { NodeSet($0.members.map { renamed[$0.index] }) }
        for index in copy.ghost.committed.indices {
            copy.ghost.committed[index].server = renamed[ghost.committed[index].server.index]
        }
        return copy
    }
}
