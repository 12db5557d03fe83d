import Foundation
import RaftCore
import RaftFuzzing
import RaftSimulation

/// `raftlab bench fuzzer`: fuzz runs and simulated steps per second, with one worker and all.
///
/// Runs the same campaign (2,000 runs of the default fuzz world from seed 1, every invariant
/// checked after every step) with one worker and with every core, and checks that both give the
/// same digest, then once more with every mechanism beyond Figure 2 on (`everythingOn`), for
/// what the production mechanisms cost; then with session clients and with log compaction
/// (`FuzzerBenchmark+Clients.swift`, `FuzzerBenchmark+Snapshots.swift`). Wall-clock figures: run
/// on a quiet machine, and compare release builds only.
enum FuzzerBenchmark {
    static let runs = 2_000
    static let seed: UInt64 = 1

    /// Every mechanism beyond Figure 2, on in every run.
    static var everythingOn: ProtocolOptions {
        var options = ProtocolOptions()
        options.preVote = true
        options.checkQuorum = true
        options.pipelineWindow = 2
        options.maxEntriesPerAppend = 2
        options.fastBacktracking = true
        options.leaderNoOp = true
        return options
    }

    /// The default fuzz world with `everythingOn` pinned, so no run swarms a switch off.
    static var everythingOnSpec: WorldSpec {
        var spec = WorldSpec.fuzzDefault
        spec.options = everythingOn
        return spec
    }

    struct Row {
        var workers: Int
        var report: CampaignReport
        var seconds: Double { report.elapsed.seconds }
        var runsPerSecond: Int { FuzzCommand.rate(report.runs, seconds) }
        var stepsPerSecond: Int { FuzzCommand.rate(report.steps, seconds) }
    }

    /// Measures `runs` runs of `spec` from `seed` with every core: the rows after the default
    /// world's (every mechanism on, session clients, snapshots) each run one world this way.
    static func measureWithEveryCore(_ spec: WorldSpec, runs: Int = runs, seed: UInt64 = seed) -> Row {
        let cores = ProcessInfo.processInfo.activeProcessorCount
        let campaign = Campaign(spec: spec, mutant: nil, baseSeed: seed, runs: runs, workers: cores, keepGoing: true)
        return Row(workers: cores, report: campaign.run())
    }

    /// A campaign row's figures as JSON fields, after the fields that say what the row ran.
    static func campaignFields(_ row: Row) -> [(String, JSONValue)] {
        [
            ("workers", .integer(row.workers)), ("runs", .integer(row.report.runs)),
            ("steps", .integer(row.report.steps)), ("milliseconds", .integer(Int(row.seconds * 1000))),
            ("stepsPerSecond", .integer(row.stepsPerSecond)), ("failures", .integer(row.report.failures.count)),
            ("digest", .string(hex16(row.report.digest))),
        ]
    }

    /// A campaign row's figures as the end of its line, after what the row ran.
    static func campaignText(_ row: Row) -> String {
        "\(row.workers) workers, \(row.report.runs) runs, \(row.report.steps) steps, "
            + String(format: "%.2f s", row.seconds) + ", \(row.stepsPerSecond) steps/s, "
            + "\(row.report.failures.count) failures, digest \(hex16(row.report.digest))"
    }

    /// Measures `runs` runs from `seed` with 1 worker and with every core.
    static func measure(runs: Int = runs, seed: UInt64 = seed) -> [Row] {
        let cores = ProcessInfo.processInfo.activeProcessorCount
        // A short warm-up first, so that the first measurement does not pay for page faults and
        // cold caches alone.
        var warmUp = Campaign(spec: .fuzzDefault, mutant: nil, baseSeed: seed, runs: max(runs / 10, 1), workers: 1)
        warmUp.drawsClusterSize = true
        _ = warmUp.run()
        return Array(Set([1, cores])).sorted().map { workers in
            var campaign = Campaign(
                spec: .fuzzDefault, mutant: nil, baseSeed: seed, runs: runs, workers: workers, keepGoing: true)
            // As `raftlab fuzz` runs the built-in world: each run's seed draws its cluster size.
            campaign.drawsClusterSize = true
            return Row(workers: workers, report: campaign.run())
        }
    }

    static func run(_ console: Console, json: Bool) -> ExitCode {
        if !json { console.printError("bench fuzzer: \(runs) runs from seed \(seed), 1 worker and all cores...") }
        let rows = measure()
        let sameDigest = rows.allSatisfy { $0.report.digest == rows[0].report.digest }
        let everything = measureWithEveryCore(everythingOnSpec)
        let clients = measureWithEveryCore(clientsSpec)
        let snapshots = measureWithEveryCore(snapshotsSpec)
        if json {
            let items = rows.map { row -> JSONValue in
                .object([
                    ("workers", .integer(row.workers)), ("runs", .integer(row.report.runs)),
                    ("steps", .integer(row.report.steps)), ("milliseconds", .integer(Int(row.seconds * 1000))),
                    ("runsPerSecond", .integer(row.runsPerSecond)), ("stepsPerSecond", .integer(row.stepsPerSecond)),
                    ("digest", .string(hex16(row.report.digest))),
                ])
            }
            console.print(
                JSONValue.object([
                    ("benchmark", .string("fuzzer")), ("spec", .string(WorldSpec.fuzzDefault.name)),
                    ("seed", .string(String(seed))), ("runs", .array(items)), ("sameDigest", .bool(sameDigest)),
                    (
                        "everythingOn",
                        .object([("protocol", .string(everythingOn.summary))] + campaignFields(everything))
                    ),
                    (
                        "clients",
                        .object([("clients", .integer(benchmarkClients))] + campaignFields(clients))
                    ),
                    ("snapshots", .object([("spec", .string(snapshotsSpec.name))] + campaignFields(snapshots))),
                ]).encoded(pretty: false))
            return sameDigest ? .ok : .safetyViolation
        }
        console.print(
            "bench fuzzer: \(runs) runs from seed \(seed), spec \(WorldSpec.fuzzDefault.name), every invariant checked "
                + "after every step (incrementally)")
        console.print("workers   runs     steps   time      runs/s   steps/s  digest")
        for row in rows {
            console.print(
                pad(String(row.workers), 7) + pad(String(row.report.runs), 7) + pad(String(row.report.steps), 10)
                    + "  " + pad(String(format: "%.2f s", row.seconds), 8) + pad(String(row.runsPerSecond), 10)
                    + pad(String(row.stepsPerSecond), 10) + "  " + hex16(row.report.digest))
        }
        console.print(sameDigest ? "same digest with every worker count" : "DIGESTS DIFFER between worker counts")
        console.print("everything on (protocol=[\(everythingOn.summary)]): " + campaignText(everything))
        console.print("session clients (\(benchmarkClients) per run): " + campaignText(clients))
        console.print("snapshots on (\(snapshotsSpec.name)): " + campaignText(snapshots))
        return sameDigest ? .ok : .safetyViolation
    }

    private static func pad(_ text: String, _ width: Int) -> String {
        text.count >= width ? text : String(repeating: " ", count: width - text.count) + text
    }
}
