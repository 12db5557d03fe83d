import Linearizability
import Testing

@testable import RaftCore
@testable import RaftSimulation

/// Linearizability as the world checks it is linearizability with session order: a write a
/// client gave up on never takes effect after its client's next write (the session table
/// discards it, the thesis, section 6.3), and that is what decides histories with many writes
/// given up on.
@Suite("Linearizability with session order")
struct SessionOrderTests {
    static let spec: WorldSpec = {
        var spec = WorldSpec.simulationDefault
        spec.name = "clients"
        spec.turnOnClients(2)
        spec.maxClientOperations = 3
        return spec
    }()

    func world(history records: [ClientHistoryRecord]) -> World {
        var world = WorldRules(spec: Self.spec).initialWorld
        world.clients!.history = records
        world.clients!.clock = records.count * 2
        return world
    }

    func append(_ client: Int, _ sequence: Int) -> SessionCommand {
        SessionCommand(client: client, sequence: sequence, key: 0, kind: .append)
    }

    @Test("A write given up on that shows up after its client's next write is a violation")
    func givenUpWriteAfterNextWrite() throws {
        // c1 gives up on appending 11, appends 21 and sees [21]; c2 then reads [21, 11]: only
        // a stale copy of c1#1 applied after c1#2 explains it, which the session table forbids.
        let gaveUp = ClientHistoryRecord(command: append(0, 1), invokedAt: 1, outcome: .gaveUp(at: 2))
        let next = ClientHistoryRecord(command: append(0, 2), invokedAt: 3, outcome: .ok(.values([21]), at: 4))
        let read = ClientHistoryRecord(
            command: SessionCommand(client: 1, sequence: 1, key: 0, kind: .get), invokedAt: 5,
            outcome: .ok(.values([21, 11]), at: 6))
        let world = world(history: [gaveUp, next, read])
        let violation = try #require(Invariants.linearizability(world))
        #expect(violation.invariant == .linearizability)
        // Plain linearizability would let c1#1 take effect last.
        let plain = LinearizabilityChecker(KeyValueSpecification())
        #expect(plain.check(world.clients!.linearizabilityHistory).isLinearizable)
        // Read before c1's next write, the same value is fine.
        let early = ClientHistoryRecord(
            command: SessionCommand(client: 1, sequence: 1, key: 0, kind: .get), invokedAt: 2,
            outcome: .ok(.values([11]), at: 3))
        let afterNext = ClientHistoryRecord(
            command: append(0, 2), invokedAt: 4, outcome: .ok(.values([11, 21]), at: 5))
        #expect(Invariants.linearizability(self.world(history: [gaveUp, early, afterNext])) == nil)
    }

    @Test("The session table discards a request older than one it applied for the client")
    func sessionTableDiscardsOlderRequest() {
        var store = SessionStore(clientCount: 1)
        store.apply(Entry(term: 1, payload: .session(append(0, 2))), consultsSessions: true)
        store.apply(Entry(term: 1, payload: .session(append(0, 1))), consultsSessions: true)
        #expect(store.values[0] == [21])
        // The mutant `session-not-consulted` applies it: then the checker's session order is
        // what a history from that store breaks.
        var mutant = SessionStore(clientCount: 1)
        mutant.apply(Entry(term: 1, payload: .session(append(0, 2))), consultsSessions: false)
        mutant.apply(Entry(term: 1, payload: .session(append(0, 1))), consultsSessions: false)
        #expect(mutant.values[0] == [21, 11])
    }
}
