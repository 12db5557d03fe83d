import RaftCore
import RaftFuzzing
import RaftSimulation
import TraceRendering

/// `raftlab shrink`: minimize any failing trace while the same invariant still fails.
enum ShrinkCommand {
    static let spec = CommandSpec(
        name: "shrink",
        summary: "Shrink a failing trace while the same invariant still fails; save it to the corpus.",
        usage: "shrink FILE [--mutant NAME] [--corpus DIR] [--max-candidates N] [--json]",
        positionals: 1...1,
        options: [
            OptionSpec(flag: "--mutant", valueName: "NAME", help: "Shrink under this mutant instead of the trace's own."),
            OptionSpec(flag: "--corpus", valueName: "DIR", help: "Where the shrunk trace is saved. Default corpus/found."),
            OptionSpec(flag: "--max-candidates", valueName: "N", help: "Try at most N candidate traces. Default 20000."),
            OptionSpec(flag: "--json", valueName: nil, help: "Print the result as one JSON object."),
        ],
        discussion: """
            The trace is replayed (leniently: a step that is no longer possible is skipped) and its first
            violated invariant is the target. The shrinker removes spans of steps, faults together with
            their repairs (crash and restart, partition and heal), client requests and servers, keeping
            each candidate that still violates the target. The result is saved as a new file named after
            the invariant (never overwriting one) and replays exactly with 'raftlab replay'.

            Exit 1 when the shrunk trace is saved (it shows a safety violation), 65 when the file is not
            a valid trace or does not fail, 66 unreadable, 73 corpus not writable.
            """)

    static func run(_ arguments: ParsedArguments, _ console: Console) throws -> ExitCode {
        let path = arguments.positionals[0]
        let trace: Trace
        do {
            trace = try Trace.decode(Files.read(path))
        } catch let error as InputError {
            throw CommandFailure(code: .badInput, message: "\(path): \(error.description)")
        }
        let mutant = try RaftLab.mutant(arguments) ?? trace.mutant
        let maxCandidates = try arguments.integer("--max-candidates", in: 1...10_000_000) ?? 20_000
        let corpus = arguments.value("--corpus") ?? "corpus/found"
        guard let target = Shrinker.firstViolation(of: trace.actions, in: trace.spec, mutant: mutant) else {
            throw CommandFailure(
                code: .badInput,
                message: "\(path): the trace violates no invariant under mutant \(mutant?.name ?? "none"); nothing to shrink")
        }
        var shrinker = Shrinker(mutant: mutant, target: target.invariant, maxCandidates: maxCandidates)
        guard let small = shrinker.shrink(trace.actions, in: trace.spec) else {
            throw CommandFailure(code: .badInput, message: "\(path): the trace does not fail when replayed")
        }
        let shrunk = Trace(
            producer: "raftlab shrink (\(path), shrunk from \(trace.actions.count) steps)", spec: small.spec,
            mutant: mutant, seed: trace.seed, actions: small.actions, violation: small.violation, digest: small.digest)
        let saved = try CorpusFiles.save(shrunk, in: corpus)
        if arguments.has("--json") {
            console.print(
                JSONValue.object([
                    ("command", .string("shrink")), ("file", .string(path)),
                    ("invariant", .string(small.violation.invariant.rawValue)),
                    ("detail", .string(small.violation.detail)), ("steps", .integer(trace.actions.count)),
                    ("shrunkSteps", .integer(small.actions.count)), ("shrunkServers", .integer(small.spec.servers)),
                    ("candidates", .integer(small.candidatesTried)), ("corpusFile", .string(saved)),
                    ("replay", .string("raftlab replay \(saved)")),
                ]).encoded(pretty: false))
        } else {
            console.print(
                "raftlab shrink: \(path): \(target.invariant.rawValue) fails at step \(target.step) of "
                    + "\(trace.actions.count); shrunk to \(small.actions.count) steps on \(small.spec.servers) servers "
                    + "(\(small.candidatesTried) candidates tried)")
            console.print(TextRendering.render(Timeline(replaying: shrunk)))
            console.print("saved to \(saved); replay it with: raftlab replay \(saved)")
        }
        return .safetyViolation
    }
}
