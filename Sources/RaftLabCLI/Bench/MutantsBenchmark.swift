import Foundation
import ModelChecking
import RaftCore
import RaftFuzzing
import RaftModel
import RaftSimulation

/// `raftlab bench mutants`: how fast each explorer catches each documented bug.
///
/// One row per mutant: the model checker on the mutant's spec in `specs/mutants/`, with the
/// spec's symmetry and partial-order reduction settings as `raftlab check` applies them (time,
/// distinct states and counterexample length to the first violation), and the fuzzer on its
/// default world, unchanged for every mutant except that a mutant's runs turn on the switch its
/// rule lives behind, and a membership mutant's runs drive membership changes
/// (`FaultProfile.spec(swarming:mutant:)`): the median over 5 base seeds of the runs and time to
/// the first failure of the expected kind, within a budget of 2,000 runs. Run from the
/// repository root.
enum MutantsBenchmark {
    static let fuzzSeeds: [UInt64] = [1, 2, 3, 4, 5]
    static let fuzzRunBudget = 2_000

    struct Row {
        var mutant: Mutant
        /// Checker: seconds, distinct states, steps; nil when the spec is missing or nothing was found.
        var checker: (seconds: Double, states: Int, steps: Int, property: String)?
        /// Fuzzer, per seed: runs and seconds to the first failure of the expected kind, or nil.
        var fuzzer: [(runs: Int, seconds: Double, kind: FuzzOutcome.Kind)?]
    }

    static func run(_ console: Console, json: Bool) -> ExitCode {
        var rows: [Row] = []
        for mutant in Mutant.allCases {
            if !json { console.printError("bench mutants: \(mutant.name)...") }
            rows.append(Row(mutant: mutant, checker: checker(mutant), fuzzer: fuzzSeeds.map { fuzz(mutant, seed: $0) }))
        }
        if json {
            console.print(
                JSONValue.object([
                    ("benchmark", .string("mutants")), ("fuzzRunBudget", .integer(fuzzRunBudget)),
                    ("rows", .array(rows.map(encode))),
                ]).encoded(pretty: false))
            return .ok
        }
        // As wide as the longest name, so that no name is cut short.
        let nameWidth = Mutant.allCases.map(\.name.count).max()! + 1
        console.print(
            "mutant".padding(toLength: nameWidth, withPad: " ", startingAt: 0)
                + "id     checker: time    states     steps  fuzzer: median runs  median time  found")
        for row in rows {
            let checker =
                row.checker.map {
                    pad(String(format: "%.2f s", $0.seconds), 8) + pad(String($0.states), 11) + pad(String($0.steps), 8)
                } ?? pad("-", 8) + pad("-", 11) + pad("-", 8)
            let found = row.fuzzer.compactMap { $0 }
            let medianRuns = median(found.map { Double($0.runs) })
            let medianTime = median(found.map(\.seconds))
            console.print(
                row.mutant.name.padding(toLength: nameWidth, withPad: " ", startingAt: 0)
                    + row.mutant.catalogueID.padding(toLength: 7, withPad: " ", startingAt: 0) + "        " + checker
                    + "  " + pad(medianRuns.map { String(Int($0)) } ?? "-", 19)
                    + pad(medianTime.map { String(format: "%.3f s", $0) } ?? "-", 13)
                    + "  \(found.count)/\(fuzzSeeds.count)")
        }
        console.print(
            "checker: specs/mutants/NAME.json with all cores; fuzzer: the default fuzz world, 1 worker, "
                + "median over seeds \(fuzzSeeds.map(String.init).joined(separator: ",")) of the runs to the first "
                + "failure of the expected kind (budget \(fuzzRunBudget) runs)")
        return .ok
    }

