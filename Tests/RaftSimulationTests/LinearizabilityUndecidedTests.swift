import Testing

@testable import RaftCore
@testable import RaftSimulation

/// A history the linearizability search cannot decide within its budget is neither a pass nor a
/// violation (issue 15, item 4): the judgement says so, and the property alone stays silent.
@Suite("Linearizability undecided within the search budget")
struct LinearizabilityUndecidedTests {
    /// Three clients' overlapping operations on x, linearizable (c1's put, then c3's append, then
    /// c2's read of both), with every order of the three to try.
    static func overlappingWorld() -> World {
        var spec = WorldSpec.simulationDefault
        spec.turnOnClients(3)
        var world = WorldRules(spec: spec).initialWorld
        world.clients!.history = [
            ClientHistoryRecord(
                command: SessionCommand(client: 0, sequence: 1, key: 0, kind: .put), invokedAt: 1,
                outcome: .ok(.done, at: 5)),
            ClientHistoryRecord(
                command: SessionCommand(client: 2, sequence: 1, key: 0, kind: .append), invokedAt: 2,
                outcome: .ok(.values([11, 13]), at: 6)),
            ClientHistoryRecord(
                command: SessionCommand(client: 1, sequence: 1, key: 0, kind: .get), invokedAt: 3,
                outcome: .ok(.values([11, 13]), at: 4)),
        ]
        world.clients!.clock = 6
        return world
    }

    @Test("A tiny budget leaves a linearizable history undecided: neither a violation nor a proof")
    func tinyBudgetUndecided() {
        let world = Self.overlappingWorld()
        #expect(Invariants.linearizabilityJudgement(world) == .linearizable)
        let tiny = Invariants.linearizabilityJudgement(world, checker: Invariants.linearizabilityChecker(stepBudget: 1))
        #expect(tiny.violation == nil)
        #expect(
            tiny.undecidedDetail
                == "the search budget (1 steps a key) ran out on key x of a history of 3 operations")
        // The property alone does not fire on it: the explorers must ask for the judgement.
        #expect(Invariants.linearizability(world) == nil)
    }

    @Test("After a step that completes nothing, the judgement is linearizable whatever the budget")
    func onlyCompletionsAreJudged() {
        let world = Self.overlappingWorld()
        let tiny = Invariants.linearizabilityChecker(stepBudget: 1)
        #expect(
            Invariants.linearizabilityJudgement(after: .electionTimeout(NodeID(0)), in: world, checker: tiny)
                == .linearizable)
    }
}
