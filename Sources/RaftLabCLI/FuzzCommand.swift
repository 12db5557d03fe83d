import Foundation
import RaftCore
import RaftFuzzing
import RaftModel
import RaftSimulation
import TraceRendering

/// `raftlab fuzz`: many seeded runs with swarm fault profiles, virtual time and a liveness phase.
enum FuzzCommand {
    static let spec = CommandSpec(
        name: "fuzz",
        summary: "Run seeded random fault campaigns; shrink and save what they find to the corpus.",
        usage:
            "fuzz [SPEC.json] [--seed S] [--runs N | --time SECONDS] [--workers N] [--mutant NAME] [--corpus DIR] [--keep-going] [--json] [--junit FILE] [--quiet]",
        positionals: 0...1,
        options: [
            OptionSpec(flag: "--seed", valueName: "S", help: "Base seed (decimal or 0x hex). Default 1."),
            OptionSpec(flag: "--runs", valueName: "N", help: "Number of runs. Default 1000."),
            OptionSpec(flag: "--time", valueName: "SECONDS", help: "Run until this much wall-clock time has passed."),
            OptionSpec(flag: "--workers", valueName: "N", help: "Threads (default: all cores). Same results for any N."),
            OptionSpec(flag: "--mutant", valueName: "NAME", help: "Fuzz a documented Raft bug (see 'raftlab mutants')."),
            OptionSpec(flag: "--corpus", valueName: "DIR", help: "Where shrunk traces are saved. Default corpus/found."),
            OptionSpec(flag: "--keep-going", valueName: nil, help: "Collect every failure instead of stopping at the first."),
            OptionSpec(flag: "--json", valueName: nil, help: "Print the summary as one JSON object."),
            OptionSpec(flag: "--junit", valueName: "FILE", help: "Write a JUnit XML report: one case per failing run."),
            OptionSpec(flag: "--quiet", valueName: nil, help: "No progress lines on stderr."),
        ],
        discussion: """
            Each run is decided by one 64-bit seed: run 0 uses --seed itself, run k a seed derived from
            (seed, k). The seed switches each fault kind on or off and sets its rate (message loss,
            duplication, reordering, long delays, symmetric and one-way partitions, crashes and
            restarts, client load) and drives a virtual clock: election timeouts drawn from 150-300
            ticks, heartbeats every 30-60 ticks, message delays of 1-20 ticks. Every step is an action
            of the same world the model checker explores, and every invariant is checked after each.

            A run has a safety phase with faults (1000-4000 ticks), then a liveness phase: the network
            heals, crashed servers restart, faults stop, and within 5000 ticks one leader must be
            followed by every server, a probe command sent to it must be acknowledged, and every
            acknowledged command must be applied on every server. Runs where the spec's maxTerm or
            maxClientRequests stopped the cluster are counted as "liveness not judged".

            Without SPEC.json the built-in fuzz world is used (3 servers, generous bounds). A spec file
            (the format of specs/, see specs/README.md) sets the servers and the bounds; its maxDepth
            is raised to the fuzzer's step bound (20000) and every invariant is checked.

            A safety violation is shrunk, saved to the corpus as a new file named after the
            invariant (never overwriting one), and printed with the command that replays it. A
            liveness failure is reproduced from its run seed: raftlab fuzz --seed <run seed> --runs 1.

            Exit 0 when every run passed, 1 on a safety violation, 2 on a liveness failure (and no
            safety violation), 64 bad command line, 65 malformed spec, 73 corpus not writable.

            EXAMPLES:
              raftlab fuzz --runs 10000
              raftlab fuzz --mutant vote-without-log-check
              raftlab fuzz --seed 1 --runs 1 --mutant vote-without-log-check
            """)

