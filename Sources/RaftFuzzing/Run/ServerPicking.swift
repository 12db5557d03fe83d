import RaftCore
import RaftSimulation

extension World {
    /// A running server to strike or to ask, if any.
    ///
    /// The leader of the highest term when `preferLeader` and there is one, otherwise one drawn
    /// uniformly. Always draws once, so that the stream's later draws do not depend on the
    /// servers' roles.
    func pickRunningServer(preferLeader: Bool, drawingFrom prng: inout PRNG) -> NodeID? {
        var running: [NodeID] = []
        var leader: RaftNode? = nil
        for server in servers {
            guard let node = server.node else { continue }
            running.append(node.id)
            if node.isLeader && node.currentTerm > (leader?.currentTerm ?? -1) { leader = node }
        }
        let draw = Int(prng.uniform(below: UInt64(max(running.count, 1))))
        if preferLeader, let leader { return leader.id }
        return running.isEmpty ? nil : running[draw]
    }
}
