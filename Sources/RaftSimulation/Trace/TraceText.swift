/// The one-line verdict every command prints; step tables and diagrams live in TraceRendering.
public enum TraceText {
    /// The verdict in one line.
    public static func verdict(_ violation: Violation?, steps: Int) -> String {
        guard let violation else { return "verdict: ok (no invariant violated in \(steps) steps)" }
        return "verdict: VIOLATION of \(violation.invariant.rawValue) (\(violation.invariant.title)) at step "
            + "\(violation.step): \(violation.detail)"
    }
}
