import Linearizability
import Testing

/// Histories small enough to decide by hand, each with its answer.
///
/// Linearizability as Herlihy and Wing define it (1990): every operation takes effect at one instant between its invocation
/// and its reply, and the outputs are those of the sequential specification in that order.
@Suite("Hand-built histories with known answers (Herlihy and Wing 1990)")
struct HandBuiltHistoryTests {
    @Test("A sequential history is linearizable, and its witness is its own order")
    func sequential() {
        let history = KeyValueHistory([
            ok(1, put("x", "1"), 1, 2),
            ok(1, get("x"), 3, 4, value("1")),
            ok(2, append("x", ".a"), 5, 6, value("1.a")),
            ok(2, cas("x", "1.a", "2"), 7, 8, .swapped(true)),
            ok(1, cas("x", "1.a", "3"), 9, 10, .swapped(false)),
            ok(3, get("x"), 11, 12, value("2")),
        ])
        guard case .linearizable(let witnesses) = keyValueChecker.check(history) else {
            Issue.record("a sequential history with the right outputs was not linearizable")
            return
        }
        #expect(witnesses.map(\.key) == ["x"])
        #expect(witnesses[0].order == history.ids)
        #expect(isWitness(witnesses[0].order, of: history, KeyValueSpecification()))
    }

