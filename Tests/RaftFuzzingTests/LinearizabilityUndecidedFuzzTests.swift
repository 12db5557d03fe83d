import Testing

@testable import RaftCore
@testable import RaftFuzzing
@testable import RaftSimulation

/// A fuzz run whose client history the linearizability search cannot decide passes nothing: it
/// is reported apart from passes and failures (issue 15, item 4).
@Suite("Fuzz runs with an undecided history")
struct LinearizabilityUndecidedFuzzTests {
    static let spec: WorldSpec = {
        var spec = WorldSpec.fuzzDefault
        spec.turnOnClients(2)
        return spec
    }()

    @Test("With a budget of one step a key, a run's history goes undecided; with the default, it is decided")
    func runReportsUndecided() throws {
        var fuzzer = Fuzzer(spec: Self.spec, mutant: nil)
        fuzzer.runStepLimit = 4_000
        let decided = fuzzer.run(seed: 1)
        #expect(decided.outcome == .passed)
        #expect(decided.linearizabilityUndecided == nil)
        fuzzer.linearizabilityStepBudget = 1
        let undecided = fuzzer.run(seed: 1)
        #expect(undecided.outcome == .passed, "undecided is no failure")
        #expect(undecided.digest == decided.digest, "nor does it change the run")
        let detail = try #require(undecided.linearizabilityUndecided)
        #expect(detail.hasPrefix("the search budget (1 steps a key) ran out on key "))
    }
}

extension LinearizabilityUndecidedFuzzTests {
    @Test("A campaign counts its undecided runs apart, in run order, and still passes them")
    func campaignCountsUndecided() {
        var campaign = Campaign(spec: Self.spec, mutant: nil, baseSeed: 1, runs: 3, workers: 1)
        campaign.linearizabilityStepBudget = 1
        let report = campaign.run()
        #expect(report.failures.isEmpty)
        #expect(report.linearizabilityUndecided.map(\.run) == [0, 1, 2])
        // Run 0 only: run 1 draws clogs (`FaultProfile.clogsPerTick`), and its history of
        // 36 operations, many overlapping, outruns the default budget too.
        var decided = Campaign(spec: Self.spec, mutant: nil, baseSeed: 1, runs: 1, workers: 1)
        decided.linearizabilityStepBudget = nil
        #expect(decided.run().linearizabilityUndecided.isEmpty)
    }
}
