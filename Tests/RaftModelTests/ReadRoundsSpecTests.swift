import Testing

@testable import RaftCore
@testable import RaftModel
@testable import RaftSimulation

/// RB-28's specs: `specs/clients-read-rounds.json` and `specs/mutants/read-stale-acks.json`,
/// which start where a leader's read round has an acknowledgement still in flight (the thesis,
/// section 6.4 step 2; etcd #20418).
@Suite("ReadIndex rounds from RB-28's situation")
struct ReadRoundsSpecTests {
    static func spec(_ path: String) throws -> CheckSpec {
        try CheckSpec.decode(StartSpecTests.text(path))
    }

    @Test("The twin specs share bounds and start, which leave s1's round-1 acknowledgement in flight to s2")
    func startSituation() throws {
        let correct = try Self.spec("specs/clients-read-rounds.json")
        let mutant = try Self.spec("specs/mutants/read-stale-acks.json")
        #expect(mutant.mutant == .readStaleAcks)
        var bounds = mutant.world
        bounds.name = correct.world.name
        #expect(correct.start == mutant.start && correct.world == bounds)
        #expect(correct.start.count == 15)
        let world = try correct.startWorld(rules: WorldRules(spec: correct.world))
        #expect(world.servers[1].node!.isLeader && world.servers[1].node!.currentTerm == 1)
        let acknowledgements = world.network.compactMap { envelope -> AppendEntriesResponse? in
            guard case .appendEntriesResponse(let response) = envelope.message else { return nil }
            return response
        }
        #expect(acknowledgements.map(\.readRound) == [1])
        #expect(world.clients!.history.count == 1, "c2's first get completed; its second is the search's")
    }

    /// A change to this count changes what CI explores: review it.
    @Test("The correct Raft passes specs/clients-read-rounds.json: a later read starts a new round (pinned count)")
    func correctRaftPasses() throws {
        let spec = try Self.spec("specs/clients-read-rounds.json")
        let report = try checkFromStart(spec) { $0.workers = 2 }
        #expect(report.verdictName == "pass")
        #expect(spec.judge(report, mutant: nil).outcome == .met)
        #expect(report.distinctStates == 512_486)
    }

    @Test("read-stale-acks serves c2's second get from round 1's stale acknowledgement, 12 steps past the start")
    func mutantCaught() throws {
        let spec = try Self.spec("specs/mutants/read-stale-acks.json")
        let report = try checkFromStart(spec, mutant: .readStaleAcks) { $0.workers = 2 }
        guard case .violated(let counterexample) = report.verdict else {
            Issue.record("read-stale-acks not caught: \(report.verdictName)")
            return
        }
        #expect(counterexample.violation.property == "linearizability")
        #expect(counterexample.actions.count == spec.start.count + 12)
    }
}
