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
    /// The steps taken when the liveness phase began.
    let startStep: Int
    /// The tick the liveness phase's budget ends.
    var deadlineTick: Int { startTick + FaultProfile.livenessBudgetTicks }
    /// The spec bound that kept liveness from being judged (`maxTerm`, `maxClientRequests`), once
    /// one has.
    private(set) var blockedBy: String? = nil

    /// The probe and the acknowledgements read so far.
    private var evidence = LivenessGoal.Evidence()
    /// How many of the world's acknowledgements the judge has read.
    private var acknowledgementsSeen = 0

    init(startTick: Int, startStep: Int) {
        self.startTick = startTick
        self.startStep = startStep
    }

    /// Looks at `world`: whether the goal is met, or a probe command is due.
    mutating func look(at world: World, spec: WorldSpec) -> Finding {
        let acknowledged = world.ghost.acknowledged
        while acknowledgementsSeen < acknowledged.count {
            evidence.read(acknowledged[acknowledgementsSeen])
            acknowledgementsSeen += 1
        }
        guard let leader = LivenessGoal.stableLeader(in: world) else { return .waiting }
        let probeOfThisLeader = evidence.probe?.term == leader.currentTerm
        if !probeOfThisLeader && world.spent.clientRequests >= spec.maxClientRequests {
            blockedBy = "maxClientRequests"
        }
        if !probeOfThisLeader && LivenessGoal.probeCanBeSent(in: world, spec: spec) {
            return .sendProbe(to: leader.id, term: leader.currentTerm)
        }
        return LivenessGoal.isMet(in: world, spec: spec, leader: leader, evidence: evidence) ? .settled : .waiting
    }

    /// The leader of `term` accepted `command` as the probe asked for by `sendProbe`.
    mutating func probeAccepted(_ command: Command, term: Term) {
        evidence.probeSent(LivenessGoal.Probe(command: command, term: term))
    }

    /// The budget has run out without the goal met: whether that is a failure.
    ///
    /// It is not when the spec's `maxTerm` stopped the elections a leader needed, or its client
    /// requests ran out (both then recorded in `blockedBy`).
    mutating func budgetEndedInFailure(in world: World, spec: WorldSpec) -> Bool {
        if LivenessGoal.electionsSpent(in: world, spec: spec) { blockedBy = "maxTerm" }
        return blockedBy == nil
    }

    /// What was missing when the run ended at `step`, tick `now`, without the goal met.
    ///
    /// The words are `LivenessGoal`'s, read afresh from the world (not from what `look` has read
    /// so far), exactly as the replay of the saved trace reads them.
    func failure(in world: World, step: Int, now: Int, stepLimitReached: Bool) -> LivenessFailure {
        let evidence = LivenessGoal.Evidence(reading: world, probe: evidence.probe)
        return LivenessFailure(
            step: step, ticks: now - startTick, phaseStartStep: startStep, stepLimitReached: stepLimitReached,
            detail: LivenessGoal.missing(in: world, evidence: evidence, stepLimitReached: stepLimitReached))
    }
}
