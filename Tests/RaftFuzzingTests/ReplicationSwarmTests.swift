import Testing

@testable import RaftCore
@testable import RaftFuzzing
@testable import RaftSimulation

@Suite("Swarming the replication switches: pipelining, batching and fast backtracking per run")
struct ReplicationSwarmTests {
    @Test("Each switch is on in some profiles and off in others, and a spec that sets one pins it")
    func switchesAreSwarmed() {
        let profiles = (1...200 as ClosedRange<UInt64>).map(FaultProfile.init(seed:))
        let specs = profiles.map { $0.spec(swarming: .fuzzDefault, mutant: nil).options }
        #expect(specs.contains { $0.pipelineWindow > 0 } && specs.contains { $0.pipelineWindow == 0 })
        #expect(specs.contains { $0.maxEntriesPerAppend != nil } && specs.contains { $0.maxEntriesPerAppend == nil })
        #expect(specs.contains { $0.fastBacktracking } && specs.contains { !$0.fastBacktracking })
        #expect(specs.contains { $0.leaderNoOp } && specs.contains { !$0.leaderNoOp })
        #expect(specs.contains { $0.isFigure2 })

        var pinned = WorldSpec.fuzzDefault
        pinned.options = ProtocolOptions(pipelineWindow: 3, maxEntriesPerAppend: 5, fastBacktracking: true)
        #expect(profiles.allSatisfy { $0.spec(swarming: pinned, mutant: nil).options == pinned.options })
    }

    @Test("A Figure 2 mutant's runs keep Figure 2, so every seed runs as it always did")
    func figure2MutantsKeepFigure2() {
        var fuzzer = Fuzzer(spec: .fuzzDefault, mutant: .voteTwice)
        for seed in 1...20 as ClosedRange<UInt64> {
            #expect(fuzzer.run(seed: seed).spec.options.isFigure2)
        }
    }

    @Test("A swarmed run records the switches it ran with, and its actions replay under them")
    func swarmedRunsReplay() throws {
        var fuzzer = Fuzzer(spec: .fuzzDefault, mutant: nil)
        fuzzer.keepsActions = true
        var switchedOn = 0
        for seed in 1...30 as ClosedRange<UInt64> {
            let result = fuzzer.run(seed: seed)
            #expect(result.spec == FaultProfile(seed: seed).spec(swarming: .fuzzDefault, mutant: nil))
            if !result.spec.options.isFigure2 { switchedOn += 1 }
            #expect(result.outcome == .passed)
            let actions = try #require(result.actions)
            var replay = ReplayChooser(recorded: actions)
            let replayed = try WorldRules(spec: result.spec).run(chooser: &replay, maxSteps: actions.count)
            #expect(replayed.actions.count == actions.count)
            #expect(replayed.violation == nil)
        }
        #expect(switchedOn > 0)
    }

    @Test(
        "Each replication mutant fails liveness, in runs with its mechanism on, within 1,000 swarmed runs",
        arguments: [Mutant.backtrackHintOffByOne, .keepNextOnReject])
    func mutantCaught(_ mutant: Mutant) {
        let report = Campaign(
            spec: .fuzzDefault, mutant: mutant, baseSeed: 1, runs: 1_000, workers: 2, keepGoing: true
        ).run()
        #expect(!report.failures.isEmpty, "\(mutant.name) not caught in 1,000 runs")
        for (_, result) in report.failures {
            #expect(result.outcome.kind == .liveness, "\(mutant.name) failed as \(result.outcome.kind)")
            let options = result.spec.options
            #expect(
                mutant == .backtrackHintOffByOne ? options.fastBacktracking : options.pipelineWindow > 0,
                "\(mutant.name) failed a run without its mechanism: \(options.summary)")
        }
    }

    @Test("The correct Raft passes 300 swarmed runs")
    func correctRaftPasses() {
        let report = Campaign(spec: .fuzzDefault, mutant: nil, baseSeed: 1, runs: 300, workers: 2, keepGoing: true)
            .run()
        #expect(report.failures.isEmpty)
    }
}
