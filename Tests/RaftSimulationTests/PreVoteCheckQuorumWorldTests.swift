import RaftTestSupport
import Testing

@testable import RaftCore
@testable import RaftSimulation

/// PreVote and CheckQuorum in a world: the disruption they exist to prevent (the thesis section
/// 9.6), the leader's quorum-check timer, and their two invariants firing on hand-built steps.
@Suite("PreVote and CheckQuorum in the world")
struct PreVoteCheckQuorumWorldTests {
    static func rules(preVote: Bool, checkQuorum: Bool, mutant: Mutant? = nil) -> WorldRules {
        var spec = WorldSpec(
            name: "disruption", servers: 3, maxTerm: 20, maxClientRequests: 0, maxCrashes: 0, maxInFlight: 100,
            maxDrops: 0, maxDuplicates: 0, maxPartitions: 1, maxDepth: 1_000)
        spec.options = ProtocolOptions(preVote: preVote, checkQuorum: checkQuorum)
        return WorldRules(spec: spec, mutant: mutant)
    }

    /// Delivers every message in flight to a running server, in network order, until none is
    /// left (messages to a crashed server stay in flight).
    static func settle(_ world: inout World, _ rules: WorldRules) {
        while let envelope = world.network.first(where: { world.servers[$0.to.index].isUp }) {
            rules.apply(.deliver(envelope), to: &world)
        }
    }

    /// s1 leads, s3 is cut off and times out three times, the partition heals, s3 times out once
    /// more and the cluster settles: returns s1 after that and the term it led.
    static func returningServer(preVote: Bool, checkQuorum: Bool) -> (leader: RaftNode, termLed: Term) {
        let rules = rules(preVote: preVote, checkQuorum: checkQuorum)
        var world = rules.initialWorld
        rules.apply(.electionTimeout(s1), to: &world)
        settle(&world, rules)
        let termLed = world.servers[0].node!.currentTerm
        precondition(world.servers[0].node!.isLeader)
        rules.apply(.partition(NodeSet([s3])), to: &world)
        for _ in 0..<3 {
            rules.apply(.electionTimeout(s3), to: &world)
            // The leader keeps s2, so it passes its quorum checks while s3 is away.
            rules.apply(.heartbeatTimeout(s1), to: &world)
            settle(&world, rules)
            if checkQuorum { rules.apply(.electionTimeout(s1), to: &world) }
        }
        rules.apply(.heal, to: &world)
        rules.apply(.electionTimeout(s3), to: &world)
        rules.apply(.heartbeatTimeout(s1), to: &world)
        settle(&world, rules)
        return (world.servers[0].node!, termLed)
    }

    @Test("A returning partitioned server does not disrupt a stable leader with PreVote and CheckQuorum (§9.6)")
    func noDisruptionWithBoth() {
        let (leader, termLed) = Self.returningServer(preVote: true, checkQuorum: true)
        #expect(leader.isLeader)
        #expect(leader.currentTerm == termLed)
    }

    @Test("With PreVote alone the returning server cannot raise its term either (§9.6)")
    func noDisruptionWithPreVote() {
        let (leader, termLed) = Self.returningServer(preVote: true, checkQuorum: false)
        #expect(leader.isLeader && leader.currentTerm == termLed)
    }

    @Test("With both off the returning server's higher term unseats the leader (Figure 2)")
    func disruptionWithout() {
        let (leader, termLed) = Self.returningServer(preVote: false, checkQuorum: false)
        #expect(!leader.isLeader || leader.currentTerm > termLed)
        #expect(leader.currentTerm > termLed)
    }

    /// Whether etcd #8243's cluster elects a leader within `rounds` rounds.
    ///
    /// s2 led term 5 and crashed; s1 followed it (term 5, an empty log); s3 comes back from
    /// term 1 holding the only entry. Only s3 can win (s1's log is behind), and it must
    /// first learn term 5 from s1's refusal of its pre-vote. A round fires both timers and
    /// delivers every message.
    static func laggingTermElects(mutant: Mutant?, rounds: Int) -> Bool {
        let rules = rules(preVote: true, checkQuorum: false, mutant: mutant)
        let options = rules.spec.options
        let s1Node = RaftNode(
            id: s1, serverCount: 3, mutant: mutant, options: options,
            restoring: DurableState(currentTerm: 5, votedFor: s2))
        let s3Node = RaftNode(
            id: s3, serverCount: 3, mutant: mutant, options: options,
            restoring: DurableState(currentTerm: 1, log: Log([entry(1)])))
        var world = world([s1Node, s3Node], crashed: [(s2, DurableState(currentTerm: 5, votedFor: s2))])
        for _ in 0..<rounds {
            for id in [s3, s1] where rules.isEnabled(.electionTimeout(id), in: world) {
                rules.apply(.electionTimeout(id), to: &world)
                settle(&world, rules)
            }
            if !world.currentLeaders.isEmpty { return true }
        }
        return false
    }

    @Test(
        "A pre-candidate adopts the higher term of a refusal, so a lagging server with the best log wins (etcd #8243)")
    func laggingTermCatchesUp() {
        #expect(Self.laggingTermElects(mutant: nil, rounds: 5))
    }

