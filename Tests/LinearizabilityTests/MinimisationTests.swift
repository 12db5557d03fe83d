import Linearizability
import Testing

/// The sub-history a violation is reported with: still non-linearizable, and with nothing in it
/// that does not matter.
@Suite("Violations shrink to the operations that matter")
struct MinimisationTests {
    /// Whether every operation of `ids` is needed: with any one's outcome made unknown (for a
    /// read, the same as removing it), the rest is linearizable.
    func everyOperationNeeded(_ ids: [OperationID], in history: KeyValueHistory) -> Bool {
        ids.allSatisfy { relaxed in
            var operations = ids.map { history[$0] }
            let index = ids.firstIndex(of: relaxed)!
            operations[index].outcome = .unknown
            return isLinearizable(operations)
        }
    }

    @Test("A stale read among noise shrinks to the two writes and the read (thesis 6.4)")
    func staleReadAmongNoise() throws {
        var operations: [KeyValueOperation] = []
        for round in 0..<10 {
            let start = round * 10
            operations += [
                ok(1, append("x", "a"), start, start + 2, value(String(repeating: "a", count: round + 1))),
                ok(2, get("y"), start + 1, start + 3, value(round == 0 ? nil : "\(round - 1)")),
                ok(3, put("y", "\(round)"), start + 4, start + 5),
            ]
        }
        operations += [
            ok(1, put("x", "1"), 100, 101),
            ok(2, put("x", "2"), 102, 103),
            ok(3, get("x"), 104, 105, value("1")),
            ok(1, get("x"), 106, 107, value("2")),
        ]
        let history = KeyValueHistory(operations)
        let violation = try #require(keyValueChecker.check(history).violation)
        #expect(violation.key == "x")
        #expect(violation.partitionOperationCount == 14)
        #expect(violation.operations == [30, 31, 32].map(OperationID.init))
        #expect(violation.isMinimal)
        #expect(!isLinearizable(violation.operations.map { history[$0] }))
        #expect(everyOperationNeeded(violation.operations, in: history))
        #expect(
            history.intervalText(of: violation.operations) == """
                step 100 101 102 103 104 105
                c1   [A--]
                c2           [B--]
                c3                   [C--]
                A  c1  #30  put(x, 1) -> ok  (invoked 100, returned 101)
                B  c2  #31  put(x, 2) -> ok  (invoked 102, returned 103)
                C  c3  #32  get(x) -> 1  (invoked 104, returned 105)

                """)
    }

    @Test("A lost append keeps the append it lost, not a read of a value never written")
    func lostAppend() throws {
        let history = KeyValueHistory([
            ok(1, append("x", "a"), 1, 2, value("a")),
            ok(2, get("x"), 3, 4, value("a")),
            ok(3, append("x", "b"), 5, 6, value("b")),
        ])
        let violation = try #require(keyValueChecker.check(history).violation)
        // Deleting append(x, a) would leave get -> a unexplained; made unknown, it may take
        // effect after append(x, b), so it stays.
        #expect(violation.operations == [0, 2].map(OperationID.init))
        #expect(violation.isMinimal)
    }

    @Test("Generated violations shrink to a smaller history that is still a violation")
    func generatedViolations() throws {
        var violations = 0
        for seed: UInt64 in 1...8 {
            var generator = KeyValueHistoryGenerator(seed: seed)
            generator.operationCount = 400
            generator.keyCount = 2
            generator.unknownPercent = 5
            let history = generator.linearizableHistory()
            // Break a write instead of a read: one acknowledged put writes another value, which
            // shows only when a later operation observed the value it should have written.
            var operations = history.operations
            let puts = history.ids.filter {
                if case .put = history[$0].input, case .ok = history[$0].outcome { return true }
                return false
            }
            let changed = puts[puts.count / 2]
            operations[changed.index].input = .put(key: history[changed].input.key, value: "other")
            let broken = KeyValueHistory(operations)
            guard let violation = keyValueChecker.check(broken).violation else { continue }
            violations += 1
            #expect(violation.operations.count < violation.partitionOperationCount)
            #expect(!isLinearizable(violation.operations.map { broken[$0] }))
            #expect(violation.isMinimal)
            #expect(everyOperationNeeded(violation.operations, in: broken))
        }
        #expect(violations >= 4)
    }

    @Test("With no budget to shrink, the violation is the partition's, and not claimed minimal")
    func noShrinkingBudget() throws {
        let history = KeyValueHistory([
            ok(1, put("x", "1"), 1, 2),
            ok(2, put("x", "2"), 3, 4),
            ok(1, get("x"), 5, 6, value("1")),
            ok(3, get("x"), 7, 8, value("2")),
        ])
        let checker = LinearizabilityChecker(KeyValueSpecification(), minimisationStepBudget: 0)
        let violation = try #require(checker.check(history).violation)
        #expect(violation.operations == history.ids)
        #expect(!violation.isMinimal)
    }
}
