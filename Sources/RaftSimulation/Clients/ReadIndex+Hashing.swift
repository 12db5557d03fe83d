import RaftCore

extension ReadIndexState: StablyHashable {
    /// Every field, the reads in their order: a leader's digest with ReadIndex on.
    public func stableHash(into hasher: inout StableHasher) {
        hasher.combine(UInt64(round) << 32 | UInt64(confirmedRound))
        hasher.combine(UInt64(acknowledged.bits))
        hasher.combine(pending.count)
        for read in pending {
            hasher.combine(read.command.packed)
            hasher.combine(UInt64(read.readIndex) << 32 | UInt64(read.round))
        }
    }
}
