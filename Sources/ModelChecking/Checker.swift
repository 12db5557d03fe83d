import Dispatch
import Foundation

/// How the checker walks the state space.
public enum SearchStrategy: String, Sendable, CaseIterable {
    /// Level by level: the first counterexample found is a shortest one. Uses every worker.
    case breadthFirst = "bfs"
    /// Deepest first, within the depth bound: little memory for the search frontier. One worker.
    /// As complete as breadth-first search within the same bound: a state reached again by a
    /// shorter path is expanded again from there.
    case depthFirst = "dfs"
}

/// What to explore and when to stop.
public struct CheckerOptions: Sendable {
    public var strategy: SearchStrategy = .breadthFirst
    /// Paths longer than this are not extended.
    public var maxDepth: Int = Int.max
    /// Stop once this many distinct states are stored.
    public var maxStates: Int = Int.max
    /// Stop once the memory in use passes this many bytes: what `memoryInUse` reads, or
    /// without it the checker's own estimate (its visited set and search queue).
    public var maxMemoryBytes: Int = 8 << 30
    /// Reads the bytes the process holds now (its resident set, say), or nil when it cannot tell.
    ///
    /// Asked at most once a batch: the checker's own estimate misses what it does not
    /// own (allocator overhead, shared storage, the rest of the process), so a caller that can
    /// measure real memory gives it here. A run it stops is cut where memory ran out, which
    /// depends on the machine: such a run is incomplete, never a verdict on the rest.
    public var memoryInUse: (@Sendable () -> Int?)? = nil
    /// Threads expanding states in parallel (breadth-first only).
    public var workers: Int = 1
    /// Visit states equal up to the model's symmetries once.
    public var symmetry: Bool = false
    /// Called about once a second with the running figures.
    public var progress: (@Sendable (CheckProgress) -> Void)? = nil
    /// Polled wherever `maxStates` is (between batches, or after each state depth-first): true
    /// ends the search cleanly with the verdict `bounded(reason: "interrupted")`, so that a
    /// caller can stop a long check on a signal and still report how far it got.
    public var shouldStop: (@Sendable () -> Bool)? = nil
    /// States expanded between merges of the workers' results; also how often progress and the
    /// bounds are looked at.
    ///
    /// Fixed, so the exploration order does not depend on the worker count.
    public var batchSize: Int = 4096
    /// For a model that packs its states (`Model.packsStates`), the bytes of queued states one
    /// breadth-first level keeps in memory before it spills the rest to a temporary file.
    public var queueSpillThresholdBytes: Int = 8 << 20
    /// Remember states in a bitstate table instead of the exact visited set (a depth-first
    /// `SeededDepthFirstSearch`, whatever `strategy` says): see `BitstateTable`.
    public var bitstate: BitstateOptions? = nil
    /// Try actions depth-first in an order shuffled by this seed (a swarm member's).
    ///
    /// Nil keeps the model's order. Set, it also selects `SeededDepthFirstSearch`.
    public var actionOrderSeed: UInt64? = nil
    /// Stop that search after this much wall-clock time: it stops, it never steers.
    public var maxSeconds: Double? = nil
    /// Skip transitions whose other order is explored anyway: Godefroid's sleep sets, over the
    /// model's `areIndependent` (breadth-first only; see `SleepSets.swift`).
    ///
    /// Every state is still visited, so the distinct states and the verdict are the same; what
    /// falls is the transitions explored (`CheckReport.sleptTransitions`), and with them the
    /// action and transition-class counts.
    public var partialOrderReduction: Bool = false

    public init() {}
}

/// Running figures, for progress lines.
public struct CheckProgress: Sendable {
    public var distinctStates: Int
    public var totalStates: Int
    public var queued: Int
    public var depth: Int
    public var elapsedSeconds: Double
}

/// A path from an initial state to a violation, on concrete states.
public struct Counterexample<M: Model>: Sendable {
    public var initialState: M.State
    /// The actions from the initial state, the last one causing the violation.
    public var actions: [M.Action]
    /// The state after each action.
    public var states: [M.State]
    public var violation: PropertyViolation
}

/// A path from an initial state to a situation the search reached, on concrete states.
public struct Witness<M: Model>: Sendable {
    public var initialState: M.State
    /// The actions from the initial state, the last one reaching the situation.
    public var actions: [M.Action]
    /// The state after each action.
    public var states: [M.State]

    /// The number of steps: the depth the situation was reached at.
    public var depth: Int { actions.count }
}

/// Whether a search reached one of the model's situations ("sometimes" properties), and a
/// shortest path it found there.
public struct SituationReached<M: Model>: Sendable {
    public var name: String
    /// The shallowest path found to the situation; nil when no explored step reached it.
    public var witness: Witness<M>?
}

/// The outcome of a check.
public struct CheckReport<M: Model>: Sendable {
    public enum Verdict: Sendable {
        /// Every reachable state within the bounds satisfied every property.
        case passed
        /// A property failed; the counterexample shows how.
        case violated(Counterexample<M>)
        /// A limit (`maxStates`, the memory ceiling) stopped the search before its bounds were
        /// exhausted: no verdict on the rest.
        case incomplete(reason: String)
    }

