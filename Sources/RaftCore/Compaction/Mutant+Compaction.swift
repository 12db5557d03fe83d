extension Mutant {
    /// Whether the mutant's rule lives in log compaction (section 7), so that its code runs only
    /// in worlds that take snapshots: the fuzzer turns snapshots on for it, as it turns on the
    /// switches in `switchesNeeded`.
    public var needsSnapshots: Bool {
        switch self {
        case .snapshotBoundaryAppend, .installSnapshotDiscardsLog, .installSnapshotKeepsConflict: true
        default: false
        }
    }
}
