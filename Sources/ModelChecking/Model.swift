/// A nondeterministic system the checker can explore: states, the actions each enables, and what
/// each action does.
///
/// The checker knows nothing else about it.
///
/// After stateright's `Model`. Two contracts matter:
/// - `actions(in:into:)` must list actions in the same order for the same state, every time:
///   counterexamples are rebuilt by replaying choices.
/// - `fingerprint(of:)` must be stable across processes and machines (never `hashValue`), and
///   equal for states the model considers the same.
public protocol Model: Sendable {
    associatedtype State: Sendable
    associatedtype Action: Sendable

    /// The states exploration starts from.
    var initialStates: [State] { get }

    /// Appends every action enabled in `state` to `actions` (which arrives empty).
    func actions(in state: State, into actions: inout [Action])

    /// The state after `action`, or nil when the action turns out to change nothing worth
    /// exploring.
    func nextState(from state: State, taking action: Action) -> State?

    /// A stable 64-bit fingerprint of `state`.
    func fingerprint(of state: State) -> UInt64

    /// The first property violated by `state` itself; asked of every initial state.
    func violation(in state: State) -> PropertyViolation?

    /// The first property violated by `state`, or by the step from `previous` taking `action`
    /// that led to it.
    ///
    /// Called for every transition explored. `stateAlreadySeen` says the state itself was checked
    /// before (only the step is new), so state properties may be skipped. A separate requirement
    /// from `violation(in:)` rather than optional arguments: wrapping a state in an optional
    /// copies it, on the checker's hottest path.
    func violation(
        in state: State, after action: Action, from previous: State, stateAlreadySeen: Bool
    ) -> PropertyViolation?

    /// Whether exploration continues from `state` (a state outside is still checked).
    func isWithinBoundary(_ state: State) -> Bool

    /// A canonical representative of `state` under the model's symmetries (for symmetry
    /// reduction); `state` itself when the model has none.
    func representative(of state: State) -> State

    /// The fingerprint symmetry reduction visits `state` under: the same for every state of its
    /// class. By default the fingerprint of its representative; a model may compute it without
    /// building the representative, which can cost more than the rest of a step.
    func symmetricFingerprint(of state: State) -> UInt64

    /// Roughly how many bytes `state` occupies in memory, its heap storage included: the search
    /// queue counts against the memory ceiling with it.
    func approximateBytes(of state: State) -> Int

    /// Names of the action kinds, for the action statistics in reports.
    var actionKinds: [String] { get }

    /// The position of `action`'s kind in `actionKinds`.
    func kindIndex(of action: Action) -> Int

    /// Names of the situations a search should reach: "sometimes" properties, next to the
    /// "always" ones `violation` checks (stateright's `Property::sometimes`).
    ///
    /// A green check says nothing about a situation no path reached; a spec that lists what it
    /// expects to reach cannot pass vacuously. At most 64; empty (the default) costs the search
    /// nothing.
    var situationNames: [String] { get }

    /// The situations the step from `previous` taking `action` to `state` reaches, as a bit mask
    /// over `situationNames` (bit `i` for name `i`).
    ///
    /// Called for every transition explored when `situationNames` is not empty: a mask rather
    /// than a list, so the hot path allocates nothing.
    func situations(reachedBy action: Action, from previous: State, to state: State) -> UInt64

    /// The situations among `wanted` that the step reaches: `situations(reachedBy:from:to:)`
    /// masked by `wanted`, which a model may compute for those only.
    ///
    /// A search asks only for the situations whose first step it still needs: once one is
    /// reached (in the level merged, or earlier in the same share), no later step's verdict on
    /// it can change a witness, and after the first few levels that is every situation.
    func situations(reachedBy action: Action, from previous: State, to state: State, among wanted: UInt64) -> UInt64

    /// Names of the classes transitions fall into, for a coverage table: which kinds of step the
    /// search exercised, and which it never did (TLC's action coverage, VOPR's marks).
    ///
    /// Empty (the default) costs the search nothing.
    var transitionClasses: [String] { get }

