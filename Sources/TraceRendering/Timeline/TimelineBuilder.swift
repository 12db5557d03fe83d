import RaftCore
import RaftSimulation

/// How many steps of a run a timeline lays out in full: a run of up to `headSteps + tailSteps`
/// steps in full, a longer one its first `headSteps` and last `tailSteps` steps, with the steps
/// between them summarized as counts.
///
/// The window bounds what rendering a run costs: memory while laying it out, and the size of
/// every rendering (an HTML page carries every server's full state after every step it shows).
/// The end is kept because that is where the verdict is: a violation stops the run at the
/// violating step, so it is always the last step.
public struct TimelineWindow: Hashable, Sendable {
    /// The steps laid out from the start of a long run.
    public var headSteps: Int
    /// The steps laid out from the end of a long run; at least 1, the step with the verdict.
    public var tailSteps: Int

    public init(headSteps: Int, tailSteps: Int) {
        precondition(headSteps >= 0 && tailSteps >= 1, "a window keeps the last step")
        self.headSteps = headSteps
        self.tailSteps = tailSteps
    }

    /// The window `show`, `replay` and every other command use: runs of up to 2,000 steps in
    /// full, longer ones as their first and last 1,000 steps.
    public static let standard = TimelineWindow(headSteps: 1000, tailSteps: 1000)

    /// The longest run laid out in full.
    public var fullSteps: Int { headSteps + tailSteps }
}

/// The steps in the middle of a long run that a timeline summarizes rather than lays out: how
/// many actions of each kind they took and what they led to.
public struct ElidedSteps: Sendable {
    /// The first and last step summarized (1-based, inclusive).
    public var first: Int
    public var last: Int
    /// How many of the steps took an action of each kind, in `Action.Kind.allCases` order.
    public var actionCounts: [Int]
    /// How many times a server became leader.
    public var leadersElected: Int
    /// How many indexes the cluster committed for the first time.
    public var entriesCommitted: Int
    /// The world after the last summarized step: the first step after them is drawn against it.
    public var worldAfterLast: World

    /// How many steps are summarized.
    public var count: Int { last - first + 1 }

    /// How many of the steps took an action of `kind`.
    public func count(of kind: Action.Kind) -> Int { actionCounts[Action.Kind.allCases.firstIndex(of: kind)!] }

    /// `steps 1001 to 49000 not shown (48000 steps: 30000 deliver, ...; 2 leaders elected, 1 entries committed)`.
    public var summary: String {
        let actions = Action.Kind.allCases.filter { count(of: $0) > 0 }.map { "\(count(of: $0)) \($0.rawValue)" }
        return "steps \(first) to \(last) not shown (\(count) steps: \(actions.joined(separator: ", ")); "
            + "\(leadersElected) leaders elected, \(entriesCommitted) entries committed)"
    }

    init(_ step: TimelineStep) {
        first = step.number
        last = step.number
        actionCounts = Array(repeating: 0, count: Action.Kind.allCases.count)
        leadersElected = 0
        entriesCommitted = 0
        worldAfterLast = step.world
        add(step)
    }

    mutating func add(_ step: TimelineStep) {
        last = step.number
        actionCounts[Action.Kind.allCases.firstIndex(of: step.action.kind)!] += 1
        for event in step.events {
            switch event {
            case .becameLeader: leadersElected += 1
            case .clusterCommitted: entriesCommitted += 1
            default: break
            }
        }
        worldAfterLast = step.world
    }
}

/// How far laying out a long run has got, for a command to show on standard error.
public struct TimelineProgress: Sendable, CustomStringConvertible {
    /// Steps laid out so far.
    public var steps: Int
    /// Steps the run is expected to take (a trace's length), when known.
    public var expectedSteps: Int?

    /// Progress is reported every this many steps, so a run shorter than it reports nothing.
    public static let interval = 100_000

    public var description: String {
        "laid out \(steps)" + (expectedSteps.map { " of \($0)" } ?? "") + " steps"
    }
}

/// Lays out a run one step at a time, as it is executed, in memory bounded by its window: the
/// world after each step is kept only while the step may still be shown.
///
/// ```swift
/// var builder = TimelineBuilder(producer: "raftlab replay", spec: spec, mutant: nil, seed: nil,
///                               initialWorld: rules.initialWorld)
/// let result = try rules.run(chooser: &driver, maxSteps: n) { _, action, world in
///     builder.record(action, world)
/// }
/// let timeline = builder.finish(violation: result.violation)
/// ```
public struct TimelineBuilder {
    private let producer: String
    private let spec: WorldSpec
    private let mutant: Mutant?
    private let seed: UInt64?
    private let initialWorld: World
    private let window: TimelineWindow
    private let expectedSteps: Int?
    private let progress: ((TimelineProgress) -> Void)?

