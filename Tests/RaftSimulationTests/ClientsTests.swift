import RaftTestSupport
import Testing

@testable import RaftCore
@testable import RaftSimulation

/// Session clients (the thesis, chapter 6): sessions, redirects, retries, the history, and the
/// exactly-once and linearizability properties over it.
@Suite("Session clients and their properties")
struct ClientsTests {
    static let spec: WorldSpec = {
        var spec = WorldSpec.simulationDefault
        spec.name = "clients"
        spec.turnOnClients(2)
        spec.maxClientOperations = 3
        spec.maxRetries = 2
        return spec
    }()

    func put(_ client: Int, _ sequence: Int) -> SessionCommand {
        SessionCommand(client: client, sequence: sequence, key: 0, kind: .put)
    }

    func get(_ client: Int, _ sequence: Int) -> SessionCommand {
        SessionCommand(client: client, sequence: sequence, key: 0, kind: .get)
    }

    /// A world with clients whose history is `records`.
    func world(history records: [ClientHistoryRecord]) -> World {
        var world = WorldRules(spec: Self.spec).initialWorld
        world.clients!.history = records
        world.clients!.clock = records.count * 2
        return world
    }

    @Test("Without the spec field a world has no clients, and its spec and trace read as before")
    func offByDefault() {
        let rules = WorldRules(spec: .simulationDefault)
        #expect(rules.initialWorld.clients == nil)
        let fields = SpecCodec.encode(.simulationDefault).objectValue!.map(\.key)
        #expect(!fields.contains("clients") && !fields.contains("maxClientOperations"))
        #expect(!rules.enabledActions(in: rules.initialWorld).contains { $0.kind == .client })
    }

    @Test("Commands spell and parse back one way only")
    func commandSpelling() {
        for kind in SessionOperationKind.allCases {
            let command = SessionCommand(client: 1, sequence: 3, key: 1, kind: kind)
            #expect(SessionCommand(canonical: command.description) == command)
        }
        #expect(SessionCommand(client: 0, sequence: 2, key: 0, kind: .compareAndSet).description == "c1#2:cas(x,11,21)")
        #expect(SessionCommand(canonical: "c1#02:put(x,21)") == nil)
        #expect(SessionCommand(canonical: "c4#1:put(x,14)") == nil)
        #expect(SessionCommand(canonical: "c1#1:put(x,99)") == nil)
        for result in [SessionResult.done, .values([]), .values([11, 21]), .swapped(true)] {
            #expect(SessionResult(canonical: result.description) == result)
        }
    }

    @Test("A retried command takes effect once: the session table answers the retry (thesis 6.3)")
    func sessionTableDeduplicates() {
        var store = SessionStore(clientCount: 2)
        let entry = Entry(term: 1, payload: .session(SessionCommand(client: 0, sequence: 1, key: 0, kind: .append)))
        store.apply(entry, consultsSessions: true)
        store.apply(entry, consultsSessions: true)
        #expect(store.values[0] == [11])
        #expect(store.executed.count == 1)
        #expect(store.result(of: SessionCommand(client: 0, sequence: 1, key: 0, kind: .append)) == .values([11]))
    }

    @Test("exactly-once fires on a state machine that applied a retried command twice")
    func exactlyOnceFiresOnDoubleApply() throws {
        var world = WorldRules(spec: Self.spec).initialWorld
        #expect(Invariants.exactlyOnce(world) == nil)
        let entry = Entry(term: 1, payload: .session(SessionCommand(client: 1, sequence: 1, key: 0, kind: .append)))
        world.clients!.machines[2].apply(entry, consultsSessions: false)
        #expect(Invariants.exactlyOnce(world) == nil)
        world.clients!.machines[2].apply(entry, consultsSessions: false)
        let violation = try #require(Invariants.exactlyOnce(world))
        #expect(violation.invariant == .exactlyOnce)
        #expect(violation.detail == "s3's state machine applied c2#1 twice")
        #expect(Invariants.check(after: world, previous: nil, action: nil, step: 0)?.invariant == .exactlyOnce)
    }

    @Test("exactly-once fires on a client that got two different results for one request")
    func exactlyOnceFiresOnTwoResults() throws {
        var record = ClientHistoryRecord(command: get(0, 1), invokedAt: 1, outcome: .ok(.values([]), at: 2))
        #expect(Invariants.exactlyOnce(world(history: [record])) == nil)
        record.contradictingResult = .values([12])
        let violation = try #require(Invariants.exactlyOnce(world(history: [record])))
        #expect(violation.detail == "c1 got [] and then [12] for c1#1:get(x)")
    }

