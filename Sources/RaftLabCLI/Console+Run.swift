import RaftCore
import RaftSimulation
import TraceRendering

/// How every command prints a run: the step table and the closing summary.
extension Console {
    /// The step table (`TextRendering`) with its legend.
    func printSteps(_ timeline: Timeline) {
        for line in TextRendering.legend + TextRendering.table(timeline) { print(line) }
    }

    /// The verdict, the rule a violation broke, the leaders of each term, what was committed and
    /// the digest that a replay must reproduce.
    ///
    /// - Parameter liveness: the liveness failure the run ends with, said instead of "ok".
    func printRunSummary(_ result: RunResult, liveness: LivenessVerdict? = nil) {
        let ghost = result.finalWorld.ghost
        let leaders = ghost.leadersByTerm.enumerated().filter { !$0.element.isEmpty }
            .map { "term \($0.offset): \($0.element.members.map(\.description).joined(separator: ","))" }
        if let liveness, result.violation == nil {
            print(TraceText.verdict(liveness))
        } else {
            print(TraceText.verdict(result.violation, steps: result.actions.count))
        }
        if let violation = result.violation { print("rule: " + ViolationWords.rule(violation.invariant)) }
        print("leaders: \(leaders.isEmpty ? "none" : leaders.joined(separator: "; "))")
        print(
            "committed: \(ghost.committed.count) entries \(Log(ghost.committed.map(\.entry))); "
                + "acknowledged to clients: \(ghost.acknowledged.count)")
        print("digest: \(hex16(result.digest))")
    }
}
