import RaftCore

/// A fixed 64-bit hash of the project's own, for fingerprints and digests.
///
/// Swift's `Hasher` is seeded per process, so `hashValue` differs between runs; a fingerprint
/// must be the same on every machine and in every process. Each 64-bit word is mixed with
/// multiply-rotate steps (after MurmurHash3's 64-bit mixer) and the result is finalised with the
/// SplitMix64 finaliser, so every input bit reaches every output bit.
public struct StableHasher: Sendable {
    private var state: UInt64
    private var length: UInt64 = 0

    public init(seed: UInt64 = 0x9E37_79B9_7F4A_7C15) { state = seed }

    @inline(__always)
    public mutating func combine(_ word: UInt64) {
        var k = word &* 0x87C3_7B91_1142_53D5
        k = (k << 31) | (k >> 33)
        k = k &* 0x4CF5_AD43_2745_937F
        state ^= k
        state = ((state << 27) | (state >> 37)) &* 5 &+ 0x52DC_E729
        length &+= 1
    }

    @inline(__always)
    public mutating func combine(_ value: Int) { combine(UInt64(bitPattern: Int64(value))) }

    @inline(__always)
    public mutating func combine(_ value: Bool) { combine(value ? 1 as UInt64 : 0) }

    public mutating func combine(_ text: String) {
        combine(text.utf8.count)
        var word: UInt64 = 0
        var shift: UInt64 = 0
        for byte in text.utf8 {
            word |= UInt64(byte) << shift
            shift += 8
            if shift == 64 {
                combine(word)
                word = 0
                shift = 0
            }
        }
        if shift > 0 { combine(word) }
    }

