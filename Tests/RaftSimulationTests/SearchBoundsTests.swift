import Testing

@testable import RaftCore
@testable import RaftSimulation

/// The bounds that make deep specs affordable (`maxElections`, `maxHeartbeats`,
/// `discardsStaleMessages`): each cuts exactly the steps it names, in both the enabled-action list
/// and `isEnabled`, and a spec without them counts and keeps what it always did.
@Suite("Search bounds: elections, heartbeats, stale messages")
struct SearchBoundsTests {
    static func spec(servers: Int = 3, _ edit: (inout WorldSpec) -> Void = { _ in }) -> WorldSpec {
        var spec = WorldSpec(
            name: "t", servers: servers, maxTerm: 4, maxClientRequests: 2, maxCrashes: 0, maxInFlight: 10,
            maxDrops: 0, maxDuplicates: 0, maxPartitions: 0, maxDepth: 50)
        edit(&spec)
        return spec
    }

    static func timeouts(_ rules: WorldRules, _ world: World) -> [Action] {
        rules.enabledActions(in: world).filter { $0.kind == .electionTimeout }
    }

    @Test("maxElections stops every election timer once spent")
    func electionsBounded() {
        let rules = WorldRules(spec: Self.spec { $0.maxElections = 2 })
        var world = rules.initialWorld
        rules.apply(.electionTimeout(NodeID(0)), to: &world)
        #expect(world.spent.elections == 1)
        #expect(Self.timeouts(rules, world).count == 3)
        rules.apply(.electionTimeout(NodeID(1)), to: &world)
        #expect(world.spent.elections == 2)
        #expect(Self.timeouts(rules, world).isEmpty)
        #expect(!rules.isEnabled(.electionTimeout(NodeID(2)), in: world))
    }

    @Test("A CheckQuorum leader's quorum check is not an election (thesis section 6.2)")
    func quorumCheckNotCounted() {
        var options = ProtocolOptions()
        options.checkQuorum = true
        let rules = WorldRules(
            spec: Self.spec(servers: 1) {
                $0.maxElections = 1
                $0.options = options
            })
        var world = rules.initialWorld
        rules.apply(.electionTimeout(NodeID(0)), to: &world)
        #expect(world.servers[0].node?.isLeader == true)
        #expect(rules.isEnabled(.electionTimeout(NodeID(0)), in: world))
        rules.apply(.electionTimeout(NodeID(0)), to: &world)
        #expect(world.spent.elections == 1)
    }

    @Test("maxHeartbeats stops a leader's heartbeat timer once spent")
    func heartbeatsBounded() {
        let rules = WorldRules(spec: Self.spec(servers: 1) { $0.maxHeartbeats = 1 })
        var world = rules.initialWorld
        rules.apply(.electionTimeout(NodeID(0)), to: &world)
        #expect(rules.enabledActions(in: world).contains(.heartbeatTimeout(NodeID(0))))
        rules.apply(.heartbeatTimeout(NodeID(0)), to: &world)
        #expect(world.spent.heartbeats == 1)
        #expect(!rules.enabledActions(in: world).contains(.heartbeatTimeout(NodeID(0))))
        #expect(!rules.isEnabled(.heartbeatTimeout(NodeID(0)), in: world))
    }

    @Test("Without these bounds nothing is counted, so no two worlds differ by a count")
    func uncountedWithoutBounds() {
        let rules = WorldRules(spec: Self.spec(servers: 1))
        var world = rules.initialWorld
        rules.apply(.electionTimeout(NodeID(0)), to: &world)
        rules.apply(.heartbeatTimeout(NodeID(0)), to: &world)
        #expect(world.spent.elections == 0)
        #expect(world.spent.heartbeats == 0)
        #expect(!world.spent.spentOptionalBounds)
    }

    /// s1 leads term 1 with s2's vote; then s3 times out twice, into term 2.
    static func s3EntersTerm2(_ rules: WorldRules) -> World {
        var world = rules.initialWorld
        rules.apply(.electionTimeout(NodeID(0)), to: &world)
        let vote = world.network.first { $0.to == NodeID(1) }!
        rules.apply(.deliver(vote), to: &world)
        let granted = world.network.first { $0.to == NodeID(0) }!
        rules.apply(.deliver(granted), to: &world)
        #expect(world.servers[0].node?.isLeader == true)
        rules.apply(.electionTimeout(NodeID(2)), to: &world)
        rules.apply(.electionTimeout(NodeID(2)), to: &world)
        #expect(world.servers[2].node?.currentTerm == 2)
        return world
    }

    @Test("discardStaleMessages: a newer term loses every older message in flight, and those sent later")
    func staleMessagesDiscarded() {
        let rules = WorldRules(spec: Self.spec { $0.discardsStaleMessages = true })
        var world = Self.s3EntersTerm2(rules)
        #expect(!world.network.isEmpty)
        #expect(world.network.allSatisfy { $0.message.term == 2 })
        // s1 still leads term 1: the AppendEntries its client request sends are lost as sent.
        let inFlight = world.network.count
        rules.apply(.clientRequest(NodeID(0), rules.nextCommand(in: world)), to: &world)
        #expect(world.servers[0].node?.log.lastIndex == 1)
        #expect(world.network.count == inFlight)
    }

    @Test("Without discardStaleMessages the same steps keep the older messages")
    func staleMessagesKept() {
        let rules = WorldRules(spec: Self.spec())
        var world = Self.s3EntersTerm2(rules)
        #expect(world.network.contains { $0.message.term == 1 })
        let inFlight = world.network.count
        rules.apply(.clientRequest(NodeID(0), rules.nextCommand(in: world)), to: &world)
        #expect(world.network.count == inFlight + 2)
    }

    @Test("isEnabled agrees with enabledActions under the bounds, on 40 seeded runs")
    func isEnabledAgrees() throws {
        var spec = WorldSpec.simulationDefault
        spec.maxElections = 3
        spec.maxHeartbeats = 2
        spec.discardsStaleMessages = true
        let rules = WorldRules(spec: spec)
        var seen: [Action] = []
        for seed in 1...40 as ClosedRange<UInt64> {
            var driver = SeededChooser(seed: seed)
            _ = try rules.run(chooser: &driver, maxSteps: 120) { _, action, world in
                let enabled = rules.enabledActions(in: world)
                for action in enabled { #expect(rules.isEnabled(action, in: world)) }
                for other in seen.suffix(12) {
                    #expect(rules.isEnabled(other, in: world) == enabled.contains(other), "\(other)")
                }
                #expect(world.spent.elections <= 3 && world.spent.heartbeats <= 2)
                seen.append(action)
            }
        }
    }

    @Test("A trace's spec records the bounds only when set, and reads them back")
    func codecRoundTrip() throws {
        let plain = Self.spec()
        let plainKeys = SpecCodec.encode(plain).objectValue?.map(\.key) ?? []
        #expect(!plainKeys.isEmpty)
        for key in ["maxElections", "maxHeartbeats", "discardStaleMessages"] { #expect(!plainKeys.contains(key)) }
        #expect(try SpecCodec.decode(SpecCodec.encode(plain), path: "spec") == plain)
        let bounded = Self.spec {
            $0.maxElections = 4
            $0.maxHeartbeats = 0
            $0.discardsStaleMessages = true
        }
        #expect(try SpecCodec.decode(SpecCodec.encode(bounded), path: "spec") == bounded)
        #expect(bounded.hasSearchOnlyBounds && !plain.hasSearchOnlyBounds)
    }
}
