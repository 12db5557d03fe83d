import Testing

@testable import RaftCore
@testable import RaftSimulation

@Suite("Simulation.isEnabled agrees with enabledActions")
struct EnabledTests {
    @Test("On every world of 60 seeded runs, for every enabled action and for actions taken elsewhere")
    func agrees() throws {
        var spec = Spec.simulationDefault
        spec.maxDepth = 150
        let simulation = Simulation(spec: spec)
        var seen: [Action] = []
        for seed in 1...60 as ClosedRange<UInt64> {
            var driver = SeededChooser(seed: seed)
            _ = try simulation.run(driver: &driver, maxSteps: 150) { _, action, world in
                let enabled = simulation.enabledActions(in: world)
                for action in enabled { #expect(simulation.isEnabled(action, in: world)) }
                // Actions from other worlds: enabled here exactly when listed here.
                for other in seen.suffix(12) {
                    #expect(simulation.isEnabled(other, in: world) == enabled.contains(other), "\(other)")
                }
                seen.append(action)
            }
        }
    }
}
