import RaftTestSupport
import Testing

@testable import RaftCore
@testable import RaftSimulation

/// `simulationDefault` with snapshots allowed: every fault kind and log compaction together.
let snapshottingSpec: WorldSpec = {
    var spec = WorldSpec.simulationDefault
    spec.name = "simulate-snapshots"
    spec.maxSnapshots = 6
    return spec
}()

private func record(_ entry: Entry, committedBy server: NodeID = s1, inTerm term: Term = 1) -> World.CommittedRecord {
    World.CommittedRecord(entry: entry, commitTerm: term, server: server)
}

/// The store after the given entries, as a snapshot holds it.
private func state(after entries: [Entry]) -> SnapshotState {
    var store = KeyValueStore()
    for entry in entries { store.apply(entry) }
    return store.snapshotState
}

/// A crashed server whose disk holds a snapshot through `through` of `entries`, then the rest.
private func compactedDisk(_ entries: [Entry], through last: LogIndex, term: Term = 2) -> DurableState {
    let covered = Array(entries.prefix(last))
    return DurableState(
        currentTerm: term, log: Log(after: last, baseTerm: covered.last!.term, Array(entries.dropFirst(last))),
        snapshot: Snapshot(lastIncludedIndex: last, lastIncludedTerm: covered.last!.term, state: state(after: covered)))
}

@Suite("Log compaction in the world (section 7)")
struct SnapshotWorldTests {
    @Test("With maxSnapshots 0 no snapshot is ever enabled; with it set, a server that applied something may take one")
    func enabledOnlyWithinBudget() throws {
        var spec = WorldSpec.simulationDefault
        var world = World(serverCount: 3, mutant: nil)
        world.servers[1].node = follower(s2, term: 1, log: [entry(1, 1)], commit: 1)
        world.servers[1].stateMachine.apply(entry(1, 1))
        #expect(!WorldRules(spec: spec).enabledActions(in: world).contains { $0.kind == .takeSnapshot })
        spec.maxSnapshots = 1
        let rules = WorldRules(spec: spec)
        #expect(rules.enabledActions(in: world).filter { $0.kind == .takeSnapshot } == [.takeSnapshot(s2)])
        rules.apply(.takeSnapshot(s2), to: &world)
        #expect(world.servers[1].disk.snapshot?.lastIncludedIndex == 1)
        #expect(world.servers[1].disk.snapshot?.state == SnapshotState(words: [2, 0]))
        #expect(world.spent.snapshots == 1)
        #expect(!rules.isEnabled(.takeSnapshot(s2), in: world))
    }

    @Test("A restart loads the state machine from the disk's snapshot, then applies the log after it")
    func restartLoadsSnapshot() {
        var spec = WorldSpec.simulationDefault
        spec.maxSnapshots = 1
        let rules = WorldRules(spec: spec)
        let entries = [entry(1, 1), Entry(term: 1, command: Command(key: 1, value: 2))]
        var world = world(crashed: [(s2, compactedDisk(entries, through: 2, term: 1))])
        rules.apply(.restart(s2), to: &world)
        #expect(world.servers[1].stateMachine.description == "x=1,y=2")
        #expect(world.servers[1].node?.lastApplied == 2)
    }

    @Test("Random runs with snapshots on take snapshots, send InstallSnapshot and keep every invariant")
    func randomRunsStaySafe() throws {
        let rules = WorldRules(spec: snapshottingSpec)
        var snapshots = 0
        var installs = 0
        for seed in 1...80 as ClosedRange<UInt64> {
            var driver = SeededChooser(seed: seed)
            let result = try rules.run(chooser: &driver, maxSteps: 200)
            #expect(result.violation == nil, "seed \(seed): \(String(describing: result.violation))")
            snapshots += result.actions.count { $0.kind == .takeSnapshot }
            installs += result.actions.count {
                if case .deliver(let envelope) = $0, case .installSnapshot = envelope.message { true } else { false }
            }
        }
        #expect(snapshots > 50)
        #expect(installs > 5)
    }

