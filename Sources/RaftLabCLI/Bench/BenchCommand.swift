import RaftCore

/// `raftlab bench SUBJECT`: printed speed and memory figures, never a timed test.
enum BenchCommand {
    /// What can be benchmarked, each with its own runner.
    static let subjects: [(name: String, summary: String, run: @Sendable (Console, Bool) -> ExitCode)] = [
        (
            "checker", "model checker: distinct states/s with 1 worker and all cores, bytes per state",
            CheckerBenchmark.run
        ),
        (
            "fuzzer", "fuzzer: runs/s and simulated steps/s with 1 worker and all cores, same digest",
            FuzzerBenchmark.run
        ),
        (
            "mutants", "every documented bug: checker time/states/steps, fuzzer median runs and time over 5 seeds",
            MutantsBenchmark.run
        ),
        (
            "linearizability",
            "linearizability checker: time to decide 10,000-operation histories, with and without one bad read",
            LinearizabilityBenchmark.run
        ),
    ]

    static let spec = CommandSpec(
        name: "bench",
        summary: "Print speed and memory figures for a part of raftlab (release builds only make sense).",
        usage: "bench SUBJECT [--json] | bench mutants [NAME...] [--json]",
        positionals: 1...Int.max,
        options: [OptionSpec(flag: "--json", valueName: nil, help: "Print the figures as one JSON object.")],
        discussion: """
            SUBJECTS:
            \(subjects.map { "  \($0.name): \($0.summary)" }.joined(separator: "\n"))

            `bench mutants NAME...` measures only the mutants named (see 'raftlab mutants').

            Measure with `swift run -c release raftlab bench SUBJECT` on a quiet machine.
            """)

    static func run(_ arguments: ParsedArguments, _ console: Console) throws -> ExitCode {
        let name = arguments.positionals[0]
        guard let subject = subjects.first(where: { $0.name == name }) else {
            throw UsageError(
                message:
                    "unknown bench subject '\(name)' (expected one of: \(subjects.map(\.name).joined(separator: ", ")))"
            )
        }
        let names = arguments.positionals.dropFirst()
        guard !names.isEmpty else { return subject.run(console, arguments.has("--json")) }
        guard name == "mutants" else {
            throw UsageError(message: "bench \(name) takes no names; only 'bench mutants NAME...' does")
        }
        let mutants = try names.map { name in
            guard let mutant = Mutant(name: name) else {
                throw UsageError(message: "unknown mutant '\(name)' (see 'raftlab mutants')")
            }
            return mutant
        }
        return MutantsBenchmark.run(console, json: arguments.has("--json"), only: mutants)
    }
}
