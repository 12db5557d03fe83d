import RaftCore
import RaftSimulation

extension World {
    /// The fingerprint the model checker tells states apart by: the same partition of worlds as
    /// `fingerprint`, at a fraction of the cost.
    ///
    /// The checker hashes every successor it generates, millions a second, so this is on its
    /// hottest path. It packs the world into few 64-bit words (a server's term, vote, role and
    /// commit point share two words; a disk that holds what its running server holds is one bit)
    /// and mixes each word with a single folded multiply. It is stable across processes and
    /// machines, as the checker requires, but no file records it, so unlike `fingerprint`
    /// (folded into the digests that saved traces carry) it may change between versions.
    /// A test holds the two to the same partition of worlds.
    ///
    /// It lives with the checker's adapter rather than with the world: only the search needs a
    /// fingerprint this fast, and only the search may change it freely.
    var searchFingerprint: UInt64 {
        var hasher = FoldedMultiplyHasher()
        // Through pointers: an array's subscript would hand each server over as a copy.
        servers.withUnsafeBufferPointer { servers in
            guard let first = servers.baseAddress else { return }
            for index in servers.indices { World.Server.combine(first + index, into: &hasher) }
        }
        hasher.combine(UInt64(network.count))
        for envelope in network { hasher.combine(envelope) }
        hasher.combine(
            UInt64(partition.map { Int($0.bits) + 1 } ?? 0) | packed20(spent.clientRequests) << 20
                | packed20(spent.crashes) << 40)
        hasher.combine(packed20(spent.drops) | packed20(spent.duplicates) << 20 | packed20(spent.partitions) << 40)
        if spent.spentOptionalBounds {
            hasher.combine(packed20(spent.elections) | packed20(spent.heartbeats) << 20)
        }
        // Only when membership changes happened: a fixed cluster mixes exactly what it did.
        if spent.configChanges > 0 { hasher.combine(1 << 63 | packed20(spent.configChanges)) }
        // Only once a snapshot was taken, so that a world without them mixes what it always did.
        if spent.snapshots > 0 { hasher.combine(1 << 62 | UInt64(truncatingIfNeeded: spent.snapshots)) }
        let leaders = ghost.leadersByTerm
        hasher.combine(
            UInt64(leaders.count) | UInt64(ghost.committed.count) << 20 | UInt64(ghost.acknowledged.count) << 40)
        var position = 0
        while position < leaders.count {
            var word: UInt64 = 0
            for offset in 0..<min(4, leaders.count - position) {
                word |= UInt64(leaders[position + offset].bits) << (16 * UInt64(offset))
            }
            hasher.combine(word)
            position += 4
        }
        for record in ghost.committed {
            hasher.combine(packed(record.entry))
            hasher.combine(packed32(record.commitTerm))
        }
        // The clients, their messages, state machines and history, only when on: their stable
        // hash, which covers every field, is one word here.
        if let clients {
            var clientHasher = StableHasher()
            clients.stableHash(into: &clientHasher)
            hasher.combine(clientHasher.finalize())
        }
        return hasher.finalize()
    }
}

extension World.Server {
    /// Mixes the server at `server` into `hasher`, read where it lies.
    ///
    /// Through pointers, never as a value: a server or node handed over as a value may be copied
    /// (a retain and a release of each of its arrays), which cost more than all the mixing.
    fileprivate static func combine(_ server: UnsafePointer<World.Server>, into hasher: inout FoldedMultiplyHasher) {
        if let node = runningNode(of: server) {
            RaftNode.combine(node, diskOf: server, into: &hasher)
        } else {
            hasher.combine(disk: server)
        }
        var values = UInt64(server.pointee.stateMachine.appliedCount)
        for key in 0..<KeyValueStore.keyCount {
            // 17 bits a key (nil, or 1 then the value) above the 64 - 17 * keyCount bits of the count.
            let code = server.pointee.stateMachine.values[key].map { 1 << 16 | UInt64($0) } ?? 0
            values |= code << (63 - 17 * UInt64(key + 1))
        }
        hasher.combine(values)
    }
}

