import Testing

@testable import RaftCore
@testable import RaftSimulation

@Suite("Incremental invariant checks")
struct IncrementalInvariantTests {
    /// The explorers check only what a step can have changed; that must never miss what a full
    /// check of the new world would see. Mutants make violations happen, so both answers are
    /// exercised, not only "no violation".
    @Test("stepViolates agrees with the full check on every step of correct and broken runs")
    func agreesWithFullCheck() throws {
        var violationsSeen = 0
        for mutant in [nil] + Mutant.allCases.map(Optional.some) {
            let rules = WorldRules(spec: .simulationDefault, mutant: mutant)
            for seed in 1...60 as ClosedRange<UInt64> {
                var driver = SeededChooser(seed: seed)
                var world = rules.initialWorld
                for step in 1...150 {
                    let actions = rules.enabledActions(in: world)
                    guard let choice = try driver.choose(among: actions, in: world, step: step) else { break }
                    let previous = world
                    rules.apply(actions[choice], to: &world)
                    let action = actions[choice]
                    let full = Invariants.check(after: world, previous: previous, action: action, step: step)
                    let incremental = Invariants.stepViolates(
                        after: action, before: action.steppingServer.flatMap { previous.servers[$0.index].node },
                        committedBefore: previous.ghost.committed.count, in: world)
                    #expect(
                        (full != nil) == incremental,
                        "\(mutant?.name ?? "correct") seed \(seed) step \(step): \(String(describing: full))")
                    if full != nil { violationsSeen += 1 }
                    if full != nil { break }
                }
            }
        }
        #expect(violationsSeen > 10)
    }
}
