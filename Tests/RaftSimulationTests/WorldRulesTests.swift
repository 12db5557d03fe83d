import RaftTestSupport
import Testing

@testable import RaftCore
@testable import RaftSimulation

@Suite("The simulated world")
struct WorldRulesTests {
    let rules = WorldRules(spec: .simulationDefault)

    @Test("The initial world enables only election timeouts, client requests, crashes and partitions")
    func initialActions() {
        let actions = rules.enabledActions(in: rules.initialWorld)
        let kinds = actions.map(\.kind.rawValue)
        #expect(
            kinds == [
                "electionTimeout", "electionTimeout", "electionTimeout", "clientRequest", "clientRequest",
                "clientRequest",
                "crash", "crash", "crash", "partition", "partition", "partition",
            ])
    }

    @Test("enabledActions is deterministic and every action it lists applies")
    func enabledActionsApply() {
        var driver = SeededChooser(seed: 3)
        var world = rules.initialWorld
        for step in 1...150 {
            let actions = rules.enabledActions(in: world)
            #expect(actions == rules.enabledActions(in: world))
            guard let choice = driver.choose(among: actions, in: world, step: step) else { break }
            rules.apply(actions[choice], to: &world)
        }
    }

    @Test("Worlds holding the same messages in another order are equal and share a fingerprint")
    func networkIsAMultiset() {
        let a = Envelope(from: s1, to: s2, message: .requestVote(RequestVote(term: 1, lastLogIndex: 0, lastLogTerm: 0)))
        let b = Envelope(from: s1, to: s3, message: .requestVote(RequestVote(term: 1, lastLogIndex: 0, lastLogTerm: 0)))
        var first = rules.initialWorld
        first.enqueue(a)
        first.enqueue(b)
        var second = rules.initialWorld
        second.enqueue(b)
        second.enqueue(a)
        #expect(first == second)
        #expect(first.fingerprint == second.fingerprint)
        second.enqueue(a)
        #expect(first.fingerprint != second.fingerprint)
    }

    @Test("A crash keeps only the disk; a restart comes back from it as a follower")
    func crashAndRestart() {
        var world = rules.initialWorld
        rules.apply(.electionTimeout(s1), to: &world)
        rules.apply(.crash(s1), to: &world)
        #expect(world.servers[0].node == nil)
        #expect(world.servers[0].disk == DurableState(currentTerm: 1, votedFor: s1))
        #expect(rules.enabledActions(in: world).contains(.restart(s1)))
        rules.apply(.restart(s1), to: &world)
        #expect(world.servers[0].node?.currentTerm == 1)
        #expect(world.servers[0].node?.role == .follower(leader: nil))
    }

    @Test("A partition loses messages across it, in flight and sent later, until healed")
    func partitionCutsMessages() {
        var world = rules.initialWorld
        rules.apply(.electionTimeout(s1), to: &world)
        #expect(world.network.count == 2)
        rules.apply(.partition(NodeSet([s2])), to: &world)
        #expect(world.network.map(\.to) == [s3])
        rules.apply(.heal, to: &world)
        #expect(world.partition == nil)
    }

    @Test("Renaming servers twice by a permutation and its inverse gives the world back")
    func renamingRoundTrip() {
        var driver = SeededChooser(seed: 11)
        let result = try! rules.run(chooser: &driver, maxSteps: 60)
        let world = result.finalWorld
        let permutation = [NodeID(2), NodeID(0), NodeID(1)]
        var inverse = [NodeID](repeating: NodeID(0), count: 3)
        for (old, new) in permutation.enumerated() { inverse[new.index] = NodeID(old) }
        let renamed = world.renamed(by: ServerRenaming(permutation: permutation))
        #expect(renamed?.renamed(by: ServerRenaming(permutation: inverse)) == world)
        #expect(renamed != world || world.servers.allSatisfy { !$0.isUp })
    }

    @Test("The stable fingerprint of the initial world is pinned (a change here changes every saved digest)")
    func pinnedFingerprint() {
        #expect(hex16(World(serverCount: 3, mutant: nil).fingerprint) == "\(pinnedInitialFingerprint)")
    }
}

/// Update only on purpose: every trace digest depends on the fingerprint encoding.
let pinnedInitialFingerprint = "f481fbb1afbaf9b7"
