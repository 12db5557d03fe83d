import RaftCore
import RaftSimulation

/// How a fuzz run ended.
public enum FuzzOutcome: Hashable, Sendable {
    /// No invariant failed, and the liveness phase met its deadline.
    case passed
    /// A safety invariant failed; the run stopped at that step.
    case safety(Violation)
    /// The healed, fault-free cluster did not settle within the liveness budget.
    case liveness(LivenessFailure)

    /// `passed`, `safety` or `liveness`, for reports.
    public var kind: String {
        switch self {
        case .passed: "passed"
        case .safety: "safety"
        case .liveness: "liveness"
        }
    }

    public var isFailure: Bool { self != .passed }
}

/// A liveness phase that ran out of time: what was still missing when the budget ended.
public struct LivenessFailure: Hashable, Sendable, CustomStringConvertible {
    /// The step count when the budget ran out.
    public var step: Int
    /// Ticks since the liveness phase began.
    public var ticks: Int
    /// What was missing, in words.
    public var detail: String

    public var description: String { "liveness failed after \(ticks) ticks (step \(step)): \(detail)" }
}

/// The result of one fuzz run.
public struct FuzzRunResult: Sendable {
    public var profile: FaultProfile
    public var outcome: FuzzOutcome
    /// Actions taken.
    public var steps: Int
    /// Virtual ticks elapsed.
    public var ticks: Int
    /// Ticks the liveness phase needed to settle, when it did.
    public var livenessTicks: Int?
    /// Why liveness could not be judged, when the spec's bounds (not Raft) stopped the cluster:
    /// elections stopped by `maxTerm`, or no client request left for the probe. Such a run
    /// passes; reports count it apart.
    public var livenessUnjudged: String?
    /// A digest of every action taken and of the final world: equal digests, equal runs.
    public var digest: UInt64
    /// The actions taken, kept only for a failing run (a passing run is reproduced by its seed).
    public var actions: [Action]?
    /// How much of each bounded fault and request the run spent.
    public var spent: World.Budget
    /// Entries the cluster committed.
    public var committed: Int
}

/// The randomized fault fuzzer's driver for one run at a time: a virtual clock in ticks that
/// turns randomized timeouts, message delays and fault arrivals into world actions.
///
/// It chooses among the same `Action`s the model checker enumerates and applies them through the
/// same `WorldRules`, so every fuzz run is a path of the world and its action list is a trace that
/// `raftlab replay` re-executes. The clock lives here, outside `World`:
///
/// - each running follower or candidate has an election deadline, re-armed (with a fresh draw
///   from the election timeout range) only when its core asks with `.resetElectionTimer`;
/// - each leader has a heartbeat deadline, re-armed on `.resetHeartbeatTimer`;
/// - each message in flight has a delivery tick and a fate (deliver, drop, or duplicate first),
///   decided from the fault profile when it is sent;
/// - faults that arrive over time (crashes, partitions, one-way partitions, client requests) have
///   their next arrival tick.
///
/// At each step the earliest of these becomes the next action. A run has a safety phase with
/// faults for `profile.safetyTicks` ticks, then a liveness phase (see `beginLivenessPhase`).
/// Every invariant is checked after every step, incrementally (`IncrementalInvariants`).
///
/// A `Fuzzer` keeps its buffers between runs, so one per worker thread runs many seeds without
/// allocating per step.
public struct Fuzzer {
    public let rules: WorldRules
    /// Checks after every step that the action was enabled and that the clock's messages are the
    /// world's; slow, for tests.
    public var validates = false
    /// Keeps the actions of passing runs too (normally only a failing run's are kept).
    public var keepsActions = false

    /// Client requests kept back from the safety phase, so the liveness phase can always send a
    /// probe command (and send it again if the leader changes before it commits).
    public static let livenessRequestReserve = 5

    private let effects = EffectRecorder()
    private let timerObserver: WorldRules.TimerObserver
    private let sendObserver: WorldRules.SendObserver

