import ModelChecking
import RaftTestSupport
import Testing

@testable import RaftCore
@testable import RaftModel
@testable import RaftSimulation

/// RB-18's specs: `specs/snapshots-recovery.json` and `specs/mutants/recovery-resurrects-truncated.json`
/// start where a server has snapshotted past a truncation, and leave the restart and the vote to
/// the search (section 7: a restart restores the snapshot, then the log after it).
@Suite("Check specs: restart from a snapshot after a truncation (RB-18)")
struct RecoverySpecTests {
    static let correctPath = "specs/snapshots-recovery.json"
    static let mutantPath = "specs/mutants/recovery-resurrects-truncated.json"

    /// The situation the start builds, under either Raft.
    ///
    /// s1 led term 1 cut off and appended two entries of term 1; s3 overwrote them in term 3 with
    /// 3:x=4, committed on s1, s3 and s5, and s1 snapshotted it. s2 holds only 2:y=3 of term 2, and
    /// s4 nothing.
    @Test("Both specs start with s1 snapshotted past the truncation of its term-1 entries")
    func startSituation() throws {
        let correct = try CheckSpec.decode(StartSpecTests.text(Self.correctPath))
        let mutant = try CheckSpec.decode(StartSpecTests.text(Self.mutantPath))
        #expect(mutant.mutant == .recoveryResurrectsTruncated)
        var sameBounds = correct.world
        sameBounds.name = mutant.world.name
        #expect(correct.start == mutant.start && sameBounds == mutant.world)
        #expect(correct.world.servers == 5 && correct.start.count == 38)
        let world = try correct.startWorld(rules: WorldRules(spec: correct.world))
        let underMutant = try mutant.startWorld(
            rules: WorldRules(spec: mutant.world, mutant: .recoveryResurrectsTruncated))
        let removed = [
            Entry(term: 1, command: Command(key: 1, value: 1)), Entry(term: 1, command: Command(key: 0, value: 2)),
        ]
        for start in [world, underMutant] {
            let s1 = try #require(start.servers[0].node)
            #expect(s1.snapshot?.lastIncludedIndex == 1 && s1.snapshot?.lastIncludedTerm == 3)
            #expect(s1.log.lastIndex == 1 && s1.currentTerm == 3)
            #expect(start.servers[1].node?.log.lastTerm == 2 && start.servers[1].node?.log.lastIndex == 1)
            #expect(start.servers[3].node?.log.lastIndex == 0)
            #expect(start.ghost.committed.map(\.entry.term) == [3])
            #expect(start.network.isEmpty && start.partition == nil)
            #expect(start.currentLeaders.map(\.id) == [NodeID(2)])
        }
        // Only the mutant's disk remembers what the truncation removed, so only its fingerprint
        // differs.
        #expect(world.servers[0].disk.truncated.isEmpty)
        #expect(underMutant.servers[0].disk.truncated == [TruncatedEntries(firstIndex: 1, entries: removed)])
        #expect(underMutant.searchFingerprint != world.searchFingerprint)
        // The start spends every budget but one election and one crash: the search may not add
        // commands, heartbeats, partitions or snapshots.
        let spent = world.spent
        #expect(spent.clientRequests == 4 && spent.heartbeats == 1 && spent.partitions == 2 && spent.snapshots == 1)
        #expect(spent.elections == 3 && correct.world.maxElections == 4 && spent.crashes == 0)
    }

    /// A change to this count changes what the checker explores: review it, do not just update it.
    ///
    /// The first 10 levels past the start, which a debug build explores in seconds; CI checks the
    /// whole spec with the release build (208,981 distinct states, exhausted at depth 61, 23
    /// steps past the start).
    @Test("specs/snapshots-recovery.json passes its first 10 levels past the start over a pinned count")
    func pinnedCount() throws {
        let spec = try CheckSpec.decode(StartSpecTests.text(Self.correctPath))
        #expect(!spec.symmetry && !spec.depthFirst && spec.world.maxDepth == 62)
        let report = try checkFromStart(spec) {
            $0.maxDepth = 48
            $0.workers = 2
        }
        #expect(report.verdictName == "pass")
        #expect(report.distinctStates == 21_268)
        #expect(report.maxDepthReached == 48)
        #expect(report.situations.allSatisfy { $0.witness != nil })
    }

    /// RB-18 (etcd #22442): s1 restarts with its term-1 entry 2:x=2 back after its snapshot, so its
    /// last entry is of term 1 and s2 (last entry of term 2) gets its vote in term 4 (section
    /// 5.4.1), then s4's, without the committed 3:x=4.
    @Test("The mutant's spec finds s2 elected without the committed entry, 7 steps past the start")
    func mutantCaughtFromStart() throws {
        let spec = try CheckSpec.decode(StartSpecTests.text(Self.mutantPath))
        let report = try checkFromStart(spec, mutant: .recoveryResurrectsTruncated) { $0.workers = 2 }
        guard case .violated(let counterexample) = report.verdict else {
            Issue.record("recovery-resurrects-truncated not caught: \(report.verdictName)")
            return
        }
        #expect(counterexample.violation.property == "leader-completeness")
        #expect(counterexample.actions.count == 45)
        #expect(Array(counterexample.actions.prefix(38)) == spec.start)
        let found = counterexample.actions.dropFirst(38)
        #expect(found.contains(.crash(NodeID(0))) && found.contains(.restart(NodeID(0))))
        #expect(counterexample.states.last?.currentLeaders.map(\.id).contains(NodeID(1)) == true)
    }
}