    static func run(_ arguments: ParsedArguments, _ console: Console) throws -> ExitCode {
        let specFile = arguments.positionals.first
        var worldSpec = WorldSpec.fuzzDefault
        var specMutant: Mutant? = nil
        if let path = specFile {
            do {
                let checkSpec = try CheckSpec.decode(Files.read(path))
                worldSpec = checkSpec.world.forFuzzing
                specMutant = checkSpec.mutant
            } catch let error as InputError {
                throw CommandFailure(code: .badInput, message: "\(path): \(error.description)")
            }
        }
        let mutant = try RaftLab.mutant(arguments) ?? specMutant
        let seed = try arguments.seed("--seed") ?? 1
        let runs = try arguments.integer("--runs", in: 1...Int.max)
        let seconds = try arguments.integer("--time", in: 1...Int.max)
        if runs != nil && seconds != nil { throw UsageError(message: "give either --runs or --time, not both") }
        let workers = try arguments.integer("--workers", in: 1...256) ?? ProcessInfo.processInfo.activeProcessorCount
        let corpus = arguments.value("--corpus") ?? "corpus/found"
        let json = arguments.has("--json")
        let campaign = Campaign(
            spec: worldSpec, mutant: mutant, baseSeed: seed, runs: seconds == nil ? (runs ?? 1000) : nil,
            timeLimit: seconds.map { .seconds($0) }, workers: workers, keepGoing: arguments.has("--keep-going"))

        let context = FailureContext(spec: worldSpec, specFile: specFile, mutant: mutant)
        if !json {
            let budget = seconds.map { "time=\($0)s" } ?? "runs=\(campaign.runs!)"
            console.print(
                "raftlab fuzz: seed=\(seed) \(budget) workers=\(workers) mutant=\(mutant?.name ?? "none") "
                    + "spec=\(worldSpec.name)\(specFile.map { " (\($0))" } ?? "")")
            console.print("  \(worldSpec.summary)")
            if campaign.runs == 1 { console.print("  run 0: \(FaultProfile(seed: seed))") }
        }
        var progress: (@Sendable (Campaign.Progress) -> Void)? = nil
        if !arguments.has("--quiet") {
            progress = { (progress: Campaign.Progress) in
                let seconds = progress.elapsed.seconds
                let line =
                    "  runs \(progress.runsDone)  \(rate(progress.runsDone, seconds)) runs/s  "
                    + "\(rate(progress.steps, seconds)) steps/s  failures \(progress.failures)  "
                    + "elapsed \(Int(seconds)) s"
                console.printError(line)
            }
        }
        let report = campaign.run(progress: progress)

        // Shrink and save the first failure of each kind (each invariant, and liveness).
        var reported: [FailureReport] = []
        var seenKinds: [String] = []
        for (run, result) in report.failures {
            let kind = result.outcome.identifier
            let first = !seenKinds.contains(kind)
            seenKinds.append(kind)
            let failure = try FailureReport.make(run: run, result: result, context: context, shrinkInto: first ? corpus : nil)
            if !json { failure.print(to: console, full: first) }
            reported.append(failure)
        }

        let safety = report.failures.filter { if case .safety = $0.result.outcome { true } else { false } }.count
        let liveness = report.failures.count - safety
        let code: ExitCode = safety > 0 ? .safetyViolation : liveness > 0 ? .livenessViolation : .ok
        if let path = arguments.value("--junit") {
            try junit(report, reported, context).write(to: path)
        }
        if json {
            console.print(summaryJSON(report, reported, context, workers: workers).encoded(pretty: false))
        } else {
            printSummary(report, safety: safety, liveness: liveness, console)
        }
        return code
    }

    static func printSummary(_ report: CampaignReport, safety: Int, liveness: Int, _ console: Console) {
        let seconds = report.elapsed.seconds
        console.print(
            "summary: \(report.runs) runs, \(report.steps) steps, \(safety) safety violations, "
                + "\(liveness) liveness failures; \(rate(report.runs, seconds)) runs/s, "
                + "\(rate(report.steps, seconds)) steps/s, \(String(format: "%.2f", seconds)) s")
        let spent = report.spent
        console.print(
            "  faults: \(spent.drops) drops, \(spent.duplicates) duplicates, \(spent.crashes) crashes, "
                + "\(spent.partitions) partitions; \(spent.clientRequests) client requests accepted; "
                + "\(report.runsThatCommitted) runs committed entries")
        console.print(
            "  liveness: longest settling \(report.longestLivenessTicks) ticks (budget "
                + "\(FaultProfile.livenessBudgetTicks)); not judged in \(report.runsLivenessUnjudged) runs (spec bounds)")
        console.print("digest: \(hex16(report.digest))")
    }

