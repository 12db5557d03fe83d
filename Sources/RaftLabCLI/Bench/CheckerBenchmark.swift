import Foundation
import ModelChecking
import RaftModel
import RaftSimulation

/// `raftlab bench checker`: the model checker's speed and memory on the built-in default spec.
///
/// Runs the same exhaustive check with one worker and with every core, and prints distinct
/// states per second and bytes per visited state. Wall-clock figures: run on a quiet machine,
/// and compare release builds only.
enum CheckerBenchmark {
    /// TLC on Ongaro's raft.tla (3 servers, terms up to 2, one-entry logs, symmetry, 2 workers) on
    /// a 2-core machine of the kind raftlab's CI uses: the scale the issue quotes.
    static let tlcDistinctStatesPerSecond = 7_000

    struct Row {
        var workers: Int
        var report: CheckReport<RaftModel>
        var distinctPerSecond: Int {
            report.elapsedSeconds > 0 ? Int(Double(report.distinctStates) / report.elapsedSeconds) : 0
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
            rows.append(Row(workers: workers, report: Checker(model, options: options).run()))
        }
        if json {
            let items = rows.map { row -> JSONValue in
                .object([
                    ("workers", .integer(row.workers)), ("distinctStates", .integer(row.report.distinctStates)),
                    ("totalStates", .integer(row.report.totalStates)),
                    ("milliseconds", .integer(Int(row.report.elapsedSeconds * 1000))),
                    ("distinctStatesPerSecond", .integer(row.distinctPerSecond)),
                    ("bytesPerState", .integer(Int(row.report.bytesPerState.rounded()))),
                ])
            }
            console.print(
                JSONValue.object([
                    ("benchmark", .string("checker")), ("spec", .string(checkSpec.world.name)), ("runs", .array(items)),
                ])
                .encoded(pretty: false))
            return .ok
        }
        console.print("bench checker: spec \(checkSpec.world.name): \(checkSpec.world.summary)")
        console.print("workers  distinct states  total states  time      distinct/s  bytes/state")
        for row in rows {
            console.print(
                pad(String(row.workers), 7) + "  " + pad(String(row.report.distinctStates), 15) + "  "
                    + pad(String(row.report.totalStates), 12) + "  "
                    + pad(String(format: "%.2f s", row.report.elapsedSeconds), 8) + "  "
                    + pad(String(row.distinctPerSecond), 10) + "  " + String(format: "%.1f", row.report.bytesPerState))
        }
        if let first = rows.first, let last = rows.last, rows.count > 1 {
            console.print(
                String(
                    format: "speed-up with %d workers: %.2fx; ", last.workers,
                    Double(last.distinctPerSecond) / Double(max(first.distinctPerSecond, 1)))
                    + "same distinct states: \(first.report.distinctStates == last.report.distinctStates ? "yes" : "NO")"
            )
        }
        console.print(
            "for scale: TLC on raft.tla, 2 workers on a 2-core machine: about \(tlcDistinctStatesPerSecond) distinct/s")
        return .ok
    }

    private static func pad(_ text: String, _ width: Int) -> String {
        text.count >= width ? text : String(repeating: " ", count: width - text.count) + text
    }
}
