import RaftCore
import RaftSimulation

/// One fuzz run, built fresh from its seed: the world, and the components that turn virtual
/// time into the world's actions, each with its own PRNG stream (`RunStreams`).
///
/// Each turn of the loop (`advance()`) asks every component for its earliest event, moves the
/// clock to the first of them and lets that component say which action, if any, it becomes:
/// a message's fate (`PacketSimulator`), a server's timer (`VirtualClock`), a fault
/// (`FaultScheduler`), a client request (`ClientWorkload`), a membership change
/// (`MembershipWorkload`). After the safety phase the
/// `LivenessJudge` watches every turn. Every action goes through `take(_:)`, which applies it
/// through the same `WorldRules` the model checker uses and checks every invariant it could break.
struct FuzzRun {
    private let rules: WorldRules
    /// The most actions the run may take (`Fuzzer.runStepLimit`); the safety phase ends at half.
    private let stepLimit: Int
    private let profile: FaultProfile
    private let observers: StepObservers
    /// Checks after every step that the action was enabled and that the packet simulator's
    /// messages are the world's.
    private let validates: Bool

    private var world: World
    private var clock: VirtualClock
    private var packets: PacketSimulator
    private var faults: FaultScheduler
    private var workload: ClientWorkload
    private var snapshots: SnapshotSchedule
    private var membership: MembershipWorkload
    /// The session clients, when the spec has them.
    private var sessionClients: SessionClientDriver?
    /// The linearizability search's budget a key at the run's end, when a test sets one
    /// (`Fuzzer.linearizabilityStepBudget`).
    var linearizabilityStepBudget: Int? = nil
    /// Present from the start of the liveness phase.
    private var liveness: LivenessJudge? = nil

    private var steps = 0
    private var actions: [Action]
    private var digest = StableHasher(seed: 0x6675_7A7A_6469_6765)
    private var checker = IncrementalInvariants()
    /// Set when the incremental check finds an invariant failing after the last step.
    private var safetyViolated = false
    private var livenessFailure: LivenessFailure? = nil
    private var livenessSettled = false
    /// Steps by coverage row, when the campaign counts them (`Fuzzer.countsCoverage`).
    private var coverage: CoverageTable?

    /// The run of `seed`; `buffers` lends its storage (and is left empty until `lendBuffers`).
    init(
        seed: UInt64, rules: WorldRules, stepLimit: Int, observers: StepObservers,
        validates: Bool, reusing buffers: inout RunBuffers
    ) {
        self.stepLimit = stepLimit
        self.observers = observers
        self.validates = validates
        let profile = FaultProfile(seed: seed)
        self.profile = profile
        let spec = profile.spec(swarming: rules.spec, mutant: rules.mutant)
        self.rules = spec == rules.spec ? rules : WorldRules(spec: spec, mutant: rules.mutant)
        let streams = RunStreams(seed: seed)
        let servers = rules.spec.servers
        world = self.rules.initialWorld
        clock = VirtualClock(profile: profile, serverCount: servers, prng: streams.timers)
        packets = PacketSimulator(
            profile: profile, serverCount: servers, prng: streams.network, reusing: &buffers.inFlight)
        faults = FaultScheduler(
            profile: profile, prng: streams.faults,
            electionSplits: spec.allowsMembershipChanges && profile.splitsAtElections(under: rules.mutant)
                ? streams.electionSplits : nil,
            clogs: streams.clogs)
        workload = ClientWorkload(profile: profile, prng: streams.clients)
        snapshots = SnapshotSchedule(spec: spec, prng: streams.snapshots)
        membership = MembershipWorkload(profile: profile, spec: spec, mutant: rules.mutant, prng: streams.membership)
        sessionClients = SessionClientDriver(spec: self.rules.spec, prng: streams.sessionClients)
        // Checked once per run, over the whole history: after every completion it cost nine
        // tenths of a run's time.
        checker.checksLinearizability = sessionClients == nil
        actions = []
        swap(&actions, &buffers.actions)
        coverage = observers.countsCoverage ? CoverageTable() : nil
        actions.removeAll(keepingCapacity: true)
    }

    /// Hands the run's buffers back, for the next run to reuse.
    mutating func lendBuffers(to buffers: inout RunBuffers) {
        packets.lendStorage(to: &buffers.inFlight)
        swap(&actions, &buffers.actions)
    }

