import RaftSimulation

/// A liveness failure said the way every renderer says it: the heading, what was missing, the
/// budget the liveness phase had, and the property that was not met.
public enum LivenessWords {
    /// `LIVENESS failure at step 1460`, the heading of the verdict.
    public static func heading(_ liveness: LivenessVerdict) -> String {
        "LIVENESS failure at step \(liveness.step)"
    }

    /// The budget, and how the run ended: at the end of the budget or at its step limit.
    public static func budget(_ liveness: LivenessVerdict) -> String {
        let end = liveness.stepLimitReached ? "the run reached its step limit" : "the budget ran out"
        return "budget: \(TraceText.budget(liveness)); \(end)"
    }

    /// The property the run did not meet, in one sentence.
    public static let rule =
        "Once the faults stop, a Raft cluster must elect one leader that every server follows, commit and "
        + "acknowledge a new command of its term, and apply every acknowledged command on every server, "
        + "within the liveness budget (the fuzzer's liveness phase, specs/invariants.md)."
}