    /// How much of the space within the bounds the search covered.
    public enum Coverage: Equatable, Sendable {
        /// Every reachable state was explored: the frontier emptied and no path was cut.
        case exhaustive
        /// Every state within `depthBound` steps of an initial state was explored; longer paths
        /// were cut.
        case exhaustiveWithinDepth(depthBound: Int)
        /// The search stopped at its first violation and did not explore the rest.
        case stoppedAtViolation
        /// A limit stopped the search before its bounds were exhausted.
        case stoppedByLimit(reason: String)
        /// A bitstate search ran out of states it took for new: not exhaustive, since a new state
        /// whose bits were all set already was never explored (`bitstate` says how likely).
        case bitstateSearchEnded
    }

    public var verdict: Verdict
    /// States stored in the visited set.
    public var distinctStates: Int
    /// States generated, counting revisits (every transition explored).
    public var totalStates: Int
    /// The longest path explored.
    public var maxDepthReached: Int
    /// Whether some path was cut by the depth bound.
    public var depthBoundHit: Bool
    /// How much of the bounded space was explored.
    public var coverage: Coverage
    /// Expansions of a state already expanded, because a shorter path reached it again
    /// (depth-first search with a depth bound; always 0 breadth-first).
    public var reexpandedStates: Int = 0
    public var elapsedSeconds: Double
    /// Bytes the visited set (the fingerprint table) occupies.
    public var visitedSetBytes: Int
    /// Bytes of path records held in memory (the rest are spilled to a temporary file).
    public var pathRecordBytesInMemory: Int
    /// How often each action kind fired, in order of first appearance.
    public var actionCounts: [(kind: String, count: Int)]
    public var workers: Int
    /// The bitstate table's figures, for a bitstate search.
    public var bitstate: BitstateCoverage? = nil
    /// Each of the model's situations, in `situationNames` order: reached or not, and how.
    ///
    /// Breadth-first, a witness is a shortest path to the situation; depth-first within a depth
    /// bound too (states are expanded again from their shallowest depth); depth-first without
    /// a bound, the shallowest path that search happened to meet.
    public var situations: [SituationReached<M>] = []
    /// How many explored transitions fell in each of the model's `transitionClasses`, in that
    /// order (empty when the model has none).
    public var transitionClassCounts: [Int] = []
    /// Transitions partial-order reduction skipped because a sleep set held them (0 without it).
    public var sleptTransitions: Int = 0

    /// The verdict as one word: `pass`, `violation` or `incomplete`, for summaries and JSON.
    public var verdictName: String {
        switch verdict {
        case .passed: "pass"
        case .violated: "violation"
        case .incomplete: "incomplete"
        }
    }

    /// The coverage in words, for summaries: how complete the verdict is.
    public var coverageDescription: String {
        switch coverage {
        case .exhaustive: "frontier exhausted, no path cut"
        case .exhaustiveWithinDepth(let bound): "frontier exhausted within depth bound \(bound), longer paths cut"
        case .stoppedAtViolation: "stopped at the first violation, the rest not explored"
        case .stoppedByLimit(let reason): "stopped early, frontier not exhausted: \(reason)"
        case .bitstateSearchEnded:
            "bitstate search ended, NOT exhaustive: states whose bits were already set were never explored"
                + (depthBoundHit
                    ? "; and a state first reached near the depth bound was not explored again from a shorter path"
                    : "")
        }
    }

    /// The coverage as one word, for JSON: `exhaustive`, `depth-bounded`, `stopped-at-violation`
    /// or `stopped-by-limit`.
    public var coverageName: String {
        switch coverage {
        case .exhaustive: "exhaustive"
        case .exhaustiveWithinDepth: "depth-bounded"
        case .stoppedAtViolation: "stopped-at-violation"
        case .stoppedByLimit: "stopped-by-limit"
        case .bitstateSearchEnded: "bitstate"
        }
    }

    /// Memory per visited state: the fingerprint table and the path records held in memory.
    public var bytesPerState: Double {
        distinctStates == 0 ? 0 : Double(visitedSetBytes + pathRecordBytesInMemory) / Double(distinctStates)
    }
}

/// An explicit-state model checker over any `Model`: breadth-first or depth-first, with a
/// fingerprint visited set, optional symmetry reduction and parallel workers.
public struct Checker<M: Model>: Sendable {
    public let model: M
    public let options: CheckerOptions

    public init(_ model: M, options: CheckerOptions = CheckerOptions()) {
        self.model = model
        self.options = options
    }

    /// The fingerprint `state` is visited under: its class's, with symmetry reduction.
    ///
    /// Two calls rather than one over a conditional expression, which would copy the state.
    @inline(__always)
    func canonicalFingerprint(_ state: M.State) -> UInt64 {
        if options.symmetry { return model.symmetricFingerprint(of: state) }
        return model.fingerprint(of: state)
    }

