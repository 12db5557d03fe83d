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

    /// Measures `runs` runs of `snapshotsSpec` from `seed` with every core.
    static func measureWithSnapshots(runs: Int = runs, seed: UInt64 = seed) -> Row {
        let cores = ProcessInfo.processInfo.activeProcessorCount
        let campaign = Campaign(
            spec: snapshotsSpec, mutant: nil, baseSeed: seed, runs: runs, workers: cores, keepGoing: true)
        return Row(workers: cores, report: campaign.run())
    }

    /// The row as one JSON object.
    static func snapshotsJSON(_ row: Row) -> JSONValue {
        .object([
            ("spec", .string(snapshotsSpec.name)), ("workers", .integer(row.workers)),
            ("runs", .integer(row.report.runs)), ("steps", .integer(row.report.steps)),
            ("milliseconds", .integer(Int(row.seconds * 1000))), ("stepsPerSecond", .integer(row.stepsPerSecond)),
            ("failures", .integer(row.report.failures.count)), ("digest", .string(hex16(row.report.digest))),
        ])
    }

    /// The row as one line.
    static func snapshotsLine(_ row: Row) -> String {
        "snapshots on (\(snapshotsSpec.name)): \(row.workers) workers, \(row.report.runs) runs, "
            + "\(row.report.steps) steps, " + String(format: "%.2f s", row.seconds)
            + ", \(row.stepsPerSecond) steps/s, "
            + "\(row.report.failures.count) failures, digest \(hex16(row.report.digest))"
    }
}