    private var tracker = FlightTracker()
    private var stepCount = 0
    private var previous: World
    /// Every step while the run fits the window; then only the first `window.headSteps`.
    private var head: [TimelineStep] = []
    /// Once the run outgrows the window: its last `window.tailSteps` steps, a ring whose oldest
    /// step is at `tailStart`.
    private var tail: [TimelineStep] = []
    private var tailStart = 0
    private var elided: ElidedSteps?
    /// Flights are forgotten when the tracker holds this many, so that forgetting costs a
    /// constant per step on average.
    private var forgetAt = 4096
    /// Steps between progress reports; tests shorten it.
    var progressInterval = TimelineProgress.interval

    /// - Parameters:
    ///   - expectedSteps: how many steps the run should take, for progress reports.
    ///   - progress: told how far the run got, every `TimelineProgress.interval` steps.
    public init(
        producer: String, spec: WorldSpec, mutant: Mutant?, seed: UInt64?, initialWorld: World,
        window: TimelineWindow = .standard, expectedSteps: Int? = nil,
        progress: ((TimelineProgress) -> Void)? = nil
    ) {
        self.producer = producer
        self.spec = spec
        self.mutant = mutant
        self.seed = seed
        self.initialWorld = initialWorld
        self.window = window
        self.expectedSteps = expectedSteps
        self.progress = progress
        self.previous = initialWorld
    }

    /// Records the next step: the action taken and the world after it.
    public mutating func record(_ action: Action, _ world: World) {
        stepCount += 1
        let flight = tracker.record(action, from: previous, to: world, step: stepCount)
        let step = TimelineStep(
            number: stepCount, action: action, world: world,
            events: StepEvent.events(of: action, from: previous, to: world), flight: flight)
        previous = world
        if stepCount <= window.fullSteps {
            head.append(step)
        } else {
            if tail.isEmpty {
                tail = Array(head[window.headSteps...])
                head.removeLast(head.count - window.headSteps)
            }
            let oldest = tail[tailStart]
            if elided == nil { elided = ElidedSteps(oldest) } else { elided!.add(oldest) }
            tail[tailStart] = step
            tailStart = (tailStart + 1) % tail.count
            if tracker.flights.count >= forgetAt {
                tracker.forget(endedBefore: elided!.last + 1, sentAfter: window.headSteps)
                forgetAt = max(4096, 2 * tracker.flights.count)
            }
        }
        if let progress, stepCount % progressInterval == 0 {
            progress(TimelineProgress(steps: stepCount, expectedSteps: expectedSteps))
        }
    }

    /// The timeline of the steps recorded so far.
    ///
    /// - Parameters:
    ///   - violation: the invariant that failed after the last step, if any.
    ///   - recordedViolation: what the trace file recorded, when the run came from one.
    ///   - divergence: the recorded step that could not be taken, if any.
    public func finish(
        violation: Violation?, recordedViolation: Violation? = nil, divergence: ReplayDivergence? = nil
    ) -> Timeline {
        var tracker = tracker
        if let elided { tracker.forget(endedBefore: elided.last + 1, sentAfter: window.headSteps) }
        // Steps and copies name flights by serial until here; the timeline names them by position.
        var steps = head + tail[tailStart...] + tail[..<tailStart]
        for index in steps.indices {
            steps[index].flight = steps[index].flight.flatMap(tracker.position(of:))
        }
        var flights = tracker.flights
        for index in flights.indices {
            flights[index].copyOf = flights[index].copyOf.flatMap(tracker.position(of:))
        }
        return Timeline(
            producer: producer, spec: spec, mutant: mutant, seed: seed, initialWorld: initialWorld, steps: steps,
            stepCount: stepCount, elided: elided, flights: flights, violation: violation,
            recordedViolation: recordedViolation ?? violation, divergence: divergence)
    }
}

extension Timeline {
    init(
        producer: String, spec: WorldSpec, mutant: Mutant?, seed: UInt64?, initialWorld: World, steps: [TimelineStep],
        stepCount: Int, elided: ElidedSteps?, flights: [Flight], violation: Violation?,
        recordedViolation: Violation?, divergence: ReplayDivergence?
    ) {
        self.producer = producer
        self.spec = spec
        self.mutant = mutant
        self.seed = seed
        self.initialWorld = initialWorld
        self.steps = steps
        self.stepCount = stepCount
        self.elided = elided
        self.flights = flights
        self.violation = violation
        self.recordedViolation = recordedViolation
        self.divergence = divergence
    }
}
