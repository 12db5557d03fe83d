import Testing

@testable import RaftCore
@testable import RaftFuzzing
@testable import RaftSimulation

@Suite("The fuzzer's virtual clock drives the world's own actions")
struct FuzzerTests {
    @Test("Every fuzz step is an action the world enables, and the clock's messages are the world's (150 runs)")
    func stepsAreWorldActions() {
        var fuzzer = Fuzzer(spec: .fuzzDefault, mutant: nil)
        fuzzer.validates = true  // preconditions inside take(_:): a failure traps the test
        for seed in 1...150 as ClosedRange<UInt64> {
            _ = fuzzer.run(seed: seed)
        }
    }

    @Test("A fuzz run's actions replay through WorldRules.run with the same verdict (issue 4, item 3)")
    func runsReplay() throws {
        let spec = WorldSpec.fuzzDefault
        var fuzzer = Fuzzer(spec: spec, mutant: nil)
        fuzzer.keepsActions = true
        for seed in 1...50 as ClosedRange<UInt64> {
            let result = fuzzer.run(seed: seed)
            let actions = try #require(result.actions)
            var replay = ReplayChooser(recorded: actions)
            // The run's own spec: the profile's protocol switches on the default world.
            let replayed = try WorldRules(spec: result.profile.spec(swarming: spec, mutant: nil)).run(
                chooser: &replay, maxSteps: actions.count)
            #expect(replayed.actions.count == actions.count)
            #expect(replayed.violation == nil)
        }
    }

    @Test(
        "The incremental check fails exactly where Invariants.check first fails, under every mutant",
        arguments: [nil] + Mutant.allCases.map(Optional.some))
    func incrementalAgreesWithFullCheck(_ mutant: Mutant?) throws {
        let spec = WorldSpec.fuzzDefault
        var fuzzer = Fuzzer.forTests(mutant: mutant)
        fuzzer.keepsActions = true
        for seed in 1...20 as ClosedRange<UInt64> {
            let result = fuzzer.run(seed: seed)
            let actions = try #require(result.actions)
            // The full check after every step, from the start: the first violation must be the
            // fuzzer's (the run stops there), and a run the fuzzer passed must have none.
            var replay = ReplayChooser(recorded: actions)
            let full = try WorldRules(spec: result.profile.spec(swarming: spec, mutant: mutant), mutant: mutant).run(
                chooser: &replay, maxSteps: actions.count)
            switch result.outcome {
            case .safety(let violation):
                #expect(full.violation == violation, "seed \(seed)")
                #expect(violation.step == actions.count)
            case .passed, .liveness:
                #expect(full.violation == nil, "seed \(seed): \(String(describing: full.violation))")
            }
        }
    }

    @Test("The same seed gives the same run; another seed another")
    func sameSeedSameRun() {
        var first = Fuzzer(spec: .fuzzDefault, mutant: nil)
        var second = Fuzzer(spec: .fuzzDefault, mutant: nil)
        _ = second.run(seed: 99)  // a used fuzzer keeps no state between runs
        let a = first.run(seed: 7)
        let b = second.run(seed: 7)
        let c = first.run(seed: 8)
        #expect(a.digest == b.digest && a.steps == b.steps && a.ticks == b.ticks)
        #expect(a.digest != c.digest)
    }

    @Test(
        "A fuzzer that ran other seeds first gives each seed the run a fresh one gives it, failing runs included",
        arguments: [nil, Mutant.allCases.first])
    func runsStartFreshFromTheirSeed(_ mutant: Mutant?) {
        var reused = Fuzzer.forTests(mutant: mutant)
        var results: [(seed: UInt64, result: FuzzRunResult)] = []
        for seed in (1...30 as ClosedRange<UInt64>).reversed() {
            results.append((seed, reused.run(seed: seed)))
        }
        // Compared only now, so that a failing run's actions must also survive the runs after it.
        for (seed, result) in results {
            var fresh = Fuzzer.forTests(mutant: mutant)
            let expected = fresh.run(seed: seed)
            #expect(result.digest == expected.digest, "seed \(seed)")
            #expect(result.outcome == expected.outcome && result.actions == expected.actions, "seed \(seed)")
        }
    }

    @Test("The liveness phase settles well within its budget on the correct Raft (500 runs)")
    func livenessSettles() {
        var fuzzer = Fuzzer(spec: .fuzzDefault, mutant: nil)
        var longest = 0
        for seed in 1...500 as ClosedRange<UInt64> {
            let result = fuzzer.run(seed: seed)
            #expect(result.outcome == .passed, "seed \(seed): \(result.outcome)")
            #expect(result.livenessUnjudged == nil)
            longest = max(longest, result.livenessTicks ?? .max)
        }
        #expect(longest * 2 < FaultProfile.livenessBudgetTicks)
    }