    @Test("stepViolates agrees with the full check with snapshots on, for the correct Raft and every mutant")
    func incrementalAgrees() throws {
        for mutant in [nil] + Mutant.allCases.map(Optional.some) {
            let rules = WorldRules(spec: snapshottingSpec, mutant: mutant)
            for seed in 1...30 as ClosedRange<UInt64> {
                var driver = SeededChooser(seed: seed)
                var world = rules.initialWorld
                for step in 1...150 {
                    let actions = rules.enabledActions(in: world)
                    guard let choice = try driver.choose(among: actions, in: world, step: step) else { break }
                    let previous = world
                    let action = actions[choice]
                    rules.apply(action, to: &world)
                    let full = Invariants.check(after: world, previous: previous, action: action, step: step)
                    let incremental = Invariants.stepViolates(
                        after: action, before: action.steppingServer.flatMap { previous.servers[$0.index].node },
                        committedBefore: previous.ghost.committed.count, in: world)
                    #expect(
                        (full != nil) == incremental,
                        "\(mutant?.name ?? "correct") seed \(seed) step \(step): \(String(describing: full))")
                    if full != nil { break }
                }
            }
        }
    }

    @Test("The snapshot action, InstallSnapshot and maxSnapshots survive the trace round trip")
    func traceRoundTrip() throws {
        let rules = WorldRules(spec: snapshottingSpec)
        var found: Trace? = nil
        for seed in 1...40 as ClosedRange<UInt64> where found == nil {
            var driver = SeededChooser(seed: seed)
            let result = try rules.run(chooser: &driver, maxSteps: 200)
            let installs = result.actions.contains {
                if case .deliver(let envelope) = $0, case .installSnapshot = envelope.message { true } else { false }
            }
            if installs {
                found = Trace(
                    producer: "test", spec: snapshottingSpec, mutant: nil, seed: seed, actions: result.actions,
                    violation: result.violation, digest: result.digest)
            }
        }
        let trace = try #require(found)
        let decoded = try Trace.decode(trace.encoded())
        #expect(decoded.actions == trace.actions)
        #expect(decoded.spec.maxSnapshots == 6)
        #expect(decoded.encoded() == trace.encoded())
        let text = trace.encoded()
        #expect(text.contains(#""action": "takeSnapshot""#) || text.contains(#""action":"takeSnapshot""#))
        #expect(text.contains("InstallSnapshot"))
        // Without snapshots the spec is written exactly as before the field existed.
        #expect(!SpecCodec.encode(.simulationDefault).encoded(pretty: false).contains("maxSnapshots"))
    }
}

@Suite("Invariants over compacted logs fire on violating worlds (section 7)")
struct SnapshotInvariantTests {
    let entries = [entry(1, 1), entry(1, 2), entry(2, 3)]

    @Test("Snapshot Covers Committed: a snapshot past the committed prefix")
    func snapshotBeyondCommitted() throws {
        var bad = world(crashed: [(s2, compactedDisk(entries, through: 3))])
        bad.ghost.committed = entries.prefix(2).map { record($0) }
        let violation = try #require(Invariants.snapshotCommitted(bad))
        #expect(violation.invariant == .snapshotCommitted)
        #expect(violation.servers == [s2] && violation.index == 3)
        var good = bad
        good.ghost.committed = entries.map { record($0) }
        #expect(Invariants.snapshotCommitted(good) == nil)
    }

    @Test("Snapshot Covers Committed: a snapshot whose last term or state is not the committed one's")
    func snapshotOfOtherEntries() throws {
        var wrongTerm = world(crashed: [(s2, compactedDisk([entry(1, 1), entry(3, 2)], through: 2))])
        wrongTerm.ghost.committed = entries.map { record($0) }
        #expect(Invariants.snapshotCommitted(wrongTerm)?.terms == [3, 1])
        var disk = compactedDisk(entries, through: 3)
        disk.snapshot!.state = state(after: [entry(1, 9)])
        var wrongState = world(crashed: [(s2, disk)])
        wrongState.ghost.committed = entries.map { record($0) }
        let violation = try #require(Invariants.snapshotCommitted(wrongState))
        #expect(violation.detail.contains("holds state"))
    }