extension RaftNode {
    /// Mixes the running server at `node` and the disk of `server` into `hasher`; the disk is one
    /// bit when it holds the server's term, vote and log, as it does unless a mutant makes them
    /// differ.
    ///
    /// The disk is read where it lies too: handed over as a value it would be copied, a retain
    /// and a release of each of its arrays.
    @inline(__always)
    fileprivate static func combine(
        _ node: UnsafePointer<RaftNode>, diskOf server: UnsafePointer<World.Server>,
        into hasher: inout FoldedMultiplyHasher
    ) {
        let diskIsNodeState =
            server.pointee.disk.currentTerm == node.pointee.currentTerm
            && server.pointee.disk.votedFor == node.pointee.votedFor && server.pointee.disk.log == node.pointee.log
            && server.pointee.disk.snapshot == node.pointee.snapshot
            && (server.pointee.disk.truncatedIsEmpty && node.pointee.truncatedIsEmpty
                || server.pointee.disk.truncated == node.pointee.truncated)
        var roleWord: UInt64
        switch node.pointee.role {
        case .follower(let leader): roleWord = 1 | UInt64(leader.map { $0.index + 1 } ?? 0) << 2
        case .candidate(let votes): roleWord = 2 | UInt64(votes.bits) << 2
        // The leader's progress, CheckQuorum's record included, is mixed below: binding it here
        // too would copy it (a retain and release of each of its arrays) on every state.
        case .leader: roleWord = 3
        case .preCandidate(let votes): roleWord = 0 | UInt64(votes.bits) << 2
        }
        hasher.combine(
            1 << 63 | (diskIsNodeState ? 1 << 62 : 0) | roleWord << 40 | packedVote(node.pointee.votedFor) << 32
                | packed32(node.pointee.currentTerm))
        hasher.combine(packed32(node.pointee.lastApplied) << 32 | packed32(node.pointee.commitIndex))
        hasher.combine(node.pointee.log)
        // Only after compaction, so that a world without snapshots mixes what it always did.
        if node.pointee.snapshot != nil { combineSnapshot(of: node.pointee, into: &hasher) }
        // Only RB-18's mutant records truncations: the correct Raft mixes what it always did.
        if !node.pointee.truncatedIsEmpty { hasher.combine(node.pointee.truncated) }
        if node.pointee.isLeader, case .leader(let progress) = node.pointee.role {
            for (next, match) in zip(progress.nextIndex, progress.matchIndex) {
                hasher.combine(packed32(match) << 32 | packed32(next))
            }
            // Only CheckQuorum fills it: mixed only when set, so Figure 2's leaders mix what they did.
            if !progress.recentlyActive.isEmpty { hasher.combine(1 << 32 | UInt64(progress.recentlyActive.bits)) }
            // Only a pipelining leader has flow control; Figure 2's mixes exactly what it did.
            if progress.isPipelined { combineFlowControl(of: progress, into: &hasher) }
            // Only ReadIndex fills it; every other leader mixes what it did.
            if !progress.readsAreEmpty { combineReads(progress.reads, into: &hasher) }
        }
        if !diskIsNodeState { hasher.combine(disk: server) }
    }
}

extension RaftNode {
    /// Mixes a pipelining leader's flow control into `hasher`.
    ///
    /// Kept out of line so that `combine(_:disk:into:)`, which every state's every server goes
    /// through, stays small enough to be inlined into the fingerprint loop.
    @inline(never)
    fileprivate static func combineSnapshot(of node: RaftNode, into hasher: inout FoldedMultiplyHasher) {
        hasher.combine(node.snapshot)
    }

    /// Mixes a pipelining leader's flow control into `hasher`.
    ///
    /// Out of line for the same reason as `combineSnapshot(of:into:)`.
    @inline(never)
    fileprivate static func combineFlowControl(of progress: Progress, into hasher: inout FoldedMultiplyHasher) {
        for (flow, inflight) in zip(progress.flow, progress.inflight) {
            hasher.combine(UInt64(inflight.count) << 1 | (flow == .replicate ? 1 : 0))
            for lastIndex in inflight { hasher.combine(packed32(lastIndex)) }
        }
    }

    /// Mixes a leader's ReadIndex state into `hasher`: rounds, acknowledgements and every
    /// waiting read, counted so that queues of different lengths never mix alike.
    ///
    /// Out of line for the same reason as `combineSnapshot(of:into:)`.
    @inline(never)
    fileprivate static func combineReads(_ reads: ReadIndexState, into hasher: inout FoldedMultiplyHasher) {
        hasher.combine(1 << 62 | packed32(reads.round) << 16 | UInt64(reads.acknowledged.bits))
        hasher.combine(packed32(reads.confirmedRound) << 32 | packed32(reads.pending.count))
        for read in reads.pending {
            hasher.combine(read.command.packed << 32 | packed32(read.readIndex))
            hasher.combine(packed32(read.round))
        }
    }
}

/// A term, index or count in 32 bits: no explored world comes near 2^32 of any of them.
@inline(__always)
private func packed32(_ value: Int) -> UInt64 { UInt64(truncatingIfNeeded: value) & 0xFFFF_FFFF }

