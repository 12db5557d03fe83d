import RaftCore
import RaftSimulation

/// `Invariants.stepViolates` over a run: remembers how much of the ghost history the previous
/// step had seen, so that each check looks only at what is new.
struct IncrementalInvariants {
    /// How many ghost committed records the previous check saw.
    private var committedSeen = 0
    /// Whether `linearizability` is checked after every completion; the fuzzer checks a run's
    /// whole history once at its end instead (`FuzzRun.result`).
    var checksLinearizability = true

    init() {}

    /// Whether some invariant fails after `action` took `world` to its current state, given the
    /// stepping server as it was just before (`before`, nil when the action is not a server
    /// step).
    mutating func violated(after action: Action, before: RaftNode?, preVoteGrantsBefore: Int, in world: World) -> Bool {
        defer { committedSeen = world.ghost.committed.count }
        return Invariants.stepViolates(
            after: action, before: before, committedBefore: committedSeen, preVoteGrantsBefore: preVoteGrantsBefore,
            checksLinearizability: checksLinearizability, in: world)
    }
}
