import RaftCore

// MARK: - Log compaction's rows (section 7, Figure 13)

extension CoverageClassifier {
    /// InstallSnapshot: Figure 13's receiver rules in the order the core applies them (term,
    /// then the commit index, then rule 6 or 7), read from the server before and after.
    static func installed(
        _ request: InstallSnapshot, role: CoverageRow.Role, before: RaftNode, after: RaftNode
    ) -> CoverageRow {
        let outcome: CoverageRow.Outcome
        let last = request.snapshot.lastIncludedIndex
        if request.term < before.currentTerm {
            outcome = .refusedStaleTerm
        } else if after.isLeader {
            outcome = .refusedIsLeader
        } else if after.snapshot == before.snapshot {
            outcome = .refusedSnapshotCommitted
        } else {
            // Rule 6 keeps what follows an entry matching the snapshot's last; rule 7 keeps nothing.
            let matched = before.log.matches(index: last, term: request.snapshot.lastIncludedTerm)
            outcome = matched ? .snapshotKeptSuffix : .snapshotReplacedLog
        }
        return CoverageRow(role: role, input: .installSnapshot, outcome: outcome)
    }
}
