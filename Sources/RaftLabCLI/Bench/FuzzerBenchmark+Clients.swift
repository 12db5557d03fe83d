import Foundation
import RaftCore
import RaftFuzzing
import RaftSimulation

/// The session-clients row of `raftlab bench fuzzer`: the default fuzz world with two clients in
/// every run (as `raftlab fuzz --clients 2`), exactly-once checked after every step and
/// linearizability once over each run's whole history.
extension FuzzerBenchmark {
    /// The clients of the row.
    static let benchmarkClients = 2

    /// The default fuzz world with `benchmarkClients` session clients.
    static var clientsSpec: WorldSpec {
        var spec = WorldSpec.fuzzDefault
        spec.turnOnClients(benchmarkClients)
        return spec
    }

    /// Measures `runs` runs of `clientsSpec` from `seed` with every core.
    static func measureWithClients(runs: Int = runs, seed: UInt64 = seed) -> Row {
        let cores = ProcessInfo.processInfo.activeProcessorCount
        let campaign = Campaign(
            spec: clientsSpec, mutant: nil, baseSeed: seed, runs: runs, workers: cores, keepGoing: true)
        return Row(workers: cores, report: campaign.run())
    }

    /// The row as one JSON object.
    static func clientsJSON(_ row: Row) -> JSONValue {
        .object([
            ("clients", .integer(benchmarkClients)), ("workers", .integer(row.workers)),
            ("runs", .integer(row.report.runs)), ("steps", .integer(row.report.steps)),
            ("milliseconds", .integer(Int(row.seconds * 1000))), ("stepsPerSecond", .integer(row.stepsPerSecond)),
            ("failures", .integer(row.report.failures.count)), ("digest", .string(hex16(row.report.digest))),
        ])
    }

    /// The row as one line.
    static func clientsLine(_ row: Row) -> String {
        "session clients (\(benchmarkClients) per run): \(row.workers) workers, \(row.report.runs) runs, "
            + "\(row.report.steps) steps, " + String(format: "%.2f s", row.seconds)
            + ", \(row.stepsPerSecond) steps/s, "
            + "\(row.report.failures.count) failures, digest \(hex16(row.report.digest))"
    }
}
