import RaftCore
import RaftSimulation

extension World.Server {
    /// The server's membership situation, with no server named: whether it is a voter of the
    /// initial configuration, and whether it is a voter, a learner or outside its latest one
    /// (the running server's, else the one its disk's log holds).
    ///
    /// Two servers in different situations never trade places, so a spare slot is never renamed
    /// into a member's place.
    func membershipWord(as id: NodeID, in world: World) -> UInt64 {
        let initial = world.initialConfiguration
        let latest = node?.configuration ?? disk.log.latestConfiguration?.configuration ?? initial
        func relation(_ configuration: Configuration?) -> UInt64 {
            guard let configuration else { return 1 }
            return configuration.voters.contains(id) ? 1 : configuration.learners.contains(id) ? 2 : 3
        }
        return 0x3E00 | relation(initial) | relation(latest) << 2
    }
}
