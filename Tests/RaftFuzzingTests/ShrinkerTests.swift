import Testing

@testable import RaftCore
@testable import RaftFuzzing
@testable import RaftSimulation

@Suite("Shrinking failing traces")
struct ShrinkerTests {
    /// The model checker's shortest counterexample for `vote-without-log-check` on 3 servers:
    /// `raftlab check specs/replication.json --mutant vote-without-log-check` (breadth-first, so
    /// shortest) finds a leader-completeness violation in 12 steps.
    static let checkerShortestVoteWithoutLogCheck = 12

    @Test("vote-without-log-check: found within 20 runs, shrunk to at most twice the checker's shortest")
    func voteWithoutLogCheck() throws {
        let report = Campaign(
            spec: .fuzzDefault, mutant: .voteWithoutLogCheck, baseSeed: 1, runs: 20, workers: 1
        ).run()
        let (_, result) = try #require(report.failures.first)
        guard case .safety(let violation) = result.outcome else {
            Issue.record("expected a safety violation, got \(result.outcome)")
            return
        }
        #expect(violation.invariant == .leaderCompleteness)
        var shrinker = Shrinker(mutant: .voteWithoutLogCheck, target: violation.invariant)
        let actions = try #require(result.actions)
        let small = shrinker.shrink(actions, in: .fuzzDefault)
        let shrunk = try #require(small)
        #expect(shrunk.violation.invariant == .leaderCompleteness)
        #expect(shrunk.actions.count <= 2 * Self.checkerShortestVoteWithoutLogCheck)
        #expect(shrunk.actions.count < result.steps)

        // The shrunk trace is a valid path: it replays exactly, to the same verdict and digest.
        var replay = ReplayChooser(recorded: shrunk.actions)
        let replayed = try WorldRules(spec: shrunk.spec, mutant: .voteWithoutLogCheck).run(
            chooser: &replay, maxSteps: shrunk.actions.count)
        #expect(replayed.violation == shrunk.violation)
        #expect(replayed.digest == shrunk.digest)
    }

    /// Safety mutants the checker catches (specs/mutants/) and the fuzzer does not within 2,000
    /// runs, listed here so that a gap stays in sight.
    ///
    /// RB-23, found since by the membership campaigns, needs an even cluster, a new leader
    /// proposing a change before its no-op commits, and a split right after its election that
    /// keeps one of its voters from hearing of its term; membership mutants' runs start from an
    /// even number of voters where the drawn size allows and crowd proposals and splits around
    /// elections (`FaultProfile.startsFromEvenVoters`, `.proposesAfterElections`,
    /// `.splitsAtElections`).
    ///
    /// RB-21's keep variant needs 5 servers (with fewer, every later leader holds the suffix the
    /// follower keeps), and the runs here are of the default 3-server world; a campaign that draws
    /// each run's cluster size finds it (`keepVariantCaughtByTheFuzzer`).
    ///
    /// RB-18 (`recovery-resurrects-truncated`) needs a server whose term-1 suffix a later leader
    /// truncated to have snapshotted past where the truncation began and then restarted, and a
    /// candidate whose last entry has a term between the resurrected entry's and the committed
    /// one's, with a majority it can win without: four terms in one order. No fuzz run has found
    /// it yet, not even in 20,000 five-server runs with snapshots (`raftlab fuzz
    /// specs/fuzz/snapshots.json --servers 5 --runs 20000`); the checker finds it from its spec's
    /// start (`RecoverySpecTests`).
    static let missedByTheFuzzer: [Mutant] = [
        .installSnapshotKeepsConflict, .recoveryResurrectsTruncated,
    ]

    /// `raftlab fuzz --mutant install-snapshot-keeps-conflict --seed 1` finds it at run 838 (at
    /// run 512 before clogs, `FaultProfile.clogsPerTick`, moved the runs that draw them).
    @Test("install-snapshot-keeps-conflict: a campaign from seed 1 finds its Log Matching violation within 900 runs")
    func keepVariantCaughtByTheFuzzer() throws {
        var campaign = Campaign(
            spec: .fuzzDefault, mutant: .installSnapshotKeepsConflict, baseSeed: 1, runs: 900, workers: 1)
        // As `raftlab fuzz` without a spec file: each run's seed draws its cluster size.
        campaign.drawsClusterSize = true
        let report = campaign.run()
        let (_, result) = try #require(report.failures.first)
        guard case .safety(let violation) = result.outcome else {
            Issue.record("expected a safety violation, got \(result.outcome)")
            return
        }
        #expect(violation.invariant == .logMatching)
    }

