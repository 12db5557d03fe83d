import RaftCore

/// Picks the next step of one run (`WorldRules.run(chooser:)`) among the actions the world enables.
///
/// Nondeterminism enters the world in one place: `WorldRules.enabledActions(in:)` lists every step
/// that may happen next, and nothing else can. The explorers differ only in how they pick from
/// that list: the model checker takes every action, the fuzzer's virtual clock takes the one whose
/// time has come, and a `Chooser` takes one for `simulate` and `replay` (`SeededChooser` samples
/// with the project's PRNG, `ReplayChooser` reads a recorded trace). RaftCore never sees any of
/// them, so a run is reproduced exactly by its seed or by its list of chosen actions.
public protocol Chooser {
    /// Returns the position in `actions` of the next step, or nil to end the run.
    ///
    /// - Parameters:
    ///   - actions: `WorldRules.enabledActions(in: world)`, never empty.
    ///   - world: the current world.
    ///   - step: the 1-based number of the step being chosen.
    /// - Throws: `ReplayDivergence` when a recorded choice is no longer possible.
    mutating func choose(among actions: [Action], in world: World, step: Int) throws(ReplayDivergence) -> Int?
}

/// A recorded action that the world no longer enables: the code or the spec changed under a trace.
public struct ReplayDivergence: Error, Hashable, Sendable, CustomStringConvertible {
    public var step: Int
    public var recorded: Action

    public var description: String {
        "diverged at step \(step): recorded action \(ActionText.describe(recorded)) is not enabled"
    }
}

/// Samples among enabled actions with weights per action kind, from one seed.
///
/// Weights are integers so that no floating point reaches behaviour. The defaults favour
/// deliveries and make faults rare, so that a short run sees elections, commits and a few faults.
public struct SeededChooser: Chooser {
    public private(set) var prng: PRNG
    /// The weight of one action of each kind, indexed like `Action.Kind.allCases`.
    public var weights: [UInt64]
    private var scratch: [UInt64] = []

    public static let defaultWeights: [Action.Kind: UInt64] = [
        .deliver: 40, .drop: 2, .duplicate: 2, .electionTimeout: 3, .heartbeatTimeout: 8, .clientRequest: 6,
        .crash: 1, .restart: 8, .partition: 1, .heal: 6, .takeSnapshot: 4,
        // Offered only when a spec allows membership changes, so other worlds draw as before.
        .proposeChange: 4,
        // Offered only when a spec has session clients.
        .client: 20,
    ]

    public init(seed: UInt64, weights: [Action.Kind: UInt64] = SeededChooser.defaultWeights) {
        prng = PRNG(seed: seed)
        self.weights = Action.Kind.allCases.map { weights[$0] ?? 0 }
    }

    public mutating func choose(among actions: [Action], in world: World, step: Int) -> Int? {
        scratch.removeAll(keepingCapacity: true)
        var total: UInt64 = 0
        for action in actions {
            let weight = weights[action.kind.ordinal]
            scratch.append(weight)
            total += weight
        }
        guard total > 0 else { return nil }
        return prng.pick(weights: scratch)
    }
}

/// Replays a recorded list of actions, failing when one is no longer enabled.
public struct ReplayChooser: Chooser {
    public let recorded: [Action]

    public init(recorded: [Action]) { self.recorded = recorded }

    public mutating func choose(among actions: [Action], in world: World, step: Int) throws(ReplayDivergence) -> Int? {
        guard step <= recorded.count else { return nil }
        let action = recorded[step - 1]
        guard let position = actions.firstIndex(of: action) else {
            throw ReplayDivergence(step: step, recorded: action)
        }
        return position
    }
}

extension Action.Kind {
    /// The position of the kind in `Action.Kind.allCases`.
    public var ordinal: Int {
        switch self {
        case .deliver: 0
        case .drop: 1
        case .duplicate: 2
        case .electionTimeout: 3
        case .heartbeatTimeout: 4
        case .clientRequest: 5
        case .crash: 6
        case .restart: 7
        case .partition: 8
        case .heal: 9
        case .proposeChange: 10
        case .takeSnapshot: 11
        case .client: 12
        }
    }
}
