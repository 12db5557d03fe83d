import RaftTestSupport
import Testing

@testable import RaftCore
@testable import RaftModel
@testable import RaftSimulation

/// The checker's fingerprint and the recorded one must tell the same worlds apart.
///
/// The model checker dedupes by `searchFingerprint`; traces and digests record `fingerprint`.
/// Both must call the same worlds the same, or the checker's pinned state counts would drift
/// from what the recorded fingerprint defines.
@Suite("The checker's fingerprint")
struct SearchFingerprintTests {
    /// Every world within `depth` steps of the initial one, reached along every path (so the
    /// same world arrives many times), plus the worlds along long seeded random runs.
    func sampleWorlds(_ rules: WorldRules, depth: Int, seeds: ClosedRange<UInt64>) -> [World] {
        var worlds = [rules.initialWorld]
        var level = worlds
        for _ in 0..<depth {
            level = level.flatMap { world in
                rules.enabledActions(in: world).map { rules.successor(of: world, taking: $0) }
            }
            worlds += level
        }
        for seed in seeds {
            var driver = SeededChooser(seed: seed)
            var world = rules.initialWorld
            for step in 1...300 {
                let actions = rules.enabledActions(in: world)
                guard let choice = driver.choose(among: actions, in: world, step: step) else { break }
                rules.apply(actions[choice], to: &world)
                worlds.append(world)
            }
        }
        return worlds
    }

    /// Fails unless the two fingerprints split `worlds` into exactly the same classes: each
    /// stable fingerprint goes with one search fingerprint, and each search fingerprint with one
    /// stable fingerprint.
    func expectSamePartition(_ worlds: [World]) {
        var searchByStable: [UInt64: UInt64] = [:]
        var stableBySearch: [UInt64: UInt64] = [:]
        var mismatches = 0
        for world in worlds {
            let stable = world.fingerprint
            let search = world.searchFingerprint
            if searchByStable[stable, default: search] != search { mismatches += 1 }
            if stableBySearch[search, default: stable] != stable { mismatches += 1 }
            searchByStable[stable] = search
            stableBySearch[search] = stable
        }
        #expect(mismatches == 0)
        // The sample must hold both repeats and many distinct worlds to show anything.
        #expect(searchByStable.count > 1_000)
        #expect(worlds.count - searchByStable.count > 1_000)
    }

    @Test("Same classes as the stable fingerprint on the correct Raft, faults and partitions on")
    func samePartitionCorrect() {
        let spec = WorldSpec(
            name: "fingerprints", servers: 3, maxTerm: 3, maxClientRequests: 2, maxCrashes: 1, maxInFlight: 3,
            maxDrops: 1, maxDuplicates: 1, maxPartitions: 1, maxDepth: 50)
        expectSamePartition(sampleWorlds(WorldRules(spec: spec), depth: 4, seeds: 1...40))
        expectSamePartition(sampleWorlds(WorldRules(spec: .simulationDefault), depth: 3, seeds: 41...80))
    }

    @Test("Same classes when a mutant lets a disk differ from its running server (RB-16)")
    func samePartitionWhenDiskDiffers() {
        let rules = WorldRules(spec: .simulationDefault, mutant: .forgetVoteOnRestart)
        let worlds = sampleWorlds(rules, depth: 3, seeds: 1...40)
        // Only a forgotten vote makes the disk differ, so some sampled world must show it.
        let diskDiffers = worlds.contains { world in
            world.servers.contains { server in
                server.node.map { $0.votedFor != server.disk.votedFor } ?? false
            }
        }
        #expect(diskDiffers)
        expectSamePartition(worlds)
    }

    @Test("Worlds holding one message each, differing in a single field or flag, all differ")
    func everyMessageFieldCounts() {
        let entry = Entry(term: 1, command: Command(key: 0, value: 1))
        let messages: [Message] = [
            .requestVote(RequestVote(term: 1, lastLogIndex: 0, lastLogTerm: 0)),
            .requestVote(RequestVote(term: 2, lastLogIndex: 0, lastLogTerm: 0)),
            .requestVote(RequestVote(term: 1, lastLogIndex: 1, lastLogTerm: 0)),
            .requestVote(RequestVote(term: 1, lastLogIndex: 0, lastLogTerm: 1)),
            .requestVoteResponse(RequestVoteResponse(term: 1, voteGranted: false)),
            .requestVoteResponse(RequestVoteResponse(term: 1, voteGranted: true)),
            .requestVoteResponse(RequestVoteResponse(term: 0, voteGranted: true)),
            .appendEntries(AppendEntries(term: 1, prevLogIndex: 0, prevLogTerm: 0, entries: [], leaderCommit: 0)),
            .appendEntries(AppendEntries(term: 1, prevLogIndex: 1, prevLogTerm: 0, entries: [], leaderCommit: 0)),
            .appendEntries(AppendEntries(term: 1, prevLogIndex: 0, prevLogTerm: 1, entries: [], leaderCommit: 0)),
            .appendEntries(AppendEntries(term: 1, prevLogIndex: 0, prevLogTerm: 0, entries: [], leaderCommit: 1)),
            .appendEntries(AppendEntries(term: 1, prevLogIndex: 0, prevLogTerm: 0, entries: [entry], leaderCommit: 0)),
            .appendEntriesResponse(AppendEntriesResponse(term: 1, success: false, matchIndex: 0)),
            .appendEntriesResponse(AppendEntriesResponse(term: 1, success: true, matchIndex: 0)),
            .appendEntriesResponse(AppendEntriesResponse(term: 1, success: true, matchIndex: 1)),
        ]
        let routes = [(NodeID(0), NodeID(1)), (NodeID(1), NodeID(0)), (NodeID(0), NodeID(2))]
        var worlds: [World] = []
        for message in messages {
            for (from, to) in routes {
                var world = WorldRules(spec: .simulationDefault).initialWorld
                world.enqueue(Envelope(from: from, to: to, message: message))
                worlds.append(world)
            }
        }
        let distinct = Set(worlds.map(\.searchFingerprint))
        #expect(distinct.count == messages.count * routes.count)
    }

    @Test("Worlds that differ only in one server's disk get different search fingerprints")
    func diskCounts() {
        var world = WorldRules(spec: .simulationDefault).initialWorld
        let before = world.searchFingerprint
        world.servers[1].disk = DurableState(currentTerm: 0, votedFor: NodeID(2), log: Log())
        #expect(world.searchFingerprint != before)
    }
}