    @Test(
        "Every safety mutant's first fuzz failure shrinks to a short trace of the same invariant",
        arguments: Mutant.allCases.filter { !$0.isLivenessOnly && !ShrinkerTests.missedByTheFuzzer.contains($0) })
    func everyMutantShrinks(_ mutant: Mutant) throws {
        var fuzzer = Fuzzer.forTests(mutant: mutant)
        // As `raftlab fuzz --mutant` runs: each seed draws its cluster size, so that membership
        // mutants meet the even clusters of 4 or more that RB-23 needs; the others keep 3 servers.
        fuzzer.drawsClusterSize = mutant.needsMembershipChanges
        var found: FuzzRunResult? = nil
        for seed in 1...2_000 as ClosedRange<UInt64> where found == nil {
            let result = fuzzer.run(seed: seed)
            if case .safety = result.outcome { found = result }
        }
        let result = try #require(found, "\(mutant.name) not found in 2,000 runs")
        guard case .safety(let violation) = result.outcome else { return }
        var shrinker = Shrinker(mutant: mutant, target: violation.invariant)
        let actions = try #require(result.actions)
        // In the spec the run explored: the default world at the run's size, with the run's
        // protocol switches.
        let small = shrinker.shrink(actions, in: result.spec)
        let shrunk = try #require(small)
        #expect(shrunk.violation.invariant == violation.invariant)
        // Figure 8 (commit-previous-term) needs four terms: 20 steps at its shortest (the
        // breadth-first corpus entry), more from the fuzzer's timer-driven runs, which the
        // shrinker cannot always bring down to that; the rest shrink far below this bound.
        #expect(
            shrunk.actions.count <= (Self.readIndexShrinkBounds[mutant] ?? 48),
            "\(mutant.name): \(shrunk.actions.count) steps")
    }

    /// The ReadIndex mutants whose fuzz failures shrink less far than the rest, with their bounds.
    ///
    /// RB-27: the checker's counterexample has 18 steps; the shrinker brings the first fuzz
    /// failure down to 93 (191 before client actions had stand-ins, `Shrinker+Clients.swift`): a
    /// stale read needs two leaders, a write committed and answered, and the get in one order,
    /// and the passes do not yet cut client steps and elections together. RB-26: which run fails
    /// first moved when unknown outcomes were pruned (a history undecided before is refuted now)
    /// and again when runs drew clogs: the first one now shrinks to 121 steps, 20 of them four
    /// operations its client gave up on before the ones the stale read needs (each given up after
    /// its retries), which stay for the reason RB-28's do (below).
    ///
    /// RB-28: the checker's counterexample has 42 steps (its spec's 15-step start and 27 more);
    /// the first fuzz failure (a run whose leader's links clog, `FaultProfile.clogsPerTick`)
    /// shrinks to about 101: the operations its clients gave up on before the ones it needs stay,
    /// since each operation's kind follows from its sequence number.
    /// Kept in sight rather than under the general bound.
    static let readIndexShrinkBounds: [Mutant: Int] = [
        .readWithoutQuorum: 125, .readBeforeTermCommit: 100, .readStaleAcks: 110,
    ]

    @Test("A trace that fails nothing does not shrink")
    func passingTraceIsNotShrunk() {
        var shrinker = Shrinker(mutant: nil, target: .electionSafety)
        let small = shrinker.shrink([.electionTimeout(NodeID(0))], in: .fuzzDefault)
        #expect(small == nil)
        #expect(Shrinker.firstViolation(of: [.electionTimeout(NodeID(0))], in: .fuzzDefault, mutant: nil) == nil)
    }

    @Test("Removing a server renumbers the rest and keeps partitions named by the side without s1")
    func removingAServer() {
        let s1 = NodeID(0)
        let s2 = NodeID(1)
        let s3 = NodeID(2)
        let withoutS1 = ServerRenaming.removing(s1, serverCount: 3)
        let withoutS2 = ServerRenaming.removing(s2, serverCount: 3)
        let withoutS3 = ServerRenaming.removing(s3, serverCount: 3)
        #expect(Action.crash(s3).renamed(by: withoutS2) == .crash(s2))
        #expect(Action.crash(s2).renamed(by: withoutS2) == nil)
        // {s2} | {s1, s3} without s2 splits nothing.
        #expect(Action.partition(NodeSet([s2])).renamed(by: withoutS2) == nil)
        // {s2, s3} | {s1} without s3 is {s2} | {s1}.
        #expect(Action.partition(NodeSet([s2, s3])).renamed(by: withoutS3) == .partition(NodeSet([s2])))
        // {s2} | {s1, s3} without s1: s3 becomes s2, s2 becomes s1, so the side without s1 is {s2}.
        #expect(Action.partition(NodeSet([s2])).renamed(by: withoutS1) == .partition(NodeSet([s2])))
    }
}
