import RaftCore
import RaftFuzzing
import RaftSimulation

/// One re-execution of a recorded trace: every recorded action is taken again from the initial
/// world, with every invariant checked after each step.
///
/// A replay only reports how the run went; what that means for the trace (does it still show
/// what it recorded?) is `TraceJudge`'s business.
public struct TraceReplay {
    /// How the re-execution ended.
    public enum End {
        /// Every recorded action was taken.
        case completed(RunResult)
        /// The run stopped before the last recorded action: an invariant failed earlier, or no
        /// action was enabled.
        case stoppedEarly(RunResult)
        /// A recorded action was not enabled at its step.
        case diverged(ReplayDivergence)
    }

    public let trace: Trace
    /// The mutant the trace was replayed under (not necessarily the trace's own).
    public let mutant: Mutant?
    /// The world every run of the trace's spec starts from.
    public let initialWorld: World
    public private(set) var end: End
    /// For a trace that records a liveness failure, replayed to its last step: what the liveness
    /// goal lacks in the world reached, judged again by `LivenessGoal` with the probe the
    /// recorded steps sent; nil when the goal is met, or for any other trace.
    public private(set) var livenessShortfall: String? = nil

    /// Replays `trace` under `mutant`; `observe` sees each action taken with the world after it
    /// (a rendering needs them, a verdict does not).
    public init(_ trace: Trace, mutant: Mutant?, observe: ((Action, World) -> Void)? = nil) {
        let rules = WorldRules(spec: trace.spec, mutant: mutant)
        self.trace = trace
        self.mutant = mutant
        self.initialWorld = rules.initialWorld
        var driver = ReplayChooser(recorded: trace.actions)
        var probes = trace.liveness.map { LivenessGoal.ProbeWatch(phaseStartStep: $0.phaseStartStep) }
        var observeStep: ((Int, Action, World) -> Void)? = observe.map { observe in { observe($1, $2) } }
        if probes != nil {
            observeStep = { step, action, world in
                probes!.record(action, world)
                observe?(action, world)
            }
        }
        do {
            let result = try rules.run(chooser: &driver, maxSteps: trace.actions.count, observe: observeStep)
            end = result.actions.count < trace.actions.count ? .stoppedEarly(result) : .completed(result)
            if let liveness = trace.liveness, let probes, case .completed = end, result.violation == nil {
                livenessShortfall = LivenessGoal.shortfall(
                    in: result.finalWorld, spec: trace.spec, probe: probes.probe,
                    stepLimitReached: liveness.stepLimitReached)
            }
        } catch {
            end = .diverged(error)
        }
    }

    /// The run's result, unless a recorded action could not be taken.
    public var result: RunResult? {
        switch end {
        case .completed(let result), .stoppedEarly(let result): result
        case .diverged: nil
        }
    }
}
