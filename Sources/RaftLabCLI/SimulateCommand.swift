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
            OptionSpec(
                flag: "--trace-out", valueName: "FILE",
                help: "Write the run as a trace that 'raftlab replay' re-executes."),
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
        let steps = try arguments.integer("--steps", in: 1...1_000_000) ?? 200
        let mutant = try RaftLab.mutant(arguments)
        let quiet = arguments.has("--quiet")

        let rules = WorldRules(spec: worldSpec, mutant: mutant)
        console.print(
            "raftlab simulate: seed=\(seed) mutant=\(mutant?.name ?? "none") steps=\(steps) \(worldSpec.summary)")
        var driver = SeededChooser(seed: seed)
        var taken = TimelineBuilder(
            producer: "raftlab simulate", spec: worldSpec, mutant: mutant, seed: seed,
            initialWorld: rules.initialWorld, expectedSteps: steps)
        let result = try rules.run(chooser: &driver, maxSteps: steps) { _, action, world in
            if !quiet { taken.record(action, world) }
        }
        let trace = Trace(
            producer: "raftlab simulate", spec: worldSpec, mutant: mutant, seed: seed, actions: result.actions,
            violation: result.violation, digest: result.digest)
        if !quiet { console.printSteps(taken.finish(violation: result.violation)) }
        console.printRunSummary(result)
        if let path = arguments.value("--trace-out") {
            try Files.writeAtomically(trace.encoded(), to: path)
            console.print("trace written to \(path); replay it with: raftlab replay \(path)")
        }
        return result.violation == nil ? .ok : .safetyViolation
    }
}
