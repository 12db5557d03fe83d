import RaftTestSupport
import Testing

@testable import RaftCore
@testable import RaftSimulation
@testable import TraceRendering

/// Every invariant is said in words from its structured fields and the worlds around the step.
@Suite("Violations in words")
struct ViolationWordsTests {
    @Test("Election Safety names the leaders and the term")
    func electionSafety() throws {
        var bad = world()
        bad.ghost.leadersByTerm = [NodeSet(), NodeSet(), NodeSet(), NodeSet([s1, s3])]
        let violation = try #require(Invariants.electionSafety(bad))
        #expect(ViolationWords.sentence(violation, before: nil, after: bad) == "s1 and s3 both led term 3")
        bad.ghost.leadersByTerm[3] = NodeSet([s1, s2, s3])
        let three = try #require(Invariants.electionSafety(bad))
        #expect(ViolationWords.sentence(three, before: nil, after: bad) == "s1, s2 and s3 all led term 3")
    }

    @Test("Log Matching names the agreeing index and both differing entries")
    func logMatching() throws {
        let bad = world(crashed: [
            (s1, DurableState(currentTerm: 2, log: Log([entry(1, 1), entry(2, 5)]))),
            (s2, DurableState(currentTerm: 2, log: Log([entry(1, 9), entry(2, 5)]))),
        ])
        let violation = try #require(Invariants.logMatching(bad))
        #expect(
            ViolationWords.sentence(violation, before: nil, after: bad)
                == "s1 and s2 both hold an entry of term 2 at index 2, yet differ at index 1: 1:x=1 on s1, 1:x=9 on s2")
    }

    @Test("Leader Completeness names the leader, the missing entry and who committed it")
    func leaderCompleteness() throws {
        var bad = world([leader(s3, term: 3, log: [entry(2, 7)])])
        bad.ghost.committed = [World.CommittedRecord(entry: entry(1, 1), commitTerm: 1, server: s1)]
        let violation = try #require(Invariants.leaderCompleteness(bad))
        #expect(
            ViolationWords.sentence(violation, before: nil, after: bad)
                == "leader s3 of term 3 lacks 1:x=1 at index 1, which s1 committed in term 1 (s3 holds 2:x=7 there)")
    }

    @Test("State Machine Safety says committed, or applied once the server applied the index")
    func stateMachineSafety() throws {
        var bad = world([follower(s2, term: 2, log: [entry(2, 8)], commit: 1)])
        bad.ghost.committed = [World.CommittedRecord(entry: entry(1, 1), commitTerm: 1, server: s1)]
        let violation = try #require(Invariants.stateMachineSafety(bad))
        #expect(
            ViolationWords.sentence(violation, before: nil, after: bad)
                == "index 1 committed as 1:x=1 on s1 but applied as 2:x=8 on s2")
    }

    @Test("Leader Append-Only names the replaced entry")
    func leaderAppendOnly() throws {
        let before = world([leader(s1, term: 2, log: [entry(1, 1), entry(1, 2)])])
        let after = world([leader(s1, term: 2, log: [entry(1, 1)])])
        let violation = try #require(Invariants.leaderAppendOnly(from: before, to: after))
        #expect(
            ViolationWords.sentence(violation, before: before, after: after)
                == "leader s1 of term 2 replaced 1:x=2 at index 2 with nothing")
    }

    @Test("Monotonic Term and Monotonic Commit give both values")
    func monotonic() throws {
        let higher = world(crashed: [(s2, DurableState(currentTerm: 3))])
        let lower = world(crashed: [(s2, DurableState(currentTerm: 2))])
        let term = try #require(Invariants.monotonicTerm(from: higher, to: lower))
        #expect(ViolationWords.sentence(term, before: higher, after: lower) == "s2's term went down from 3 to 2")
        let committed = world([follower(s2, term: 1, log: [entry(1)], commit: 1)])
        let uncommitted = world([follower(s2, term: 1, log: [entry(1)], commit: 0)])
        let commit = try #require(Invariants.monotonicCommit(from: committed, to: uncommitted, action: .heal))
        #expect(
            ViolationWords.sentence(commit, before: committed, after: uncommitted)
                == "s2's commit index went down from 1 to 0 while it kept running")
    }

    @Test("Fields that do not match the worlds fall back to the recorded detail")
    func fallback() {
        let violation = Violation(
            invariant: .stateMachineSafety, servers: [s1, s2], index: 9, terms: [1, 2], detail: "recorded words")
        #expect(ViolationWords.sentence(violation, before: nil, after: world()) == "recorded words")
    }

    @Test("Every invariant has a rule in words")
    func rules() {
        for invariant in InvariantID.allCases { #expect(ViolationWords.rule(invariant).count > 40) }
    }
}