    // The state of the current run.
    private var profile: FaultProfile
    private var streams: RunStreams
    private var world: World
    private var now = 0
    private var steps = 0
    private var actions: [Action] = []
    private var digest = StableHasher()
    private var checker = IncrementalInvariants()
    /// Set when the incremental check finds an invariant failing after the last step.
    private var safetyViolated = false
    private var livenessFailed: LivenessFailure? = nil

    private var inFlight: [InFlight] = []
    /// Per link (`from * servers + to`), the delivery tick of the last first-in first-out message.
    private var linkLastDue: [Int] = []
    private var electionDeadline: [Int] = []
    private var heartbeatDeadline: [Int] = []
    private var restartAt: [Int] = []
    private var nextCrash = Int.max
    private var nextPartition = Int.max
    private var partitionEnds = Int.max
    private var nextOneWay = Int.max
    private var oneWayEnds = Int.max
    private var oneWay: OneWayCut? = nil
    private var nextClientRequest = Int.max

    private var inLivenessPhase = false
    private var livenessStart = 0
    private var probe: (command: Command, term: Term)? = nil
    private var probeAcknowledged = false
    private var acknowledgementsSeen = 0
    private var highestAcknowledgedIndex = 0
    private var livenessBlockedBy: String? = nil
    private var livenessMet = false

    public init(spec: WorldSpec, mutant: Mutant?) {
        rules = WorldRules(spec: spec, mutant: mutant)
        let effects = self.effects
        timerObserver = { server, directive in
            switch directive {
            case .resetElectionTimer: effects.electionResets |= 1 << UInt16(server.index)
            case .resetHeartbeatTimer: effects.heartbeatResets |= 1 << UInt16(server.index)
            }
        }
        sendObserver = { envelope in effects.sent.append(envelope) }
        profile = FaultProfile(seed: 0)
        streams = RunStreams(seed: 0)
        world = rules.initialWorld
    }

    /// Runs the seed's run to its end and reports how it went.
    public mutating func run(seed: UInt64) -> FuzzRunResult {
        start(seed: seed)
        while !safetyViolated && livenessFailed == nil {
            if !inLivenessPhase && (now >= profile.safetyTicks || steps >= rules.spec.maxDepth / 2) {
                beginLivenessPhase()
                continue
            }
            if inLivenessPhase {
                if livenessSettled() {
                    livenessMet = true
                    break
                }
                if safetyViolated { break }
                if steps >= rules.spec.maxDepth {
                    livenessFailed = livenessFailure()  // A message storm: no bound of the spec excuses it.
                    break
                }
                if now >= livenessStart + FaultProfile.livenessBudgetTicks {
                    let electionsSpent = world.servers.contains {
                        guard let node = $0.node else { return false }
                        return !node.isLeader && node.currentTerm >= rules.spec.maxTerm
                    }
                    if electionsSpent { livenessBlockedBy = "maxTerm" }
                    if livenessBlockedBy == nil { livenessFailed = livenessFailure() }
                    break
                }
            }
            let (event, due) = nextEvent()
            let horizon = inLivenessPhase ? livenessStart + FaultProfile.livenessBudgetTicks : profile.safetyTicks
            if due > horizon {
                now = max(now, horizon)
                continue
            }
            now = max(now, due)
            handle(event)
        }
        return finish()
    }

    // MARK: - Starting and ending a run

    private mutating func start(seed: UInt64) {
        profile = FaultProfile(seed: seed)
        streams = RunStreams(seed: seed)
        world = rules.initialWorld
        let servers = rules.spec.servers
        now = 0
        steps = 0
        actions.removeAll(keepingCapacity: true)
        digest = StableHasher(seed: 0x6675_7A7A_6469_6765)
        checker.reset()
        safetyViolated = false
        livenessFailed = nil
        inFlight.removeAll(keepingCapacity: true)
        linkLastDue = Array(repeating: 0, count: servers * servers)
        electionDeadline = (0..<servers).map {
            streams.timers.uniform(in: profile.electionTimeout(of: $0, servers: servers))
        }
        heartbeatDeadline = Array(repeating: .max, count: servers)
        restartAt = Array(repeating: .max, count: servers)
        nextCrash = arrival(profile.crashes)
        nextPartition = arrival(profile.partitions)
        partitionEnds = .max
        nextOneWay = arrival(profile.oneWayPartitions)
        oneWayEnds = .max
        oneWay = nil
        nextClientRequest = profile.clientLoad.map { now + streams.clients.ticksUntilArrival(rate: $0) } ?? .max
        inLivenessPhase = false
        livenessStart = 0
        probe = nil
        probeAcknowledged = false
        acknowledgementsSeen = 0
        highestAcknowledgedIndex = 0
        livenessBlockedBy = nil
        livenessMet = false
    }

