import RaftCore
import RaftCorpus
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
            OptionSpec(
                flag: "--mutant", valueName: "NAME", help: "Shrink under this mutant instead of the trace's own."),
            OptionSpec(
                flag: "--corpus", valueName: "DIR", help: "Where the shrunk trace is saved. Default corpus/found."),
            OptionSpec(
                flag: "--max-candidates", valueName: "N", help: "Try at most N candidate traces. Default 20000."),
            OptionSpec(flag: "--json", valueName: nil, help: "Print the result as one JSON object."),
        ],
        discussion: """
            The trace is replayed (leniently: a step that is no longer possible is skipped) and its first
            violated invariant is the target. The shrinker removes spans of steps, faults together with
            their repairs (crash and restart, partition and heal), client requests and servers, keeping
            each candidate that still violates the target. The result is saved as
            <invariant>-<hash of the content>.json (the same result again writes nothing; another file is
            never overwritten) and replays exactly with 'raftlab replay'.

            Exit 1 when the shrunk trace is saved (it shows a safety violation), 65 when the file is not
            a valid trace or does not fail, 66 unreadable, 73 corpus not writable (checked first when
            --corpus is given), 74 standard output not writable.
            """)

    static func run(_ arguments: ParsedArguments, _ console: Console) throws -> ExitCode {
        let path = arguments.positionals[0]
        let trace = try Files.readTrace(path)
        let mutant = try RaftLab.mutant(arguments) ?? trace.mutant
        let maxCandidates = try arguments.integer("--max-candidates", in: 1...10_000_000) ?? 20_000
        let corpus = CorpusFolder(path: arguments.value("--corpus") ?? "corpus/found")
        let result: ShrunkTrace
        let saved: String
        do {
            result = try trace.shrunk(from: path, mutant: mutant, maxCandidates: maxCandidates)
            saved = try corpus.save(result.trace)
        } catch let refusal as ShrinkRefusal {
            throw CommandFailure(code: .badInput, message: refusal.description)
        } catch let error as FileError {
            throw CommandFailure(error)
        }
        let (target, shrunk) = (result.target, result.trace)
        if arguments.has("--json") {
            console.print(
                JSONValue.object([
                    ("command", .string("shrink")), ("file", .string(path)),
                    ("invariant", .string(result.violation.invariant.rawValue)),
                    ("detail", .string(result.violation.detail)), ("steps", .integer(trace.actions.count)),
                    ("shrunkSteps", .integer(shrunk.actions.count)), ("shrunkServers", .integer(shrunk.spec.servers)),
                    ("candidates", .integer(result.candidatesTried)), ("corpusFile", .string(saved)),
                    ("replay", .string("raftlab replay \(saved)")),
                ]).encoded(pretty: false))
        } else {
            console.print(
                "raftlab shrink: \(path): \(target.invariant.rawValue) fails at step \(target.step) of "
                    + "\(trace.actions.count); shrunk to \(shrunk.actions.count) steps on \(shrunk.spec.servers) servers "
                    + "(\(result.candidatesTried) candidates tried)")
            console.print(TextRendering.render(Timeline(replaying: shrunk)))
            console.print("saved to \(saved); replay it with: raftlab replay \(saved)")
        }
        return .safetyViolation
    }
}
