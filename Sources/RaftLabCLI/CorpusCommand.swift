import Foundation
import RaftCore
import RaftSimulation
import TraceRendering

/// `raftlab corpus [DIR]`: replays every saved counterexample and checks what it must show.
///
/// A corpus file is a trace. Its expectation is its own header: under its mutant, the replay
/// must reproduce the recorded violation at the recorded step with the recorded digest; and on
/// the correct Raft, the same actions must show no violation, or stop cleanly where the correct
/// Raft takes another path. A change to RaftCore that breaks a saved reproduction, or that makes
/// the correct Raft fail a saved path, fails this command.
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
            DIR defaults to corpus/. Every *.json file below it, in name order, is one entry.

            Exit 0 when every entry holds, 1 when one does not, 65 when a file is not a valid trace
            (the others are still checked).
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
        let directory = arguments.positionals.first ?? "corpus"
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw CommandFailure(code: .noInput, message: "\(directory): no such corpus folder")
        }
        let files = traceFiles(under: directory)
        var outcomes: [Outcome] = []
        for path in files {
            let started = ContinuousClock.now
            var outcome = check(path)
            let elapsed = ContinuousClock.now - started
            outcome.seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
            console.print((outcome.failure == nil ? "ok    " : "FAIL  ") + path + ": " + outcome.summary)
            outcomes.append(outcome)
        }
        let failed = outcomes.filter { $0.failure != nil }.count
        console.print("corpus \(directory): \(outcomes.count) entries, \(outcomes.count - failed) hold, \(failed) fail")
        if let junit = arguments.value("--junit") {
            let cases = outcomes.map {
                JUnitCase(name: $0.path, className: "raftlab.corpus", timeSeconds: $0.seconds, failure: $0.failure)
            }
            try JUnitReport(suiteName: "raftlab corpus", cases: cases).write(to: junit)
        }
        if outcomes.contains(where: \.malformed) { return .badInput }
        return failed == 0 ? .ok : .safetyViolation
    }

    /// Every `.json` file below `directory`, sorted by path.
    static func traceFiles(under directory: String) -> [String] {
        let enumerator = FileManager.default.enumerator(atPath: directory)
        var paths: [String] = []
        while let relative = enumerator?.nextObject() as? String {
            if relative.hasSuffix(".json") { paths.append((directory as NSString).appendingPathComponent(relative)) }
        }
        return paths.sorted()
    }

    /// Checks one entry: the recorded run reproduces under its mutant, and the correct Raft does
    /// not fail on the same path.
    static func check(_ path: String) -> Outcome {
        let trace: Trace
        do {
            trace = try TraceFile.read(path)
        } catch {
            return Outcome(
                path: path, summary: error.message,
                failure: JUnitFailure(message: error.message, type: "malformed", kind: .error), malformed: true,
                seconds: 0)
        }
        func fail(_ message: String) -> Outcome {
            Outcome(path: path, summary: message, failure: JUnitFailure(message: message, type: "corpus"), seconds: 0)
        }
        let underMutant = replay(trace, mutant: trace.mutant)
        guard case .completed(let result) = underMutant else {
            return fail("no longer reproduces under \(trace.mutant?.name ?? "the correct Raft"): \(underMutant)")
        }
        guard result.violation == trace.violation, result.digest == trace.digest else {
            return fail(
                "no longer reproduces: recorded \(TraceText.verdict(trace.violation, steps: trace.actions.count)), "
                    + "replay \(TraceText.verdict(result.violation, steps: result.actions.count))")
        }
        let shown = trace.violation.map { "\($0.invariant.rawValue) at step \($0.step)" } ?? "no violation"
        guard let mutant = trace.mutant else {
            return Outcome(
                path: path, summary: "\(shown) on the correct Raft, \(trace.actions.count) steps", seconds: 0)
        }
        let correct: String
        switch replay(trace, mutant: nil) {
        case .completed(let clean) where clean.violation == nil: correct = "correct Raft: no violation"
        case .completed(let clean):
            return fail("the correct Raft fails the same path too: \(clean.violation!.description)")
        case .diverged(let step): correct = "correct Raft: takes another path at step \(step)"
        }
        return Outcome(
            path: path, summary: "\(shown) under \(mutant.name), \(trace.actions.count) steps; \(correct)", seconds: 0)
    }

    enum Replay: CustomStringConvertible {
        case completed(RunResult)
        /// The recorded action at this step is not possible in this Raft.
        case diverged(step: Int)

        var description: String {
            switch self {
            case .completed(let result): "completed \(result.actions.count) steps"
            case .diverged(let step): "diverged at step \(step)"
            }
        }
    }

    /// Replays `trace` under `mutant`, stopping at the first violation.
    static func replay(_ trace: Trace, mutant: Mutant?) -> Replay {
        var driver = ReplayChooser(recorded: trace.actions)
        do {
            let result = try WorldRules(spec: trace.spec, mutant: mutant).run(
                chooser: &driver, maxSteps: trace.actions.count)
            if result.violation == nil && result.actions.count < trace.actions.count {
                return .diverged(step: result.actions.count + 1)
            }
            return .completed(result)
        } catch {
            return .diverged(step: error.step)
        }
    }
}
