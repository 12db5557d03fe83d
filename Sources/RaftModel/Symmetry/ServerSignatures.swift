import RaftCore
import RaftSimulation

/// One 64-bit word per server, on the stack: a cluster has at most `NodeSet.capacity` servers.
typealias ServerWords = InlineArray<16, UInt64>

/// A hash of each server's state that no renaming of the servers can change: what the canonical
/// representative sorts servers by before it looks at any renaming.
///
/// A signature mentions no other server's identity. Where the state points at another server (a
/// vote, the leader followed, a message's sender or receiver, a leader's progress entry), the
/// first round records only whether that is the server itself; the second round mixes in the
/// first-round signature of the server pointed at and of those pointing at it (one round of
/// colour refinement, as graph canonisation does). So two servers that a renaming swaps always
/// get equal signatures, and two servers with different signatures are never swapped by a
/// renaming that maps the world to itself: sorting by signature fixes their relative order, and
/// only servers whose signatures tie are left for the representative to try in every order.
///
/// A signature also covers all of its server's own state (term, log, commit point, role, disk,
/// state machine), so two servers with equal signatures differ at most in whom they point at.
enum ServerSignatures {
    /// The signature of every server of `world`; `messageHashes[p]` is
    /// `SymmetryHash.message(world.network[p].message)`.
    static func of(_ world: World, messageHashes: UnsafeMutableBufferPointer<UInt64>) -> ServerWords {
        let count = world.servers.count
        var local = ServerWords(repeating: 0)
        world.servers.withUnsafeBufferPointer { servers in
            for index in 0..<count {
                local[index] = World.Server.localSignature(
                    of: servers.baseAddress! + index, as: NodeID(index), in: world)
            }
        }
        world.network.withUnsafeBufferPointer { network in
            for position in network.indices {
                let message = SymmetryHash.message(network[position].message)
                messageHashes[position] = message
                // Messages by kind and content, sent and received: order-free sums.
                let selfAddressed: UInt64 = network[position].from == network[position].to ? 1 : 0
                local[network[position].from.index] &+= SymmetryHash.mix(message, 0x5E17 ^ selfAddressed)
                local[network[position].to.index] &+= SymmetryHash.mix(message, 0xEC31 ^ selfAddressed)
            }
        }
        if let clients = world.clients { ClientSymmetry.addLocal(clients, to: &local, count: count) }
        return refined(local, count: count, in: world, messageHashes: messageHashes)
    }

    /// One round of refinement: each server's signature mixed with the first-round signatures of
    /// the servers its state points at, and of those pointing at it, by kind of pointer.
    private static func refined(
        _ local: ServerWords, count: Int, in world: World, messageHashes: UnsafeMutableBufferPointer<UInt64>
    ) -> ServerWords {
        var links = ServerWords(repeating: 0)
        world.servers.withUnsafeBufferPointer { servers in
            for index in 0..<count {
                World.Server.addLinks(
                    of: servers.baseAddress! + index, from: index, local: local, count: count, to: &links)
            }
        }
        world.network.withUnsafeBufferPointer { network in
            for position in network.indices {
                link(
                    network[position].from.index, network[position].to.index,
                    SymmetryHash.mix(6, messageHashes[position]), local: local, links: &links)
            }
        }
        if let side = world.partition {
            // Each server with the servers on its side: a relation without direction, so both ends
            // get the same kind (index order must not decide which end is which).
            for a in 0..<count {
                for b in 0..<count where a != b && side.contains(NodeID(a)) == side.contains(NodeID(b)) {
                    links[a] &+= SymmetryHash.mix(local[b], 7)
                }
            }
        }
        var result = ServerWords(repeating: 0)
        for index in 0..<count { result[index] = SymmetryHash.mix(local[index], links[index]) }
        return result
    }

    /// Records that `from` points at `to` by a pointer of `kind`, on both ends.
    @inline(__always)
    static func link(_ from: Int, _ to: Int, _ kind: UInt64, local: ServerWords, links: inout ServerWords) {
        guard from != to else { return }
        links[from] &+= SymmetryHash.mix(local[to], kind)
        links[to] &+= SymmetryHash.mix(local[from], kind ^ 0xFF00_0000)
    }

    /// A pointer to a server, as a renaming sees it: 0 none, 1 the server itself, 2 another.
    @inline(__always)
    static func relative(_ pointer: NodeID?, to id: NodeID) -> UInt64 {
        guard let pointer else { return 0 }
        return pointer == id ? 1 : 2
    }