    // MARK: - The loop

    /// One turn of the run; false once the run has ended.
    ///
    /// A turn is a list of concerns: the phase change, the liveness judge's look, then the next
    /// event of the packet simulator, the clock, the fault scheduler or the client workload.
    mutating func advance() -> Bool {
        if liveness == nil && (clock.now >= profile.safetyTicks || steps >= stepLimit / 2) {
            beginLivenessPhase()
            return !safetyViolated
        }
        if liveness != nil && livenessEnded() { return false }
        let (event, due) = nextEvent()
        let horizon = liveness?.deadlineTick ?? profile.safetyTicks
        if due > horizon {
            clock.advance(to: horizon)
            return true
        }
        clock.advance(to: due)
        handle(event)
        return !safetyViolated
    }

    private enum Event {
        case message(position: Int), timer(VirtualClock.Timer), fault(FaultScheduler.Fault), clientRequest, snapshot
        case membershipChange, nothing
        case sessionClient(SessionClientDriver.Event)
    }

    /// The earliest pending event and its tick; ties go to messages first (in send order), then
    /// timers in server order, then faults, then client requests, then membership changes, so
    /// that the choice is deterministic.
    ///
    /// `mutating` though it changes nothing: the run is then passed by reference, where a
    /// non-mutating call would copy the whole run on every step.
    private mutating func nextEvent() -> (Event, Int) {
        var event = Event.nothing
        var due = Int.max
        if let message = packets.earliestMessage(), message.due < due {
            (event, due) = (.message(position: message.position), message.due)
        }
        if let timer = clock.earliestTimer(in: world), timer.due < due {
            (event, due) = (.timer(timer.timer), timer.due)
        }
        if let fault = faults.earliestFault(), fault.due < due { (event, due) = (.fault(fault.fault), fault.due) }
        if workload.nextRequestTick < due { (event, due) = (.clientRequest, workload.nextRequestTick) }
        if snapshots.nextSnapshotTick < due { (event, due) = (.snapshot, snapshots.nextSnapshotTick) }
        if membership.nextProposalTick < due { (event, due) = (.membershipChange, membership.nextProposalTick) }
        if let client = sessionClients?.earliest(), client.due < due {
            (event, due) = (.sessionClient(client.event), client.due)
        }
        return (event, due)
    }

    /// Turns an event that is due into an action, when the world enables one; an event the world
    /// cannot take now is moved later or dropped by its component, so that time always moves on.
    private mutating func handle(_ event: Event) {
        let spec = rules.spec
        let now = clock.now
        let networkHasRoom = world.network.count < spec.maxInFlight
        switch event {
        case .nothing:
            break
        case .message(let position):
            if let action = packets.dispatch(at: position, now: now, in: world, spec: spec) { take(action) }
        case .timer(let timer):
            if let action = clock.fire(timer, in: world, spec: spec, networkHasRoom: networkHasRoom) { take(action) }
        case .fault(let fault):
            handle(fault)
        case .clientRequest:
            if let action = workload.requestArrives(
                now: now, in: world, rules: rules, networkHasRoom: networkHasRoom)
            {
                take(action)
            }
        case .snapshot:
            if let action = snapshots.snapshotDue(now: now, in: world, rules: rules) { take(action) }
        case .membershipChange:
            if let action = membership.proposalArrives(
                now: now, in: world, spec: spec, networkHasRoom: networkHasRoom)
            {
                take(action)
            }
        case .sessionClient(let clientEvent):
            if let action = sessionClients!.action(for: clientEvent, now: now, in: world, rules: rules) { take(action) }
        }
    }

