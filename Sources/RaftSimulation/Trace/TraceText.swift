/// The one-line verdict every command prints; step tables and diagrams live in TraceRendering.
public enum TraceText {
    /// The verdict in one line.
    public static func verdict(_ violation: Violation?, steps: Int) -> String {
        guard let violation else { return "verdict: ok (no invariant violated in \(steps) steps)" }
        return "verdict: VIOLATION of \(violation.invariant.rawValue) (\(violation.invariant.title)) at step "
            + "\(violation.step): \(violation.detail)"
    }

    /// The verdict of a trace in one line: its liveness failure when it records one, else as
    /// `verdict(_:steps:)`.
    public static func verdict(of trace: Trace) -> String {
        guard let liveness = trace.liveness else { return verdict(trace.violation, steps: trace.actions.count) }
        return verdict(liveness)
    }

    /// A liveness failure in one line: what was missing, and the budget the phase had.
    public static func verdict(_ liveness: LivenessVerdict) -> String {
        "verdict: LIVENESS failure at step \(liveness.step): \(liveness.detail) "
            + "(\(budget(liveness)))"
    }

    /// `liveness phase from step 812: 5000 of 5000 ticks`, the budget of a liveness failure.
    public static func budget(_ liveness: LivenessVerdict) -> String {
        "liveness phase from step \(liveness.phaseStartStep): \(liveness.ticks) of \(liveness.budgetTicks) ticks"
    }
}
