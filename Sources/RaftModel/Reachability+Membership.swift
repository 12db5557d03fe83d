import RaftCore
import RaftSimulation

extension RaftModel {
    /// Whether the step committed a configuration entry for the first time; with `promoting`,
    /// one that made a learner of its predecessor a voter (the thesis, sections 4.1 and 4.2.1).
    static func newlyCommittedConfiguration(from previous: World, to state: World, promoting: Bool) -> Bool {
        let committed = state.ghost.committed
        guard committed.count > previous.ghost.committed.count else { return false }
        for position in previous.ghost.committed.count..<committed.count {
            guard case .configuration(let next) = committed[position].entry.payload else { continue }
            guard promoting else { return true }
            let earlier = committed[..<position].last {
                if case .configuration = $0.entry.payload { true } else { false }
            }
            if case .configuration(let before)? = earlier?.entry.payload,
                before.learners.bits & next.voters.bits != 0
            {
                return true
            }
        }
        return false
    }
}
