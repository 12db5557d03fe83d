import RaftCore
import RaftSimulation
import TraceRendering

/// `raftlab simulate`: one seeded random run, printed step by step.
enum SimulateCommand {
    static let spec = CommandSpec(
        name: "simulate",
        summary: "Run the Raft world once with seeded random choices and print every step.",
        usage: "simulate [--seed S] [--steps N] [--servers N] [--mutant NAME] [--trace-out FILE] [--quiet]",
        positionals: 0...0,
        options: [
            OptionSpec(flag: "--seed", valueName: "S", help: "Seed for every choice (decimal or 0x hex). Default 1."),
            OptionSpec(flag: "--steps", valueName: "N", help: "Stop after N steps. Default 200."),
            OptionSpec(flag: "--servers", valueName: "N", help: "Cluster size, 1 to 7. Default 3."),
            OptionSpec(flag: "--mutant", valueName: "NAME", help: "Run a documented Raft bug (see 'raftlab mutants')."),
            OptionSpec(flag: "--trace-out", valueName: "FILE", help: "Write the run as a trace that 'raftlab replay' re-executes."),
            OptionSpec(flag: "--quiet", valueName: nil, help: "Print only the summary, not every step."),
        ],
        discussion: """
            The run uses the built-in bounds (3 servers, up to term 8, 4 client requests, 2 crashes,
            4 drops, 3 duplicates, 2 partitions) and checks every invariant after every step. The same
            seed gives the same run on any machine.

            EXAMPLE:
              raftlab simulate --seed 7 --trace-out run.json && raftlab replay run.json
            """)

    static func run(_ arguments: ParsedArguments, _ console: Console) throws -> ExitCode {
        let seed = try arguments.seed("--seed") ?? 1
        var worldSpec = WorldSpec.simulationDefault
        worldSpec.servers = try arguments.integer("--servers", in: 1...WorldSpec.maxServers) ?? worldSpec.servers
        worldSpec.maxDepth = try arguments.integer("--steps", in: 1...1_000_000) ?? worldSpec.maxDepth
        let mutant = try RaftLab.mutant(arguments)
        let quiet = arguments.has("--quiet")

        let rules = WorldRules(spec: worldSpec, mutant: mutant)
        console.print("raftlab simulate: seed=\(seed) mutant=\(mutant?.name ?? "none") \(worldSpec.summary)")
        var driver = SeededChooser(seed: seed)
        var taken: [(action: Action, world: World)] = []
        let result = try rules.run(chooser: &driver, maxSteps: worldSpec.maxDepth) { _, action, world in
            if !quiet { taken.append((action, world)) }
        }
        let trace = Trace(
            producer: "raftlab simulate", spec: worldSpec, mutant: mutant, seed: seed, actions: result.actions,
            violation: result.violation, digest: result.digest)
        if !quiet {
            let timeline = Timeline(
                producer: trace.producer, spec: worldSpec, mutant: mutant, seed: seed,
                initialWorld: rules.initialWorld, steps: taken, violation: result.violation)
            printSteps(timeline, console)
        }
        printSummary(result, console)
        if let path = arguments.value("--trace-out") {
            try Files.writeAtomically(trace.encoded(), to: path)
            console.print("trace written to \(path); replay it with: raftlab replay \(path)")
        }
        return result.violation == nil ? .ok : .safetyViolation
    }

    /// The step table (`TextRendering`) with its legend, as every command prints a run.
    static func printSteps(_ timeline: Timeline, _ console: Console) {
        for line in TextRendering.legend + TextRendering.table(timeline) { console.print(line) }
    }

    static func printSummary(_ result: RunResult, _ console: Console) {
        let ghost = result.finalWorld.ghost
        let leaders = ghost.leadersByTerm.enumerated().filter { !$0.element.isEmpty }
            .map { "term \($0.offset): \($0.element.members.map(\.description).joined(separator: ","))" }
        console.print(TraceText.verdict(result.violation, steps: result.actions.count))
        if let violation = result.violation { console.print("rule: " + ViolationWords.rule(violation.invariant)) }
        console.print("leaders: \(leaders.isEmpty ? "none" : leaders.joined(separator: "; "))")
        console.print(
            "committed: \(ghost.committed.count) entries \(Log(ghost.committed.map(\.entry))); "
                + "acknowledged to clients: \(ghost.acknowledged.count)")
        console.print("digest: \(hex16(result.digest))")
    }
}

