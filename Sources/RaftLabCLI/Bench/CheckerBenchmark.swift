import Foundation
import ModelChecking
import RaftModel
import RaftSimulation

#if canImport(Glibc)
    import Glibc
#endif

/// `raftlab bench checker`: the model checker's speed and memory on the built-in default spec,
/// and what symmetry reduction saves.
///
/// Runs the same exhaustive check with one worker and with every core, and prints distinct
/// states per second, bytes per visited state, and the peak resident memory of each run per
/// distinct state (the frontier included: what the machine must really have). Then each symmetry spec runs plain and with
/// symmetry reduction, on one worker: the reduction must keep at least half the plain speed in
/// distinct states per second, and at 5 servers store at least 20 times fewer states. Wall-clock
/// figures: run on a quiet machine, and compare release builds only. A row runs every core
/// with partial-order reduction (`--por`): the same distinct states, and the transitions it skips.
/// A last row runs every core on `snapshotsSpec`, for what log compaction costs per state.
enum CheckerBenchmark {
    /// TLC on Ongaro's raft.tla (3 servers, terms up to 2, one-entry logs, symmetry, 2 workers) on
    /// a 2-core machine of the kind raftlab's CI uses: the scale the issue quotes.
    static let tlcDistinctStatesPerSecond = 7_000

    struct Row {
        /// The name of the spec checked.
        var spec = CheckSpec.builtInDefault.world.name
        var workers: Int
        var report: CheckReport<RaftModel>
        /// Whether the run reduced interleavings by sleep sets.
        var reduces = false
        /// How many times the same check ran back to back (see `runSymmetry`); its elapsed time is
        /// the total.
        var repeats = 1
        /// The process's peak resident set during the run, when the system tells it.
        var peakResidentBytes: Int? = nil
        /// Peak resident bytes per distinct state.
        var residentBytesPerState: Double? {
            peakResidentBytes.map { Double($0) / Double(max(report.distinctStates, 1)) }
        }
        var distinctPerSecond: Int {
            report.elapsedSeconds > 0 ? Int(Double(report.distinctStates * repeats) / report.elapsedSeconds) : 0
        }
    }

    /// The specs the symmetry rows run: `specs/replication.json`'s bounds at 3 servers, and
    /// `specs/replication-5.json`'s at 5 servers cut to 9 steps, so that the plain run (about half
    /// a million states) stays affordable.
    static let symmetrySpecs: [WorldSpec] = [
        WorldSpec(
            name: "replication", servers: 3, maxTerm: 2, maxClientRequests: 2, maxCrashes: 0, maxInFlight: 3,
            maxDrops: 1, maxDuplicates: 0, maxPartitions: 0, maxDepth: 16),
        WorldSpec(
            name: "replication-5 (9 steps)", servers: 5, maxTerm: 2, maxClientRequests: 1, maxCrashes: 0,
            maxInFlight: 4, maxDrops: 1, maxDuplicates: 0, maxPartitions: 0, maxDepth: 9),
    ]

    /// The snapshots row's spec: specs/snapshots-crash.json's bounds.
    ///
    /// A crash, two snapshots, InstallSnapshot and restart from snapshot plus log: the row
    /// measures the states compaction adds (a snapshot per server, a log base, InstallSnapshot
    /// messages) on a spec CI checks anyway. `BenchmarkSpecTests` keeps it equal to the file.
    static var snapshotsSpec: WorldSpec {
        var spec = WorldSpec(
            name: "snapshots-crash", servers: 3, maxTerm: 2, maxClientRequests: 2, maxCrashes: 1, maxInFlight: 3,
            maxDrops: 0, maxDuplicates: 0, maxPartitions: 0, maxDepth: 16)
        spec.maxSnapshots = 2
        return spec
    }

    /// One symmetry spec, checked plain and with symmetry reduction.
    struct SymmetryRow {
        var spec: WorldSpec
        var plain: Row
        var symmetric: Row
        /// Symmetric distinct states per second over plain: the target is at least 0.5.
        var speedRatio: Double { Double(symmetric.distinctPerSecond) / Double(max(plain.distinctPerSecond, 1)) }
        /// Plain distinct states over symmetric: the target at 5 servers is at least 20.
        var reduction: Double {
            Double(plain.report.distinctStates) / Double(max(symmetric.report.distinctStates, 1))
        }
    }

