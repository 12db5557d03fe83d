import RaftCore
import RaftSimulation

/// A run laid out for people: the world before the first step and after every step, what each
/// step did to the servers, and where every message went.
///
/// A trace records only the chosen actions; a reader also needs each server's role, term, log and
/// commit index after each of them, and the path each message took. Renderers read all of that
/// from here, so the text, Mermaid and HTML views always agree.
public struct Timeline: Sendable {
    /// Who produced the run and under which bounds, as the trace header says.
    public var producer: String
    public var spec: WorldSpec
    public var mutant: Mutant?
    public var seed: UInt64?
    /// The world every run starts from (step 0).
    public var initialWorld: World
    /// One entry per step taken, in order; `steps[i].number == i + 1`.
    public var steps: [TimelineStep]
    /// Every message sent during the run, in the order they were sent.
    public var flights: [Flight]
    /// The invariant that failed when the run was re-executed, if any.
    public var violation: Violation?
    /// The violation the trace file recorded, which differs from `violation` only when the code
    /// changed under the trace.
    public var recordedViolation: Violation?
    /// Set when a recorded step could no longer be taken: the timeline ends before it.
    public var divergence: ReplayDivergence?

    /// Lays out a run from the worlds after each of its steps, as an explorer saw them.
    ///
    /// - Parameters:
    ///   - steps: each action taken, in order, with the world after it.
    ///   - violation: the invariant that failed after the last step, if any.
    ///   - recordedViolation: what the trace file recorded, when the run came from one.
    ///   - divergence: the recorded step that could not be taken, if any.
    public init(
        producer: String, spec: WorldSpec, mutant: Mutant?, seed: UInt64?, initialWorld: World,
        steps: [(action: Action, world: World)], violation: Violation?, recordedViolation: Violation? = nil,
        divergence: ReplayDivergence? = nil
    ) {
        self.producer = producer
        self.spec = spec
        self.mutant = mutant
        self.seed = seed
        self.initialWorld = initialWorld
        self.violation = violation
        self.recordedViolation = recordedViolation ?? violation
        self.divergence = divergence
        var tracker = FlightTracker()
        var laidOut: [TimelineStep] = []
        var previous = initialWorld
        for (offset, step) in steps.enumerated() {
            let number = offset + 1
            let flight = tracker.record(step.action, from: previous, to: step.world, step: number)
            laidOut.append(
                TimelineStep(
                    number: number, action: step.action, world: step.world,
                    events: StepEvent.events(of: step.action, from: previous, to: step.world), flight: flight))
            previous = step.world
        }
        self.steps = laidOut
        self.flights = tracker.flights
    }

    /// Re-executes `trace` and lays out every step.
    ///
    /// A trace that no longer replays still renders: the timeline holds the steps up to the one
    /// that could not be taken, and `divergence` says which.
    public init(replaying trace: Trace) {
        let rules = WorldRules(spec: trace.spec, mutant: trace.mutant)
        var driver = ReplayChooser(recorded: trace.actions)
        var taken: [(action: Action, world: World)] = []
        var violation: Violation? = nil
        var divergence: ReplayDivergence? = nil
        do {
            let result = try rules.run(chooser: &driver, maxSteps: trace.actions.count) { _, action, world in
                taken.append((action, world))
            }
            violation = result.violation
        } catch {
            divergence = error
        }
        self.init(
            producer: trace.producer, spec: trace.spec, mutant: trace.mutant, seed: trace.seed,
            initialWorld: rules.initialWorld, steps: taken, violation: violation,
            recordedViolation: trace.violation, divergence: divergence)
    }

    /// The number of servers, and so of lanes.
    public var serverCount: Int { initialWorld.servers.count }

    /// The world after step `number` (0: the initial world).
    public func world(after number: Int) -> World {
        number == 0 ? initialWorld : steps[number - 1].world
    }

    /// The step at which the run violated an invariant, when it did and that step was taken.
    var violatingStep: Int? {
        guard let violation, violation.step <= steps.count else { return nil }
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
