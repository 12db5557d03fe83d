import RaftCore
import RaftSimulation

/// The judge of a fuzz run's liveness phase: after the network is healed, every server restarted
/// and every fault stopped, a correct Raft must within `FaultProfile.livenessBudgetTicks` settle
/// on one leader followed by every server, and apply every acknowledged command on every server.
///
/// This Raft, like the paper's, appends no entry when a leader takes office, and a leader commits
/// nothing from earlier terms until an entry of its own term is replicated (section 5.4.2). So
/// once a leader is stable the judge asks for one probe command to be sent to it (and another to
/// each newer leader that takes over); the probe committing carries every earlier entry with it,
/// and it must be acknowledged too. Only when the spec's client requests run out does the judge
/// wait without a probe, and then a cluster that does not settle is not judged: the spec's
/// bounds, not Raft, stopped it.
struct LivenessJudge {
    /// What the judge makes of the world as it is now.
    enum Finding: Equatable {
        /// The goal is met.
        case settled
        /// Not yet.
        case waiting
        /// `leader` is stable in `term` and has no probe of its own: send it one (then report it
        /// with `probeAccepted` when the leader took it).
        case sendProbe(to: NodeID, term: Term)
    }

    /// The tick the liveness phase began.
    let startTick: Int
    /// The tick the liveness phase's budget ends.
    var deadlineTick: Int { startTick + FaultProfile.livenessBudgetTicks }
    /// The spec bound that kept liveness from being judged (`maxTerm`, `maxClientRequests`), once
    /// one has.
    private(set) var blockedBy: String? = nil

    private var probe: (command: Command, term: Term)? = nil
    private var probeAcknowledged = false
    /// How many of the world's acknowledgements the judge has read.
    private var acknowledgementsSeen = 0
    /// The highest log index of an acknowledged command: every server must apply up to it.
    private var highestAcknowledgedIndex = 0

    init(startTick: Int) {
        self.startTick = startTick
    }

    /// Looks at `world`: whether the goal is met, or a probe command is due.
    mutating func look(at world: World, spec: WorldSpec) -> Finding {
        let acknowledged = world.ghost.acknowledged
        while acknowledgementsSeen < acknowledged.count {
            let acknowledgement = acknowledged[acknowledgementsSeen]
            highestAcknowledgedIndex = max(highestAcknowledgedIndex, acknowledgement.index)
            if acknowledgement.command == probe?.command { probeAcknowledged = true }
            acknowledgementsSeen += 1
        }
        guard let leader = Self.stableLeader(in: world) else { return .waiting }
        let probeOfThisLeader = probe?.term == leader.currentTerm
        if !probeOfThisLeader && world.spent.clientRequests >= spec.maxClientRequests {
            blockedBy = "maxClientRequests"
        }
        if !probeOfThisLeader && world.spent.clientRequests < spec.maxClientRequests
            && world.network.count < spec.maxInFlight
        {
            return .sendProbe(to: leader.id, term: leader.currentTerm)
        }
        if probeOfThisLeader && !probeAcknowledged { return .waiting }
        let allApplied = world.servers.allSatisfy { ($0.node?.lastApplied ?? 0) >= highestAcknowledgedIndex }
        return allApplied ? .settled : .waiting
    }

    /// The leader of `term` accepted `command` as the probe asked for by `sendProbe`.
    mutating func probeAccepted(_ command: Command, term: Term) {
        probe = (command, term)
        probeAcknowledged = false
    }

    /// The budget has run out without the goal met: whether that is a failure.
    ///
    /// It is not when the spec's `maxTerm` stopped the elections a leader needed, or its client
    /// requests ran out (both then recorded in `blockedBy`).
    mutating func budgetEndedInFailure(in world: World, spec: WorldSpec) -> Bool {
        let electionsSpent = world.servers.contains {
            guard let node = $0.node else { return false }
            return !node.isLeader && node.currentTerm >= spec.maxTerm
        }
        if electionsSpent { blockedBy = "maxTerm" }
        return blockedBy == nil
    }

    /// What was missing when the run ended at `step`, tick `now`, without the goal met.
    func failure(in world: World, step: Int, now: Int, stepLimitReached: Bool) -> LivenessFailure {
        let detail: String
        if let leader = Self.stableLeader(in: world) {
            let lagging = world.servers.compactMap { $0.node }.filter { $0.lastApplied < highestAcknowledgedIndex }
            if !probeAcknowledged, let probe {
                detail =
                    "leader \(leader.id) of term \(leader.currentTerm) is stable but the probe command "
                    + "\(probe.command) was not acknowledged"
            } else if let server = lagging.first {
                detail =
                    "\(server.id) applied up to index \(server.lastApplied), but commands were acknowledged "
                    + "up to index \(highestAcknowledgedIndex)"
            } else {
                detail =
                    "leader \(leader.id) of term \(leader.currentTerm) is stable but no probe command could be sent"
            }
        } else {
            let roles = world.servers.compactMap { $0.node }.map {
                "\($0.id) \($0.role.kind.rawValue) term \($0.currentTerm)"
            }
            detail = "no leader followed by every server (\(roles.joined(separator: ", ")))"
        }
        let budgetNote = stepLimitReached ? " [run step limit reached]" : ""
        return LivenessFailure(step: step, ticks: now - startTick, detail: detail + budgetNote)
    }

    /// The leader every running server follows in its term, if there is one.
    static func stableLeader(in world: World) -> RaftNode? {
        guard let leader = world.currentLeaders.max(by: { $0.currentTerm < $1.currentTerm }) else { return nil }
        for server in world.servers {
            guard let node = server.node, node.currentTerm == leader.currentTerm else { return nil }
            if node.id != leader.id && node.role != .follower(leader: leader.id) { return nil }
        }
        return leader
    }
}
