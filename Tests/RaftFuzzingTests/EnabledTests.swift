import Testing

@testable import RaftCore
@testable import RaftFuzzing
@testable import RaftSimulation

@Suite("WorldRules.isEnabled agrees with enabledActions")
struct EnabledTests {
    @Test("On every world of 60 seeded runs, for every enabled action and for actions taken elsewhere")
    func agrees() throws {
        var spec = WorldSpec.simulationDefault
        spec.maxDepth = 150
        let rules = WorldRules(spec: spec)
        var seen: [Action] = []
        for seed in 1...60 as ClosedRange<UInt64> {
            var driver = SeededChooser(seed: seed)
            _ = try rules.run(chooser: &driver, maxSteps: 150) { _, action, world in
                let enabled = rules.enabledActions(in: world)
                for action in enabled { #expect(rules.isEnabled(action, in: world)) }
                // Actions from other worlds: enabled here exactly when listed here.
                for other in seen.suffix(12) {
                    #expect(rules.isEnabled(other, in: world) == enabled.contains(other), "\(other)")
                }
                seen.append(action)
            }
        }
    }
}