/// A fault-budget count in 20 bits, far beyond any bound a search can spend.
@inline(__always)
private func packed20(_ value: Int) -> UInt64 { UInt64(truncatingIfNeeded: value) & 0xF_FFFF }

/// A vote in 8 bits: 0 for none, else the server's index plus one.
@inline(__always)
private func packedVote(_ vote: NodeID?) -> UInt64 { UInt64(vote.map { $0.index + 1 } ?? 0) }

/// An entry in one word: term, then its payload.
@inline(__always)
private func packed(_ entry: Entry) -> UInt64 {
    packed32(entry.term) << 32 | entry.packedPayload
}

/// Mixes 64-bit words one at a time, each with one full-width multiply folded to 64 bits (as
/// aHash and foldhash do): about five instructions a word.
private struct FoldedMultiplyHasher {
    private var state: UInt64 = 0x243F_6A88_85A3_08D3

    @inline(__always)
    mutating func combine(_ word: UInt64) {
        let product = (state ^ word).multipliedFullWidth(by: 0x5851_F42D_4C95_7F2D)
        state = (product.high ^ product.low) &+ 0x9E37_79B9_7F4A_7C15
    }

    @inline(__always)
    mutating func combine(_ log: Log) {
        combine(UInt64(log.lastIndex))
        for entry in log.entries { combine(packed(entry)) }
        // The base index is the last index less the entries; its term is mixed only when there
        // is a base, so that an uncompacted log mixes what it always did.
        if log.baseIndex > 0 { combine(1 << 63 | packed32(log.baseTerm) << 32 | packed32(log.baseIndex)) }
    }

    /// The disk of the server at `server`, read where it lies.
    @inline(__always)
    mutating func combine(disk server: UnsafePointer<World.Server>) {
        combine(packedVote(server.pointee.disk.votedFor) << 32 | packed32(server.pointee.disk.currentTerm))
        combine(server.pointee.disk.log)
        if server.pointee.disk.snapshot != nil { combine(server.pointee.disk.snapshot) }
        if !server.pointee.disk.truncatedIsEmpty { combine(server.pointee.disk.truncated) }
    }

    /// The truncations RB-18's mutant remembers: each one's first index and entries, counted so
    /// that records of different lengths never mix alike.
    @inline(never)
    mutating func combine(_ truncated: [TruncatedEntries]) {
        combine(1 << 62 | UInt64(truncated.count))
        for record in truncated {
            combine(packed32(record.firstIndex) << 32 | UInt64(record.entries.count))
            for entry in record.entries { combine(packed(entry)) }
        }
    }

    /// A snapshot's index, term and state; the state words are counted so that states of
    /// different lengths never mix alike.
    @inline(never)
    mutating func combine(_ snapshot: Snapshot?) {
        guard let snapshot else { return }
        combine(packed32(snapshot.lastIncludedTerm) << 32 | packed32(snapshot.lastIncludedIndex))
        combine(UInt64(snapshot.state.words.count))
        for word in snapshot.state.words { combine(word) }
    }

    @inline(__always)
    mutating func combine(_ envelope: Envelope) {
        // Bits 0-7 the route, 8-9 the kind, 10 the reply's flag, 11 pre-vote, 32-63 the term.
        let route = UInt64(envelope.from.index) << 4 | UInt64(envelope.to.index)
        switch envelope.message {
        case .requestVote(let request):
            combine(packed32(request.term) << 32 | 0 << 8 | route)
            combine(packed32(request.lastLogTerm) << 32 | packed32(request.lastLogIndex))
        case .requestVoteResponse(let response):
            combine(packed32(response.term) << 32 | (response.voteGranted ? 1 << 10 : 0) | 1 << 8 | route)
        case .preVote(let request):
            // Bit 11 tells a pre-vote from a vote of the same kind.
            combine(packed32(request.term) << 32 | 1 << 11 | 0 << 8 | route)
            combine(packed32(request.lastLogTerm) << 32 | packed32(request.lastLogIndex))
        case .preVoteResponse(let response):
            combine(packed32(response.term) << 32 | 1 << 11 | (response.voteGranted ? 1 << 10 : 0) | 1 << 8 | route)
        case .appendEntries(let request):
            combine(packed32(request.term) << 32 | 2 << 8 | route)
            combine(packed32(request.prevLogTerm) << 32 | packed32(request.prevLogIndex))
            combine(packed32(request.entries.count) << 32 | packed32(request.leaderCommit))
            for entry in request.entries { combine(packed(entry)) }
            // Only with ReadIndex, so that every other AppendEntries mixes what it did.
            if request.readRound > 0 { combine(1 << 61 | packed32(request.readRound)) }
        case .appendEntriesResponse(let response):
            combine(packed32(response.term) << 32 | (response.success ? 1 << 10 : 0) | 3 << 8 | route)
            // The hint shares the word with matchIndex (0 on every rejection), so a reply without
            // one mixes exactly the word it always did.
            combine(packed32(response.conflictIndex) << 32 | packed32(response.matchIndex))
            if response.hasHint { combine(packed32(response.conflictTerm)) }
            if response.readRound > 0 { combine(1 << 61 | packed32(response.readRound)) }
        case .installSnapshot(let request):
            // Kind 2 with bit 10, which no AppendEntries sets.
            combine(packed32(request.term) << 32 | 1 << 10 | 2 << 8 | route)
            combine(request.snapshot)
        }
    }

