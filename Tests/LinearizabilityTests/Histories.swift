import Linearizability

/// Shorthands for hand-built key-value histories: operations read as in a paper's figure.
typealias KeyValueHistory = History<KeyValueInput, KeyValueOutput>
typealias KeyValueOperation = ClientOperation<KeyValueInput, KeyValueOutput>

func put(_ key: String, _ value: String) -> KeyValueInput { .put(key: key, value: value) }
func get(_ key: String) -> KeyValueInput { .get(key: key) }
func append(_ key: String, _ suffix: String) -> KeyValueInput { .append(key: key, suffix: suffix) }
func cas(_ key: String, _ expected: String?, _ new: String) -> KeyValueInput {
    .compareAndSet(key: key, expected: expected, new: new)
}

/// An operation client `client` (1-based, as printed) invoked at `invokedAt` and saw return
/// `output` at `returnedAt`.
func ok(
    _ client: Int, _ input: KeyValueInput, _ invokedAt: Int, _ returnedAt: Int, _ output: KeyValueOutput = .done
) -> KeyValueOperation {
    KeyValueOperation(
        client: ClientID(client - 1), input: input, invokedAt: invokedAt, outcome: .ok(output, returnedAt: returnedAt))
}

/// An operation the client knows did not take effect.
func failed(_ client: Int, _ input: KeyValueInput, _ invokedAt: Int, _ returnedAt: Int) -> KeyValueOperation {
    KeyValueOperation(
        client: ClientID(client - 1), input: input, invokedAt: invokedAt, outcome: .fail(returnedAt: returnedAt))
}

/// An operation whose reply the client never saw.
func unknown(_ client: Int, _ input: KeyValueInput, _ invokedAt: Int) -> KeyValueOperation {
    KeyValueOperation(client: ClientID(client - 1), input: input, invokedAt: invokedAt, outcome: .unknown)
}

func value(_ value: String?) -> KeyValueOutput { .value(value) }

let keyValueChecker = LinearizabilityChecker(KeyValueSpecification())

func isLinearizable(_ operations: [KeyValueOperation]) -> Bool {
    keyValueChecker.check(History(operations)).isLinearizable
}

/// Whether `order` proves `history`'s partition linearizable, checked independently of the
/// search: every operation accepted in turn by the specification, and no operation placed
/// before one that returned before it was invoked.
func isWitness<Spec: SequentialSpecification>(
    _ order: [OperationID], of history: History<Spec.Input, Spec.Output>, _ specification: Spec
) -> Bool {
    var state = specification.initialState
    for (position, id) in order.enumerated() {
        let operation = history[id]
        guard let after = specification.step(from: state, input: operation.input, output: operation.outcome.output)
        else { return false }
        state = after
        for earlier in order[..<position] {
            if let returnedAt = operation.outcome.returnedAt, returnedAt < history[earlier].invokedAt { return false }
        }
    }
    return true
}

/// The key-value store without the split per key, to check that the split changes no answer.
///
/// One state holds every key, so that a whole history is searched at once.
struct WholeStoreSpecification: SequentialSpecification {
    let perKey = KeyValueSpecification()

    var initialState: [String: String] { [:] }

    func partition(of input: KeyValueInput) -> String { "store" }

    func step(from state: [String: String], input: KeyValueInput, output: KeyValueOutput?) -> [String: String]? {
        guard let after = perKey.step(from: state[input.key], input: input, output: output) else { return nil }
        var next = state
        next[input.key] = after
        return next
    }
}