    private mutating func handle(_ fault: FaultScheduler.Fault) {
        let now = clock.now
        switch fault {
        case .crash:
            guard let (victim, restartTick) = faults.crashArrives(now: now, in: world, spec: rules.spec) else {
                return
            }
            clock.serverCrashed(victim.index, restartsAt: restartTick)
            take(.crash(victim))
        case .partitionStarts:
            guard let side = faults.partitionStarts(now: now, in: world, spec: rules.spec) else { return }
            packets.partitioned(side: side)
            take(.partition(side))
        case .partitionEnds:
            faults.partitionEnds(now: now)
            if world.partition != nil { take(.heal) }
        case .oneWayStarts:
            if let cut = faults.oneWayStarts(now: now, spec: rules.spec) { packets.cut(cut) }
        case .oneWayEnds:
            packets.cut(nil)
            faults.oneWayEnds(now: now)
        case .electionSplit:
            guard let side = faults.electionSplitArrives(now: now, in: world, spec: rules.spec) else { return }
            if world.partition != nil { take(.heal) }
            packets.partitioned(side: side)
            take(.partition(side))
        case .clogStarts:
            if let clog = faults.clogStarts(now: now, in: world) { packets.clog(clog) }
        case .clogEnds:
            packets.clog(nil)
            faults.clogEnds(now: now)
        }
    }

    // MARK: - Taking a step

    /// Applies `action` to the world, records it, lets the components see its effects, and
    /// checks the invariants it could have broken.
    private mutating func take(_ action: Action) {
        if validates {
            precondition(
                rules.enabledActions(in: world).contains(action),
                "seed \(profile.seed) step \(steps + 1): \(ActionText.describe(action)) is not enabled")
        }
        let before = action.steppingServer.flatMap { world.servers[$0.index].node }
        // A crash's row is the crashed server's role, which no other check needs before the step.
        let crashed = coverage != nil && action.kind == .crash ? CoverageClassifier.subject(of: action) : nil
        let crashedBefore = crashed.flatMap { world.servers[$0.index].node }
        let preVoteGrantsBefore = Invariants.preVoteGrants(before: action, in: world)
        let effects = observers.effects
        effects.clear()
        rules.apply(action, to: &world, timers: observers.timers, sent: observers.sent)
        steps += 1
        actions.append(action)
        action.stableHash(into: &digest)

        for envelope in effects.sent { packets.send(envelope, now: clock.now) }
        sessionClients?.observe(world, now: clock.now, maxOperations: rules.spec.maxClientOperations)
        clock.rearm(electionResets: effects.electionResets, heartbeatResets: effects.heartbeatResets)
        if coverage != nil { coverage!.count(action, before: before ?? crashedBefore, after: world) }
        if membership.followsElections || faults.splitsAtElections, let before, !before.isLeader,
            world.servers[before.id.index].node?.isLeader == true
        {
            membership.leaderElected(now: clock.now)
            faults.leaderElected(now: clock.now)
        }
        if checker.violated(after: action, before: before, preVoteGrantsBefore: preVoteGrantsBefore, in: world) {
            safetyViolated = true
        }
        if validates {
            precondition(
                packets.mirrors(world), "seed \(profile.seed) step \(steps): the clock's messages are not the world's")
        }
    }

    // MARK: - The liveness phase

    /// Ends the safety phase: stops every fault, heals the network and restarts every crashed
    /// server (messages still in flight arrive, late or not); from here `LivenessJudge` watches.
    private mutating func beginLivenessPhase() {
        liveness = LivenessJudge(startTick: clock.now, startStep: steps)
        packets.heal()
        faults.stop()
        workload.stop()
        membership.stop()
        sessionClients?.stopInvoking()
        if world.partition != nil { take(.heal) }
        let keptDown = safetyViolated ? nil : leaderKeptDown()
        if let keptDown {
            clock.serverCrashed(keptDown, restartsAt: .max)
            take(.crash(NodeID(keptDown)))
        }
        for index in world.servers.indices where !world.servers[index].isUp && !safetyViolated && index != keptDown {
            clock.restartTaken(index)
            take(.restart(NodeID(index)))
        }
    }

    /// The leader the liveness phase keeps down, if the profile asks for it and the cluster can
    /// spare it: 3 servers or more, a leader up, a crash left in the spec's budget, and, after
    /// membership changes, the leader's configuration committed and, in the latest configuration
    /// of every server, the voters other than the leader a quorum (3 slots may hold 2 voters,
    /// which cannot lose one, and a server holding an uncommitted change campaigns under it).
    private func leaderKeptDown() -> Int? {
        guard profile.keepsLeaderDown, world.servers.count >= 3, world.spent.crashes < rules.spec.maxCrashes,
            let leader = world.currentLeaders.max(by: { $0.currentTerm < $1.currentTerm })
        else { return nil }
        guard leader.configurationIndex <= leader.commitIndex else { return nil }
        for server in world.servers {
            guard let configuration = server.node?.configuration else { continue }
            var others = configuration.voters
            others.remove(leader.id)
            guard configuration.isQuorum(others) else { return nil }
        }
        return leader.id.index
    }