    @Test("Liveness that the spec's bounds prevent is not judged: maxTerm spent, no requests left")
    func livenessNotJudgedWhenBoundsStop() {
        var tight = WorldSpec.fuzzDefault
        tight.maxTerm = 2
        tight.maxClientRequests = 0
        var fuzzer = Fuzzer(spec: tight, mutant: nil)
        var unjudged = 0
        for seed in 1...100 as ClosedRange<UInt64> {
            let result = fuzzer.run(seed: seed)
            #expect(result.outcome == .passed, "seed \(seed): \(result.outcome)")
            if result.livenessUnjudged != nil { unjudged += 1 }
        }
        #expect(unjudged > 0)
    }

    @Test("A liveness failure is reported apart from safety: a cluster whose elections never fire")
    func livenessFailureIsItsOwnOutcome() {
        // One server that may not campaign (maxTerm 0) cannot be excused by client bounds... but
        // it is by maxTerm; so take a 3-server world where messages never leave: maxInFlight 0
        // blocks every timer, and nothing is blocked by maxTerm or by client requests.
        var stuck = WorldSpec.fuzzDefault
        stuck.maxInFlight = 0
        var fuzzer = Fuzzer(spec: stuck, mutant: nil)
        let result = fuzzer.run(seed: 1)
        guard case .liveness(let failure) = result.outcome else {
            Issue.record("expected a liveness failure, got \(result.outcome)")
            return
        }
        #expect(failure.detail.contains("no leader"))
        #expect(failure.ticks >= FaultProfile.livenessBudgetTicks)
    }
}

extension Fuzzer {
    /// Runs cut at 3,000 steps: some mutants start message storms that a debug build would
    /// spend minutes on; a correct run needs far fewer steps.
    static let testRunStepLimit = 3_000

    /// A fuzzer of the default fuzz world with runs cut at `testRunStepLimit` steps.
    static func forTests(mutant: Mutant?) -> Fuzzer {
        var fuzzer = Fuzzer(spec: .fuzzDefault, mutant: mutant)
        fuzzer.runStepLimit = testRunStepLimit
        return fuzzer
    }
}

@Suite("Swarm fault profiles and seeds")
struct ProfileTests {
    @Test("Each fault kind is on in some runs and off in others, with rates as integer ratios")
    func swarm() {
        let profiles = (1...200 as ClosedRange<UInt64>).map(FaultProfile.init(seed:))
        let kinds: [(String, (FaultProfile) -> Ratio?)] = [
            ("loss", \.lossPerMessage), ("duplication", \.duplicationPerMessage),
            ("reordering", \.reorderingPerMessage), ("delay", \.delayPerMessage),
            ("partitions", \.partitionsPerTick), ("one-way", \.oneWayPartitionsPerTick), ("crashes", \.crashesPerTick),
            ("client", \.clientRequestsPerTick), ("clogs", \.clogsPerTick),
        ]
        for (name, rate) in kinds {
            let on = profiles.filter { rate($0) != nil }.count
            #expect(on > 20 && on < 180, "\(name) on in \(on) of 200")
            let rates = Set(profiles.compactMap(rate))
            #expect(rates.count > 1, "\(name) has one rate")
        }
    }

    @Test("The banner names the seed and every derived setting")
    func banner() {
        let line = FaultProfile(seed: 42).description
        for word in [
            "seed=42", "loss=", "duplicate=", "reorder=", "delay=", "partition=", "one-way=", "crash=", "client=",
            "election=150-300", "heartbeat=", "latency=", "safety=", "liveness<=5000",
        ] {
            #expect(line.contains(word), "missing \(word)")
        }
        #expect(FaultProfile(seed: 42) == FaultProfile(seed: 42))
        #expect(FaultProfile(seed: 42) != FaultProfile(seed: 43))
    }

    @Test("Run 0 uses the base seed itself; later runs get distinct derived seeds")
    func runSeeds() {
        #expect(RunSeeds.seed(base: 1234, run: 0) == 1234)
        let seeds = (0..<1000).map { RunSeeds.seed(base: 1234, run: $0) }
        #expect(Set(seeds).count == 1000)
        var splitMix = SplitMix64(seed: 1234)
        #expect(RunSeeds.seed(base: 1234, run: 1) == splitMix.next())
        #expect(RunSeeds.seed(base: 1234, run: 2) == splitMix.next())
    }
}
