import RaftCore
import RaftSimulation

/// What one step did besides changing the world: the timers servers re-armed and the messages
/// they sent, as `WorldRules.apply` reports them through `StepObservers`.
final class StepEffects {
    /// Bit i: server i asked for a fresh election timeout.
    var electionResets: UInt16 = 0
    /// Bit i: server i asked for its next heartbeat.
    var heartbeatResets: UInt16 = 0
    /// The messages sent, in send order.
    var sent: [Envelope] = []

    /// Forgets the last step's effects, keeping the message buffer's capacity.
    func clear() {
        electionResets = 0
        heartbeatResets = 0
        sent.removeAll(keepingCapacity: true)
    }
}

/// The closures `WorldRules.apply` reports a step's effects through, into one `StepEffects`.
///
/// Made once per `Fuzzer`, so that a step allocates no closure context.
struct StepObservers {
    let effects = StepEffects()
    /// Whether each run counts its steps by coverage row.
    var countsCoverage = false
    let timers: WorldRules.TimerObserver
    let sent: WorldRules.SendObserver

    init() {
        let effects = self.effects
        timers = { server, directive in
            switch directive {
            case .resetElectionTimer: effects.electionResets |= 1 << UInt16(server.index)
            case .resetHeartbeatTimer: effects.heartbeatResets |= 1 << UInt16(server.index)
            }
        }
        sent = { envelope in effects.sent.append(envelope) }
    }
}
