import Foundation
import RaftCore
import RaftFuzzing
import RaftSimulation

/// The log-compaction row of `raftlab bench fuzzer`: the profile of specs/fuzz/snapshots.json, as
/// `raftlab fuzz specs/fuzz/snapshots.json` runs it (3 servers; about half the runs take
/// snapshots, at a swarmed rate, and bring followers up with InstallSnapshot).
extension FuzzerBenchmark {
    /// The default fuzz world with snapshots allowed, as specs/fuzz/snapshots.json gives it.
    ///
    /// Built here so that the benchmark runs from any directory; `BenchmarkSpecTests` keeps it
    /// equal to the file.
    static var snapshotsSpec: WorldSpec {
        var spec = WorldSpec.fuzzDefault
        spec.name = "fuzz-snapshots"
        spec.maxSnapshots = 1_000_000
        return spec
    }
}
