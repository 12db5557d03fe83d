import Testing

@testable import RaftCore
@testable import RaftFuzzing
@testable import RaftSimulation

/// The default fuzz world with snapshots allowed, as `specs/fuzz/snapshots.json` has it.
private let snapshotFuzzSpec: WorldSpec = {
    var spec = WorldSpec.fuzzDefault
    spec.name = "fuzz-snapshots"
    spec.maxSnapshots = 1_000_000
    return spec
}()

@Suite("Fuzzing with log compaction (section 7)")
struct SnapshotFuzzTests {
    @Test("With maxSnapshots set, about half the runs take snapshots, and every run of the correct Raft stays safe")
    func swarmedSnapshots() {
        var fuzzer = Fuzzer(spec: snapshotFuzzSpec, mutant: nil)
        fuzzer.runStepLimit = 4_000
        var runsWithSnapshots = 0
        for seed in 1...200 as ClosedRange<UInt64> {
            let result = fuzzer.run(seed: seed)
            #expect(!result.outcome.isFailure, "seed \(seed): \(result.outcome)")
            if result.spent.snapshots > 0 { runsWithSnapshots += 1 }
        }
        #expect(runsWithSnapshots > 60 && runsWithSnapshots < 140)
        // The default world allows none: its runs are those of the seeds before compaction existed.
        var plain = Fuzzer(spec: .fuzzDefault, mutant: nil)
        plain.runStepLimit = 4_000
        #expect((1...50 as ClosedRange<UInt64>).allSatisfy { plain.run(seed: $0).spent.snapshots == 0 })
    }

    @Test("A log-compaction mutant is fuzzed with snapshots even in the default world")
    func mutantGetsSnapshots() {
        let profile = FaultProfile(seed: 3)
        #expect(profile.spec(swarming: .fuzzDefault, mutant: .snapshotBoundaryAppend).maxSnapshots > 0)
        #expect(profile.spec(swarming: .fuzzDefault, mutant: .voteTwice).maxSnapshots == 0)
    }

    @Test("The shrinker removes the snapshots a violation does not need")
    func shrinkerDropsSnapshots() throws {
        var fuzzer = Fuzzer(spec: snapshotFuzzSpec, mutant: .voteTwice)
        fuzzer.keepsActions = true
        fuzzer.runStepLimit = 4_000
        var found: FuzzRunResult? = nil
        for seed in 1...2_000 as ClosedRange<UInt64> where found == nil {
            let result = fuzzer.run(seed: seed)
            guard case .safety = result.outcome, let actions = result.actions else { continue }
            if actions.contains(where: { $0.kind == .takeSnapshot }) { found = result }
        }
        let result = try #require(found, "no election-safety failure with a snapshot in 2,000 runs")
        guard case .safety(let violation) = result.outcome else { return }
        var shrinker = Shrinker(mutant: .voteTwice, target: violation.invariant)
        let spec = result.profile.spec(swarming: snapshotFuzzSpec, mutant: .voteTwice)
        let actions = try #require(result.actions)
        let small = shrinker.shrink(actions, in: spec)
        let shrunk = try #require(small)
        #expect(shrunk.violation.invariant == violation.invariant)
        #expect(!shrunk.actions.contains { $0.kind == .takeSnapshot })
    }
}