    /// A leader's progress entry for server `index`, in one word.
    @inline(__always)
    static func progressWord(_ progress: Progress, _ index: Int) -> UInt64 {
        let indices =
            UInt64(truncatingIfNeeded: progress.matchIndex[index]) << 32
            | UInt64(truncatingIfNeeded: progress.nextIndex[index]) & 0xFFFF_FFFF
        // CheckQuorum's record of who was heard from, and pipelining's flow control, are per
        // follower too, so they rename with it.
        var word = progress.recentlyActive.contains(NodeID(index)) ? SymmetryHash.mix(indices, 0xAC7) : indices
        if progress.isPipelined {
            word = SymmetryHash.mix(word, progress.flow[index] == .replicate ? 0xF10 : 0xF11)
            for lastIndex in progress.inflight[index] {
                word = SymmetryHash.mix(word, UInt64(truncatingIfNeeded: lastIndex))
            }
        }
        // ReadIndex's acknowledgements of the current round, per follower as well.
        if !progress.readsAreEmpty && progress.reads.acknowledged.contains(NodeID(index)) {
            word = SymmetryHash.mix(word, 0x4EAD)
        }
        return word
    }
}

extension World.Server {
    /// This server's own state, with every pointer to a server reduced to "none", "itself" or
    /// "another"; read in place, as the search fingerprint reads it (a copy would retain and
    /// release every array the server holds).
    @inline(__always)
    fileprivate static func localSignature(of server: UnsafePointer<World.Server>, as id: NodeID, in world: World)
        -> UInt64
    {
        var hash: UInt64 = 0x243F_6A88_85A3_08D3
        if let node = runningNode(of: server) {
            hash = RaftNode.mixSignature(of: node, into: hash, disk: server.pointer(to: \.disk)!)
        } else {
            hash = SymmetryHash.mix(hash, 0xDEAD)
            hash = SymmetryHash.mix(hash, SymmetryHash.disk(server.pointee.disk, of: id))
        }
        var machine = UInt64(truncatingIfNeeded: server.pointee.stateMachine.appliedCount)
        for key in 0..<KeyValueStore.keyCount {
            machine = SymmetryHash.mix(
                machine, server.pointee.stateMachine.values[key].map { 1 << 16 | UInt64($0) } ?? 0)
        }
        hash = SymmetryHash.mix(hash, machine)
        if let side = world.partition {
            // The size of its side: which side holds s1 is a matter of names.
            let onSide = side.contains(id)
            hash = SymmetryHash.mix(hash, UInt64(onSide ? side.count : world.servers.count - side.count) | 1 << 8)
        }
        // Its membership situation: only servers in the same one may trade places.
        if world.hasMembership { hash = SymmetryHash.mix(hash, server.pointee.membershipWord(as: id, in: world)) }
        // The terms it led, in order.
        let leadersByTerm = world.ghost.leadersByTerm
        for term in leadersByTerm.indices where leadersByTerm[term].contains(id) {
            hash = SymmetryHash.mix(hash, UInt64(term) | 1 << 40)
        }
        return hash
    }

    /// Adds the pointers this server's state holds (`index` being its own) to `links`.
    @inline(__always)
    fileprivate static func addLinks(
        of server: UnsafePointer<World.Server>, from index: Int, local: ServerWords, count: Int,
        to links: inout ServerWords
    ) {
        if let node = runningNode(of: server) {
            if let vote = node.pointee.votedFor {
                ServerSignatures.link(index, vote.index, 1, local: local, links: &links)
            }
            switch node.pointee.role {
            case .follower(let leader):
                if let leader { ServerSignatures.link(index, leader.index, 2, local: local, links: &links) }
            case .candidate(let votes):
                var remaining = votes.bits
                while remaining != 0 {
                    ServerSignatures.link(index, remaining.trailingZeroBitCount, 3, local: local, links: &links)
                    remaining &= remaining - 1
                }
            case .preCandidate(let votes):
                var remaining = votes.bits
                while remaining != 0 {
                    ServerSignatures.link(index, remaining.trailingZeroBitCount, 6, local: local, links: &links)
                    remaining &= remaining - 1
                }
            case .leader(let progress):
                for other in 0..<count {
                    let kind = SymmetryHash.mix(4, ServerSignatures.progressWord(progress, other))
                    ServerSignatures.link(index, other, kind, local: local, links: &links)
                }
            }
        }
        if let vote = server.pointee.disk.votedFor {
            ServerSignatures.link(index, vote.index, 5, local: local, links: &links)
        }
    }
}

