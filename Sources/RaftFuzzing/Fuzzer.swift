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

    /// How a run ended, without the details: what reports count and campaigns stop at.
    public enum Kind: String, Sendable {
        case passed, safety, liveness
    }

    public var kind: Kind {
        switch self {
        case .passed: .passed
        case .safety: .safety
        case .liveness: .liveness
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
    /// The step count when the liveness phase began: the phase's steps are the ones after it.
    public var phaseStartStep: Int
    /// Whether the run ended at its step limit (a message storm) rather than at the end of its
    /// budget.
    public var stepLimitReached: Bool
    /// What was missing, in words (`LivenessGoal`'s).
    public var detail: String

    public var description: String { "liveness failed after \(ticks) ticks (step \(step)): \(detail)" }
}

/// The result of one fuzz run.
public struct FuzzRunResult: Sendable {
    public var profile: FaultProfile
    /// The world the run ran in.
    ///
    /// The fuzzer's spec, with the cluster size the seed drew when the fuzzer draws it. Its trace and its shrinking start from this spec.
    public var spec: WorldSpec
    public var outcome: FuzzOutcome
    /// Actions taken.
    public var steps: Int
    /// Virtual ticks elapsed.
    public var ticks: Int
    /// Ticks the liveness phase needed to settle, when it did.
    public var livenessTicks: Int?
    /// Why liveness could not be judged, when the spec's bounds (not Raft) stopped the cluster:
    /// elections stopped by `maxTerm`, or no client request left for the probe.
    ///
    /// Such a run passes; reports count it apart.
    public var livenessUnjudged: String?
    /// A digest of every action taken and of the final world: equal digests, equal runs.
    public var digest: UInt64
    /// The actions taken, kept only for a failing run (a passing run is reproduced by its seed).
    public var actions: [Action]?
    /// How much of each bounded fault and request the run spent.
    public var spent: World.Budget
    /// Entries the cluster committed.
    public var committed: Int
    /// Steps by coverage row, when the fuzzer counts them (`Fuzzer.countsCoverage`).
    public var coverage: CoverageTable? = nil
    /// Why the run's client history could not be judged linearizable, when the search ran out
    /// of budget on a run that otherwise passed: not a proof, so campaigns count it apart.
    public var linearizabilityUndecided: String? = nil
}

/// The randomized fault fuzzer: runs one seed at a time, each a path of the world driven by a
/// virtual clock in ticks that turns randomized timeouts, message delays and fault arrivals into
/// world actions.
///
/// It chooses among the same `Action`s the model checker enumerates and applies them through the
/// same `WorldRules`, so every fuzz run is a path of the world and its action list is a trace that
/// `raftlab replay` re-executes. The clock lives outside `World`, in the parts of a `FuzzRun`:
///
/// - `VirtualClock`: the current tick, and each server's election, heartbeat and restart timer,
///   re-armed only when its core asks;
/// - `PacketSimulator`: each message in flight, with its delivery tick and its fate (deliver,
///   drop, or duplicate first), decided from the fault profile when it is sent;
/// - `FaultScheduler`: when crashes, partitions, one-way partitions and clogs arrive, and whom they
///   hit;
/// - `ClientWorkload`: when client requests arrive, keeping a reserve for the liveness phase;
/// - `LivenessJudge`: the liveness phase that follows `profile.safetyTicks` ticks of faults.
///
/// At each step the earliest of their events becomes the next action. Every invariant is checked
/// after every step, incrementally (`IncrementalInvariants`).
///
/// A run is built fresh from its seed; the `Fuzzer` keeps only what runs can share, the effect
/// observers and the buffers a run fills, so that one per worker thread runs many seeds without
/// allocating per step.
public struct Fuzzer {
    /// The rules of the fuzzer's spec, at the spec's cluster size.
    public let rules: WorldRules
    /// Whether each run's seed draws its cluster size (`ClusterSize.drawn(seed:)`) rather than
    /// taking the spec's: on for the built-in fuzz world, off when a spec file or `--servers`
    /// pins the size.
    public var drawsClusterSize = false
    /// Checks after every step that the action was enabled and that the clock's messages are the
    /// world's; slow, for tests.
    public var validates = false
    /// Keeps the actions of passing runs too (normally only a failing run's are kept).
    public var keepsActions = false
    /// The most actions one run may take.
    ///
    /// Runs are bounded by virtual time and a correct Raft needs a few thousand steps at most, so a
    /// run that reaches this in its liveness phase is a message storm and fails; the safety phase
    /// ends at half of it, whatever the faults do, so that the liveness phase keeps the other half.
    public var runStepLimit = Fuzzer.defaultRunStepLimit

    /// The linearizability search's budget a key at the end of each run with clients, when not
    /// the property's: tests make it tiny so that small histories go undecided.
    var linearizabilityStepBudget: Int? = nil

    /// The step limit of every run unless a campaign or test sets another.
    public static let defaultRunStepLimit = 20_000

    private var observers = StepObservers()

    /// Whether runs count their steps by coverage row (`CoverageTable`); off, a step pays one
    /// branch for it.
    public var countsCoverage: Bool {
        get { observers.countsCoverage }
        set { observers.countsCoverage = newValue }
    }
    private var buffers = RunBuffers()
    /// The rules of each drawn cluster size, by servers, built on first use.
    private var rulesByServers: [WorldRules?] = Array(repeating: nil, count: WorldSpec.maxServers + 1)

    public init(spec: WorldSpec, mutant: Mutant?) {
        rules = WorldRules(spec: spec, mutant: mutant)
    }

    /// Runs the seed's run to its end and reports how it went.
    public mutating func run(seed: UInt64) -> FuzzRunResult {
        var runRules = rules
        if drawsClusterSize {
            let servers = ClusterSize.drawn(seed: seed)
            if servers != rules.spec.servers {
                if rulesByServers[servers] == nil {
                    var spec = rules.spec
                    spec.servers = servers
                    rulesByServers[servers] = WorldRules(spec: spec, mutant: rules.mutant)
                }
                runRules = rulesByServers[servers]!
            }
        }
        var run = FuzzRun(
            seed: seed, rules: runRules, stepLimit: runStepLimit, observers: observers, validates: validates,
            reusing: &buffers)
        run.linearizabilityStepBudget = linearizabilityStepBudget
        while run.advance() {}
        let result = run.result(keepingActions: keepsActions)
        run.lendBuffers(to: &buffers)
        return result
    }
}
