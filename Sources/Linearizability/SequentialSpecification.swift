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
}

extension SequentialSpecification {
    public func mayChangeState(_ input: Input) -> Bool { true }
}