extension RaftNode {
    /// Mixes the running server at `node`'s own state and its `disk` into `hash`, pointers made
    /// relative; both read in place (handed over as values, they were copied whole).
    @inline(__always)
    fileprivate static func mixSignature(
        of node: UnsafePointer<RaftNode>, into start: UInt64, disk: UnsafePointer<DurableState>
    ) -> UInt64 {
        let id = node.pointee.id
        var hash = SymmetryHash.mix(start, UInt64(truncatingIfNeeded: node.pointee.currentTerm))
        hash = SymmetryHash.mix(hash, ServerSignatures.relative(node.pointee.votedFor, to: id))
        hash = SymmetryHash.mix(
            hash,
            UInt64(truncatingIfNeeded: node.pointee.commitIndex) << 32
                | UInt64(truncatingIfNeeded: node.pointee.lastApplied))
        hash = SymmetryHash.mix(hash, SymmetryHash.log(node.pointee.log))
        if node.pointee.snapshot != nil { hash = SymmetryHash.mix(hash, SymmetryHash.snapshot(node.pointee.snapshot)) }
        // Only RB-18's mutant records truncations: every other signature stays what it was.
        if !node.pointee.truncatedIsEmpty {
            hash = SymmetryHash.mix(hash, SymmetryHash.truncated(node.pointee.truncated))
        }
        switch node.pointee.role {
        case .follower(let leader):
            hash = SymmetryHash.mix(hash, 0x10 | ServerSignatures.relative(leader, to: id))
        case .candidate(let votes):
            hash = SymmetryHash.mix(hash, 0x20 | UInt64(votes.count) << 8 | (votes.contains(id) ? 1 : 0))
        case .preCandidate(let votes):
            hash = SymmetryHash.mix(hash, 0x40 | UInt64(votes.count) << 8 | (votes.contains(id) ? 1 : 0))
        case .leader(let progress):
            // Its own entry apart, the others as an order-free sum.
            var others: UInt64 = 0
            for other in progress.matchIndex.indices where other != id.index {
                others &+= SymmetryHash.mix(ServerSignatures.progressWord(progress, other), 0x9E0)
            }
            hash = SymmetryHash.mix(hash, 0x30)
            hash = SymmetryHash.mix(hash, ServerSignatures.progressWord(progress, id.index))
            hash = SymmetryHash.mix(hash, others)
            // The waiting reads name no server: they are the leader's own.
            if !progress.readsAreEmpty { hash = SymmetryHash.mix(hash, SymmetryHash.reads(progress.reads)) }
        }
        let diskIsNodeState =
            disk.pointee.currentTerm == node.pointee.currentTerm && disk.pointee.votedFor == node.pointee.votedFor
            && disk.pointee.log == node.pointee.log && disk.pointee.snapshot == node.pointee.snapshot
            && disk.pointee.truncatedIsEmpty == node.pointee.truncatedIsEmpty
            && (disk.pointee.truncatedIsEmpty || disk.pointee.truncated == node.pointee.truncated)
        return SymmetryHash.mix(hash, diskIsNodeState ? 1 : SymmetryHash.disk(disk.pointee, of: id))
    }
}

