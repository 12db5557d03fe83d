import Testing

@testable import RaftCore
@testable import RaftCorpus
@testable import RaftFuzzing
@testable import RaftSimulation

/// The fuzzer swarms the cluster size: each run's seed draws how many servers it has, unless
/// something pins it (issue 14).
@Suite("The cluster size each run's seed draws")
struct ClusterSizeTests {
    @Test("The draw is the same for the same seed and covers every size from 1 to 7 over a campaign")
    func drawIsDeterministicAndCoversEverySize() {
        let seeds = (0..<2_000).map { RunSeeds.seed(base: 1, run: $0) }
        let sizes = seeds.map(ClusterSize.drawn(seed:))
        #expect(seeds.map(ClusterSize.drawn(seed:)) == sizes)
        var counts = [Int](repeating: 0, count: WorldSpec.maxServers + 1)
        for size in sizes { counts[size] += 1 }
        #expect(counts[0] == 0)
        for size in 1...WorldSpec.maxServers { #expect(counts[size] > 0, "no run of \(size) servers") }
        // 3 and 5 servers most often, as documented (5 in 16 each, the next most likely 2 in 16).
        for size in [1, 2, 4, 6, 7] {
            #expect(counts[3] > counts[size] && counts[5] > counts[size], "\(counts)")
        }
    }

    @Test("A fuzzer that draws sizes runs each seed at its drawn size; one that does not keeps the spec's")
    func runsUseTheirDrawnSize() {
        var drawing = Fuzzer(spec: .fuzzDefault, mutant: nil)
        drawing.drawsClusterSize = true
        var pinned = Fuzzer(spec: .fuzzDefault, mutant: nil)
        var sizes: Set<Int> = []
        for seed in 1...40 as ClosedRange<UInt64> {
            let drawn = drawing.run(seed: seed)
            #expect(drawn.spec.servers == ClusterSize.drawn(seed: seed))
            sizes.insert(drawn.spec.servers)
            #expect(pinned.run(seed: seed).spec.servers == WorldSpec.fuzzDefault.servers)
        }
        #expect(sizes.count >= 4)
    }

    @Test("A failing run's trace records its drawn size and replays in it")
    func traceRecordsTheDrawnSize() throws {
        var campaign = Campaign(spec: .fuzzDefault, mutant: .voteTwice, baseSeed: 3, runs: 200, workers: 1)
        campaign.drawsClusterSize = true
        let report = campaign.run()
        let (_, result) = try #require(report.failures.first)
        #expect(result.spec.servers == ClusterSize.drawn(seed: result.profile.seed))
        let pipeline = FailurePipeline(
            context: FailureContext(spec: .fuzzDefault, specFile: nil, mutant: .voteTwice), corpus: nil)
        let trace = try #require(pipeline.trace(of: result))
        #expect(trace.spec.servers == result.spec.servers)
        var replay = ReplayChooser(recorded: trace.actions)
        let replayed = try WorldRules(spec: trace.spec, mutant: .voteTwice).run(
            chooser: &replay, maxSteps: trace.actions.count)
        #expect(replayed.violation == trace.violation)
    }

    /// vote-twice needs two candidates and one voter that votes for both: 3 servers hold that.
    @Test("The shrinker takes a 7-server vote-twice failure down to a smaller cluster")
    func shrinkerReachesFewerServers() throws {
        var spec = WorldSpec.fuzzDefault
        spec.servers = 7
        let report = Campaign(spec: spec, mutant: .voteTwice, baseSeed: 1, runs: 50, workers: 1).run()
        let (_, result) = try #require(report.failures.first)
        guard case .safety(let violation) = result.outcome else {
            Issue.record("expected a safety violation, got \(result.outcome)")
            return
        }
        #expect(result.spec.servers == 7)
        var shrinker = Shrinker(mutant: .voteTwice, target: violation.invariant)
        let actions = try #require(result.actions)
        let small = shrinker.shrink(actions, in: result.spec)
        let shrunk = try #require(small)
        #expect(shrunk.spec.servers <= 3)
        #expect(shrunk.violation.invariant == violation.invariant)
    }

    @Test("Subsets of servers to drop: every one of each size, in order")
    func subsets() {
        #expect(Shrinker.subsets(of: 4, size: 2) == [[0, 1], [0, 2], [0, 3], [1, 2], [1, 3], [2, 3]])
        #expect(Shrinker.subsets(of: 3, size: 0) == [[]])
        #expect(Shrinker.subsets(of: 7, size: 4).count == 35)
    }
}
