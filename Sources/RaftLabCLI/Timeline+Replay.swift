import RaftCorpus
import RaftSimulation
import TraceRendering

extension Timeline {
    /// Lays out a replay that kept its worlds: every step it took, the violation it ended with,
    /// what the trace recorded, and the recorded step it could not take, if any.
    init(_ replay: TraceReplay) {
        var divergence: ReplayDivergence? = nil
        if case .diverged(let error) = replay.end { divergence = error }
        self.init(
            producer: replay.trace.producer, spec: replay.trace.spec, mutant: replay.mutant, seed: replay.trace.seed,
            initialWorld: replay.initialWorld, steps: replay.steps, violation: replay.result?.violation,
            recordedViolation: replay.trace.violation, divergence: divergence)
    }
}