    static func summaryJSON(
        _ report: CampaignReport, _ failures: [FailureReport], _ context: FailureContext, workers: Int
    ) -> JSONValue {
        let seconds = report.elapsed.seconds
        return .object([
            ("command", .string("fuzz")), ("seed", .string(String(report.baseSeed))),
            ("spec", SpecCodec.encode(context.spec)), ("mutant", context.mutant.map { .string($0.name) } ?? .null),
            ("workers", .integer(workers)), ("runs", .integer(report.runs)), ("steps", .integer(report.steps)),
            ("milliseconds", .integer(Int(seconds * 1000))), ("runsPerSecond", .integer(rate(report.runs, seconds))),
            ("stepsPerSecond", .integer(rate(report.steps, seconds))),
            ("longestLivenessTicks", .integer(report.longestLivenessTicks)),
            ("livenessBudgetTicks", .integer(FaultProfile.livenessBudgetTicks)),
            ("livenessNotJudged", .integer(report.runsLivenessUnjudged)),
            ("failures", .array(failures.map(\.json))), ("digest", .string(hex16(report.digest))),
        ])
    }

    static func junit(_ report: CampaignReport, _ failures: [FailureReport], _ context: FailureContext) -> JUnitReport {
        var cases = failures.map { failure in
            JUnitCase(name: "run \(failure.run) seed \(failure.runSeed)", className: "raftlab.fuzz", failure: failure.junit)
        }
        cases.append(
            JUnitCase(
                name: "\(report.runs - failures.count) runs from seed \(report.baseSeed) without failure",
                className: "raftlab.fuzz", timeSeconds: report.elapsed.seconds))
        return JUnitReport(suiteName: "raftlab fuzz", cases: cases)
    }

    static func rate(_ count: Int, _ seconds: Double) -> Int { seconds > 0 ? Int(Double(count) / seconds) : 0 }
}

/// What a failure report needs to know about the campaign it came from.
struct FailureContext {
    var spec: WorldSpec
    /// The spec file given on the command line, repeated in reproduce commands.
    var specFile: String?
    var mutant: Mutant?

    /// The one-line command that reruns the run with `runSeed`.
    func reproduceCommand(runSeed: UInt64) -> String {
        var words = ["raftlab", "fuzz"]
        if let specFile { words.append(specFile) }
        words += ["--seed", String(runSeed), "--runs", "1"]
        if let mutant { words += ["--mutant", mutant.name] }
        return words.joined(separator: " ")
    }
}

/// One failing run, shrunk and saved when it is a safety violation.
struct FailureReport {
    var run: Int
    var runSeed: UInt64
    var profile: FaultProfile
    var outcome: FuzzOutcome
    var steps: Int
    var reproduce: String
    /// The shrunk trace, for safety violations.
    var shrunk: Trace?
    var corpusFile: String?

    /// The report of a failing run; a safety violation is shrunk and saved in `corpus` when one is given.
    static func make(run: Int, result: FuzzRunResult, context: FailureContext, shrinkInto corpus: String?)
        throws(CommandFailure) -> FailureReport
    {
        var report = FailureReport(
            run: run, runSeed: result.profile.seed, profile: result.profile, outcome: result.outcome, steps: result.steps,
            reproduce: context.reproduceCommand(runSeed: result.profile.seed), shrunk: nil, corpusFile: nil)
        guard case .safety(let violation) = result.outcome, let corpus else { return report }
        var shrinker = Shrinker(mutant: context.mutant, target: violation.invariant)
        guard let small = shrinker.shrink(result.actions ?? [], in: context.spec) else { return report }
        let trace = Trace(
            producer: "raftlab fuzz (run seed \(result.profile.seed), shrunk from \(result.steps) steps)",
            spec: small.spec, mutant: context.mutant, seed: result.profile.seed, actions: small.actions,
            violation: small.violation, digest: small.digest)
        report.shrunk = trace
        report.corpusFile = try CorpusFiles.save(trace, in: corpus)
        return report
    }