    @Test("RB-30 (PreVote): with the lagging term kept, no leader is ever elected while s2 is down")
    func laggingTermStalls() {
        #expect(!Self.laggingTermElects(mutant: .preVoteKeepsLaggingTerm, rounds: 50))
    }

    @Test("The leader's quorum-check timer is enabled only with CheckQuorum on")
    func checkTimerEnabled() {
        for checkQuorum in [false, true] {
            let rules = Self.rules(preVote: false, checkQuorum: checkQuorum)
            var world = rules.initialWorld
            rules.apply(.electionTimeout(s1), to: &world)
            Self.settle(&world, rules)
            #expect(rules.isEnabled(.electionTimeout(s1), in: world) == checkQuorum)
            #expect(rules.enabledActions(in: world).contains(.electionTimeout(s1)) == checkQuorum)
        }
    }

    @Test("A leader cut off from the majority steps down at its quorum check (§6.2)")
    func isolatedLeaderStepsDown() {
        let rules = Self.rules(preVote: false, checkQuorum: true)
        var world = rules.initialWorld
        rules.apply(.electionTimeout(s1), to: &world)
        Self.settle(&world, rules)
        rules.apply(.partition(NodeSet([s1])), to: &world)
        rules.apply(.electionTimeout(s1), to: &world)  // heard from s2 and s3 since becoming leader
        #expect(world.servers[0].node!.isLeader)
        rules.apply(.heartbeatTimeout(s1), to: &world)
        rules.apply(.electionTimeout(s1), to: &world)
        #expect(!world.servers[0].node!.isLeader)
    }

    @Test("PreVote Restraint fires on a pre-vote granted while following a live leader, and only then")
    func preVoteRestraintFires() throws {
        for mutant in [nil, Mutant.preVoteDespiteLeader] {
            let rules = Self.rules(preVote: true, checkQuorum: false, mutant: mutant)
            var world = rules.initialWorld
            rules.apply(.electionTimeout(s1), to: &world)
            Self.settle(&world, rules)
            rules.apply(.electionTimeout(s3), to: &world)
            let request = try #require(world.network.first { $0.to == s2 })
            let previous = world
            rules.apply(.deliver(request), to: &world)
            let violation = Invariants.preVoteRestraint(from: previous, taking: .deliver(request), to: world)
            let incremental = Invariants.stepViolates(
                after: .deliver(request), before: previous.servers[1].node,
                committedBefore: previous.ghost.committed.count,
                preVoteGrantsBefore: Invariants.preVoteGrants(before: .deliver(request), in: previous), in: world)
            if mutant == nil {
                #expect(violation == nil && !incremental)
            } else {
                #expect(violation?.invariant == .preVoteRestraint)
                #expect(violation?.detail == "s2 granted s3's pre-vote for term 2 while following leader s1 of term 1")
                #expect(incremental)
            }
        }
    }

    @Test("PreVote Restraint fires when a pre-vote changes the receiver's term")
    func preVoteRestraintTermChange() throws {
        let rules = Self.rules(preVote: true, checkQuorum: false)
        let request = Envelope(
            from: s1, to: s2, message: .preVote(RequestVote(term: 4, lastLogIndex: 0, lastLogTerm: 0)))
        let previous = rules.initialWorld
        var bad = previous
        bad.servers[1].node = RaftNode(
            id: s2, serverCount: 3, options: rules.spec.options, restoring: DurableState(currentTerm: 4))
        let violation = try #require(Invariants.preVoteRestraint(from: previous, taking: .deliver(request), to: bad))
        #expect(violation.detail == "s2 changed its term or vote (term 0 to 4) on s1's pre-vote for term 4")
    }

    @Test("CheckQuorum Step-Down fires on a leader that kept leading without a majority, and only then")
    func checkQuorumFires() {
        for mutant in [nil, Mutant.checkQuorumSelfTwice] {
            let rules = Self.rules(preVote: false, checkQuorum: true, mutant: mutant)
            var world = rules.initialWorld
            rules.apply(.electionTimeout(s1), to: &world)
            rules.apply(.deliver(world.network.first { $0.to == s2 }!), to: &world)
            rules.apply(.deliver(world.network.first { $0.to == s1 }!), to: &world)
            #expect(world.servers[0].node!.isLeader)
            let previous = world
            rules.apply(.electionTimeout(s1), to: &world)
            let violation = Invariants.checkQuorum(from: previous, taking: .electionTimeout(s1), to: world)
            let incremental = Invariants.stepViolates(
                after: .electionTimeout(s1), before: previous.servers[0].node,
                committedBefore: previous.ghost.committed.count, in: world)
            if mutant == nil {
                #expect(violation == nil && !incremental)
            } else {
                #expect(violation?.invariant == .checkQuorum)
                #expect(
                    violation?.detail
                        == "leader s1 of term 1 kept leading after a quorum check that heard from 1 of 3 servers")
                #expect(incremental)
            }
        }
    }
}