    private mutating func finish() -> FuzzRunResult {
        let outcome: FuzzOutcome
        if safetyViolated {
            // The incremental check said some invariant failed at the last step; the full check,
            // replayed as `raftlab replay` does, names it exactly as the trace will record it.
            outcome = .safety(canonicalViolation())
        } else if let livenessFailed {
            outcome = .liveness(livenessFailed)
        } else {
            outcome = .passed
        }
        digest.combine(world.fingerprint)
        digest.combine(outcome.kind)
        return FuzzRunResult(
            profile: profile, outcome: outcome, steps: steps, ticks: now,
            livenessTicks: livenessMet ? now - livenessStart : nil,
            livenessUnjudged: livenessMet || outcome != .passed
                ? nil : "the spec's \(livenessBlockedBy ?? "bounds") ran out",
            digest: digest.finalize(),
            actions: outcome.isFailure || keepsActions ? actions : nil, spent: world.spent,
            committed: world.ghost.committed.count)
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

    private mutating func arrival(_ rate: Ratio?) -> Int {
        guard let rate else { return .max }
        return now + streams.faults.ticksUntilArrival(rate: rate)
    }

    // MARK: - Choosing the next event

    private enum Event {
        case message(Int), election(Int), heartbeat(Int), restart(Int)
        case crash, partitionStarts, partitionEnds, oneWayStarts, oneWayEnds, clientRequest, nothing
    }

    /// The earliest pending event; ties go to messages first (in send order), then timers in
    /// server order, then faults, so that the choice is deterministic.
    private func nextEvent() -> (Event, Int) {
        var best = Event.nothing
        var due = Int.max
        for (position, message) in inFlight.enumerated() where message.due < due {
            best = .message(position)
            due = message.due
        }
        for (index, server) in world.servers.enumerated() {
            guard let node = server.node else {
                if restartAt[index] < due { (best, due) = (.restart(index), restartAt[index]) }
                continue
            }
            if node.isLeader {
                if heartbeatDeadline[index] < due { (best, due) = (.heartbeat(index), heartbeatDeadline[index]) }
            } else if electionDeadline[index] < due {
                (best, due) = (.election(index), electionDeadline[index])
            }
        }
        if nextCrash < due { (best, due) = (.crash, nextCrash) }
        if partitionEnds < due { (best, due) = (.partitionEnds, partitionEnds) }
        if nextPartition < due { (best, due) = (.partitionStarts, nextPartition) }
        if oneWayEnds < due { (best, due) = (.oneWayEnds, oneWayEnds) }
        if nextOneWay < due { (best, due) = (.oneWayStarts, nextOneWay) }
        if nextClientRequest < due { (best, due) = (.clientRequest, nextClientRequest) }
        return (best, due)
    }

    /// Turns an event that is due into an action, when the world enables one; an event the world
    /// cannot take now is moved later or dropped, so that time always moves on.
    private mutating func handle(_ event: Event) {
        let spec = rules.spec
        let networkHasRoom = world.network.count < spec.maxInFlight
        switch event {
        case .nothing:
            break
        case .message(let position):
            deliverOrFault(position)
        case .election(let index):
            guard let node = world.servers[index].node else { return }
            if node.currentTerm >= spec.maxTerm {
                electionDeadline[index] = .max  // The spec allows no more elections here.
            } else if !networkHasRoom {
                electionDeadline[index] = now + 1
            } else {
                electionDeadline[index] = .max  // The core re-arms it with .resetElectionTimer.
                take(.electionTimeout(NodeID(index)))
            }
        case .heartbeat(let index):
            if !networkHasRoom {
                heartbeatDeadline[index] = now + 1
            } else {
                heartbeatDeadline[index] = .max  // The core re-arms it with .resetHeartbeatTimer.
                take(.heartbeatTimeout(NodeID(index)))
            }
        case .restart(let index):
            restartAt[index] = .max
            take(.restart(NodeID(index)))
        case .crash:
            nextCrash = arrival(profile.crashes)
            guard world.spent.crashes < spec.maxCrashes else {
                nextCrash = .max
                return
            }
            let preferLeader = streams.faults.chance(Ratio(1, 2))
            guard let victim = pickServer(preferLeader: preferLeader, using: &streams.faults) else { return }
            restartAt[victim.index] = now + streams.faults.uniform(in: profile.downtime)
            electionDeadline[victim.index] = .max
            heartbeatDeadline[victim.index] = .max
            take(.crash(victim))
        case .partitionStarts:
            nextPartition = .max
            guard world.partition == nil, world.spent.partitions < spec.maxPartitions, spec.servers > 1 else { return }
            // The world names each split by the side without s1.
            let sides = UInt64((1 << (spec.servers - 1)) - 1)
            let side = NodeSet(bits: UInt16(streams.faults.uniform(below: sides) + 1) << 1)
            partitionEnds = now + streams.faults.uniform(in: profile.partitionDuration)
            // The world loses the messages in flight across the cut; so does the clock.
            inFlight.removeAll { side.contains($0.envelope.from) != side.contains($0.envelope.to) }
            take(.partition(side))
        case .partitionEnds:
            partitionEnds = .max
            nextPartition = arrival(profile.partitions)
            if world.partition != nil { take(.heal) }
        case .oneWayStarts:
            nextOneWay = .max
            guard spec.servers > 1 else { return }
            let sides = UInt64((1 << spec.servers) - 2)
            let side = NodeSet(bits: UInt16(streams.faults.uniform(below: sides) + 1))
            oneWay = OneWayCut(blockedSenders: side)
            oneWayEnds = now + streams.faults.uniform(in: profile.partitionDuration)
        case .oneWayEnds:
            oneWay = nil
            oneWayEnds = .max
            nextOneWay = arrival(profile.oneWayPartitions)
        case .clientRequest:
            nextClientRequest = profile.clientLoad.map { now + streams.clients.ticksUntilArrival(rate: $0) } ?? .max
            let reserve = min(Self.livenessRequestReserve, spec.maxClientRequests)
            guard world.spent.clientRequests < spec.maxClientRequests - reserve else {
                nextClientRequest = .max
                return
            }
            let preferLeader = streams.clients.chance(Ratio(3, 4))
            guard networkHasRoom, let target = pickServer(preferLeader: preferLeader, using: &streams.clients) else {
                return
            }
            take(.clientRequest(target, rules.nextCommand(in: world)))
        }
    }

    /// A running server: the leader of the highest term when `preferLeader` and there is one,
    /// otherwise one drawn uniformly. Always draws once, so the stream does not depend on roles.
    private func pickServer(preferLeader: Bool, using prng: inout PRNG) -> NodeID? {
        var running: [NodeID] = []
        var leader: RaftNode? = nil
        for server in world.servers {
            guard let node = server.node else { continue }
            running.append(node.id)
            if node.isLeader && node.currentTerm > (leader?.currentTerm ?? -1) { leader = node }
        }
        let draw = Int(prng.uniform(below: UInt64(max(running.count, 1))))
        if preferLeader, let leader { return leader.id }
        return running.isEmpty ? nil : running[draw]
    }

    /// Carries out the fate of the message at `position`, now due.
    private mutating func deliverOrFault(_ position: Int) {
        let spec = rules.spec
        let message = inFlight[position]
        let envelope = message.envelope
        let canDrop = world.spent.drops < spec.maxDrops
        if message.fate == .duplicate && world.spent.duplicates < spec.maxDuplicates {
            inFlight[position].fate = .deliver
            let due = now + streams.network.uniform(in: profile.messageDelay)
            inFlight.append(InFlight(envelope: envelope, due: due, fate: .deliver))
            take(.duplicate(envelope))
        } else if canDrop && (message.fate == .drop || (oneWay?.blocks(envelope) ?? false)) {
            inFlight.remove(at: position)
            take(.drop(envelope))
        } else if !world.servers[envelope.to.index].isUp {
            // Nobody is there to receive it: lost, or (with no drops left in the spec) held until
            // the receiver is back.
            if canDrop {
                inFlight.remove(at: position)
                take(.drop(envelope))
            } else {
                inFlight[position].due = now + profile.messageDelay.upperBound
            }
        } else {
            inFlight.remove(at: position)
            take(.deliver(envelope))
        }
    }

    // MARK: - Taking a step

    /// Applies `action` to the world, records it, lets the clock see its effects, and checks the
    /// invariants it could have broken.
    private mutating func take(_ action: Action) {
        if validates {
            precondition(
                rules.enabledActions(in: world).contains(action),
                "seed \(profile.seed) step \(steps + 1): \(ActionText.describe(action)) is not enabled")
        }
        let before = action.steppingServer.flatMap { world.servers[$0.index].node }
        effects.clear()
        rules.apply(action, to: &world, timers: timerObserver, sent: sendObserver)
        steps += 1
        actions.append(action)
        action.stableHash(into: &digest)

        for envelope in effects.sent { schedule(envelope) }
        var resets = effects.electionResets
        while resets != 0 {
            let index = resets.trailingZeroBitCount
            electionDeadline[index] =
                now + streams.timers.uniform(in: profile.electionTimeout(of: index, servers: rules.spec.servers))
            resets &= resets - 1
        }
        resets = effects.heartbeatResets
        while resets != 0 {
            let index = resets.trailingZeroBitCount
            heartbeatDeadline[index] = now + profile.heartbeatInterval
            resets &= resets - 1
        }
        if checker.violated(after: action, before: before, in: world) { safetyViolated = true }
        if validates { validateNetworkMirror() }
    }

    /// Gives a newly sent message its delivery tick and fate, from the profile.
    private mutating func schedule(_ envelope: Envelope) {
        var fate = InFlight.Fate.deliver
        var delayed = false
        var mayOvertake = false
        if !inLivenessPhase {
            if let loss = profile.loss, streams.network.chance(loss) { fate = .drop }
            if let duplication = profile.duplication, streams.network.chance(duplication), fate == .deliver {
                fate = .duplicate
            }
            if let delay = profile.delay { delayed = streams.network.chance(delay) }
            if let reordering = profile.reordering { mayOvertake = streams.network.chance(reordering) }
        }
        var due = now + streams.network.uniform(in: delayed ? profile.longDelay : profile.messageDelay)
        let link = envelope.from.index * rules.spec.servers + envelope.to.index
        if !mayOvertake {
            due = max(due, linkLastDue[link])
            linkLastDue[link] = due
        }
        inFlight.append(InFlight(envelope: envelope, due: due, fate: fate))
    }

    private func validateNetworkMirror() {
        let mirrored = inFlight.map(\.envelope.fingerprint).sorted()
        let actual = world.network.map(\.fingerprint).sorted()
        precondition(mirrored == actual, "seed \(profile.seed) step \(steps): the clock's messages are not the world's")
    }

    // MARK: - The liveness phase

    /// Ends the safety phase: heals the network, restarts every crashed server and stops all
    /// faults (messages still in flight arrive, late or not). From here a correct Raft must,
    /// within `FaultProfile.livenessBudgetTicks`, settle on one leader followed by every server,
    /// and apply every acknowledged command on every server.
    ///
    /// This Raft, like the paper's, appends no entry when a leader takes office, and a leader
    /// commits nothing from earlier terms until an entry of its own term is replicated (section
    /// 5.4.2). So once a leader is stable the phase sends it one probe command (and another to
    /// each newer leader that takes over); the probe committing carries every earlier entry with
    /// it, and it must be acknowledged too. Only when the spec's client requests run out does the
    /// phase wait without a probe.
    private mutating func beginLivenessPhase() {
        inLivenessPhase = true
        livenessStart = now
        oneWay = nil
        (nextCrash, nextPartition, partitionEnds, nextOneWay, oneWayEnds) = (.max, .max, .max, .max, .max)
        nextClientRequest = .max
        for position in inFlight.indices { inFlight[position].fate = .deliver }
        if world.partition != nil { take(.heal) }
        for index in world.servers.indices where !world.servers[index].isUp && !safetyViolated {
            restartAt[index] = .max
            take(.restart(NodeID(index)))
        }
    }

    /// The leader every running server follows in its term, if there is one.
    private func stableLeader() -> RaftNode? {
        guard let leader = world.currentLeaders.max(by: { $0.currentTerm < $1.currentTerm }) else { return nil }
        for server in world.servers {
            guard let node = server.node, node.currentTerm == leader.currentTerm else { return nil }
            if node.id != leader.id && node.role != .follower(leader: leader.id) { return nil }
        }
        return leader
    }

    /// Whether the liveness phase has met its goal; sends the probe command when it is due.
    private mutating func livenessSettled() -> Bool {
        let acknowledged = world.ghost.acknowledged
        while acknowledgementsSeen < acknowledged.count {
            let acknowledgement = acknowledged[acknowledgementsSeen]
            highestAcknowledgedIndex = max(highestAcknowledgedIndex, acknowledgement.index)
            if acknowledgement.command == probe?.command { probeAcknowledged = true }
            acknowledgementsSeen += 1
        }
        guard let leader = stableLeader() else { return false }
        let probeOfThisLeader = probe?.term == leader.currentTerm
        if !probeOfThisLeader && world.spent.clientRequests >= rules.spec.maxClientRequests {
            livenessBlockedBy = "maxClientRequests"
        }
        if !probeOfThisLeader && world.spent.clientRequests < rules.spec.maxClientRequests
            && world.network.count < rules.spec.maxInFlight
        {
            let command = rules.nextCommand(in: world)
            let accepted = world.spent.clientRequests
            take(.clientRequest(leader.id, command))
            if world.spent.clientRequests > accepted {
                probe = (command, leader.currentTerm)
                probeAcknowledged = false
            }
            return false
        }
        if probeOfThisLeader && !probeAcknowledged { return false }
        return world.servers.allSatisfy { ($0.node?.lastApplied ?? 0) >= highestAcknowledgedIndex }
    }

    private func livenessFailure() -> LivenessFailure {
        let detail: String
        if let leader = stableLeader() {
            let lagging = world.servers.compactMap { $0.node }.filter { $0.lastApplied < highestAcknowledgedIndex }
            if !probeAcknowledged && probe != nil {
                detail =
                    "leader \(leader.id) of term \(leader.currentTerm) is stable but the probe command "
                    + "\(probe!.command) was not acknowledged"
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
        let budgetNote = steps >= rules.spec.maxDepth ? " [step bound maxDepth reached]" : ""
        return LivenessFailure(step: steps, ticks: now - livenessStart, detail: detail + budgetNote)
    }
}

/// A message in flight, as the virtual clock sees it.
private struct InFlight {
    enum Fate { case deliver, drop, duplicate }
    var envelope: Envelope
    var due: Int
    var fate: Fate
}

/// A one-way partition: messages sent by `blockedSenders` to the other servers are lost; the
/// other direction still flows.
private struct OneWayCut {
    var blockedSenders: NodeSet

    func blocks(_ envelope: Envelope) -> Bool {
        blockedSenders.contains(envelope.from) && !blockedSenders.contains(envelope.to)
    }
}

/// What one step did besides changing the world: the timers servers re-armed and the messages
/// they sent. `WorldRules.apply` reports them through closures made once per `Fuzzer`.
private final class EffectRecorder {
    var electionResets: UInt16 = 0
    var heartbeatResets: UInt16 = 0
    var sent: [Envelope] = []

    func clear() {
        electionResets = 0
        heartbeatResets = 0
        sent.removeAll(keepingCapacity: true)
    }
}