    /// The position in `transitionClasses` of the step from `previous` taking `action` to
    /// `state`, or nil when it falls in none.
    func transitionClass(of action: Action, from previous: State, to state: State) -> Int?

    /// Whether breadth-first search queues this model's states packed into bytes
    /// (`pack(_:into:)`), unpacking each when it expands it, rather than as values.
    ///
    /// The queue is most of a breadth-first search's memory: a value with heap storage costs
    /// several times its packed bytes, and packed bytes can be spilled to disk. False (the
    /// default) queues the values themselves, and `pack`/`unpack` are never called.
    var packsStates: Bool { get }

    /// Appends `state`, packed, to `bytes`: everything `unpack(_:)` needs to rebuild it equal.
    func pack(_ state: State, into bytes: PackedBytes)

    /// The state `pack(_:into:)` packed into exactly `bytes`.
    func unpack(_ bytes: UnsafeRawBufferPointer) -> State

    /// Whether `first` and `second`, both enabled in `state`, are independent there: neither
    /// disables the other, taken in either order they reach the same state, and each step's
    /// property and situation verdicts are the same whichever of the two goes first.
    ///
    /// Sleep-set reduction (`CheckerOptions.partialOrderReduction`) skips a transition only
    /// when this says its other order is explored; `firstNext` and `secondNext` are the
    /// states each step leads to from `state`, so a model can decide from what a step did
    /// rather than from what it might do. False (the default), and for any pair the model is
    /// not sure of, explores every transition.
    func areIndependent(
        _ first: Action, leadingTo firstNext: State, _ second: Action, leadingTo secondNext: State, in state: State
    ) -> Bool

    /// Whether `first` and `second` are the same action: a sleep set is carried from a state to
    /// its successor by finding each sleeping action in the successor's list.
    func isSameAction(_ first: Action, _ second: Action) -> Bool
}

extension Model {
    /// For models whose properties are all about states: a state already seen passed them.
    public func violation(
        in state: State, after action: Action, from previous: State, stateAlreadySeen: Bool
    ) -> PropertyViolation? {
        stateAlreadySeen ? nil : violation(in: state)
    }

    public func isWithinBoundary(_ state: State) -> Bool { true }
    public func representative(of state: State) -> State { state }
    public func symmetricFingerprint(of state: State) -> UInt64 { fingerprint(of: representative(of: state)) }
    public func approximateBytes(of state: State) -> Int { MemoryLayout<State>.stride }
    public var actionKinds: [String] { ["action"] }
    public func kindIndex(of action: Action) -> Int { 0 }
    public var situationNames: [String] { [] }
    public func situations(reachedBy action: Action, from previous: State, to state: State) -> UInt64 { 0 }
    public func situations(
        reachedBy action: Action, from previous: State, to state: State, among wanted: UInt64
    ) -> UInt64 {
        situations(reachedBy: action, from: previous, to: state) & wanted
    }
    public var transitionClasses: [String] { [] }
    public func transitionClass(of action: Action, from previous: State, to state: State) -> Int? { nil }
    public var packsStates: Bool { false }
    public func pack(_ state: State, into bytes: PackedBytes) {
        preconditionFailure("\(Self.self) does not pack its states")
    }
    public func unpack(_ bytes: UnsafeRawBufferPointer) -> State {
        preconditionFailure("\(Self.self) does not pack its states")
    }
    public func areIndependent(
        _ first: Action, leadingTo firstNext: State, _ second: Action, leadingTo secondNext: State, in state: State
    ) -> Bool { false }
    public func isSameAction(_ first: Action, _ second: Action) -> Bool { false }
}

/// A property that failed in some state: its name and what went wrong, in words.
public struct PropertyViolation: Hashable, Sendable {
    public var property: String
    public var detail: String

    public init(property: String, detail: String) {
        self.property = property
        self.detail = detail
    }
}