    static func runSymmetry(_ console: Console, json: Bool) -> [SymmetryRow] {
        symmetrySpecs.map { spec in
            let model = RaftModel(rules: WorldRules(spec: spec))
            var rows: [Row] = []
            for symmetry in [false, true] {
                var options = CheckerOptions()
                options.maxDepth = spec.maxDepth
                options.symmetry = symmetry
                if !json {
                    console.printError("bench checker: \(spec.name), symmetry \(symmetry ? "on" : "off"), 1 worker...")
                }
                // A check shorter than a second is repeated until a second has passed, so that its
                // rate is not mostly the start-up of the search.
                var row = Row(workers: 1, report: Checker(model, options: options).run())
                var elapsed = row.report.elapsedSeconds
                while elapsed < 1 && row.repeats < 50 {
                    elapsed += Checker(model, options: options).run().elapsedSeconds
                    row.repeats += 1
                }
                row.report.elapsedSeconds = elapsed
                rows.append(row)
            }
            return SymmetryRow(spec: spec, plain: rows[0], symmetric: rows[1])
        }
    }

    static func run(_ console: Console, json: Bool) -> ExitCode {
        let checkSpec = CheckSpec.builtInDefault
        let cores = ProcessInfo.processInfo.activeProcessorCount
        let model = RaftModel(rules: WorldRules(spec: checkSpec.world), properties: checkSpec.properties)
        var rows: [Row] = []
        for workers in Array(Set([1, cores])).sorted() {
            var options = CheckerOptions()
            options.maxDepth = checkSpec.world.maxDepth
            options.workers = workers
            if !json { console.printError("bench checker: default spec, \(workers) worker(s)...") }
            PeakMemory.reset()
            var row = Row(workers: workers, report: Checker(model, options: options).run())
            row.peakResidentBytes = PeakMemory.bytes()
            rows.append(row)
        }
        var reducedOptions = CheckerOptions()
        reducedOptions.maxDepth = checkSpec.world.maxDepth
        reducedOptions.workers = cores
        reducedOptions.partialOrderReduction = true
        if !json { console.printError("bench checker: default spec, \(cores) worker(s), partial-order reduction...") }
        PeakMemory.reset()
        var reduced = Row(workers: cores, report: Checker(model, options: reducedOptions).run(), reduces: true)
        reduced.peakResidentBytes = PeakMemory.bytes()
        let symmetryRows = runSymmetry(console, json: json)
        let snapshots = runSnapshots(console, json: json, workers: cores)
        if json {
            let items = (rows + [reduced, snapshots]).map { row -> JSONValue in
                .object([
                    ("spec", .string(row.spec)), ("workers", .integer(row.workers)),
                    ("partialOrderReduction", .bool(row.reduces)),
                    ("sleptTransitions", .integer(row.report.sleptTransitions)),
                    ("distinctStates", .integer(row.report.distinctStates)),
                    ("totalStates", .integer(row.report.totalStates)),
                    ("milliseconds", .integer(Int(row.report.elapsedSeconds * 1000))),
                    ("distinctStatesPerSecond", .integer(row.distinctPerSecond)),
                    ("bytesPerState", .integer(Int(row.report.bytesPerState.rounded()))),
                    ("peakResidentBytes", row.peakResidentBytes.map { .integer($0) } ?? .null),
                    (
                        "peakResidentBytesPerState",
                        row.residentBytesPerState.map { .integer(Int($0.rounded())) } ?? .null
                    ),
                ])
            }
            console.print(
                JSONValue.object([
                    ("benchmark", .string("checker")), ("spec", .string(checkSpec.world.name)), ("runs", .array(items)),
                    (
                        "symmetry",
                        .array(
                            symmetryRows.map { row in
                                .object([
                                    ("spec", .string(row.spec.name)), ("servers", .integer(row.spec.servers)),
                                    ("plainDistinctStates", .integer(row.plain.report.distinctStates)),
                                    ("symmetricDistinctStates", .integer(row.symmetric.report.distinctStates)),
                                    ("plainDistinctStatesPerSecond", .integer(row.plain.distinctPerSecond)),
                                    ("symmetricDistinctStatesPerSecond", .integer(row.symmetric.distinctPerSecond)),
                                ])
                            })
                    ),
                ])
                .encoded(pretty: false))
            return .ok
        }
        console.print("bench checker: spec \(checkSpec.world.name): \(checkSpec.world.summary)")
        console.print("workers  distinct states  total states  time      distinct/s  bytes/state  peak RSS  RSS/state")
        for row in rows + [reduced] { console.print(line(row)) }
        if let first = rows.first, let last = rows.last, rows.count > 1 {
            console.print(
                String(
                    format: "speed-up with %d workers: %.2fx; ", last.workers,
                    Double(last.distinctPerSecond) / Double(max(first.distinctPerSecond, 1)))
                    + "same distinct states: \(first.report.distinctStates == last.report.distinctStates ? "yes" : "NO")"
            )
        }
        console.print(
            "partial-order reduction: \(reduced.report.sleptTransitions) transitions skipped; same distinct states: "
                + (reduced.report.distinctStates == rows[0].report.distinctStates ? "yes" : "NO"))
        console.print(
            "for scale: TLC on raft.tla, 2 workers on a 2-core machine: about \(tlcDistinctStatesPerSecond) distinct/s")
        console.print(pad("symmetry (1 worker)", -44) + "  distinct states  time      distinct/s")
        for row in symmetryRows {
            for (label, run) in [("plain", row.plain), ("symmetric", row.symmetric)] {
                console.print(
                    pad("\(row.spec.name), \(row.spec.servers) servers, \(label)", -44) + "  "
                        + pad(String(run.report.distinctStates), 15) + "  "
                        + pad(String(format: "%.2f s", run.report.elapsedSeconds / Double(run.repeats)), 8) + "  "
                        + pad(String(run.distinctPerSecond), 10)
                        + (run.repeats > 1 ? "  (mean of \(run.repeats) runs)" : ""))
            }
            console.print(
                "  \(row.spec.name): symmetric speed "
                    + String(format: "%.2f of plain (target >= 0.5); %.1fx fewer states", row.speedRatio, row.reduction)
                    + (row.spec.servers >= 5 ? " (target >= 20)" : ""))
        }
        console.print("snapshots on: spec \(snapshotsSpec.name): \(snapshotsSpec.summary)")
        console.print(line(snapshots))
        return .ok
    }