    /// The folder of the mutants' specs: `specs/mutants` below the working directory when there is
    /// one, otherwise the one in the source tree this binary was built from, so that the benchmark
    /// runs from any directory.
    static var mutantSpecFolder: String {
        let local = "specs/mutants"
        var isFolder: ObjCBool = false
        if FileManager.default.fileExists(atPath: local, isDirectory: &isFolder), isFolder.boolValue { return local }
        var root = URL(fileURLWithPath: #filePath)
        for _ in 0..<4 { root.deleteLastPathComponent() }
        return root.appendingPathComponent(local).path
    }

    /// Checks the mutant's own spec, if it has one.
    static func checker(_ mutant: Mutant) -> (seconds: Double, states: Int, steps: Int, property: String)? {
        guard let text = try? String(contentsOfFile: mutantSpecFolder + "/\(mutant.name).json", encoding: .utf8),
            let spec = try? CheckSpec.decode(text)
        else { return nil }
        let rules = WorldRules(spec: spec.world, mutant: mutant)
        var model = RaftModel(rules: rules, properties: spec.properties)
        // A spec with a `start` is searched from the world its steps reach, as `raftlab check` does:
        // from the initial world, its depth bound would cover the prefix's interleavings too.
        guard let startPath = try? spec.startPath(rules: rules) else { return nil }
        if let startWorld = startPath.last { model.startWorld = startWorld }
        var options = checkerOptions(spec)
        options.maxDepth -= spec.start.count
        let report = Checker(model, options: options).run().restated(
            afterStart: spec.start, path: startPath, from: rules.initialWorld)
        guard case .violated(let counterexample) = report.verdict else { return nil }
        return (
            report.elapsedSeconds, report.distinctStates, counterexample.actions.count,
            counterexample.violation.property
        )
    }

    /// The options `raftlab check SPEC` runs the spec with, less the command line's: its strategy,
    /// depth and state bounds, its symmetry and partial-order reduction settings (the membership
    /// specs rely on symmetry to stay small), and every core.
    static func checkerOptions(_ spec: CheckSpec) -> CheckerOptions {
        var options = CheckerOptions()
        options.strategy = spec.depthFirst ? .depthFirst : .breadthFirst
        options.maxDepth = spec.world.maxDepth
        options.maxStates = spec.maxStates ?? Int.max
        options.workers = ProcessInfo.processInfo.activeProcessorCount
        options.symmetry = spec.symmetry
        options.partialOrderReduction = spec.partialOrderReduction
        return options
    }

    /// Fuzzes the default world under the mutant from `seed`: the runs (and their time) up to the
    /// first failure of the kind the mutant should cause, passing over failures of the other kind.
    ///
    /// One worker, so the time is that of exactly those runs.
    static func fuzz(_ mutant: Mutant, seed: UInt64) -> (runs: Int, seconds: Double, kind: FuzzOutcome.Kind)? {
        let expected: FuzzOutcome.Kind = mutant.isLivenessOnly ? .liveness : .safety
        var campaign = Campaign(
            spec: .fuzzDefault, mutant: mutant, baseSeed: seed, runs: fuzzRunBudget, workers: 1, keepGoing: true,
            stopAtKind: expected)
        // As `raftlab fuzz` runs the built-in world: each run's seed draws its cluster size.
        campaign.drawsClusterSize = true
        let report = campaign.run()
        guard let (run, result) = report.failures.last, result.outcome.kind == expected else { return nil }
        return (run + 1, report.elapsed.seconds, result.outcome.kind)
    }

    static func median(_ values: [Double]) -> Double? {
        guard !values.isEmpty else { return nil }
        let sorted = values.sorted()
        return sorted.count % 2 == 1
            ? sorted[sorted.count / 2] : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
    }

    static func encode(_ row: Row) -> JSONValue {
        .object([
            ("mutant", .string(row.mutant.name)), ("catalogueID", .string(row.mutant.catalogueID)),
            ("checkerMilliseconds", row.checker.map { .integer(Int($0.seconds * 1000)) } ?? .null),
            ("checkerStates", row.checker.map { .integer($0.states) } ?? .null),
            ("checkerSteps", row.checker.map { .integer($0.steps) } ?? .null),
            (
                "fuzzerRunsToFind",
                .array(row.fuzzer.map { $0.map { .integer($0.runs) } ?? .null })
            ),
            (
                "fuzzerMillisecondsToFind",
                .array(row.fuzzer.map { $0.map { .integer(Int($0.seconds * 1000)) } ?? .null })
            ),
        ])
    }

    private static func pad(_ text: String, _ width: Int) -> String {
        text.count >= width ? text : String(repeating: " ", count: width - text.count) + text
    }
}