/// `raftlab replay`: re-execute a trace and check it ends the same way.
enum ReplayCommand {
    static let spec = CommandSpec(
        name: "replay",
        summary: "Re-execute a trace file and check its verdict and digest.",
        usage: "replay FILE [--mutant NAME] [--quiet] [--junit FILE]",
        positionals: 1...1,
        options: [
            OptionSpec(flag: "--mutant", valueName: "NAME", help: "Replay under this mutant instead of the trace's own."),
            OptionSpec(flag: "--quiet", valueName: nil, help: "Print only the summary, not every step."),
            OptionSpec(flag: "--junit", valueName: "FILE", help: "Also write a JUnit XML report: the trace as one test case."),
        ],
        discussion: """
            Exit 0 when the replay reproduces a clean trace, 1 when it reproduces a violation, 3 when a
            recorded step is no longer possible or the digest differs ("diverged at step N: ..."), 65
            when the file is not a valid raftlab trace.
            """)

    static func run(_ arguments: ParsedArguments, _ console: Console) throws -> ExitCode {
        let path = arguments.positionals[0]
        let started = ContinuousClock.now
        let outcome = try replay(path, arguments, console)
        if let junit = arguments.value("--junit") {
            let elapsed = ContinuousClock.now - started
            let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
            var testCase = JUnitCase(name: path, className: "raftlab.replay", timeSeconds: seconds)
            testCase.failure = outcome.failure
            try JUnitReport(suiteName: "raftlab replay", cases: [testCase]).write(to: junit)
        }
        return outcome.code
    }

    /// Replays one trace, printing as it goes; returns the exit code and what a JUnit report
    /// should say about it.
    private static func replay(
        _ path: String, _ arguments: ParsedArguments, _ console: Console
    ) throws -> (code: ExitCode, failure: JUnitFailure?) {
        let trace = try TraceFile.read(path)
        let mutant = try RaftLab.mutant(arguments) ?? trace.mutant
        let quiet = arguments.has("--quiet")
        let rules = WorldRules(spec: trace.spec, mutant: mutant)
        console.print(
            "raftlab replay: \(path) (\(trace.actions.count) steps, produced by \(trace.producer), "
                + "mutant \(mutant?.name ?? "none"))")
        var driver = ReplayChooser(recorded: trace.actions)
        var taken: [(action: Action, world: World)] = []
        func timeline(_ violation: Violation?, _ divergence: ReplayDivergence? = nil) -> Timeline {
            Timeline(
                producer: trace.producer, spec: trace.spec, mutant: mutant, seed: trace.seed,
                initialWorld: rules.initialWorld, steps: taken, violation: violation,
                recordedViolation: trace.violation, divergence: divergence)
        }
        let result: RunResult
        do {
            result = try rules.run(chooser: &driver, maxSteps: trace.actions.count) { _, action, world in
                taken.append((action, world))
            }
        } catch {
            if !quiet { SimulateCommand.printSteps(timeline(nil, error), console) }
            console.print(error.description)
            return (.replayDiverged, JUnitFailure(message: error.description, type: "replay-diverged", kind: .error))
        }
        if !quiet { SimulateCommand.printSteps(timeline(result.violation), console) }
        SimulateCommand.printSummary(result, console)
        if result.actions.count < trace.actions.count {
            let message =
                "diverged at step \(result.actions.count + 1): the run stopped early (\(TraceText.verdict(result.violation, steps: result.actions.count)))"
            console.print(message)
            return (.replayDiverged, JUnitFailure(message: message, type: "replay-diverged", kind: .error))
        }
        guard mutant != trace.mutant || (result.digest == trace.digest && result.violation == trace.violation) else {
            let message =
                "diverged: recorded digest \(hex16(trace.digest)), replay digest \(hex16(result.digest)); "
                + "recorded \(TraceText.verdict(trace.violation, steps: trace.actions.count))"
            console.print(message)
            return (.replayDiverged, JUnitFailure(message: message, type: "replay-diverged", kind: .error))
        }
        console.print(mutant == trace.mutant ? "replay matches the trace (same verdict and digest)" : "replayed under another mutant")
        guard let violation = result.violation else { return (.ok, nil) }
        let failure = JUnitFailure(violation: violation, in: timeline(violation), reproduce: "raftlab replay \(path)")
        return (.safetyViolation, failure)
    }
}

/// `raftlab mutants`: the catalogue of documented Raft bugs.
enum MutantsCommand {
    static let spec = CommandSpec(
        name: "mutants",
        summary: "List the documented Raft bugs that --mutant can switch on.",
        usage: "mutants",
        positionals: 0...0,
        options: [],
        discussion: "Each mutant is one deviation from Figure 2, taken from a real implementation's bug.")

    static func run(_ arguments: ParsedArguments, _ console: Console) throws -> ExitCode {
        for mutant in Mutant.allCases {
            console.print("\(mutant.name.padding(toLength: 26)) \(mutant.catalogueID)  expects \(mutant.expectedViolation)")
            console.print("    rule:   \(mutant.ruleBroken)")
            console.print("    source: \(mutant.source)")
        }
        return .ok
    }
}