    /// Checks `snapshotsSpec` with `workers` workers.
    static func runSnapshots(_ console: Console, json: Bool, workers: Int) -> Row {
        var options = CheckerOptions()
        options.maxDepth = snapshotsSpec.maxDepth
        options.workers = workers
        if !json { console.printError("bench checker: \(snapshotsSpec.name), \(workers) worker(s)...") }
        PeakMemory.reset()
        var row = Row(
            spec: snapshotsSpec.name, workers: workers,
            report: Checker(RaftModel(rules: WorldRules(spec: snapshotsSpec)), options: options).run())
        row.peakResidentBytes = PeakMemory.bytes()
        return row
    }

    /// One row of the main table: workers, states, time, rate and memory.
    private static func line(_ row: Row) -> String {
        pad(row.reduces ? "\(row.workers) por" : String(row.workers), 7) + "  "
            + pad(String(row.report.distinctStates), 15) + "  "
            + pad(String(row.report.totalStates), 12) + "  "
            + pad(String(format: "%.2f s", row.report.elapsedSeconds), 8) + "  "
            + pad(String(row.distinctPerSecond), 10) + "  "
            + pad(String(format: "%.1f", row.report.bytesPerState), 11) + "  "
            + pad(row.peakResidentBytes.map { "\($0 >> 20) MiB" } ?? "?", 8) + "  "
            + pad(row.residentBytesPerState.map { String(format: "%.1f B", $0) } ?? "?", 9)
    }

    /// `text` padded to `width` on the left, or to `-width` on the right when `width` is negative.
    private static func pad(_ text: String, _ width: Int) -> String {
        let fill = String(repeating: " ", count: max(abs(width) - text.count, 0))
        return width < 0 ? text + fill : fill + text
    }
}

/// The process's peak resident set (`VmHWM`), reset between runs so that each run's peak is its own.
enum PeakMemory {
    /// Restarts the kernel's peak count (writing 5 to `/proc/self/clear_refs`): the next peak
    /// starts from what the process holds now.
    static func reset() {
        #if canImport(Glibc)
            let descriptor = open("/proc/self/clear_refs", O_WRONLY)
            guard descriptor >= 0 else { return }
            _ = write(descriptor, "5", 1)
            close(descriptor)
        #endif
    }

    /// The peak resident bytes since the last reset, from `/proc/self/status`; nil off Linux.
    static func bytes() -> Int? {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return nil }
        for line in status.split(separator: "\n") where line.hasPrefix("VmHWM:") {
            let kilobytes = line.split(separator: " ").dropFirst().first.flatMap { Int($0) }
            return kilobytes.map { $0 * 1024 }
        }
        return nil
    }
}
