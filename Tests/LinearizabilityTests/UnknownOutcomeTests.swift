import Linearizability
import Testing

/// Histories where many operations never returned: the search must stay exact (it only skips
/// placements that no linearization needs) and decide them within the fuzzer's budget.
@Suite("Unknown outcomes: pruned placements, session order, and hard histories decided")
struct UnknownOutcomeTests {
    static let sessionChecker = LinearizabilityChecker(KeyValueSpecification(), sessionOrdered: true)

    @Test(
        "Random histories with many unknown outcomes: the search agrees with trying every order, with and without session order",
        arguments: [3, 4])
    func agreesWithBruteForce(unknownInSix: Int) {
        var random = TestRandom(seed: UInt64(100 + unknownInSix))
        var answers = [0, 0]
        for _ in 0..<600 {
            let history = randomHistory(&random, operations: 7, keys: 1, unknownInSix: unknownInSix)
            let plain = bruteForceLinearizable(history)
            let sessions = bruteForceLinearizable(history, sessionOrdered: true)
            #expect(keyValueChecker.check(history).isLinearizable == plain, "\(history.intervalText())")
            #expect(Self.sessionChecker.check(history).isLinearizable == sessions, "\(history.intervalText())")
            answers[sessions ? 1 : 0] += 1
        }
        #expect(answers[0] > 50 && answers[1] > 50, "non-linearizable, linearizable: \(answers)")
    }

    @Test(
        "Simulated client histories (sequential clients, unknown writes taking effect late or never, some outputs corrupted) agree with trying every order",
        arguments: 1...4)
    func simulatedAgreeWithBruteForce(seed: UInt64) {
        var random = TestRandom(seed: seed)
        var answers = [0, 0, 0]
        for _ in 0..<300 {
            let history = simulatedHistory(&random, operations: 8)
            let plain = bruteForceLinearizable(history)
            let sessions = bruteForceLinearizable(history, sessionOrdered: true)
            #expect(keyValueChecker.check(history).isLinearizable == plain, "\(history.intervalText())")
            #expect(Self.sessionChecker.check(history).isLinearizable == sessions, "\(history.intervalText())")
            answers[plain ? (sessions ? 2 : 1) : 0] += 1
        }
        // Each kind of answer occurs: not linearizable, linearizable only out of session order, both.
        #expect(answers.allSatisfy { $0 > 10 }, "\(answers)")
    }

    /// Tokens as the world spells them: `11.` for client 1's first operation.
    static func values(_ tokens: [Int]) -> KeyValueOutput { .value(tokens.map { "\($0)." }.joined()) }

    /// A history after one that `raftlab fuzz --clients 2 --runs 1000 --seed 1` left undecided
    /// before unknown outcomes were pruned: nine appends given up on before the first reply, one
    /// of which (c2's fourth) took effect; then alternating appends, each reply the whole value;
    /// then five more given up on (39 operations, 14 unknown).
    static func manyUnknownAppends(lastValue: [Int]? = nil) -> KeyValueHistory {
        var operations: [KeyValueOperation] = []
        let early: [(client: Int, sequence: Int, at: Int)] = [
            (1, 1, 1), (2, 1, 2), (2, 2, 5), (1, 2, 6), (1, 3, 8), (1, 4, 11), (2, 3, 12), (1, 5, 14), (2, 4, 16),
        ]
        for (client, sequence, at) in early {
            operations.append(unknown(client, append("x", "\(sequence * 10 + client)."), at))
        }
        var value = [42]
        // Each client appends its sixth to eighteenth value, replies in order, c1 first.
        var at = 18
        for sequence in 6...18 {
            for client in [1, 2] where !(client == 2 && sequence == 18) {
                let token = sequence * 10 + client
                value.append(token)
                operations.append(ok(client, append("x", "\(token)."), at, at + 3, values(value)))
                at += 2
            }
        }
        if let lastValue {
            operations[operations.count - 1].outcome = .ok(values(lastValue), returnedAt: at + 1)
        }
        for (client, sequence) in [(2, 18), (1, 19), (1, 20), (2, 19), (2, 20)] {
            operations.append(unknown(client, append("x", "\(sequence * 10 + client)."), at))
            at += 2
        }
        return History(operations)
    }

    @Test("Many unknown appends, one of which took effect, decided within the fuzzer's budget of 20,000 steps")
    func manyUnknownAppendsDecided() {
        let history = Self.manyUnknownAppends()
        for sessionOrdered in [false, true] {
            let checker = LinearizabilityChecker(
                KeyValueSpecification(), stepBudgetPerPartition: 20_000, sessionOrdered: sessionOrdered)
            guard case .linearizable(let witnesses) = checker.check(history) else {
                Issue.record("session order \(sessionOrdered): not decided linearizable")
                continue
            }
            #expect(isWitness(witnesses[0].order, of: history, KeyValueSpecification()))
            // Only the unknown append the replies show is placed.
            let unknownPlaced = witnesses[0].order.filter { history[$0].outcome == .unknown }
            #expect(unknownPlaced.map { history[$0].input } == [append("x", "42.")])
        }
    }

