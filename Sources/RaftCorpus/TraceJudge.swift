import RaftCore
import RaftSimulation

/// What a replay says about the trace it re-executed.
public enum ReplayVerdict: CustomStringConvertible {
    /// Under the trace's own mutant: the same verdict and the same digest as recorded.
    case reproduced(RunResult)
    /// Under another mutant than the trace's: every step was taken; there is nothing recorded to
    /// compare the verdict with.
    case replayedUnderAnotherMutant(RunResult)
    /// A recorded action was not enabled at its step.
    case diverged(ReplayDivergence)
    /// The run stopped before the last recorded action.
    case stoppedEarly(RunResult)
    /// Every step was taken but the verdict or the digest differs from the recorded one.
    case differs(RunResult, recorded: Trace)
    /// Every step was taken with the recorded digest, but the liveness goal, judged again on the
    /// world reached, is met (`found` nil) or lacks something else than the trace says.
    case livenessDiffers(RunResult, recorded: LivenessVerdict, found: String?)

    /// Whether the trace no longer runs the way it was recorded.
    public var isDivergence: Bool {
        switch self {
        case .reproduced, .replayedUnderAnotherMutant: false
        case .diverged, .stoppedEarly, .differs, .livenessDiffers: true
        }
    }

    /// The run's result, unless a recorded action could not be taken.
    public var result: RunResult? {
        switch self {
        case .reproduced(let result), .replayedUnderAnotherMutant(let result), .stoppedEarly(let result),
            .differs(let result, _), .livenessDiffers(let result, _, _):
            result
        case .diverged: nil
        }
    }

    /// One line saying how the replay relates to the trace.
    public var description: String {
        switch self {
        case .reproduced: "replay matches the trace (same verdict and digest)"
        case .replayedUnderAnotherMutant: "replayed under another mutant"
        case .diverged(let divergence): divergence.description
        case .stoppedEarly(let result):
            "diverged at step \(result.actions.count + 1): the run stopped early "
                + "(\(TraceText.verdict(result.violation, steps: result.actions.count)))"
        case .differs(let result, let trace):
            "diverged: recorded digest \(hex16(trace.digest)), replay digest \(hex16(result.digest)); "
                + "recorded \(TraceText.verdict(of: trace))"
        case .livenessDiffers(_, let recorded, let found):
            "diverged: the trace records the liveness failure \"\(recorded.detail)\" at step \(recorded.step), but "
                + (found.map { "judged again the world lacks: \($0)" } ?? "judged again the liveness goal is met")
        }
    }
}

/// What `raftlab corpus` concludes about one entry.
public struct CorpusJudgement: Hashable, Sendable {
    /// Whether the entry still shows what it must.
    public var holds: Bool
    /// One line: what the entry shows, or why it no longer holds.
    public var summary: String
}

/// Decides whether a trace still shows what it recorded.
public enum TraceJudge {
    /// The verdict of `replay`: a trace replayed under its own mutant must take every recorded
    /// step and end with the recorded verdict and digest; under another mutant it must take
    /// every recorded step.
    public static func verdict(of replay: TraceReplay) -> ReplayVerdict {
        switch replay.end {
        case .diverged(let divergence): return .diverged(divergence)
        case .stoppedEarly(let result): return .stoppedEarly(result)
        case .completed(let result):
            guard replay.mutant == replay.trace.mutant else { return .replayedUnderAnotherMutant(result) }
            guard result.digest == replay.trace.digest && result.violation == replay.trace.violation else {
                return .differs(result, recorded: replay.trace)
            }
            if let liveness = replay.trace.liveness,
                liveness.step != result.actions.count || replay.livenessShortfall != liveness.detail
            {
                return .livenessDiffers(result, recorded: liveness, found: replay.livenessShortfall)
            }
            return .reproduced(result)
        }
    }

    /// Judges a corpus entry: the recorded run reproduces under its mutant, by the same verdict
    /// as `raftlab replay` (`verdict(of:)`), and the correct Raft does not fail on the same path
    /// (it shows no violation and, for a liveness failure, meets the liveness goal, or stops
    /// cleanly where it takes another path).
    ///
    /// Sharing the replay verdict means `corpus` and `replay` never disagree about a trace: one
    /// with steps after its violation, for instance, does not run as recorded for either. A
    /// change to RaftCore that breaks a saved reproduction, or that makes the correct Raft fail a
    /// saved path, makes an entry fail.
    public static func judgeCorpusEntry(_ trace: Trace) -> CorpusJudgement {
        func fail(_ reason: String) -> CorpusJudgement { CorpusJudgement(holds: false, summary: reason) }
        let replayed = verdict(of: TraceReplay(trace, mutant: trace.mutant))
        guard case .reproduced = replayed else {
            return fail("no longer reproduces under \(trace.mutant?.name ?? "the correct Raft"): \(replayed)")
        }
        let shown =
            trace.violation.map { "\($0.invariant.rawValue) at step \($0.step)" }
            ?? trace.liveness.map { "liveness failure at step \($0.step)" } ?? "no violation"
        guard let mutant = trace.mutant else {
            return CorpusJudgement(holds: true, summary: "\(shown) on the correct Raft, \(trace.actions.count) steps")
        }
        let correct: String
        let correctReplay = TraceReplay(trace, mutant: nil)
        switch correctReplay.end {
        case .completed(let clean) where clean.violation == nil:
            if trace.liveness != nil, let shortfall = correctReplay.livenessShortfall {
                return fail("the correct Raft fails the same path too: liveness: \(shortfall)")
            }
            correct = trace.liveness == nil ? "correct Raft: no violation" : "correct Raft: settles"
        case .completed(let clean),
            .stoppedEarly(let clean) where clean.violation != nil:
            return fail("the correct Raft fails the same path too: \(clean.violation!.description)")
        case .stoppedEarly(let clean): correct = "correct Raft: takes another path at step \(clean.actions.count + 1)"
        case .diverged(let divergence): correct = "correct Raft: takes another path at step \(divergence.step)"
        }
        return CorpusJudgement(
            holds: true, summary: "\(shown) under \(mutant.name), \(trace.actions.count) steps; \(correct)")
    }
}
