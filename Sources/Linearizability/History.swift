/// A client of the system under test: a small index, printed as `c1`, `c2`, ...
public struct ClientID: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// The zero-based position of the client among the world's clients.
    public let index: Int

    public init(_ index: Int) {
        precondition(index >= 0, "client index \(index) is negative")
        self.index = index
    }

    /// The user-facing name, `c1` for index 0.
    public var description: String { "c\(index + 1)" }

    public static func < (lhs: ClientID, rhs: ClientID) -> Bool { lhs.index < rhs.index }
}

/// One operation's place in its history: the index of the operation in `History.operations`.
public struct OperationID: Hashable, Comparable, Sendable, CustomStringConvertible {
    public let index: Int

    public init(_ index: Int) { self.index = index }

    public var description: String { "#\(index)" }

    public static func < (lhs: OperationID, rhs: OperationID) -> Bool { lhs.index < rhs.index }
}

/// How a client operation ended, as far as the client knows.
///
/// Positions are logical: the step of the run at which the client saw the reply, never a clock.
public enum Outcome<Output> {
    /// The client received `output`: the operation took effect exactly once, at some point
    /// between its invocation and `returnedAt`.
    case ok(Output, returnedAt: Int)
    /// The client learned that the operation did not take effect (and never will).
    case fail(returnedAt: Int)
    /// The client gave up or the run ended before a reply: the operation may have taken effect at
    /// any point after its invocation, even after the client stopped waiting, or never.
    case unknown

    /// The position of the reply, nil when the client never had one.
    public var returnedAt: Int? {
        switch self {
        case .ok(_, let position), .fail(let position): position
        case .unknown: nil
        }
    }

    /// The output the client saw, nil unless the operation returned ok.
    public var output: Output? {
        if case .ok(let output, _) = self { return output }
        return nil
    }
}

extension Outcome: Sendable where Output: Sendable {}
extension Outcome: Equatable where Output: Equatable {}
extension Outcome: Hashable where Output: Hashable {}

/// One operation a client issued: what it asked for, when, and how it ended.
public struct ClientOperation<Input, Output> {
    public var client: ClientID
    public var input: Input
    /// The step at which the client sent the request.
    public var invokedAt: Int
    public var outcome: Outcome<Output>

    /// An operation; a reply cannot come before the invocation that asked for it.
    public init(client: ClientID, input: Input, invokedAt: Int, outcome: Outcome<Output>) {
        if let returnedAt = outcome.returnedAt {
            precondition(
                returnedAt >= invokedAt,
                "operation of \(client) returned at \(returnedAt), before its invocation \(invokedAt)")
        }
        self.client = client
        self.input = input
        self.invokedAt = invokedAt
        self.outcome = outcome
    }
}

extension ClientOperation: Sendable where Input: Sendable, Output: Sendable {}
extension ClientOperation: Equatable where Input: Equatable, Output: Equatable {}
extension ClientOperation: Hashable where Input: Hashable, Output: Hashable {}

/// Every operation the clients of one run issued, in the order they were invoked.
///
/// The checker reads a history as Herlihy and Wing do: operation A precedes operation B in real
/// time when A returned at a step strictly before the step at which B was invoked; operations
/// that overlap, or touch at one step, are concurrent and may be linearized in either order.
public struct History<Input, Output> {
    public private(set) var operations: [ClientOperation<Input, Output>]

    public init(_ operations: [ClientOperation<Input, Output>] = []) { self.operations = operations }

    /// Records that `client` sent `input` at step `position`; the outcome stays unknown until
    /// `complete(_:with:)`, so an operation the run never answered reads as one the client gave up on.
    public mutating func invoke(_ client: ClientID, _ input: Input, at position: Int) -> OperationID {
        operations.append(ClientOperation(client: client, input: input, invokedAt: position, outcome: .unknown))
        return OperationID(operations.count - 1)
    }

    /// Records how the operation `id` ended.
    public mutating func complete(_ id: OperationID, with outcome: Outcome<Output>) {
        guard case .unknown = operations[id.index].outcome else {
            preconditionFailure("operation \(id) completed twice")
        }
        let operation = operations[id.index]
        operations[id.index] = ClientOperation(
            client: operation.client, input: operation.input, invokedAt: operation.invokedAt, outcome: outcome)
    }

    public subscript(id: OperationID) -> ClientOperation<Input, Output> { operations[id.index] }

    /// Every operation's identity, in history order.
    public var ids: [OperationID] { operations.indices.map(OperationID.init) }

    /// The history made of the operations `ids` only, in the order given (the operations are
    /// renumbered from zero).
    public func restricted(to ids: [OperationID]) -> History {
        History(ids.map { operations[$0.index] })
    }
}

extension History: Sendable where Input: Sendable, Output: Sendable {}
extension History: Equatable where Input: Equatable, Output: Equatable {}
