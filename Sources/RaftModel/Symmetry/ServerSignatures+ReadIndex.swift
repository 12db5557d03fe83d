import RaftCore

extension SymmetryHash {
    /// A leader's ReadIndex state apart from its acknowledgements (which `progressWord` mixes per
    /// follower): its rounds and every waiting read, in order.
    static func reads(_ reads: ReadIndexState) -> UInt64 {
        var hash = mix(0x4EAD, UInt64(truncatingIfNeeded: reads.round) << 32 | UInt64(reads.confirmedRound))
        for read in reads.pending {
            hash = mix(hash, read.command.packed)
            hash = mix(hash, UInt64(truncatingIfNeeded: read.readIndex) << 32 | UInt64(read.round))
        }
        return hash
    }
}