    /// The 64-bit result; the hasher can keep going afterwards.
    public func finalize() -> UInt64 {
        var z = state ^ length
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// A value with a stable 64-bit fingerprint: equal values give equal fingerprints in every
/// process, on every machine.
public protocol StablyHashable {
    func stableHash(into hasher: inout StableHasher)
}

extension StablyHashable {
    /// The stable fingerprint of this value alone.
    public var fingerprint: UInt64 {
        var hasher = StableHasher()
        stableHash(into: &hasher)
        return hasher.finalize()
    }
}

/// Formats a fingerprint or digest as 16 lowercase hex digits.
public func hex16(_ value: UInt64) -> String {
    let digits = String(value, radix: 16)
    return String(repeating: "0", count: 16 - digits.count) + digits
}

// MARK: - RaftCore values

extension NodeID: StablyHashable {
    public func stableHash(into hasher: inout StableHasher) { hasher.combine(index) }
}

extension Entry: StablyHashable {
    public func stableHash(into hasher: inout StableHasher) {
        hasher.combine(UInt64(term) << 32 | packedPayload)
    }
}

extension Entry {
    /// The payload in the low 32 bits of a word, distinct for distinct payloads: a command's key
    /// and value in bits 0 to 23, bit 24 for a no-op, bit 25 for a configuration with its voters
    /// in bits 0 to 7 and its learners in bits 8 to 15 (specs have at most 7 servers), bit 26 and
    /// the fields of `SessionCommand.packed` for a session command.
    ///
    /// Stable hashes, the search fingerprint and the symmetry signatures all read entries this
    /// way, so they agree on what makes entries different.
    @inline(__always)
    public var packedPayload: UInt64 {
        switch payload {
        case .command(let command): UInt64(command.key) << 16 | UInt64(command.value)
        case .noOp: 1 << 24
        case .configuration(let configuration):
            1 << 25 | UInt64(configuration.learners.bits & 0xFF) << 8 | UInt64(configuration.voters.bits & 0xFF)
        case .session(let command): command.packed
        }
    }
}

extension Log: StablyHashable {
    public func stableHash(into hasher: inout StableHasher) {
        hasher.combine(entries.count)
        for entry in entries { entry.stableHash(into: &hasher) }
        // Only after compaction, so that every digest of an uncompacted log stays put.
        if baseIndex > 0 {
            hasher.combine(baseIndex)
            hasher.combine(baseTerm)
        }
    }
}

extension Message: StablyHashable {
    public func stableHash(into hasher: inout StableHasher) {
        switch self {
        case .requestVote(let request):
            hasher.combine(1 as UInt64)
            hasher.combine(request.term)
            hasher.combine(request.lastLogIndex)
            hasher.combine(request.lastLogTerm)
        case .requestVoteResponse(let response):
            hasher.combine(2 as UInt64)
            hasher.combine(response.term)
            hasher.combine(response.voteGranted)
        case .preVote(let request):
            hasher.combine(5 as UInt64)
            hasher.combine(request.term)
            hasher.combine(request.lastLogIndex)
            hasher.combine(request.lastLogTerm)
        case .preVoteResponse(let response):
            hasher.combine(6 as UInt64)
            hasher.combine(response.term)
            hasher.combine(response.voteGranted)
        case .appendEntries(let request):
            hasher.combine(3 as UInt64)
            hasher.combine(request.term)
            hasher.combine(request.prevLogIndex)
            hasher.combine(request.prevLogTerm)
            hasher.combine(request.leaderCommit)
            hasher.combine(request.entries.count)
            for entry in request.entries { entry.stableHash(into: &hasher) }
            // Only with ReadIndex, so that every digest without it stays put.
            if request.readRound > 0 { hasher.combine(UInt64(request.readRound) | 1 << 40) }
        case .appendEntriesResponse(let response):
            hasher.combine(4 as UInt64)
            hasher.combine(response.term)
            hasher.combine(response.success)
            hasher.combine(response.matchIndex)
            // Only with fast backtracking, so that every digest of Figure 2's messages stays put.
            if response.hasHint {
                hasher.combine(response.conflictTerm)
                hasher.combine(response.conflictIndex)
            }
            if response.readRound > 0 { hasher.combine(UInt64(response.readRound) | 1 << 40) }
        case .installSnapshot(let request):
            hasher.combine(7 as UInt64)
            hasher.combine(request.term)
            request.snapshot.stableHash(into: &hasher)
        }
    }
}

extension Envelope: StablyHashable {
    public func stableHash(into hasher: inout StableHasher) {
        hasher.combine(UInt64(from.index) << 8 | UInt64(to.index))
        message.stableHash(into: &hasher)
    }
}

extension DurableState: StablyHashable {
    public func stableHash(into hasher: inout StableHasher) {
        hasher.combine(currentTerm)
        hasher.combine(votedFor.map { $0.index + 1 } ?? 0)
        log.stableHash(into: &hasher)
        snapshot?.stableHash(into: &hasher)
        // Only RB-18's mutant records truncations: every other digest stays put.
        if !truncatedIsEmpty { truncated.stableHash(into: &hasher) }
    }
}

extension [TruncatedEntries]: StablyHashable {
    public func stableHash(into hasher: inout StableHasher) {
        hasher.combine(count)
        for record in self {
            hasher.combine(record.firstIndex)
            hasher.combine(record.entries.count)
            for entry in record.entries { entry.stableHash(into: &hasher) }
        }
    }
}

extension Snapshot: StablyHashable {
    public func stableHash(into hasher: inout StableHasher) {
        hasher.combine(lastIncludedIndex)
        hasher.combine(lastIncludedTerm)
        hasher.combine(state.words.count)
        for word in state.words { hasher.combine(word) }
    }
}

extension RaftNode: StablyHashable {
    public func stableHash(into hasher: inout StableHasher) {
        hasher.combine(currentTerm)
        hasher.combine(votedFor.map { $0.index + 1 } ?? 0)
        log.stableHash(into: &hasher)
        snapshot?.stableHash(into: &hasher)
        if !truncatedIsEmpty { truncated.stableHash(into: &hasher) }
        hasher.combine(commitIndex)
        hasher.combine(lastApplied)
        switch role {
        case .follower(let leader):
            hasher.combine(1 as UInt64)
            hasher.combine(leader.map { $0.index + 1 } ?? 0)
        case .candidate(let votes):
            hasher.combine(2 as UInt64)
            hasher.combine(UInt64(votes.bits))
        case .leader(let progress):
            hasher.combine(3 as UInt64)
            for index in progress.nextIndex { hasher.combine(index) }
            for index in progress.matchIndex { hasher.combine(index) }
            // Only CheckQuorum fills it: left out while empty, every digest of a world without
            // CheckQuorum stays what it was.
            if !progress.recentlyActive.isEmpty { hasher.combine(UInt64(progress.recentlyActive.bits) + 1) }
            // Only ReadIndex fills it, as above.
            if !progress.readsAreEmpty { progress.reads.stableHash(into: &hasher) }
            // Only with pipelining, so that every digest of Figure 2's leaders stays put.
            for (flow, inflight) in zip(progress.flow, progress.inflight) {
                hasher.combine(flow == .replicate ? 1 : 0)
                hasher.combine(inflight.count)
                for lastIndex in inflight { hasher.combine(lastIndex) }
            }
        case .preCandidate(let votes):
            hasher.combine(4 as UInt64)
            hasher.combine(UInt64(votes.bits))
        }
    }
}
