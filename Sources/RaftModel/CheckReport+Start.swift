import ModelChecking
import RaftCore
import RaftSimulation

extension CheckReport where M == RaftModel {
    /// The report of a search that began after a spec's `start` steps, restated from the initial
    /// world: the prefix put in front of the counterexample and every situation's witness, and
    /// the depths (reached, bound, each witness's) counted from the initial world.
    ///
    /// So a counterexample written with `--trace-out` replays with `raftlab replay` as any trace
    /// does, and every depth `check` prints means steps from the empty cluster, as `maxDepth` does.
    ///
    /// - Parameters:
    ///   - start: the spec's `start` steps.
    ///   - path: the world after each of them (`CheckSpec.startPath(rules:)`).
    ///   - initialWorld: the world before the first.
    public func restated(afterStart start: [Action], path: [World], from initialWorld: World) -> CheckReport {
        guard !start.isEmpty else { return self }
        var report = self
        if case .violated(var counterexample) = verdict {
            counterexample.initialState = initialWorld
            counterexample.actions = start + counterexample.actions
            counterexample.states = path + counterexample.states
            report.verdict = .violated(counterexample)
        }
        for position in report.situations.indices {
            guard var witness = report.situations[position].witness else { continue }
            witness.initialState = initialWorld
            witness.actions = start + witness.actions
            witness.states = path + witness.states
            report.situations[position].witness = witness
        }
        report.maxDepthReached += start.count
        if case .exhaustiveWithinDepth(let bound) = coverage {
            report.coverage = .exhaustiveWithinDepth(depthBound: bound + start.count)
        }
        return report
    }
}