    @Test("Snapshot Keeps Term: installing a snapshot that lowered the receiver's term")
    func snapshotLowersTerm() throws {
        var before = world([follower(s2, term: 3, log: [], commit: 0)])
        before.ghost.committed = entries.map { record($0) }
        var after = before
        let lowered = RaftNode(id: s2, serverCount: 3, restoring: compactedDisk(entries, through: 3, term: 2))
        after.servers[1].node = lowered
        let install = Envelope(
            from: s1, to: s2,
            message: .installSnapshot(InstallSnapshot(term: 3, snapshot: lowered.snapshot!)))
        let violation = try #require(Invariants.snapshotKeepsTerm(from: before, taking: .deliver(install), to: after))
        #expect(violation.invariant == .snapshotKeepsTerm && violation.terms == [3, 2])
        // The same state reached by an ordinary step is not a snapshot load.
        #expect(Invariants.snapshotKeepsTerm(from: before, taking: .heartbeatTimeout(s1), to: after) == nil)
        var kept = after
        kept.servers[1].node = RaftNode(id: s2, serverCount: 3, restoring: compactedDisk(entries, through: 3, term: 3))
        #expect(Invariants.snapshotKeepsTerm(from: before, taking: .deliver(install), to: kept) == nil)
    }

    @Test("Log Matching counts a snapshot's entries as the committed ones: a compacted log still conflicts")
    func logMatchingAcrossSnapshot() throws {
        // s2 compacted 1...2 (committed 1:x=1 1:x=2) then holds 2:x=3; s3 agrees at index 3 yet
        // holds another entry at index 2.
        var bad = world(crashed: [
            (s2, compactedDisk(entries, through: 2)),
            (s3, DurableState(currentTerm: 2, log: Log([entry(1, 1), entry(1, 7), entry(2, 3)]))),
        ])
        bad.ghost.committed = entries.prefix(2).map { record($0) }
        let violation = try #require(Invariants.logMatching(bad))
        #expect(violation.servers == [s2, s3] && violation.index == 2)
        var good = bad
        good.servers[2].disk.log = Log(entries)
        #expect(Invariants.logMatching(good) == nil)
    }

    @Test("Leader Completeness: a compacted leader holds what its snapshot covers, and must hold its base's term")
    func leaderCompletenessAcrossSnapshot() throws {
        var node = leader(s1, term: 3, log: entries)
        node.snapshot = Snapshot(
            lastIncludedIndex: 2, lastIncludedTerm: 1, state: state(after: Array(entries.prefix(2))))
        node.log.compact(through: 2)
        var good = world([node])
        good.ghost.committed = entries.map { record($0) }
        #expect(Invariants.leaderCompleteness(good) == nil)
        var bad = good
        bad.ghost.committed[1] = record(entry(2, 2), inTerm: 2)
        let violation = try #require(Invariants.leaderCompleteness(bad))
        #expect(violation.index == 2)
        #expect(violation.detail.contains("a snapshot ending in term 1"))
    }

    @Test("State Machine Safety compares only past the snapshot, and still catches a later difference")
    func stateMachineSafetyAcrossSnapshot() throws {
        var node = follower(s2, term: 2, log: [entry(1, 1), entry(1, 2), entry(2, 8)], commit: 3)
        node.snapshot = Snapshot(
            lastIncludedIndex: 2, lastIncludedTerm: 1, state: state(after: Array(entries.prefix(2))))
        node.log.compact(through: 2)
        var bad = world([node])
        bad.ghost.committed = entries.map { record($0) }
        #expect(Invariants.stateMachineSafety(bad)?.index == 3)
        var good = bad
        good.ghost.committed[2] = record(entry(2, 8))
        #expect(Invariants.stateMachineSafety(good) == nil)
    }
}