    @Test("linearizability fires on a stale read after a completed write, and names the two operations")
    func linearizabilityFiresOnStaleRead() throws {
        let write = ClientHistoryRecord(command: put(0, 1), invokedAt: 1, outcome: .ok(.done, at: 2))
        let staleRead = ClientHistoryRecord(command: get(1, 1), invokedAt: 3, outcome: .ok(.values([]), at: 4))
        let violation = try #require(Invariants.linearizability(world(history: [write, staleRead])))
        #expect(violation.invariant == .linearizability)
        #expect(violation.detail == "no single store explains key x: c1#1:put(x,11)=ok (1-2), c2#1:get(x)=[] (3-4)")
        // Overlapping, the read may have come first.
        let concurrentRead = ClientHistoryRecord(command: get(1, 1), invokedAt: 2, outcome: .ok(.values([]), at: 4))
        let overlapping = ClientHistoryRecord(command: put(0, 1), invokedAt: 1, outcome: .ok(.done, at: 3))
        #expect(Invariants.linearizability(world(history: [overlapping, concurrentRead])) == nil)
        // A write whose client gave up may have taken effect: a read that sees it is fine.
        let gaveUp = ClientHistoryRecord(command: put(0, 1), invokedAt: 1, outcome: .gaveUp(at: 2))
        let readSeesIt = ClientHistoryRecord(command: get(1, 1), invokedAt: 3, outcome: .ok(.values([11]), at: 4))
        #expect(Invariants.linearizability(world(history: [gaveUp, readSeesIt])) == nil)
    }

    @Test("A client redirected by a follower retries at the leader it names, and completes")
    func redirectThenComplete() throws {
        let rules = WorldRules(spec: Self.spec)
        var world = rules.initialWorld
        // s1 leads term 1 (votes from s2), with the no-op committed everywhere it needs to be.
        rules.apply(.electionTimeout(NodeID(0)), to: &world)
        while let vote = world.network.first(where: { if case .requestVote = $0.message { true } else { false } }) {
            rules.apply(.deliver(vote), to: &world)
        }
        while let message = world.network.first { rules.apply(.deliver(message), to: &world) }
        #expect(world.servers[0].node!.isLeader)
        // c2 aims at s2 first: a redirect to s1.
        let command = try #require(rules.defaultSessionCommand(for: 1, in: world))
        #expect(command.kind == .get)
        rules.apply(.client(.invoke(command)), to: &world)
        let request = try #require(world.clients!.inFlight.first)
        #expect(request.server == NodeID(1))
        rules.apply(.client(.deliver(request)), to: &world)
        let redirect = try #require(world.clients!.inFlight.first)
        #expect(redirect.body == .redirect(command, leader: NodeID(0)))
        rules.apply(.client(.deliver(redirect)), to: &world)
        #expect(rules.isEnabled(.client(.timeout(client: 1)), in: world))
        rules.apply(.client(.timeout(client: 1)), to: &world)
        #expect(world.clients!.inFlight.first?.server == NodeID(0))
        while let message = world.network.first ?? nil { rules.apply(.deliver(message), to: &world) }
        while let message = world.clients!.inFlight.first {
            rules.apply(.client(.deliver(message)), to: &world)
            while let message = world.network.first { rules.apply(.deliver(message), to: &world) }
        }
        let record = try #require(world.clients!.history.first)
        #expect(record.outcome == .ok(.values([]), at: 2))
        #expect(world.clients!.sessions[1].pending == nil)
        #expect(Invariants.check(after: world, previous: nil, action: nil, step: 0) == nil)
    }

    @Test("A spec with clients turns the leader's no-op on, and refuses it explicitly off")
    func clientsNeedTheNoOp() throws {
        var spec = WorldSpec.simulationDefault
        spec.turnOnClients(1)
        let decoded = try SpecCodec.decode(SpecCodec.encode(spec), path: "bounds")
        #expect(decoded == spec)
        #expect(decoded.options.leaderNoOp)
        var fields = SpecCodec.encode(spec).objectValue!
        fields.removeAll { $0.key == "protocol" }
        fields.append(("protocol", .object([("leaderNoOp", .bool(false))])))
        #expect(throws: InputError.self) { try SpecCodec.decode(.object(fields), path: "bounds") }
        do {
            _ = try SpecCodec.decode(.object(fields), path: "bounds")
        } catch {
            #expect(
                error.description
                    == "bounds.protocol.leaderNoOp: clients need the leader's no-op: remove this or set it true")
        }
    }

    @Test("Every client action encodes and decodes to itself")
    func actionCodecRoundTrip() throws {
        let command = put(1, 2)
        let actions: [ClientAction] = [
            .invoke(command), .timeout(client: 2),
            .deliver(ClientMessage(server: NodeID(2), body: .request(command))),
            .drop(ClientMessage(server: NodeID(0), body: .reply(command, .values([12, 22])))),
            .duplicate(ClientMessage(server: NodeID(1), body: .redirect(command, leader: nil))),
            .deliver(ClientMessage(server: NodeID(1), body: .redirect(command, leader: NodeID(2)))),
        ]
        for action in actions {
            let encoded = ActionCodec.encode(.client(action))
            #expect(try ActionCodec.decode(encoded, path: "steps[0]", servers: 3) == .client(action))
        }
    }

    @Test("300 seeded random runs with two clients: no violation, and operations complete")
    func randomRunsHold() throws {
        let rules = WorldRules(spec: Self.spec)
        var completed = 0
        for seed in 1...300 as ClosedRange<UInt64> {
            var chooser = SeededChooser(seed: seed)
            let result = try rules.run(chooser: &chooser, maxSteps: 200)
            if let violation = result.violation {
                Issue.record("seed \(seed): \(violation)")
                return
            }
            completed +=
                result.finalWorld.clients!.history.filter {
                    if case .ok = $0.outcome { true } else { false }
                }.count
        }
        #expect(completed > 100)
    }
}
