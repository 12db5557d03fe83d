import RaftCore

extension CoverageClassifier {
    /// The outcome of a membership change handed to a leader: appended, or refused by which of the
    /// leader's guards (the thesis, section 4.1, and Ongaro's 2015 fix).
    ///
    /// The explorers propose only changes that apply to the leader's configuration, so a refusal
    /// is one of the two guards; a change in flight is named first, as the core checks both.
    static func changeOutcome(before: RaftNode, after: RaftNode) -> CoverageRow.Outcome {
        if after.log.lastIndex > before.log.lastIndex { return .configurationAppended }
        if before.configurationIndex > before.commitIndex { return .refusedChangeInFlight }
        return .refusedNoCommitOfTerm
    }
}
