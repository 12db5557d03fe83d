import Linearizability
import Testing

/// Histories from the seeded generator, whose answers are known by construction, and small
/// random histories decided again by brute force.
@Suite("Generated histories: known answers, the split per key, and brute force")
struct GeneratedHistoryTests {
    static func generator(seed: UInt64, operations: Int, keys: Int) -> KeyValueHistoryGenerator {
        var generator = KeyValueHistoryGenerator(seed: seed)
        generator.operationCount = operations
        generator.keyCount = keys
        generator.unknownPercent = 5
        generator.failPercent = 5
        return generator
    }

    @Test("Histories of a store linearizable by construction are linearizable, with valid witnesses", arguments: 1...10)
    func linearizableByConstruction(seed: UInt64) {
        let history = Self.generator(seed: seed, operations: 600, keys: 4).linearizableHistory()
        guard case .linearizable(let witnesses) = keyValueChecker.check(history) else {
            Issue.record("seed \(seed): a history linearizable by construction was not found so")
            return
        }
        for witness in witnesses {
            #expect(isWitness(witness.order, of: history, KeyValueSpecification()))
        }
        // Every operation that returned ok is placed (unknown ones may be too).
        let placed = Set(witnesses.flatMap(\.order))
        #expect(history.ids.allSatisfy { placed.contains($0) || history[$0].outcome.output == nil })
    }

    @Test("One read of a value never written makes the history non-linearizable", arguments: 1...10)
    func oneBadRead(seed: UInt64) throws {
        let history = Self.generator(seed: seed, operations: 600, keys: 4).linearizableHistory()
        let broken = try #require(KeyValueHistoryGenerator.withOneBadRead(history))
        let violation = try #require(keyValueChecker.check(broken).violation)
        let badRead = try #require(broken.ids.first { broken[$0].outcome.output == .value("never-written") })
        #expect(violation.key == broken[badRead].input.key)
        #expect(violation.operations == [badRead])
        #expect(violation.isMinimal)
    }

    @Test("Splitting per key gives the answer of the whole store (P-compositionality)", arguments: 1...20)
    func splitAgreesWithWhole(seed: UInt64) throws {
        let history = Self.generator(seed: seed, operations: 90, keys: 3).linearizableHistory()
        let whole = LinearizabilityChecker(WholeStoreSpecification())
        #expect(whole.check(history).isLinearizable)
        let broken = try #require(KeyValueHistoryGenerator.withOneBadRead(history))
        #expect(!keyValueChecker.check(broken).isLinearizable)
        #expect(!whole.check(broken).isLinearizable)
        // And on histories whose outputs are scrambled, with answers either way.
        var random = TestRandom(seed: seed)
        for _ in 0..<5 {
            let scrambled = randomHistory(&random, operations: 8, keys: 2)
            #expect(keyValueChecker.check(scrambled).isLinearizable == whole.check(scrambled).isLinearizable)
        }
    }

    @Test(
        "Small random histories: the search agrees with trying every order, with few or many unknown outcomes",
        arguments: [1, 3])
    func agreesWithBruteForce(unknownInSix: Int) {
        var random = TestRandom(seed: UInt64(unknownInSix))
        var answers = [0, 0]
        for _ in 0..<1_000 {
            let history = randomHistory(&random, operations: 7, keys: 1, unknownInSix: unknownInSix)
            let expected = bruteForceLinearizable(history)
            #expect(keyValueChecker.check(history).isLinearizable == expected, "\(history.intervalText())")
            answers[expected ? 1 : 0] += 1
        }
        // Both answers occur often, so the agreement means something.
        #expect(answers[0] > 100 && answers[1] > 100, "non-linearizable, linearizable: \(answers)")
    }

    @Test("The generator is deterministic: one seed, one history")
    func generatorDeterministic() {
        let generator = Self.generator(seed: 7, operations: 300, keys: 3)
        #expect(generator.linearizableHistory() == generator.linearizableHistory())
        #expect(
            generator.linearizableHistory() != Self.generator(seed: 8, operations: 300, keys: 3).linearizableHistory())
    }
}

/// SplitMix64, the tests' own generator: no system randomness reaches a test.
struct TestRandom {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func below(_ bound: Int) -> Int {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return Int((z ^ (z >> 31)) % UInt64(bound))
    }
}

/// A history of overlapping operations with outputs drawn from a small set of values, so that
/// some are linearizable and some are not.
func randomHistory(_ random: inout TestRandom, operations: Int, keys: Int, unknownInSix: Int = 1) -> KeyValueHistory {
    let values = ["1", "2", "12"]
    func someValue() -> String? { random.below(4) == 0 ? nil : values[random.below(values.count)] }
    var history: [KeyValueOperation] = []
    for _ in 0..<operations {
        let client = random.below(3) + 1
        let key = "k\(random.below(keys))"
        let invokedAt = random.below(12)
        let returnedAt = invokedAt + random.below(5)
        let input: KeyValueInput
        let output: KeyValueOutput
        switch random.below(4) {
        case 0:
            input = put(key, values[random.below(2)])
            output = .done
        case 1:
            input = get(key)
            output = .value(someValue())
        case 2:
            input = append(key, values[random.below(2)])
            output = .value(someValue())
        default:
            input = cas(key, someValue(), values[random.below(2)])
            output = .swapped(random.below(2) == 0)
        }
        let ending = random.below(6)
        if ending < unknownInSix {
            history.append(unknown(client, input, invokedAt))
        } else if ending == unknownInSix {
            history.append(failed(client, input, invokedAt, returnedAt))
        } else {
            history.append(ok(client, input, invokedAt, returnedAt, output))
        }
    }
    return History(history)
}

/// Linearizability by definition: some order of the operations that took effect (every ok
/// one, any unknown ones) respects real time and the specification; `sessionOrdered`, also
/// that no unknown operation is placed after a later state-changing operation of its client on
/// its key.
func bruteForceLinearizable(_ history: KeyValueHistory, sessionOrdered: Bool = false) -> Bool {
    let specification = WholeStoreSpecification()
    let candidates = history.ids.filter {
        if case .fail = history[$0].outcome { return false }
        return true
    }
    func closes(_ later: OperationID, _ earlier: OperationID) -> Bool {
        sessionOrdered && history[later].client == history[earlier].client
            && history[later].invokedAt > history[earlier].invokedAt
            && history[later].input.key == history[earlier].input.key
            && KeyValueSpecification().mayChangeState(history[later].input)
    }
    func extend(_ placed: [OperationID], _ state: [String: String]) -> Bool {
        let remaining = candidates.filter { !placed.contains($0) }
        if remaining.allSatisfy({ history[$0].outcome.output == nil }) { return true }
        for next in remaining {
            // Nothing still unplaced may have returned before `next` was invoked.
            let blocked = remaining.contains {
                guard let returnedAt = history[$0].outcome.returnedAt else { return false }
                return returnedAt < history[next].invokedAt
            }
            let closed = history[next].outcome.output == nil && placed.contains { closes($0, next) }
            guard !blocked, !closed,
                let after = specification.step(
                    from: state, input: history[next].input, output: history[next].outcome.output)
            else { continue }
            if extend(placed + [next], after) { return true }
        }
        return false
    }
    return extend([], [:])
}
