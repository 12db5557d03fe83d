import RaftCore
import RaftCorpus
import RaftSimulation
import TraceRendering

extension TraceReplay {
    /// Replays `trace` under `mutant` and lays the run out for rendering as it goes, in the
    /// standard bounded window, so that a long trace costs bounded memory: the worlds of steps the
    /// window does not show are never kept.
    ///
    /// - Parameter progress: told how far the re-execution got, on long traces.
    static func laidOut(
        _ trace: Trace, mutant: Mutant?, progress: ((TimelineProgress) -> Void)? = nil
    ) -> (replay: TraceReplay, timeline: Timeline) {
        var builder = TimelineBuilder(
            producer: trace.producer, spec: trace.spec, mutant: mutant, seed: trace.seed,
            initialWorld: WorldRules(spec: trace.spec, mutant: mutant).initialWorld,
            expectedSteps: trace.actions.count, progress: progress)
        let replay = TraceReplay(trace, mutant: mutant) { builder.record($0, $1) }
        var divergence: ReplayDivergence? = nil
        if case .diverged(let error) = replay.end { divergence = error }
        var timeline = builder.finish(
            violation: replay.result?.violation, recordedViolation: trace.violation, divergence: divergence)
        // The liveness failure as the replay judged it again, so that a trace whose recorded words
        // no longer hold is drawn with what its last world lacks now.
        if let shortfall = replay.livenessShortfall, var liveness = trace.liveness {
            liveness.detail = shortfall
            timeline.liveness = liveness
        }
        return (replay, timeline)
    }
}