    /// Whether the liveness phase is over: settled, failed, or stopped by the spec's bounds.
    ///
    /// Sends the probe command the judge asks for.
    private mutating func livenessEnded() -> Bool {
        let spec = rules.spec
        switch liveness!.look(at: world, spec: spec) {
        case .settled:
            livenessSettled = true
            return true
        case .sendProbe(let leader, let term):
            let command = rules.nextCommand(in: world)
            let accepted = world.spent.clientRequests
            take(.clientRequest(leader, command))
            if world.spent.clientRequests > accepted { liveness!.probeAccepted(command, term: term) }
        case .waiting:
            break
        }
        if safetyViolated { return true }
        if steps >= stepLimit {
            // A message storm: no bound of the spec excuses it.
            livenessFailure = liveness!.failure(in: world, step: steps, now: clock.now, stepLimitReached: true)
            return true
        }
        if clock.now >= liveness!.deadlineTick {
            if liveness!.budgetEndedInFailure(in: world, spec: spec) {
                livenessFailure = liveness!.failure(in: world, step: steps, now: clock.now, stepLimitReached: false)
            }
            return true
        }
        return false
    }

    // MARK: - The result

    /// How the run went; its actions are kept for a failing run, or for every run when
    /// `keepingActions`.
    mutating func result(keepingActions: Bool) -> FuzzRunResult {
        let outcome: FuzzOutcome
        let judgement =
            checker.checksLinearizability || safetyViolated
            ? nil
            : Invariants.linearizabilityJudgement(
                world,
                checker: linearizabilityStepBudget.map { Invariants.linearizabilityChecker(stepBudget: $0) }
                    ?? Invariants.checker)
        if !checker.checksLinearizability,
            safetyViolated || judgement?.violation != nil
        {
            // The history may have gone wrong at a completion before the step that stopped the
            // run, or before its end: the replay, which checks linearizability at every step,
            // finds that step, and the run is cut there, as if the step's check had stopped it.
            var replay = ReplayChooser(recorded: actions)
            if let result = try? rules.run(chooser: &replay, maxSteps: actions.count), let violation = result.violation
            {
                actions.removeSubrange(violation.step...)
                steps = violation.step
                safetyViolated = true
            }
        }
        if safetyViolated {
            // The incremental check said some invariant failed at the last step; the full check,
            // replayed as `raftlab replay` does, names it exactly as the trace will record it.
            outcome = .safety(canonicalViolation())
        } else if let livenessFailure {
            outcome = .liveness(livenessFailure)
        } else {
            outcome = .passed
        }
        digest.combine(world.fingerprint)
        digest.combine(outcome.kind.rawValue)
        let settledTicks = livenessSettled ? liveness.map { clock.now - $0.startTick } : nil
        return FuzzRunResult(
            profile: profile, spec: rules.spec, outcome: outcome, steps: steps, ticks: clock.now,
            livenessTicks: settledTicks,
            livenessUnjudged: livenessSettled || outcome != .passed
                ? nil : "the spec's \(liveness?.blockedBy ?? "bounds") ran out",
            digest: digest.finalize(),
            actions: outcome.isFailure || keepingActions ? actions : nil, spent: world.spent,
            committed: world.ghost.committed.count, coverage: coverage,
            linearizabilityUndecided: outcome == .passed ? judgement?.undecidedDetail : nil)
    }

    private func canonicalViolation() -> Violation {
        var replay = ReplayChooser(recorded: actions)
        guard let result = try? rules.run(chooser: &replay, maxSteps: actions.count),
            let violation = result.violation, violation.step == actions.count
        else {
            preconditionFailure(
                "seed \(profile.seed): the incremental check and Invariants.check disagree at step \(steps)")
        }
        return violation
    }
}

/// The storage a run fills step by step, handed from one run to the next so that, once a run has
/// grown them, later runs allocate no new buffer on the hot path.
struct RunBuffers {
    var inFlight: [PacketSimulator.Packet] = []
    var actions: [Action] = []
}
