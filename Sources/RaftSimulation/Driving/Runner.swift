import RaftCore

/// The outcome of one run of a world under a chooser.
public struct RunResult: Sendable {
    /// The actions taken, in order.
    public var actions: [Action]
    /// The first invariant that failed, if any; the run stops there.
    public var violation: Violation?
    /// A digest of the event stream: every action and the fingerprint of the world after it.
    public var digest: UInt64
    /// The world after the last action.
    public var finalWorld: World
}

extension WorldRules {
    /// Runs from the initial world, letting `chooser` pick each step, checking every invariant
    /// after every step, until the chooser stops, no action is enabled, `maxSteps` is reached, or
    /// an invariant fails.
    ///
    /// - Parameter observe: called after each step with its number, the action and the new world.
    public func run<SomeChooser: Chooser>(
        chooser: inout SomeChooser, maxSteps: Int, observe: ((Int, Action, World) -> Void)? = nil
    ) throws(ReplayDivergence) -> RunResult {
        var world = initialWorld
        var digest = EventDigest()
        var actions: [Action] = []
        var enabled: [Action] = []
        var violation = Invariants.check(after: world, previous: nil, action: nil, step: 0)
        var step = 0
        while violation == nil && step < maxSteps {
            enabledActions(in: world, into: &enabled)
            if enabled.isEmpty { break }
            guard let choice = try chooser.choose(among: enabled, in: world, step: step + 1) else { break }
            step += 1
            let action = enabled[choice]
            let previous = world
            apply(action, to: &world)
            actions.append(action)
            digest.record(action, world)
            observe?(step, action, world)
            violation = Invariants.check(after: world, previous: previous, action: action, step: step)
        }
        return RunResult(actions: actions, violation: violation, digest: digest.value, finalWorld: world)
    }
}

/// The digest of a run's event stream: one canonical hash over each action and the world it led
/// to, so that two runs with the same digest took the same steps through the same states.
public struct EventDigest: Sendable {
    private var hasher = StableHasher(seed: 0x7261_6674_6C61_6221)

    public init() {}

    public mutating func record(_ action: Action, _ world: World) {
        action.stableHash(into: &hasher)
        hasher.combine(world.fingerprint)
    }

    public var value: UInt64 { hasher.finalize() }
}
