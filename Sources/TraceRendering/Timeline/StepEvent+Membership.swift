import RaftCore
import RaftSimulation

extension StepEvent {
    /// The event for `node`'s configuration if the step changed it: compared with the running
    /// server before, or with what its disk held while it was down (a restart).
    ///
    /// Membership over time is drawn this way, one note per server that moves to another
    /// configuration; a fixed cluster never changes one, so its renderings are unchanged.
    static func configurationChange(of node: RaftNode, from old: RaftNode?, disk: DurableState) -> StepEvent? {
        let before =
            old?.configuration ?? disk.log.latestConfiguration?.configuration ?? node.initialConfiguration
        guard node.configuration != before else { return nil }
        return .configurationChanged(node.id, node.configuration)
    }
}
