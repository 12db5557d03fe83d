import RaftCore
import RaftFuzzing
import RaftSimulation

extension FailurePipeline {
    /// A run that failed liveness, as a trace of every action it took (version 2 of the format):
    /// nil for any other outcome, or when its actions no longer replay cleanly.
    ///
    /// It is not shrunk: the shrinker keeps a safety violation failing, and a liveness failure is
    /// a judgement over virtual time that a shorter path would have to be re-timed to keep. The
    /// digest is the replay's (`EventDigest`), as for every trace, so `raftlab replay` checks the
    /// same worlds the fuzzer saw and then judges the liveness goal again on the last one.
    public func livenessTrace(_ result: FuzzRunResult) -> Trace? {
        guard case .liveness(let failure) = result.outcome, let actions = result.actions else { return nil }
        // The run's spec: the campaign's, with any replication switches its profile drew.
        let spec = result.spec
        let rules = WorldRules(spec: spec, mutant: context.mutant)
        var replay = ReplayChooser(recorded: actions)
        guard let run = try? rules.run(chooser: &replay, maxSteps: actions.count),
            run.violation == nil, run.actions.count == actions.count
        else { return nil }
        let runSeed = result.profile.seed
        let verdict = LivenessVerdict(
            phaseStartStep: failure.phaseStartStep, step: failure.step, budgetTicks: FaultProfile.livenessBudgetTicks,
            ticks: failure.ticks, stepLimitReached: failure.stepLimitReached, detail: failure.detail)
        return Trace(
            producer: "raftlab fuzz (run seed \(runSeed), liveness failure, not shrunk)", spec: spec,
            mutant: context.mutant, seed: runSeed, actions: actions, violation: nil, liveness: verdict,
            digest: run.digest)
    }
}