    /// Why the search must stop now, or nil: an interrupt (`shouldStop`), `--max-states`, or the
    /// memory ceiling.
    ///
    /// `distinctStates` and `tableBytes` describe the visited set, `queueBytes` the pending
    /// states. With `checkMemory` and a `memoryInUse` reader, the ceiling applies to what it
    /// reads; otherwise to the visited set and the queue.
    func limitReached(distinctStates: Int, tableBytes: Int, queueBytes: Int = 0, checkMemory: Bool = true) -> String? {
        if let shouldStop = options.shouldStop, shouldStop() { return "interrupted" }
        if distinctStates >= options.maxStates { return "reached --max-states \(options.maxStates)" }
        guard checkMemory else { return nil }
        let ceiling = "\(options.maxMemoryBytes >> 20) MiB"
        if let read = options.memoryInUse, let inUse = read() {
            if inUse > options.maxMemoryBytes {
                return "resident memory \(inUse >> 20) MiB passed the ceiling of \(ceiling)"
            }
        } else if tableBytes + queueBytes > options.maxMemoryBytes {
            return "visited set and queue passed the memory ceiling of \(ceiling)"
        }
        return nil
    }

    /// The report of a search that ended with `verdict`.
    func report(
        _ verdict: CheckReport<M>.Verdict, distinctStates: Int, tableBytes: Int, paths: PathLog, totalStates: Int,
        depth: Int, depthBoundHit: Bool, kindCounts: [Int], clock: Stopwatch, workers: Int, reexpandedStates: Int = 0,
        witnesses: SituationWitnesses, classCounts: [Int], sleptTransitions: Int = 0
    ) -> CheckReport<M> {
        let coverage: CheckReport<M>.Coverage =
            switch verdict {
            case .violated: .stoppedAtViolation
            case .incomplete(let reason): .stoppedByLimit(reason: reason)
            case .passed: depthBoundHit ? .exhaustiveWithinDepth(depthBound: options.maxDepth) : .exhaustive
            }
        var report = CheckReport(
            verdict: verdict, distinctStates: distinctStates, totalStates: totalStates, maxDepthReached: depth,
            depthBoundHit: depthBoundHit, coverage: coverage, reexpandedStates: reexpandedStates,
            elapsedSeconds: clock.seconds, visitedSetBytes: tableBytes, pathRecordBytesInMemory: paths.memoryBytes,
            actionCounts: zip(model.actionKinds, kindCounts).filter { $0.1 > 0 }.map { ($0, $1) }, workers: workers,
            situations: model.situationNames.enumerated().map { situation, name in
                SituationReached(
                    name: name,
                    witness: witnesses.found[situation].map { found in
                        let path = replay(steps: found.steps)
                        return Witness(initialState: path.initial, actions: path.actions, states: path.states)
                    })
            }, transitionClassCounts: classCounts)
        report.sleptTransitions = sleptTransitions
        return report
    }

    /// Runs the check to its end.
    public func run() -> CheckReport<M> {
        if options.bitstate != nil || options.actionOrderSeed != nil {
            return SeededDepthFirstSearch(checker: self).run()
        }
        switch options.strategy {
        case .breadthFirst: return BreadthFirstSearch(checker: self).run()
        case .depthFirst: return DepthFirstSearch(checker: self).run()
        }
    }

    /// Rebuilds the concrete path `steps` (an initial state's position, then one action position
    /// per step, as `PathLog.path(to:)` gives it) and the violation at its end.
    ///
    /// Every explored state was reached from a concrete parent by a concrete action, and the
    /// model's actions come in a fixed order, so replaying positions reproduces the very states
    /// explored, on concrete servers, even under symmetry reduction: `replay` runs the result.
    func counterexample(steps: [Int], violation: PropertyViolation) -> Counterexample<M> {
        let path = replay(steps: steps)
        return Counterexample(
            initialState: path.initial, actions: path.actions, states: path.states, violation: violation)
    }

    /// Replays `steps` (see `counterexample(steps:violation:)`) into concrete states.
    private func replay(steps: [Int]) -> (initial: M.State, actions: [M.Action], states: [M.State]) {
        let initial = model.initialStates[steps[0]]
        var state = initial
        var actions: [M.Action] = []
        var states: [M.State] = []
        var enabled: [M.Action] = []
        for position in steps.dropFirst() {
            enabled.removeAll(keepingCapacity: true)
            model.actions(in: state, into: &enabled)
            let action = enabled[position]
            guard let next = model.nextState(from: state, taking: action) else {
                preconditionFailure("counterexample replay lost the path: nondeterministic model?")
            }
            actions.append(action)
            states.append(next)
            state = next
        }
        return (initial, actions, states)
    }
}

/// A monotonic stopwatch for elapsed time and progress pacing; never reaches behaviour.
struct Stopwatch {
    private let start = DispatchTime.now().uptimeNanoseconds
    var seconds: Double { Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9 }
}