    @Test("The same history with one reply that lost a write is still caught, and shrunk")
    func manyUnknownAppendsLostWrite() throws {
        // The last reply leaves out c1's 171, which c2's 172 showed before it.
        var lost = (6...17).flatMap { [$0 * 10 + 1, $0 * 10 + 2] }
        lost.insert(42, at: 0)
        lost.removeAll { $0 == 171 }
        lost.append(181)
        let history = Self.manyUnknownAppends(lastValue: lost)
        let checker = LinearizabilityChecker(
            KeyValueSpecification(), stepBudgetPerPartition: 20_000, sessionOrdered: true)
        let violation = try #require(checker.check(history).violation)
        #expect(violation.operations.count <= 3, "\(history.intervalText(of: violation.operations))")
    }

    @Test("Session order: a write given up on cannot take effect after its client's next write")
    func sessionOrder() {
        // c1 gives up on appending a., then appends b. and sees "b."; c2 then reads "b.a.". Plain
        // linearizability allows a. to take effect last; a session table discards it.
        let history: KeyValueHistory = History([
            unknown(1, append("x", "a."), 1),
            ok(1, append("x", "b."), 3, 4, value("b.")),
            ok(2, get("x"), 5, 6, value("b.a.")),
        ])
        #expect(keyValueChecker.check(history).isLinearizable)
        #expect(!Self.sessionChecker.check(history).isLinearizable)
        // Another client's unknown write is not bound by c1's session.
        let other: KeyValueHistory = History([
            unknown(2, append("x", "a."), 1),
            ok(1, append("x", "b."), 3, 4, value("b.")),
            ok(2, get("x"), 5, 6, value("b.a.")),
        ])
        #expect(Self.sessionChecker.check(other).isLinearizable)
    }
}

/// A random history of clients that each wait for an operation (or give up on it) before the next.
///
/// On one key, from a store whose operations take effect at random instants: an operation given
/// up on takes effect later, even after its client's next one, or never. Then, one time in
/// three, one reply is replaced by another's.
func simulatedHistory(_ random: inout TestRandom, operations: Int) -> KeyValueHistory {
    let clients = 2 + random.below(2)
    var free = [Int](repeating: 0, count: clients)
    var operationsMade: [KeyValueOperation] = []
    /// Per operation: the instant it takes effect (nil: never), in tenths to break ties.
    var effects: [(instant: Int, index: Int)] = []
    var tokens: [String] = []
    for index in 0..<operations {
        let client = random.below(clients)
        let invokedAt = free[client] + random.below(3)
        let returnedAt = invokedAt + random.below(4)
        let token = "\(index)."
        let input: KeyValueInput
        switch random.below(4) {
        case 0: input = put("x", token)
        case 1: input = get("x")
        case 2: input = append("x", token)
        default:
            let expected = tokens.isEmpty || random.below(4) == 0 ? nil : tokens[random.below(tokens.count)]
            input = cas("x", expected, token)
        }
        tokens.append(token)
        free[client] = returnedAt + 1
        if random.below(3) == 0 {
            operationsMade.append(unknown(client + 1, input, invokedAt))
            if random.below(3) != 0 { effects.append((10 * (invokedAt + random.below(12)) + random.below(10), index)) }
        } else {
            operationsMade.append(ok(client + 1, input, invokedAt, returnedAt))
            effects.append((10 * invokedAt + random.below(10 * (returnedAt - invokedAt) + 10), index))
        }
    }
    var state: String? = nil
    let specification = KeyValueSpecification()
    var outputs: [Int: KeyValueOutput] = [:]
    for (_, index) in effects.sorted(by: { ($0.instant, $0.index) < ($1.instant, $1.index) }) {
        let input = operationsMade[index].input
        switch input {
        case .put: outputs[index] = .done
        case .get: outputs[index] = .value(state)
        case .append(_, let suffix): outputs[index] = .value((state ?? "") + suffix)
        case .compareAndSet(_, let expected, _): outputs[index] = .swapped(state == expected)
        }
        state = specification.step(from: state, input: input, output: nil)!
    }
    for index in operationsMade.indices {
        if let returnedAt = operationsMade[index].outcome.returnedAt, let output = outputs[index] {
            operationsMade[index].outcome = .ok(output, returnedAt: returnedAt)
        }
    }
    let replied = operationsMade.indices.filter { operationsMade[$0].outcome.returnedAt != nil }
    if random.below(3) == 0, replied.count >= 2 {
        let target = replied[random.below(replied.count)]
        let source = replied[random.below(replied.count)]
        if let returnedAt = operationsMade[target].outcome.returnedAt, let output = outputs[source] {
            operationsMade[target].outcome = .ok(output, returnedAt: returnedAt)
        }
    }
    return History(operationsMade)
}