    @Test("Stale read: a get returns a value a put that completed before it overwrote (thesis 6.4)")
    func staleRead() {
        // The read of section 6.4: a deposed leader answering from its own state returns 1
        // after put(x, 2) was acknowledged.
        #expect(
            !isLinearizable([
                ok(1, put("x", "1"), 1, 2),
                ok(2, put("x", "2"), 3, 4),
                ok(1, get("x"), 5, 6, value("1")),
            ]))
        // The same read overlapping put(x, 2) may take effect before it.
        #expect(
            isLinearizable([
                ok(1, put("x", "1"), 1, 2),
                ok(2, put("x", "2"), 3, 6),
                ok(1, get("x"), 4, 5, value("1")),
            ]))
    }

    @Test("Lost write: an acknowledged write a later read does not see")
    func lostWrite() {
        #expect(!isLinearizable([ok(1, put("x", "1"), 1, 2), ok(2, get("x"), 3, 4, value(nil))]))
        #expect(
            !isLinearizable([
                ok(1, append("x", "a"), 1, 2, value("a")),
                ok(2, append("x", "b"), 3, 4, value("b")),
            ]))
        #expect(
            isLinearizable([
                ok(1, append("x", "a"), 1, 2, value("a")),
                ok(2, append("x", "b"), 3, 4, value("ab")),
            ]))
    }

    @Test(
        "Concurrent puts take effect in either order, and then stay put",
        arguments: [("1", true), ("2", true), (nil, false), ("3", false)] as [(String?, Bool)])
    func concurrentPuts(read: String?, linearizable: Bool) {
        let history = [
            ok(1, put("x", "1"), 1, 4),
            ok(2, put("x", "2"), 2, 5),
            ok(3, get("x"), 6, 7, value(read)),
        ]
        #expect(isLinearizable(history) == linearizable)
        // Once both returned, two reads cannot see both orders.
        #expect(!isLinearizable(history + [ok(3, get("x"), 8, 9, value(read == "1" ? "2" : "1"))]))
    }

    @Test("Operations that touch at one step are concurrent")
    func touchingOperations() {
        // The get is invoked at the step put(x, 2) returns: it may take effect first.
        #expect(
            isLinearizable([
                ok(1, put("x", "1"), 1, 2),
                ok(2, put("x", "2"), 3, 5),
                ok(1, get("x"), 5, 6, value("1")),
            ]))
    }

    @Test("An operation that never returned may take effect late, or never, but only once")
    func unknownOutcomes() {
        // Late: after the client gave up and others saw the old value.
        #expect(
            isLinearizable([
                unknown(1, put("x", "1"), 1),
                ok(2, get("x"), 2, 3, value(nil)),
                ok(2, get("x"), 10, 11, value("1")),
            ]))
        // Never.
        #expect(
            isLinearizable([
                unknown(1, put("x", "1"), 1),
                ok(2, get("x"), 10, 11, value(nil)),
            ]))
        // Not before its invocation.
        #expect(
            !isLinearizable([
                ok(2, get("x"), 1, 2, value("1")),
                unknown(1, put("x", "1"), 3),
            ]))
        // Once it took effect it cannot be undone.
        #expect(
            !isLinearizable([
                unknown(1, put("x", "1"), 1),
                ok(2, get("x"), 2, 3, value("1")),
                ok(2, get("x"), 4, 5, value(nil)),
            ]))
        // Nor take effect twice (thesis 6.3: a retried command must not apply twice).
        #expect(
            !isLinearizable([
                unknown(1, append("x", "a"), 1),
                ok(2, get("x"), 5, 6, value("aa")),
            ]))
        // An unknown read tells nothing.
        #expect(isLinearizable([unknown(1, get("x"), 1), ok(2, put("x", "1"), 2, 3)]))
    }

    @Test("A failed operation never takes effect")
    func failedOperations() {
        #expect(!isLinearizable([failed(1, put("x", "1"), 1, 2), ok(2, get("x"), 3, 4, value("1"))]))
        #expect(isLinearizable([failed(1, put("x", "1"), 1, 2), ok(2, get("x"), 3, 4, value(nil))]))
    }

    @Test("Compare-and-set chains: of two concurrent swaps from one value, only one succeeds")
    func compareAndSetChains() {
        let first = ok(1, cas("x", nil, "1"), 1, 2, .swapped(true))
        #expect(
            isLinearizable([
                first,
                ok(2, cas("x", "1", "2"), 3, 6, .swapped(true)),
                ok(3, cas("x", "1", "3"), 4, 7, .swapped(false)),
                ok(1, get("x"), 8, 9, value("2")),
            ]))
        #expect(
            !isLinearizable([
                first,
                ok(2, cas("x", "1", "2"), 3, 6, .swapped(true)),
                ok(3, cas("x", "1", "3"), 4, 7, .swapped(true)),
            ]))
    }

    @Test("Concurrent appends: each sees the other's effect or not, but not both missing")
    func appendChains() {
        #expect(
            isLinearizable([
                ok(1, append("x", "a"), 1, 5, value("a")),
                ok(2, append("x", "b"), 2, 6, value("ab")),
            ]))
        #expect(
            !isLinearizable([
                ok(1, append("x", "a"), 1, 5, value("a")),
                ok(2, append("x", "b"), 2, 6, value("b")),
            ]))
    }

    @Test("Three clients whose history is linearizable in exactly one interleaving")
    func oneInterleaving() {
        let appends = [
            ok(1, append("x", "a"), 1, 5, value("ca")),
            ok(2, append("x", "b"), 2, 6, value("cab")),
            ok(3, append("x", "c"), 3, 7, value("c")),
        ]
        let history = KeyValueHistory(appends + [ok(1, get("x"), 8, 9, value("cab"))])
        guard case .linearizable(let witnesses) = keyValueChecker.check(history) else {
            Issue.record("the history with one valid interleaving was not linearizable")
            return
        }
        #expect(witnesses[0].order == [2, 0, 1, 3].map(OperationID.init))
        // Any two of the outputs exchanged, no order explains them.
        for (first, second) in [(0, 1), (0, 2), (1, 2)] {
            var swapped = appends
            swapped[first].outcome = appends[second].outcome
            swapped[second].outcome = appends[first].outcome
            #expect(!isLinearizable(swapped))
        }
    }

    @Test("Keys are independent: a violation on one key is found among correct others")
    func perKey() {
        let verdict = keyValueChecker.check(
            History([
                ok(1, put("y", "1"), 1, 2),
                ok(1, put("x", "1"), 3, 4),
                ok(2, put("x", "2"), 5, 6),
                ok(3, get("y"), 5, 8, value("1")),
                ok(1, get("x"), 7, 8, value("1")),
            ]))
        #expect(verdict.violation?.key == "x")
        // Reads of other keys never constrain this one.
        #expect(isLinearizable([ok(1, put("x", "1"), 1, 2), ok(2, get("y"), 3, 4, value(nil))]))
    }

    @Test("A search that runs out of budget says so, never guesses")
    func budget() {
        let history = KeyValueHistory((0..<20).map { ok($0 % 3 + 1, put("x", "\($0)"), $0, $0 + 10) })
        let checker = LinearizabilityChecker(KeyValueSpecification(), stepBudgetPerPartition: 5)
        #expect(checker.check(history) == .unknown(budgetExhaustedIn: ["x"]))
        #expect(keyValueChecker.check(history).isLinearizable)
    }
}
