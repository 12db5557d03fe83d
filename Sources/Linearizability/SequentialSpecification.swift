/// The sequential behaviour a concurrent history is checked against: a state machine whose
/// operations take effect one at a time.
///
/// After Porcupine's `Model`: an initial state, a step that says whether an operation with
/// this input may have returned this output from this state (and what the state becomes), and
/// a partition of operations into independent parts. States must be `Hashable`: the search
/// remembers every (set of operations linearized, state) pair it has explored, after Lowe's
/// memoisation, and never explores one twice.
///
/// Partitions rest on Herlihy and Wing's locality (P-compositionality): when operations on
/// different partitions never affect each other, a history is linearizable exactly when the
/// sub-history of every partition is, and each sub-history is checked on its own.
public protocol SequentialSpecification: Sendable {
    associatedtype Input: CustomStringConvertible
    associatedtype Output: CustomStringConvertible
    /// The state of one partition.
    associatedtype State: Hashable
    associatedtype PartitionKey: Hashable & CustomStringConvertible

    /// The state every partition starts in.
    var initialState: State { get }

    /// The partition an operation belongs to.
    func partition(of input: Input) -> PartitionKey

    /// The state after an operation with `input` takes effect in `state` and returns `output`,
    /// or nil when the operation could not have returned `output` from `state`.
    ///
    /// A nil `output` means the client never saw the reply: accept any output the operation
    /// could have produced, and return the state it leaves behind.
    func step(from state: State, input: Input, output: Output?) -> State?

    /// Whether an operation with `input` can change the state: when it cannot, one whose
    /// outcome is unknown tells nothing and the checker leaves it out of the search.
    func mayChangeState(_ input: Input) -> Bool

    /// Whether an operation that returned, with `input` and `output`, may be one that needs an
    /// unknown operation which took the state from `before` to `after`, with perhaps more of
    /// `unplaced` (the unknown operations not yet placed) between them: whether it may accept
    /// the state it is left with, yet not the state it would have without that operation.
    ///
    /// False lets the search skip placing the unknown operation there, so false must be sure:
    /// no choice of `unplaced` leads from `after` to a state from which `input` returns
    /// `output`, or every such state is one it would also see without the unknown operation.
    /// When unsure, true: the default, which prunes nothing.
    func mayNeed(_ input: Input, returning output: Output, before: State, after: State, unplaced: [Input]) -> Bool

    /// Whether an operation that returned `output` leaves one and the same state whatever
    /// state it was applied to (among those it accepts): then two histories that differ before
    /// it agree after it. False, the default, is always safe.
    func pinsState(_ input: Input, returning output: Output) -> Bool
}

extension SequentialSpecification {
    public func mayChangeState(_ input: Input) -> Bool { true }

    public func mayNeed(_ input: Input, returning output: Output, before: State, after: State, unplaced: [Input])
        -> Bool
    { true }

    public func pinsState(_ input: Input, returning output: Output) -> Bool { false }
}
