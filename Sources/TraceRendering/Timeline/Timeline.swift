import RaftCore
import RaftSimulation

/// A run laid out for people: the world before the first step and after every step, what each
/// step did to the servers, and where every message went.
///
/// A trace records only the chosen actions; a reader also needs each server's role, term, log and
/// commit index after each of them, and the path each message took. Renderers read all of that
/// from here, so the text, Mermaid and HTML views always agree.
///
/// A long run is laid out in a window (`TimelineWindow`): its first and last steps in full, and
/// the steps between them as counts (`elided`). Holding every server's state after each of a
/// million steps would take gigabytes, and no reader scrolls through a million rows; the start
/// shows how the run got going and the end holds the verdict.
public struct Timeline: Sendable {
    /// Who produced the run and under which bounds, as the trace header says.
    public var producer: String
    public var spec: WorldSpec
    public var mutant: Mutant?
    public var seed: UInt64?
    /// The world every run starts from (step 0).
    public var initialWorld: World
    /// The steps laid out in full, in order.
    ///
    /// Without `elided`, every step taken and `steps[i].number == i + 1`; with it, the steps
    /// before the elided ones, then those after.
    public var steps: [TimelineStep]
    /// How many steps the run took, those elided included.
    public var stepCount: Int
    /// The steps in the middle of a long run that are summarized rather than laid out, if any.
    public var elided: ElidedSteps?
    /// Every message sent during the steps laid out (and every message in flight across them),
    /// in the order they were sent.
    public var flights: [Flight]
    /// The invariant that failed when the run was re-executed, if any.
    public var violation: Violation?
    /// The violation the trace file recorded, which differs from `violation` only when the code
    /// changed under the trace.
    public var recordedViolation: Violation?
    /// Set when a recorded step could no longer be taken: the timeline ends before it.
    public var divergence: ReplayDivergence?
    /// The liveness failure of the run, shown as its verdict: one the trace file recorded, when
    /// the run took every recorded step to the recorded worlds without a violation.
    public var liveness: LivenessVerdict? = nil

    /// Lays out a run from the worlds after each of its steps, as an explorer saw them.
    ///
    /// - Parameters:
    ///   - steps: each action taken, in order, with the world after it.
    ///   - violation: the invariant that failed after the last step, if any.
    ///   - recordedViolation: what the trace file recorded, when the run came from one.
    ///   - divergence: the recorded step that could not be taken, if any.
    ///   - window: how many steps of a long run to lay out in full.
    public init(
        producer: String, spec: WorldSpec, mutant: Mutant?, seed: UInt64?, initialWorld: World,
        steps: [(action: Action, world: World)], violation: Violation?, recordedViolation: Violation? = nil,
        divergence: ReplayDivergence? = nil, window: TimelineWindow = .standard
    ) {
        var builder = TimelineBuilder(
            producer: producer, spec: spec, mutant: mutant, seed: seed, initialWorld: initialWorld, window: window)
        for step in steps { builder.record(step.action, step.world) }
        self = builder.finish(violation: violation, recordedViolation: recordedViolation, divergence: divergence)
    }

    /// Re-executes `trace` and lays out its steps.
    ///
    /// A trace that no longer replays still renders: the timeline holds the steps up to the one
    /// that could not be taken, and `divergence` says which.
    ///
    /// - Parameters:
    ///   - window: how many steps of a long run to lay out in full.
    ///   - progress: told how far the re-execution got, every `TimelineProgress.interval` steps.
    public init(
        replaying trace: Trace, window: TimelineWindow = .standard,
        progress: ((TimelineProgress) -> Void)? = nil
    ) {
        let rules = WorldRules(spec: trace.spec, mutant: trace.mutant)
        var driver = ReplayChooser(recorded: trace.actions)
        var builder = TimelineBuilder(
            producer: trace.producer, spec: trace.spec, mutant: trace.mutant, seed: trace.seed,
            initialWorld: rules.initialWorld, window: window, expectedSteps: trace.actions.count,
            progress: progress)
        var violation: Violation? = nil
        var divergence: ReplayDivergence? = nil
        var tookTheRecordedPath = false
        do {
            let result = try rules.run(chooser: &driver, maxSteps: trace.actions.count) { _, action, world in
                builder.record(action, world)
            }
            violation = result.violation
            tookTheRecordedPath = result.digest == trace.digest && result.actions.count == trace.actions.count
        } catch {
            divergence = error
        }
        self = builder.finish(violation: violation, recordedViolation: trace.violation, divergence: divergence)
        // The recorded liveness failure, when the run went through the recorded worlds; judging
        // the goal again is the replay's business (`raftlab replay`), which renderers do not import.
        if tookTheRecordedPath && violation == nil { liveness = trace.liveness }
    }

    /// The number of servers, and so of lanes.
    public var serverCount: Int { initialWorld.servers.count }

    /// The step numbered `number` (1-based), when it is laid out in full.
    public func step(numbered number: Int) -> TimelineStep? {
        guard number >= 1, number <= stepCount else { return nil }
        guard let elided else { return steps[number - 1] }
        if number < elided.first { return steps[number - 1] }
        if number > elided.last { return steps[number - 1 - elided.count] }
        return nil
    }

    /// The world after step `number` (0: the initial world), when the timeline holds it: every
    /// world of a timeline without `elided`, and of one with it all but the worlds after the
    /// elided steps (the last of them excepted, so that the first step after the gap can say what
    /// it changed).
    public func world(after number: Int) -> World? {
        if number == 0 { return initialWorld }
        if let elided, number == elided.last { return elided.worldAfterLast }
        return step(numbered: number)?.world
    }

    /// The step at which the run violated an invariant, when it did and that step was taken.
    var violatingStep: Int? {
        guard let violation, violation.step <= stepCount else { return nil }
        return violation.step
    }
}

/// One step of a timeline: the action, the world after it, and what it changed.
public struct TimelineStep: Sendable {
    /// 1-based, as in traces and violation reports.
    public var number: Int
    public var action: Action
    /// The world after the action.
    public var world: World
    /// What the action did that a reader should notice: elections won, commits, refusals.
    public var events: [StepEvent]
    /// For a deliver, drop or duplicate: the position in `Timeline.flights` of the message acted on.
    public var flight: Int?
}