    /// The result: one more multiply so that the last word also reaches every output bit.
    @inline(__always)
    func finalize() -> UInt64 {
        let product = (state ^ 0x1319_8A2E_0370_7344).multipliedFullWidth(by: 0xD6E8_FEB8_6659_FD93)
        return product.high ^ product.low
    }
}

// MARK: - The fields the search fingerprint accounts for

/// The stored properties `searchFingerprint` accounts for, type by type: each is mixed in, or left
/// out for the reason given.
///
/// A test holds each list to the type's actual stored properties, so that a new field of server
/// state fails it until the fingerprint handles it (a field left out by mistake would merge
/// distinct states and silently shrink the search).
enum SearchFingerprintFields {
    /// `initialConfiguration` is the same for a whole search.
    static let world = ["servers", "network", "partition", "spent", "ghost", "initialConfiguration", "clients"]
    static let server = ["node", "disk", "stateMachine"]
    /// `id` is implied by the server's position, `serverCount`, `initialConfiguration`, `mutant`
    /// and `options` are the same for a whole search, `configuration` and `configurationIndex`
    /// follow from the log and the initial configuration, `roleKind` from `role`, and
    /// `durableStateChanged` lives only within one step.
    static let node = [
        "id", "serverCount", "initialConfiguration", "mutant", "options", "currentTerm", "votedFor", "log",
        "snapshot", "commitIndex", "lastApplied", "role", "configuration", "configurationIndex", "durableStateChanged",
        "truncatedUnlessEmpty", "roleKind",
    ]
    static let disk = ["currentTerm", "votedFor", "log", "snapshot", "truncatedUnlessEmpty"]
    static let progress = ["nextIndex", "matchIndex", "recentlyActive", "flow", "inflight", "readsUnlessEmpty"]
    /// ReadIndex's state, mixed whole by `combineReads` (`PendingRead`'s fields below).
    static let reads = ["round", "confirmedRound", "acknowledged", "pending"]
    static let pendingRead = ["command", "readIndex", "round"]
    static let budget = [
        "clientRequests", "crashes", "drops", "duplicates", "partitions", "elections", "heartbeats", "configChanges",
        "snapshots",
    ]
    /// Mixed whole through `Entry.packedPayload`.
    static let configuration = ["voters", "learners"]
    static let stateMachine = ["values", "appliedCount"]
    /// Acknowledgements count by number only, as in `fingerprint`: no checked property reads them.
    static let ghost = ["leadersByTerm", "committed", "acknowledged"]
    /// `server`, who first committed the entry, is left out, as in `fingerprint`: no checked
    /// property reads it.
    static let committedRecord = ["entry", "commitTerm", "server"]
    /// Counted, not mixed; see `ghost`.
    static let acknowledgement = ["command", "index"]
    static let envelope = ["from", "to", "message"]
    static let messagePayloads: [(payload: String, fields: [String])] = [
        ("requestVote", ["term", "lastLogIndex", "lastLogTerm"]),
        ("requestVoteResponse", ["term", "voteGranted"]),
        ("preVote", ["term", "lastLogIndex", "lastLogTerm"]),
        ("preVoteResponse", ["term", "voteGranted"]),
        ("appendEntries", ["term", "prevLogIndex", "prevLogTerm", "entries", "leaderCommit", "readRound"]),
        ("appendEntriesResponse", ["term", "success", "matchIndex", "conflictTerm", "conflictIndex", "readRound"]),
        ("installSnapshot", ["term", "snapshot"]),
    ]
    /// Every role with the labels of its payload (the leader's is one unlabelled `Progress`).
    static let rolePayloads: [(role: String, labels: [String])] = [
        ("follower", ["leader"]), ("preCandidate", ["votesGranted"]), ("candidate", ["votesGranted"]), ("leader", []),
    ]
}
