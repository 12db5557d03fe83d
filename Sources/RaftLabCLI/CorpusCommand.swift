import RaftCore
import RaftCorpus
import RaftSimulation
import TraceRendering

/// `raftlab corpus [DIR]`: replays every saved counterexample and checks what it must show.
///
/// A corpus file is a trace. Its expectation is its own header: under its mutant, the replay
/// must reproduce the recorded violation at the recorded step with the recorded digest; and on
/// the correct Raft, the same actions must show no violation, or stop cleanly where the correct
/// Raft takes another path (`TraceJudge.judgeCorpusEntry(_:)`).
enum CorpusCommand {
    static let spec = CommandSpec(
        name: "corpus",
        summary: "Replay every trace in a corpus folder and check that each still shows what it must.",
        usage: "corpus [DIR] [--junit FILE]",
        positionals: 0...1,
        options: [
            OptionSpec(flag: "--junit", valueName: "FILE", help: "Write a JUnit XML report: one test case per file.")
        ],
        discussion: """
            DIR defaults to corpus/. Every *.json file below it, in name order, is one entry. An entry
            holds when 'raftlab replay' would say it matches the trace (under its own mutant, every
            recorded step is taken and the verdict and digest are the recorded ones; for a liveness
            failure, the liveness goal judged again on the world reached lacks what the trace says) and
            the same actions show no violation (and no liveness failure) on the correct Raft, or stop
            where the correct Raft takes another path.

            Exit 0 when every entry holds, 1 when one does not, 65 when a file is not a valid trace
            (the others are still checked), 73 when the --junit file cannot be written (checked
            first), 74 when standard output cannot be written.
            """)

    /// The outcome of one corpus entry.
    struct Outcome {
        var path: String
        var summary: String
        var failure: JUnitFailure?
        var malformed = false
        var seconds: Double
    }

    static func run(_ arguments: ParsedArguments, _ console: Console) throws -> ExitCode {
        let corpus = CorpusFolder(path: arguments.positionals.first ?? "corpus")
        guard corpus.exists else {
            throw CommandFailure(code: .noInput, message: "\(corpus.path): no such corpus folder")
        }
        var outcomes: [Outcome] = []
        for path in corpus.traceFiles() {
            let started = ContinuousClock.now
            var outcome = check(path)
            outcome.seconds = (ContinuousClock.now - started).seconds
            console.print((outcome.failure == nil ? "ok    " : "FAIL  ") + path + ": " + outcome.summary)
            outcomes.append(outcome)
        }
        let failed = outcomes.filter { $0.failure != nil }.count
        console.print(
            "corpus \(corpus.path): \(outcomes.count) entries, \(outcomes.count - failed) hold, \(failed) fail")
        if let junit = arguments.value("--junit") {
            let cases = outcomes.map {
                JUnitCase(name: $0.path, className: "raftlab.corpus", timeSeconds: $0.seconds, failure: $0.failure)
            }
            try JUnitReport(suiteName: "raftlab corpus", cases: cases).write(to: junit)
        }
        if outcomes.contains(where: \.malformed) { return .badInput }
        return failed == 0 ? .ok : .safetyViolation
    }

    /// Reads and judges one entry.
    static func check(_ path: String) -> Outcome {
        let trace: Trace
        do {
            trace = try TraceFile.read(path)
        } catch {
            return Outcome(
                path: path, summary: error.description,
                failure: JUnitFailure(message: error.description, type: "malformed", kind: .error), malformed: true,
                seconds: 0)
        }
        let judgement = TraceJudge.judgeCorpusEntry(trace)
        let failure = judgement.holds ? nil : JUnitFailure(message: judgement.summary, type: "corpus")
        return Outcome(path: path, summary: judgement.summary, failure: failure, seconds: 0)
    }
}
