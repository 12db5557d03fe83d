import RaftTestSupport
import Testing

@testable import RaftCore
@testable import RaftSimulation

@Suite("Seeded random runs of the correct Raft")
struct RandomRunTests {
    @Test("2,000 runs with drops, duplicates, crashes and partitions: no violation, and most runs commit")
    func correctRaftHolds() throws {
        let rules = WorldRules(spec: .simulationDefault)
        var committed = 0
        var faults = World.Budget()
        for seed in 1...2_000 as ClosedRange<UInt64> {
            var driver = SeededChooser(seed: seed)
            let result = try rules.run(chooser: &driver, maxSteps: 150)
            if let violation = result.violation {
                Issue.record("seed \(seed): \(violation)")
                return
            }
            if !result.finalWorld.ghost.committed.isEmpty { committed += 1 }
            let spent = result.finalWorld.spent
            faults.drops += spent.drops
            faults.duplicates += spent.duplicates
            faults.crashes += spent.crashes
            faults.partitions += spent.partitions
        }
        print(
            "random runs: \(committed) of 2000 committed at least one entry (\(committed * 100 / 2000)%); "
                + "faults: \(faults.drops) drops, \(faults.duplicates) duplicates, \(faults.crashes) crashes, "
                + "\(faults.partitions) partitions")
        #expect(committed * 2 > 2_000)
        #expect(faults.drops > 0 && faults.duplicates > 0 && faults.crashes > 0 && faults.partitions > 0)
    }

    @Test("The same seed gives the same run; another seed gives another")
    func sameSeedSameDigest() throws {
        let rules = WorldRules(spec: .simulationDefault)
        var first = SeededChooser(seed: 42)
        var second = SeededChooser(seed: 42)
        var other = SeededChooser(seed: 43)
        let a = try rules.run(chooser: &first, maxSteps: 200)
        let b = try rules.run(chooser: &second, maxSteps: 200)
        let c = try rules.run(chooser: &other, maxSteps: 200)
        #expect(a.digest == b.digest)
        #expect(a.actions == b.actions)
        #expect(a.digest != c.digest)
    }

    @Test("Replaying a recorded run reproduces its digest; a changed recording diverges")
    func replayReproduces() throws {
        let rules = WorldRules(spec: .simulationDefault)
        var seeded = SeededChooser(seed: 7)
        let original = try rules.run(chooser: &seeded, maxSteps: 200)
        var replay = ReplayChooser(recorded: original.actions)
        let replayed = try rules.run(chooser: &replay, maxSteps: original.actions.count)
        #expect(replayed.digest == original.digest)

        var tampered = original.actions
        tampered.insert(.restart(s1), at: 0)
        var bad = ReplayChooser(recorded: tampered)
        #expect(throws: ReplayDivergence(step: 1, recorded: .restart(s1))) {
            try rules.run(chooser: &bad, maxSteps: tampered.count)
        }
    }

    @Test("The commit-previous-term mutant is caught by seeded runs within 3,000 seeds")
    func mutantIsCaught() throws {
        let rules = WorldRules(spec: .simulationDefault, mutant: .commitPreviousTerm)
        var found: Violation? = nil
        for seed in 1...3_000 as ClosedRange<UInt64> where found == nil {
            var driver = SeededChooser(seed: seed)
            found = try rules.run(chooser: &driver, maxSteps: 200).violation
        }
        let violation = try #require(found)
        #expect([.leaderCompleteness, .stateMachineSafety, .logMatching].contains(violation.invariant))
    }
}
