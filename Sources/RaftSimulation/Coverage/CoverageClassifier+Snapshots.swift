import RaftCore

// MARK: - Log compaction's rows (section 7, Figure 13)

extension CoverageClassifier {
    /// InstallSnapshot: Figure 13's receiver rules in the order the core applies them.
    static func installed(
        _ request: InstallSnapshot, role: CoverageRow.Role, before: RaftNode, after: RaftNode
    ) -> CoverageRow? {
        nil
    }
}
