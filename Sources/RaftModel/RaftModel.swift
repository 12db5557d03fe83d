import ModelChecking
import RaftCore
import RaftSimulation

/// The Raft world as a `Model`: the checker enumerates exactly the choices the simulator samples.
///
/// Time is abstract here: any armed timer may fire at any step (a safe over-approximation of
/// every timing the fuzzer can produce). The bounds come from the `WorldSpec`.
public struct RaftModel: Model {
    public let rules: WorldRules
    /// The invariants checked, in `InvariantID` order.
    public let properties: [InvariantID]
    /// The situations the check looks for (`Reachability.swift`); none costs the search nothing.
    public var situations: [RaftSituation] = []
    /// Whether the check counts its transitions by coverage row (`CoverageRow`).
    public var countsCoverage = false
    /// Whether breadth-first search queues worlds packed into bytes rather than as values.
    ///
    /// The same search in a fraction of the memory (`Packing/WorldPacking.swift`); off only to
    /// compare the two.
    public var packsQueuedStates = true
    /// The search's single initial state: the initial world, or where a spec's `start` steps
    /// lead (`CheckSpec.startWorld(rules:)`).
    ///
    /// The search treats it as any initial state, so fingerprints, symmetry and partial-order
    /// reduction work from it unchanged; paths found are relative to it.
    public var startWorld: World
    /// Where the search notes client histories whose linearizability it could not decide; nil
    /// (the default) does not look for them, which costs a second search per completion.
    public var undecidedHistories: UndecidedHistories? = nil
    /// The search budget a key of that second search, when not the property's
    /// (`raftlab check --linearizability-budget`): tests make it tiny so that histories go undecided.
    public var undecidedSearchBudget: Int? = nil

    public init(rules: WorldRules, properties: [InvariantID] = InvariantID.allCases) {
        self.rules = rules
        self.properties = properties.sorted()
        self.startWorld = rules.initialWorld
    }

    public var initialStates: [World] { [startWorld] }

    public func actions(in state: World, into actions: inout [Action]) {
        rules.enabledActions(in: state, into: &actions)
    }

    public func nextState(from state: World, taking action: Action) -> World? {
        rules.successor(of: state, taking: action)
    }

    public func fingerprint(of state: World) -> UInt64 { state.searchFingerprint }

    public func violation(in state: World) -> PropertyViolation? {
        firstViolation(in: state, previous: nil, action: nil, stateAlreadySeen: false)
    }

    public func violation(
        in state: World, after action: Action, from previous: World, stateAlreadySeen: Bool
    ) -> PropertyViolation? {
        // Every explored state was checked when first reached, so only the step is new: the
        // incremental check clears almost every step; the rare one it flags gets the full report.
        guard Invariants.stepViolates(after: action, from: previous, in: state) else {
            if let undecidedHistories, properties.contains(.linearizability),
                let detail = Invariants.linearizabilityJudgement(
                    after: action, in: state,
                    checker: undecidedSearchBudget.map { Invariants.linearizabilityChecker(stepBudget: $0) }
                        ?? Invariants.checker
                ).undecidedDetail
            {
                undecidedHistories.note(detail, clock: state.clients?.clock ?? 0)
            }
            return nil
        }
        return firstViolation(in: state, previous: previous, action: action, stateAlreadySeen: stateAlreadySeen)
    }

    /// The full check, property by property in `InvariantID` order (state properties skipped for
    /// a state already checked).
    private func firstViolation(
        in state: World, previous: World?, action: Action?, stateAlreadySeen: Bool
    ) -> PropertyViolation? {
        for property in properties where !(stateAlreadySeen && Invariants.isStateInvariant(property)) {
            if let found = Invariants.check(property, state, previous: previous, action: action) {
                return PropertyViolation(property: found.invariant.rawValue, detail: found.detail)
            }
        }
        return nil
    }

    public var actionKinds: [String] { Action.Kind.allCases.map(\.rawValue) }

    /// The world's inline size plus its arrays' storage, with an allowance per heap object, times
    /// three: calibrated against the resident set size of `raftlab check specs/election.json`
    /// (shared storage, allocator overhead and the search's own copies make up the rest).
    public func approximateBytes(of state: World) -> Int {
        let object = 32
        var bytes = MemoryLayout<World>.stride + object + state.servers.count * MemoryLayout<World.Server>.stride
        for server in state.servers {
            let logLength = server.disk.log.lastIndex + (server.node?.log.lastIndex ?? 0)
            bytes += 4 * object + logLength * MemoryLayout<Entry>.stride + 2 * state.servers.count * 8
        }
        bytes += object + state.network.count * (MemoryLayout<Envelope>.stride + object)
        bytes += 3 * object + state.ghost.committed.count * MemoryLayout<World.CommittedRecord>.stride
        return 3 * bytes
    }

    public func kindIndex(of action: Action) -> Int { action.kind.ordinal }

    /// The canonical renaming of `state`'s servers (`CanonicalRepresentative`): servers sorted
    /// by a signature no renaming changes, with only tied servers tried in each order.
    public func representative(of state: World) -> World {
        CanonicalRepresentative.representative(of: state)
    }

    /// The fingerprint of `state`'s representative's class, hashed without building it (see
    /// `CanonicalRepresentative.fingerprint(of:)`).
    public func symmetricFingerprint(of state: World) -> UInt64 {
        CanonicalRepresentative.fingerprint(of: state)
    }
}