    /// Prints the failure; `full` adds the shrunk trace (first failure of each kind).
    func print(to console: Console, full: Bool) {
        switch outcome {
        case .safety(let violation):
            console.print(
                "FAILURE run \(run) (run seed \(runSeed)): safety violation of \(violation.invariant.rawValue) at step "
                    + "\(violation.step): \(violation.detail)")
        case .liveness(let failure):
            console.print("FAILURE run \(run) (run seed \(runSeed)): \(failure)")
        case .passed:
            return
        }
        console.print("  profile: \(profile)")
        console.print("  reproduce the run: \(reproduce)")
        guard full, let shrunk else { return }
        console.print(
            "  shrunk from \(steps) to \(shrunk.actions.count) steps on \(shrunk.spec.servers) servers:")
        console.print(TextRendering.render(Timeline(replaying: shrunk)))
        if let corpusFile {
            console.print("  saved to \(corpusFile); replay it with: raftlab replay \(corpusFile)")
        }
    }

    var json: JSONValue {
        var members: [(key: String, value: JSONValue)] = [
            ("run", .integer(run)), ("runSeed", .string(String(runSeed))), ("kind", .string(outcome.kind)),
        ]
        switch outcome {
        case .safety(let violation):
            members += [
                ("invariant", .string(violation.invariant.rawValue)), ("step", .integer(violation.step)),
                ("detail", .string(violation.detail)),
            ]
        case .liveness(let failure):
            members += [("invariant", .null), ("step", .integer(failure.step)), ("detail", .string(failure.detail))]
        case .passed:
            break
        }
        members += [
            ("steps", .integer(steps)), ("profile", .string(profile.description)), ("reproduce", .string(reproduce)),
            ("shrunkSteps", shrunk.map { .integer($0.actions.count) } ?? .null),
            ("shrunkServers", shrunk.map { .integer($0.spec.servers) } ?? .null),
            ("corpusFile", corpusFile.map(JSONValue.string) ?? .null),
            ("replay", corpusFile.map { .string("raftlab replay \($0)") } ?? .null),
        ]
        return .object(members)
    }

    var junit: JUnitFailure {
        switch outcome {
        case .safety(let violation):
            if let shrunk {
                var command = "raftlab replay \(corpusFile ?? "<shrunk trace>")"
                command += " (the unshrunk run: \(reproduce))"
                return JUnitFailure(
                    violation: shrunk.violation ?? violation, in: Timeline(replaying: shrunk), reproduce: command)
            }
            return JUnitFailure(
                message: "\(violation.invariant.rawValue) violated at step \(violation.step): \(violation.detail)",
                details: "reproduce: \(reproduce)\n", type: violation.invariant.rawValue)
        case .liveness(let failure):
            return JUnitFailure(message: failure.description, details: "reproduce: \(reproduce)\n", type: "liveness")
        case .passed:
            return JUnitFailure(message: "passed")
        }
    }
}

/// Saving traces in a corpus folder.
enum CorpusFiles {
    /// Saves `trace` as `<invariant>-<n>.json` in `folder` with the first free n, atomically and
    /// never over an existing file (created with link(2), which fails rather than replace).
    static func save(_ trace: Trace, in folder: String) throws(CommandFailure) -> String {
        do {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        } catch {
            throw CommandFailure(code: .cannotCreate, message: "\(folder): cannot create the corpus folder")
        }
        let stem = trace.violation?.invariant.rawValue ?? "trace"
        let text = trace.encoded()
        for number in 1...100_000 {
            let path = (folder as NSString).appendingPathComponent("\(stem)-\(number).json")
            if FileManager.default.fileExists(atPath: path) { continue }
            do {
                try Files.writeAtomically(text, to: path, overwrite: false)
                return path
            } catch {
                // Another process took the name between the check and the link: try the next.
                if FileManager.default.fileExists(atPath: path) { continue }
                throw error
            }
        }
        throw CommandFailure(code: .cannotCreate, message: "\(folder): no free name for \(stem)-N.json")
    }
}

extension FuzzOutcome {
    /// The invariant's identifier for a safety violation, `liveness` for a liveness failure.
    var identifier: String {
        switch self {
        case .passed: "passed"
        case .safety(let violation): violation.invariant.rawValue
        case .liveness: "liveness"
        }
    }
}

extension Duration {
    var seconds: Double {
        let (whole, attoseconds) = components
        return Double(whole) + Double(attoseconds) / 1e18
    }
}
