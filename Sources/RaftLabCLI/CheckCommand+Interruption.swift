import ModelChecking
import RaftCore
import RaftModel
import RaftSimulation
import TraceRendering

extension CheckCommand {
    /// Ends a check that a signal stopped: what it explored so far, in every output asked for,
    /// marked as interrupted, and exit 130 (SIGINT) or 143 (SIGTERM).
    ///
    /// An interrupted check has no verdict: the states it did not reach may hold a violation.
    /// The figures say how far it got, so a user can judge whether to run it again with a longer
    /// time budget or smaller bounds.
    static func finishInterrupted(
        _ report: CheckReport<RaftModel>, by signal: (name: String, exitCode: ExitCode), depthBound: Int,
        spec checkSpec: CheckSpec, mutant: Mutant?, _ arguments: ParsedArguments,
        _ console: Console
    ) throws(CommandFailure) -> ExitCode {
        let bound = depthBound == Int.max ? "unbounded" : "bound \(depthBound)"
        let extent =
            "\(report.distinctStates) distinct states (\(report.totalStates) total), depth \(report.maxDepthReached) "
            + "reached (\(bound)); the frontier was not exhausted"
        if let path = arguments.value("--junit") {
            let testCase = JUnitCase(
                name: checkSpec.world.name + (mutant.map { " --mutant \($0.name)" } ?? ""), className: "raftlab.check",
                timeSeconds: report.elapsedSeconds,
                failure: JUnitFailure(
                    message: "interrupted by \(signal.name) after \(extent): no verdict", type: "interrupted",
                    kind: .error))
            try JUnitReport(suiteName: "raftlab check", cases: [testCase]).write(to: path)
        }
        if arguments.has("--json") {
            // Judged as an incomplete run (no verdict either way); the verdict is then named for
            // what stopped it.
            let judgement = checkSpec.judge(report, mutant: mutant)
            var summary = summaryJSON(report, checkSpec, mutant, judgement, nil, signal.exitCode)
            if case .object(let members) = summary {
                let marked = members.map { $0.key == "verdict" ? ($0.key, JSONValue.string("interrupted")) : $0 }
                summary = .object(marked + [("interrupted", .string(signal.name)), ("complete", .bool(false))])
            }
            console.print(summary.encoded(pretty: false))
        } else {
            console.print("verdict: INTERRUPTED by \(signal.name): \(extent): no verdict on the states not reached")
            let rate = report.elapsedSeconds > 0 ? Int(Double(report.distinctStates) / report.elapsedSeconds) : 0
            console.print(
                "time \(formatSeconds(report.elapsedSeconds)), \(rate) distinct states/s, \(report.workers) workers")
            console.print(
                "expected \(CheckSpec.describe(checkSpec.expectation(under: mutant))): not judged (interrupted)")
        }
        if let path = arguments.value("--trace-out") {
            console.printError(
                "raftlab check: interrupted before a counterexample was found; nothing written to \(path)")
        }
        return signal.exitCode
    }
}