/// The hashing the symmetry code shares: a 64-bit mixer and identity-free hashes of entries.
///
/// Covers logs, disks and messages. Stable across processes (no `Hasher`), as everything that
/// reaches a fingerprint must be.
enum SymmetryHash {
    /// Mixes `word` into `state` through SplitMix64's finaliser.
    ///
    /// A full-avalanche mixer: signatures and keys add mixed values up as order-free multiset
    /// hashes, and a single folded multiply, whose output depends only on `state ^ word`, made
    /// distinct worlds collide often enough to merge classes that no renaming relates.
    @inline(__always)
    static func mix(_ state: UInt64, _ word: UInt64) -> UInt64 {
        var z = (state ^ 0x9E37_79B9_7F4A_7C15) &* 0xBF58_476D_1CE4_E5B9 &+ word
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    @inline(__always)
    static func entry(_ entry: Entry) -> UInt64 {
        // A configuration by its sizes only: which servers it names is a matter of names, which
        // the key hashes under the new names (`RenamedWorldKeys.mixConfigurations`).
        if case .configuration(let configuration) = entry.payload {
            return UInt64(truncatingIfNeeded: entry.term) << 32 | 1 << 25 | UInt64(configuration.learners.count) << 8
                | UInt64(configuration.voters.count)
        }
        return UInt64(truncatingIfNeeded: entry.term) << 32 | entry.packedPayload
    }

    @inline(__always)
    static func log(_ log: Log) -> UInt64 {
        var hash = UInt64(log.lastIndex)
        for entry in log.entries { hash = mix(hash, Self.entry(entry)) }
        // Only after compaction, so that an uncompacted log hashes as it always did.
        if log.baseIndex > 0 {
            hash = mix(hash, UInt64(truncatingIfNeeded: log.baseIndex) << 32 | UInt64(truncatingIfNeeded: log.baseTerm))
        }
        return hash
    }

    /// A snapshot's index, term and state words; names no server.
    @inline(never)
    static func snapshot(_ snapshot: Snapshot?) -> UInt64 {
        guard let snapshot else { return 0 }
        var hash = mix(
            0x5A,
            UInt64(truncatingIfNeeded: snapshot.lastIncludedIndex) << 32
                | UInt64(truncatingIfNeeded: snapshot.lastIncludedTerm) & 0xFFFF_FFFF)
        for word in snapshot.state.words { hash = mix(hash, word) }
        return hash
    }

    /// A disk's term, vote (relative to `id`, its owner) and log.
    static func disk(_ disk: DurableState, of id: NodeID) -> UInt64 {
        let hash = mix(UInt64(truncatingIfNeeded: disk.currentTerm), ServerSignatures.relative(disk.votedFor, to: id))
        let withLog = mix(hash, log(disk.log))
        let withSnapshot = disk.snapshot == nil ? withLog : mix(withLog, snapshot(disk.snapshot))
        return disk.truncated.isEmpty ? withSnapshot : mix(withSnapshot, truncated(disk.truncated))
    }

    /// The truncations RB-18's mutant remembers, in order; names no server.
    @inline(never)
    static func truncated(_ truncated: [TruncatedEntries]) -> UInt64 {
        var hash = mix(0x7E, UInt64(truncated.count))
        for record in truncated {
            hash = mix(hash, UInt64(truncatingIfNeeded: record.firstIndex) << 32 | UInt64(record.entries.count))
            for entry in record.entries { hash = mix(hash, Self.entry(entry)) }
        }
        return hash
    }

    /// A message's kind and content; its sender and receiver are the envelope's, not hashed here.
    @inline(__always)
    static func message(_ message: Message) -> UInt64 {
        switch message {
        case .requestVote(let request):
            return mix(
                mix(1, UInt64(truncatingIfNeeded: request.term)),
                UInt64(truncatingIfNeeded: request.lastLogIndex) << 32
                    | UInt64(truncatingIfNeeded: request.lastLogTerm) & 0xFFFF_FFFF)
        case .requestVoteResponse(let response):
            return mix(2, UInt64(truncatingIfNeeded: response.term) << 1 | (response.voteGranted ? 1 : 0))
        case .preVote(let request):
            return mix(
                mix(5, UInt64(truncatingIfNeeded: request.term)),
                UInt64(truncatingIfNeeded: request.lastLogIndex) << 32
                    | UInt64(truncatingIfNeeded: request.lastLogTerm) & 0xFFFF_FFFF)
        case .preVoteResponse(let response):
            return mix(6, UInt64(truncatingIfNeeded: response.term) << 1 | (response.voteGranted ? 1 : 0))
        case .appendEntries(let request):
            var hash = mix(3, UInt64(truncatingIfNeeded: request.term))
            hash = mix(
                hash,
                UInt64(truncatingIfNeeded: request.prevLogIndex) << 32
                    | UInt64(truncatingIfNeeded: request.prevLogTerm) & 0xFFFF_FFFF)
            hash = mix(hash, UInt64(truncatingIfNeeded: request.leaderCommit) << 8 | UInt64(request.entries.count))
            for entry in request.entries { hash = mix(hash, Self.entry(entry)) }
            // ReadIndex's round, only when there is one.
            if request.readRound > 0 { hash = mix(hash, 0x4EAD << 32 | UInt64(request.readRound)) }
            return hash
        case .appendEntriesResponse(let response):
            var hash = mix(
                mix(4, UInt64(truncatingIfNeeded: response.term) << 1 | (response.success ? 1 : 0)),
                UInt64(truncatingIfNeeded: response.matchIndex))
            if response.readRound > 0 { hash = mix(hash, 0x4EAD << 32 | UInt64(response.readRound)) }
            // The fast-backtracking hint, 0 when the reply carries none.
            return mix(
                hash,
                UInt64(truncatingIfNeeded: response.conflictTerm) << 32
                    | UInt64(truncatingIfNeeded: response.conflictIndex) & 0xFFFF_FFFF)
        case .installSnapshot(let request):
            return mix(mix(7, UInt64(truncatingIfNeeded: request.term)), snapshot(request.snapshot))
        }
    }
}
