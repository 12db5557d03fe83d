/// How a fuzz run's liveness phase failed, as a trace records it: what was missing, where the
/// phase began, and how much of its budget it had used.
///
/// A liveness failure is a judgement over time, not a property of one world, so it is not a
/// `Violation`. What replay can judge again is the world the recorded steps reach and the probe
/// commands sent after `phaseStartStep`; the ticks are the fuzzer's virtual time, which a trace
/// does not record, so they are informational.
public struct LivenessVerdict: Hashable, Sendable {
    /// The steps taken when the liveness phase began: the phase's steps are the ones after it.
    public var phaseStartStep: Int
    /// The steps taken when the run ended: the length of the trace.
    public var step: Int
    /// The ticks the phase had to settle in (the fuzzer's `FaultProfile.livenessBudgetTicks`).
    public var budgetTicks: Int
    /// The ticks the phase ran before it ended.
    public var ticks: Int
    /// Whether the run ended at its step limit (a message storm) rather than at the end of its
    /// budget.
    public var stepLimitReached: Bool
    /// What was missing, in words, as the liveness judge says it.
    public var detail: String

    public init(
        phaseStartStep: Int, step: Int, budgetTicks: Int, ticks: Int, stepLimitReached: Bool, detail: String
    ) {
        self.phaseStartStep = phaseStartStep
        self.step = step
        self.budgetTicks = budgetTicks
        self.ticks = ticks
        self.stepLimitReached = stepLimitReached
        self.detail = detail
    }

    /// The verdict as a trace's `verdict` object.
    func encoded() -> JSONValue {
        .object([
            ("result", .string("liveness")), ("step", .integer(step)), ("phaseStartStep", .integer(phaseStartStep)),
            ("budgetTicks", .integer(budgetTicks)), ("ticks", .integer(ticks)),
            ("stepLimitReached", .bool(stepLimitReached)), ("detail", .string(detail)),
        ])
    }

    /// Reads the members of a `"result": "liveness"` verdict after its `result`.
    static func decode(_ reader: JSONObjectReader) throws(InputError) -> LivenessVerdict {
        var reader = reader
        let step = try reader.integer("step", in: 0...Int.max)
        let phaseStartStep = try reader.integer("phaseStartStep", in: 0...Int.max)
        guard phaseStartStep <= step else {
            throw InputError(
                path: "\(reader.path).phaseStartStep", message: "\(phaseStartStep) is after the last step (\(step))")
        }
        let verdict = LivenessVerdict(
            phaseStartStep: phaseStartStep, step: step, budgetTicks: try reader.integer("budgetTicks", in: 0...Int.max),
            ticks: try reader.integer("ticks", in: 0...Int.max), stepLimitReached: try reader.bool("stepLimitReached"),
            detail: try reader.printableString("detail", maxLength: 1_000))
        try reader.finish()
        return verdict
    }
}
