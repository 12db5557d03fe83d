import RaftCore

extension Invariants {
    /// The membership invariants, in `InvariantID` order; nil when both hold or the world has no
    /// membership in play (then neither can fail, and fixed clusters pay one comparison).
    public static func membershipViolation(_ world: World) -> Violation? {
        guard world.hasMembership else { return nil }
        return oneUncommittedConfiguration(world) ?? singleServerChange(world)
    }

    /// At most one uncommitted configuration in any leader's log (the thesis, section 4.1): a
    /// leader appends a change only once the previous one is committed.
    ///
    /// Committed means committed by the cluster (the ghost record), not as far as the leader
    /// knows: a new leader may hold an older leader's committed change before it learns that it
    /// is committed.
    public static func oneUncommittedConfiguration(_ world: World) -> Violation? {
        let committed = world.ghost.committed.count
        // Asked after every fuzz step: a server is read where it lies, and copied only when it
        // leads with a configuration past the commit.
        let leading = world.servers.withUnsafeBufferPointer { servers in
            servers.indices.filter { index in
                guard let node = World.Server.runningNode(of: servers.baseAddress! + index) else { return false }
                return node.pointee.isLeader && node.pointee.configurationIndex > committed
            }
        }
        for index in leading {
            guard let leader = world.servers[index].node else { continue }
            let uncommitted = leader.log.entries.indices.filter { offset in
                guard offset + 1 > committed, case .configuration = leader.log.entries[offset].payload else {
                    return false
                }
                return true
            }
            if uncommitted.count > 1 {
                let indexes = uncommitted.map { String($0 + 1) }.joined(separator: " and ")
                return Violation(
                    invariant: .oneUncommittedConfiguration, servers: [NodeID(index)], index: uncommitted[1] + 1,
                    terms: [leader.currentTerm],
                    detail: "leader \(NodeID(index)) of term \(leader.currentTerm) holds uncommitted configurations "
                        + "at indexes \(indexes)")
            }
        }
        return nil
    }

    /// Every configuration in any server's log differs from the one before it (in that log, or
    /// the initial one) by at most one voter (the thesis, section 4.1): so a majority of the old
    /// voters and a majority of the new always share a server.
    ///
    /// Crashed servers count with their disk's log.
    public static func singleServerChange(_ world: World) -> Violation? {
        let initial = world.initialConfiguration ?? .allVoters(world.servers.count)
        for index in world.servers.indices {
            var previous = initial
            for (offset, entry) in world.log(of: index).entries.enumerated() {
                guard case .configuration(let next) = entry.payload else { continue }
                if !previous.differsByAtMostOneVoter(from: next) {
                    return Violation(
                        invariant: .singleServerChange, servers: [NodeID(index)], index: offset + 1,
                        terms: [entry.term],
                        detail: "\(NodeID(index))'s configuration at index \(offset + 1) (\(next)) differs from "
                            + "the one before it (\(previous)) by more than one voter")
                }
                previous = next
            }
        }
        return nil
    }
}
