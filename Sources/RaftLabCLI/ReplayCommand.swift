import RaftCore
import RaftCorpus
import RaftSimulation
import TraceRendering

/// `raftlab replay`: re-execute a trace and check it ends the same way.
enum ReplayCommand {
    static let spec = CommandSpec(
        name: "replay",
        summary: "Re-execute a trace file and check its verdict and digest.",
        usage: "replay FILE [--mutant NAME] [--quiet] [--junit FILE]",
        positionals: 1...1,
        options: [
            OptionSpec(
                flag: "--mutant", valueName: "NAME", help: "Replay under this mutant instead of the trace's own."),
            OptionSpec(flag: "--quiet", valueName: nil, help: "Print only the summary, not every step."),
            OptionSpec(
                flag: "--junit", valueName: "FILE", help: "Also write a JUnit XML report: the trace as one test case."),
        ],
        discussion: """
            Exit 0 when the replay reproduces a clean trace, 1 when it reproduces a violation, 2 when it
            reproduces a liveness failure (a fuzz run's trace: every step is taken, then the liveness
            goal is judged again on the world reached, with the words the fuzzer used), 3 when a
            recorded step is no longer possible, the run stops before its last recorded step, or the
            verdict or digest differs ("diverged at step N: ..."), 65 when the file is not a valid
            raftlab trace, 73 when the --junit file cannot be written (checked first), 74 when standard
            output cannot be written. 'raftlab corpus' and 'raftlab show' judge a trace by the same verdict. A trace
            longer than 2,000 steps prints its first and last 1,000 steps and one line counting the steps
            between them (see 'raftlab show').
            """)

    static func run(_ arguments: ParsedArguments, _ console: Console) throws -> ExitCode {
        let path = arguments.positionals[0]
        let started = ContinuousClock.now
        let outcome = try replay(path, arguments, console)
        if let junit = arguments.value("--junit") {
            let seconds = (ContinuousClock.now - started).seconds
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
        let trace = try Files.readTrace(path)
        let mutant = try RaftLab.mutant(arguments) ?? trace.mutant
        let quiet = arguments.has("--quiet")
        console.print(
            "raftlab replay: \(path) (\(trace.actions.count) steps, produced by \(trace.producer), "
                + "mutant \(mutant?.name ?? "none"))")
        let (replay, timeline) = TraceReplay.laidOut(trace, mutant: mutant) {
            console.printError("raftlab replay: \(path): \($0)")
        }
        let verdict = TraceJudge.verdict(of: replay)
        let diverged = JUnitFailure(message: verdict.description, type: "replay-diverged", kind: .error)
        guard let result = verdict.result else {
            if !quiet { console.printSteps(timeline) }
            console.print(verdict.description)
            return (.replayDiverged, diverged)
        }
        if !quiet { console.printSteps(timeline) }
        // A liveness failure judged again on this path: the recorded one under the trace's own
        // mutant (the verdict checks it is the same), whatever the goal lacks under another.
        let liveness = replay.livenessShortfall.flatMap { shortfall in
            trace.liveness.map { recorded in
                var judged = recorded
                judged.detail = shortfall
                return judged
            }
        }
        console.printRunSummary(result, liveness: verdict.isDivergence ? nil : liveness)
        console.print(verdict.description)
        if verdict.isDivergence { return (.replayDiverged, diverged) }
        if let liveness {
            let failure = JUnitFailure(
                message: TraceText.verdict(liveness), details: "reproduce: raftlab replay \(path)\n", type: "liveness")
            return (.livenessViolation, failure)
        }
        guard let violation = result.violation else { return (.ok, nil) }
        let failure = JUnitFailure(violation: violation, in: timeline, reproduce: "raftlab replay \(path)")
        return (.safetyViolation, failure)
    }
}
