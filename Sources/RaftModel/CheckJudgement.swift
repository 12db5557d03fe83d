import ModelChecking
import RaftCore
import RaftSimulation

/// A check's report judged against what its spec expects: whether the run met the expectation,
/// and if not, how it fell short.
///
/// One judge for `raftlab check`, CI and library users, so that "expected pass: met" means the
/// same wherever it is printed. A run stopped by a limit before its bounds were exhausted is
/// never a quiet pass: it is incomplete unless its spec says it accepts that.
public struct CheckJudgement: Equatable, Sendable {
    public enum Outcome: Equatable, Sendable {
        /// The verdict is the one expected (on the part explored, for an accepted incomplete run).
        case met
        /// An invariant failed that was not expected: under the correct Raft, a property other
        /// than the one expected, or any violation when the caller fails on every violation.
        case violated
        /// A violation was expected and the search found none.
        case violationNotFound
        /// A limit stopped the search before its bounds were exhausted: no verdict either way.
        case incomplete
        /// No invariant failed in the whole bounded space, but the search never reached a
        /// situation the spec expects (`unreached`): the pass says nothing about it.
        case vacuous
    }

    /// What the spec expects under the mutant that ran.
    public var expected: CheckSpec.Expectation
    public var outcome: Outcome
    /// Whether the run was cut short by a limit and judged anyway, because its spec accepts that.
    public var acceptedIncomplete: Bool
    /// The property violated, when the search found a violation.
    public var violated: InvariantID?
    /// The situations the spec expects that the search did not reach (when it was judged on
    /// them: a run that passed, or was cut short).
    public var unreached: [RaftSituation] = []

    /// One line for the summary: the expectation, whether it was met, and on what.
    public var summary: String {
        let expectation = "expected \(CheckSpec.describe(expected))"
        switch outcome {
        case .met where acceptedIncomplete:
            return "\(expectation): met on the part explored (incomplete run accepted by the spec)"
        case .met: return "\(expectation): met"
        case .violated:
            if case .violation(let wanted) = expected, wanted == nil || wanted == violated {
                return "\(expectation): met, but every violation fails this run"
            }
            return "\(expectation): NOT MET (\(violated?.rawValue ?? "a property") violated)"
        case .violationNotFound where acceptedIncomplete:
            return "\(expectation): NOT MET on the part explored (incomplete run accepted by the spec)"
        case .violationNotFound: return "\(expectation): NOT MET (no violation in the whole bounded space)"
        case .incomplete where !unreached.isEmpty:
            return "\(expectation): UNDECIDED (the run is incomplete, and did not reach \(unreachedList))"
        case .incomplete: return "\(expectation): UNDECIDED (the run is incomplete)"
        case .vacuous:
            return "\(expectation): VACUOUS (no violation, but the whole bounded space never reached \(unreachedList))"
        }
    }

    private var unreachedList: String { unreached.map(\.rawValue).joined(separator: ", ") }
}

extension CheckSpec {
    /// What this spec expects when the checker runs `mutant` (nil: the correct Raft).
    ///
    /// A mutant's own spec says which property it breaks; another spec run under a mutant
    /// expects some violation; the correct Raft expects what the spec says, or a pass when the
    /// spec was written for a mutant.
    public func expectation(under mutant: Mutant?) -> Expectation {
        if let mutant { return mutant == self.mutant ? expected : .violation(nil) }
        return self.mutant == nil ? expected : .pass
    }

    /// Judges `report`, a check of this spec under `mutant`, against the spec's expectation.
    ///
    /// With `failOnAnyViolation`, any violation is `.violated`, the expected one included (what
    /// a TLC user expects of a model checker's exit status).
    public func judge(
        _ report: CheckReport<RaftModel>, mutant: Mutant?, failOnAnyViolation: Bool = false
    ) -> CheckJudgement {
        let expected = expectation(under: mutant)
        var judgement = CheckJudgement(expected: expected, outcome: .met, acceptedIncomplete: false, violated: nil)
        switch (report.verdict, expected) {
        case (.violated(let counterexample), .violation(let wanted)):
            let invariant = InvariantID(rawValue: counterexample.violation.property)
            judgement.violated = invariant
            let matches = wanted == nil || wanted == invariant
            judgement.outcome = matches && !failOnAnyViolation ? .met : .violated
        case (.violated(let counterexample), .pass):
            judgement.violated = InvariantID(rawValue: counterexample.violation.property)
            judgement.outcome = .violated
        case (.passed, .violation):
            judgement.outcome = .violationNotFound
        case (.passed, .pass):
            judgement.unreached = unreached(in: report)
            judgement.outcome = judgement.unreached.isEmpty ? .met : .vacuous
        case (.incomplete, _) where !acceptIncomplete:
            judgement.unreached = unreached(in: report)
            judgement.outcome = .incomplete
        case (.incomplete, .violation):
            judgement.acceptedIncomplete = true
            judgement.outcome = .violationNotFound
        case (.incomplete, .pass):
            // A situation the part explored missed may lie in the part not explored: undecided,
            // not vacuous.
            judgement.unreached = unreached(in: report)
            judgement.acceptedIncomplete = judgement.unreached.isEmpty
            judgement.outcome = judgement.unreached.isEmpty ? .met : .incomplete
        }
        return judgement
    }

    /// The situations in `reach` that `report` did not reach.
    private func unreached(in report: CheckReport<RaftModel>) -> [RaftSituation] {
        reach.filter { situation in
            !report.situations.contains { $0.name == situation.rawValue && $0.witness != nil }
        }
    }
}
