import RaftTestSupport
import Testing

@testable import RaftCore
@testable import RaftSimulation

/// Every invariant, shown firing on a hand-built violating world (an invariant that cannot fire
/// is not an invariant) and holding on a similar correct one.
@Suite("Invariants fire on violating worlds")
struct InvariantTests {
    @Test("Election Safety: two leaders recorded for one term (Figure 3)")
    func electionSafety() throws {
        var bad = world()
        bad.ghost.leadersByTerm = [NodeSet(), NodeSet(), NodeSet([s1, s3])]
        let violation = try #require(Invariants.electionSafety(bad))
        #expect(violation.invariant == .electionSafety)
        #expect(violation.servers == [s1, s3])
        #expect(violation.terms == [2])
        #expect(violation.detail == "s1 and s3 both led term 2")
        bad.ghost.leadersByTerm = [NodeSet(), NodeSet([s1]), NodeSet([s3])]
        #expect(Invariants.electionSafety(bad) == nil)
    }

    @Test("Log Matching: same index and term, different earlier entries (Figure 3)")
    func logMatching() throws {
        let bad = world(crashed: [
            (s1, DurableState(currentTerm: 2, log: Log([entry(1, 1), entry(2, 5)]))),
            (s2, DurableState(currentTerm: 2, log: Log([entry(1, 9), entry(2, 5)]))),
        ])
        let violation = try #require(Invariants.logMatching(bad))
        #expect(violation.invariant == .logMatching)
        #expect(violation.servers == [s1, s2])
        #expect(violation.index == 1)
        let good = world(crashed: [
            (s1, DurableState(currentTerm: 2, log: Log([entry(1, 1), entry(2, 5)]))),
            (s2, DurableState(currentTerm: 2, log: Log([entry(1, 1), entry(3, 5)]))),
        ])
        #expect(Invariants.logMatching(good) == nil)
    }

    @Test("Leader Completeness: a leader of a later term lacks a committed entry (Figure 3)")
    func leaderCompleteness() throws {
        var bad = world([leader(s3, term: 3, log: [entry(2, 7)])])
        bad.ghost.committed = [World.CommittedRecord(entry: entry(1, 1), commitTerm: 1, server: s1)]
        let violation = try #require(Invariants.leaderCompleteness(bad))
        #expect(violation.invariant == .leaderCompleteness)
        #expect(violation.servers == [s3, s1])
        #expect(violation.index == 1)
        #expect(violation.terms == [3, 1])
        var good = world([leader(s3, term: 3, log: [entry(1, 1)])])
        good.ghost.committed = bad.ghost.committed
        #expect(Invariants.leaderCompleteness(good) == nil)
    }

    @Test("State Machine Safety: a server commits another entry at a committed index (Figure 3)")
    func stateMachineSafety() throws {
        var bad = world([follower(s2, term: 2, log: [entry(2, 8)], commit: 1)])
        bad.ghost.committed = [World.CommittedRecord(entry: entry(1, 1), commitTerm: 1, server: s1)]
        let violation = try #require(Invariants.stateMachineSafety(bad))
        #expect(violation.invariant == .stateMachineSafety)
        #expect(violation.detail == "index 1 committed as 1:x=1 on s1 but as 2:x=8 on s2")
        var good = world([follower(s2, term: 2, log: [entry(1, 1)], commit: 1)])
        good.ghost.committed = bad.ghost.committed
        #expect(Invariants.stateMachineSafety(good) == nil)
    }

    @Test("Leader Append-Only: a leader's log loses an entry within its term (Figure 3)")
    func leaderAppendOnly() throws {
        let before = world([leader(s1, term: 2, log: [entry(1, 1), entry(1, 2)])])
        let after = world([leader(s1, term: 2, log: [entry(1, 1)])])
        let violation = try #require(Invariants.leaderAppendOnly(from: before, to: after))
        #expect(violation.invariant == .leaderAppendOnly)
        #expect(violation.index == 2)
        #expect(Invariants.leaderAppendOnly(from: after, to: before) == nil)
    }

    @Test("Monotonic Term: a server's term goes down")
    func monotonicTerm() throws {
        let before = world(crashed: [(s2, DurableState(currentTerm: 3))])
        let after = world(crashed: [(s2, DurableState(currentTerm: 2))])
        let violation = try #require(Invariants.monotonicTerm(from: before, to: after))
        #expect(violation.terms == [3, 2])
        #expect(Invariants.monotonicTerm(from: after, to: before) == nil)
    }

    @Test("Monotonic Commit: a running server's commit index goes down")
    func monotonicCommit() throws {
        let before = world([follower(s2, term: 1, log: [entry(1)], commit: 1)])
        let after = world([follower(s2, term: 1, log: [entry(1)], commit: 0)])
        let action = Action.heal
        let violation = try #require(Invariants.monotonicCommit(from: before, to: after, action: action))
        #expect(violation.invariant == .monotonicCommit)
        #expect(Invariants.monotonicCommit(from: after, to: before, action: action) == nil)
    }

    @Test("check() reports the step and the first failing invariant")
    func checkNamesStep() throws {
        var bad = world()
        bad.ghost.leadersByTerm = [NodeSet(), NodeSet([s1, s2])]
        let violation = try #require(Invariants.check(after: bad, previous: nil, action: nil, step: 12))
        #expect(violation.step == 12)
        #expect(violation.description == "election-safety violated at step 12: s1 and s2 both led term 1")
        #expect(Invariants.check(after: world(), previous: world(), action: .heal, step: 1) == nil)
    }
}
