/// Key-value histories whose answer is known in advance, from a seed: for benchmarks and tests
/// of the checker, never for behaviour.
///
/// The generator simulates a store that is linearizable by construction. Each client issues
/// one operation at a time; every operation gets an invocation step, a step at which it takes
/// effect, and a reply step, with random delays between them; outputs come from applying the
/// operations to one sequential store in the order of the steps at which they take effect. A
/// history so made is linearizable; `withOneBadRead` then breaks it in a way no order can mend.
public struct KeyValueHistoryGenerator: Sendable {
    public var seed: UInt64
    public var clientCount = 3
    public var keyCount = 10
    public var operationCount = 10_000
    /// The chance, in percent, that a client never learns an operation's outcome.
    ///
    /// Half of those operations take effect, half never do.
    public var unknownPercent = 0
    /// The chance, in percent, that an operation fails (and does not take effect).
    public var failPercent = 0
    /// The longest delay, in steps, from invocation to effect and from effect to reply.
    public var maximumDelaySteps = 4

    public init(seed: UInt64) { self.seed = seed }

    public typealias KeyValueHistory = History<KeyValueInput, KeyValueOutput>

    /// A linearizable history.
    public func linearizableHistory() -> KeyValueHistory {
        var random = SplitMix64(seed: seed)
        struct Planned {
            var client: ClientID
            var key: String
            var kind: Int
            var invokedAt: Int
            var effectAt: Int
            var returnedAt: Int
            var ending: Int  // 0 ok, 1 fail, 2 unknown with effect, 3 unknown without
        }
        var planned: [Planned] = []
        planned.reserveCapacity(operationCount)
        var freeAt = [Int](repeating: 0, count: clientCount)
        for _ in 0..<operationCount {
            // The client free the earliest goes next (the lowest index on a tie).
            let client = freeAt.indices.min { (freeAt[$0], $0) < (freeAt[$1], $1) }!
            let invokedAt = freeAt[client]
            let effectAt = invokedAt + random.below(maximumDelaySteps + 1)
            let returnedAt = effectAt + random.below(maximumDelaySteps + 1)
            let roll = random.below(100)
            let ending =
                roll < failPercent ? 1 : roll < failPercent + unknownPercent ? 2 + random.below(2) : 0
            planned.append(
                Planned(
                    client: ClientID(client), key: "k\(random.below(keyCount))", kind: random.below(100),
                    invokedAt: invokedAt, effectAt: effectAt, returnedAt: returnedAt, ending: ending))
            freeAt[client] = returnedAt + 1 + random.below(maximumDelaySteps + 1)
        }

        // Apply in effect order; a tie means the two operations overlap, so either order is real.
        var store: [String: String] = [:]
        var operations: [ClientOperation<KeyValueInput, KeyValueOutput>?] = Array(repeating: nil, count: planned.count)
        let effectOrder = planned.indices.sorted { (planned[$0].effectAt, $0) < (planned[$1].effectAt, $1) }
        for index in effectOrder {
            let plan = planned[index]
            let current = store[plan.key]
            let input: KeyValueInput
            var output: KeyValueOutput
            var after = current
            switch plan.kind {
            case 0..<40:
                input = .get(key: plan.key)
                output = .value(current)
            case 40..<65:
                input = .put(key: plan.key, value: "\(index)")
                output = .done
                after = "\(index)"
            case 65..<90:
                input = .append(key: plan.key, suffix: ".\(index)")
                after = (current ?? "") + ".\(index)"
                output = .value(after)
            default:
                let expected = random.below(2) == 0 ? current : "\(index)"
                input = .compareAndSet(key: plan.key, expected: expected, new: "c\(index)")
                output = .swapped(expected == current)
                if expected == current { after = "c\(index)" }
            }
            let outcome: Outcome<KeyValueOutput>
            switch plan.ending {
            case 0: outcome = .ok(output, returnedAt: plan.returnedAt)
            case 1: outcome = .fail(returnedAt: plan.returnedAt)
            default: outcome = .unknown
            }
            if plan.ending == 0 || plan.ending == 2 { store[plan.key] = after }
            operations[index] = ClientOperation(
                client: plan.client, input: input, invokedAt: plan.invokedAt, outcome: outcome)
        }
        return History(operations.map { $0! })
    }

    /// `history` with the output of one successful read (the one nearest the middle) replaced by
    /// a value no operation ever writes, so that no order explains it; nil when it has no such
    /// read.
    public static func withOneBadRead(_ history: KeyValueHistory) -> KeyValueHistory? {
        let reads = history.ids.filter {
            if case .get = history[$0].input, case .ok = history[$0].outcome { return true }
            return false
        }
        guard !reads.isEmpty else { return nil }
        let chosen = reads[reads.count / 2]
        var operations = history.operations
        let read = operations[chosen.index]
        operations[chosen.index] = ClientOperation(
            client: read.client, input: read.input, invokedAt: read.invokedAt,
            outcome: .ok(.value("never-written"), returnedAt: read.outcome.returnedAt!))
        return History(operations)
    }
}

/// SplitMix64 (Steele, Lea and Flood): a tiny seeded generator of our own, so that the same
/// seed gives the same history on every machine and Swift version.
struct SplitMix64 {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A number in `0..<bound` (the slight modulo bias does not matter here).
    mutating func below(_ bound: Int) -> Int { Int(next() % UInt64(bound)) }
}
