import RaftCore
import RaftSimulation

/// Symmetry reduction for the Raft world: one renaming of the servers that every renaming of the
/// same world is mapped to, found by sorting servers rather than by trying every permutation.
///
/// Trying all n! renamings costs 6 renamed worlds a state at 3 servers, 120 at 5 and 5,040 at 7.
/// Instead the servers are sorted by `ServerSignatures`, which no renaming changes, so any two
/// renamings of a world sort into the same sequence of signatures; only servers whose signatures
/// tie can still be ordered in more than one way. Among the orders of tied servers, the one whose
/// renaming has the smallest `RenamedWorldKeys` key is chosen (the idea of stateright's
/// `representative` and of canonical labelling by partition refinement). Two rules keep the tries
/// few:
///
/// - a group of tied servers any two of which can be swapped without changing the world (say,
///   four followers with the same log, the same vote and no messages) is interchangeable: every
///   order of it gives the same world, so it stays in index order and is not enumerated;
/// - the other tied groups are enumerated, in sorted order, only while the number of orders
///   stays within `maxTiedOrders`; a group beyond that stays in index order.
///
/// The result is always a renaming of the world by a permutation, so the reduction is sound
/// whatever it picks: any member of a world's class stands for the class. It is canonical (every
/// renaming of a world gets the same representative) except where it only reduces less: when a
/// group beyond `maxTiedOrders` stays in index order, and when two worlds' 64-bit signatures or
/// keys collide.
enum CanonicalRepresentative {
    /// The most orders of tied servers tried for one world: every order of five tied servers,
    /// which no 5-server world exceeds.
    static let maxTiedOrders = 120

    /// The canonical renaming of `world`; `world` itself when that renaming is the identity.
    ///
    /// Builds the renamed world, which costs more than everything else here together: the checker
    /// asks for `fingerprint(of:)` instead, and this is for callers that need the world.
    static func representative(of world: World) -> World {
        let form = CanonicalForm(of: world)
        let count = world.servers.count
        if (0..<count).allSatisfy({ form.order[$0] == $0 }) { return world }
        var newIDs = [NodeID](repeating: NodeID(0), count: count)
        for position in 0..<count { newIDs[form.order[position]] = NodeID(position) }
        // A permutation drops no server, so renaming always succeeds.
        return world.renamed(by: ServerRenaming(permutation: newIDs))!
    }

    /// A fingerprint of `world`'s class, computed without building the representative: the
    /// same for every renaming of a world (where the representative is canonical), and different
    /// for worlds that no renaming relates (up to 64-bit collisions, as with any fingerprint).
    ///
    /// It hashes the representative's contents: the sorted signatures stand for each position's
    /// own state, the chosen order's key for the servers' references to one another under the new
    /// names, and the rest of the world (fault budget, committed history) names no server.
    static func fingerprint(of world: World) -> UInt64 {
        let form = CanonicalForm(of: world)
        var hash: UInt64 = 0x082E_FA98_EC4E_6C89
        for position in 0..<world.servers.count {
            hash = SymmetryHash.mix(hash, form.signatures[form.order[position]])
        }
        hash = SymmetryHash.mix(hash, form.key)
        hash = SymmetryHash.mix(hash, UInt64(world.network.count))
        let spent = world.spent
        hash = SymmetryHash.mix(
            hash, UInt64(spent.clientRequests) | UInt64(spent.crashes) << 20 | UInt64(spent.drops) << 40)
        hash = SymmetryHash.mix(
            hash, UInt64(spent.duplicates) | UInt64(spent.partitions) << 20 | UInt64(spent.snapshots) << 40)
        if spent.spentOptionalBounds {
            hash = SymmetryHash.mix(hash, UInt64(spent.elections) | UInt64(spent.heartbeats) << 20)
        }
        if spent.configChanges > 0 { hash = SymmetryHash.mix(hash, UInt64(spent.configChanges) | 1 << 60) }
        let ghost = world.ghost
        hash = SymmetryHash.mix(
            hash,
            UInt64(ghost.leadersByTerm.count) | UInt64(ghost.committed.count) << 20
                | UInt64(ghost.acknowledged.count) << 40)
        for record in ghost.committed {
            hash = SymmetryHash.mix(hash, SymmetryHash.entry(record.entry))
            hash = SymmetryHash.mix(hash, UInt64(truncatingIfNeeded: record.commitTerm))
        }
        if let clients = world.clients { hash = SymmetryHash.mix(hash, ClientSymmetry.identityFreeHash(clients)) }
        return hash
    }
}

/// Up to 16 server indices, on the stack: an order of the servers.
typealias ServerOrder = InlineArray<16, Int>

/// The chosen order of a world's servers, with what the fingerprint needs of it.
private struct CanonicalForm {
    /// `order[k]`: the server that the representative names `k`.
    var order = ServerOrder(repeating: 0)
    /// Every server's signature, by its current index.
    var signatures: ServerWords
    /// The chosen order's `RenamedWorldKeys` key.
    var key: UInt64 = 0

    init(of world: World) {
        // Each message's hash is computed once, into stack storage that every key below reads.
        self = withUnsafeTemporaryAllocation(of: UInt64.self, capacity: max(world.network.count, 1)) {
            messageHashes in
            CanonicalForm(of: world, messageHashes: messageHashes)
        }
    }

    private init(of world: World, messageHashes: UnsafeMutableBufferPointer<UInt64>) {
        let count = world.servers.count
        let signatures = ServerSignatures.of(world, messageHashes: messageHashes)
        self.signatures = signatures
        // Insertion sort by signature, then index: at most 16 servers.
        for index in 0..<count {
            var position = index
            while position > 0 && signatures[order[position - 1]] > signatures[index] {
                order[position] = order[position - 1]
                position -= 1
            }
            order[position] = index
        }
        var keys = RenamedWorldKeys(count: count, messageHashes: UnsafeBufferPointer(messageHashes))
        var baseKey: UInt64? = nil
        var groups = InlineArray<8, (start: Int, end: Int)>(repeating: (0, 0))
        var groupCount = 0
        var orders = 1
        var start = 0
        while start < count {
            var end = start + 1
            while end < count && signatures[order[end]] == signatures[order[start]] { end += 1 }
            defer { start = end }
            guard end - start > 1 else { continue }
            let base = baseKey ?? keys.key(of: order, world: world)
            baseKey = base
            guard !keys.isInterchangeable(start..<end, in: order, baseKey: base, world: world) else { continue }
            let factor = Self.factorial(end - start)
            guard orders * factor <= CanonicalRepresentative.maxTiedOrders else { continue }
            orders *= factor
            groups[groupCount] = (start, end)
            groupCount += 1
        }
        if groupCount == 0 {
            key = baseKey ?? keys.key(of: order, world: world)
        } else {
            var current = order
            key = .max
            keys.permute(
                &current, groups: groups, group: 0, groupCount: groupCount, from: groups[0].start, world: world,
                best: &order, bestKey: &key)
        }
    }

    private static func factorial(_ n: Int) -> Int { n <= 1 ? 1 : n * factorial(n - 1) }
}

/// The part of a renamed world that depends on the renaming, hashed for an order of the servers
/// without building the renamed world: every vote, leader, candidate's votes, leader's progress,
/// message route, partition side and leader of a term, under the new names.
///
/// The rest of the renamed world (each position's own state) is the same for every order the
/// representative compares, because only servers with equal signatures, hence equal own state,
/// trade places. So among those orders, equal keys mean equal renamed worlds (up to collisions).
private struct RenamedWorldKeys {
    private let count: Int
    /// `messageHashes[p]`: `SymmetryHash.message(world.network[p].message)`.
    private let messageHashes: UnsafeBufferPointer<UInt64>
    /// `newIndex[old]`: the position of server `old` in the order being hashed.
    private var newIndex = ServerOrder(repeating: 0)

    init(count: Int, messageHashes: UnsafeBufferPointer<UInt64>) {
        self.count = count
        self.messageHashes = messageHashes
    }

    /// Whether every order of the positions `group` renames the world to the same world (`baseKey`
    /// being the key of `order`): true
    /// when swapping each member with the next leaves the key unchanged, since those swaps
    /// generate every order of the group.
    mutating func isInterchangeable(_ group: Range<Int>, in order: ServerOrder, baseKey: UInt64, world: World) -> Bool {
        let base = baseKey
        var swapped = order
        for position in group.dropLast() {
            swapped.swapAt(position, position + 1)
            let differs = key(of: swapped, world: world) != base
            swapped.swapAt(position, position + 1)
            if differs { return false }
        }
        return true
    }

    /// Tries every order of the positions from `start` to the end of group `group`, each with
    /// every order of the groups after it (swap-based enumeration), keeping in `best` the order
    /// with the smallest key (the first found among equals).
    mutating func permute(
        _ current: inout ServerOrder, groups: InlineArray<8, (start: Int, end: Int)>, group: Int, groupCount: Int,
        from start: Int, world: World, best: inout ServerOrder, bestKey: inout UInt64
    ) {
        guard group < groupCount else {
            let candidate = key(of: current, world: world)
            if candidate < bestKey {
                bestKey = candidate
                best = current
            }
            return
        }
        let end = groups[group].end
        if start >= end - 1 {
            let next = group + 1
            permute(
                &current, groups: groups, group: next, groupCount: groupCount,
                from: next < groupCount ? groups[next].start : 0, world: world, best: &best, bestKey: &bestKey)
            return
        }
        for position in start..<end {
            current.swapAt(start, position)
            permute(
                &current, groups: groups, group: group, groupCount: groupCount, from: start + 1, world: world,
                best: &best, bestKey: &bestKey)
            current.swapAt(start, position)
        }
    }

    /// The hash of the servers' references to one another once server `order[k]` is named `k`.
    mutating func key(of order: ServerOrder, world: World) -> UInt64 {
        for position in 0..<count { newIndex[order[position]] = position }
        var hash: UInt64 = 0x1319_8A2E_0370_7344
        world.servers.withUnsafeBufferPointer { servers in
            for position in 0..<count {
                hash = servers[order[position]].mixReferences(into: hash, renamedBy: self, order: order)
            }
        }
        // The messages as a multiset: an order-free sum over their routes under the new names.
        var messages: UInt64 = 0
        world.network.withUnsafeBufferPointer { network in
            for position in network.indices {
                let route = UInt64(newIndex[network[position].from.index] << 4 | newIndex[network[position].to.index])
                messages &+= SymmetryHash.mix(messageHashes[position], route)
            }
        }
        hash = SymmetryHash.mix(hash, messages)
        if let side = world.partition {
            let named = Partition.canonicalSide(of: renamed(side), servers: count)
            hash = SymmetryHash.mix(hash, UInt64(named.bits) | 1 << 20)
        }
        for leaders in world.ghost.leadersByTerm {
            hash = SymmetryHash.mix(hash, UInt64(renamed(leaders).bits))
        }
        if world.spent.configChanges > 0 { hash = mixConfigurations(into: hash, of: world, order: order) }
        if let clients = world.clients {
            let newIndex = self.newIndex
            hash = SymmetryHash.mix(hash, ClientSymmetry.key(of: clients) { newIndex[$0] })
        }
        return hash
    }

    /// Mixes into `hash` every configuration the world holds (in logs, disks, messages and the
    /// committed history) under the new names: the signatures and message hashes hash them by
    /// size only (`SymmetryHash.entry`).
    ///
    /// Only called once a change was appended, so fixed clusters pay nothing for it.
    mutating func mixConfigurations(into start: UInt64, of world: World, order: ServerOrder) -> UInt64 {
        var hash = start
        func mix(_ entries: [Entry], _ tag: UInt64) {
            for (offset, entry) in entries.enumerated() {
                guard case .configuration(let configuration) = entry.payload else { continue }
                hash = SymmetryHash.mix(
                    hash,
                    tag << 48 | UInt64(offset) << 32 | UInt64(renamed(configuration.learners).bits) << 16
                        | UInt64(renamed(configuration.voters).bits))
            }
        }
        for position in 0..<count {
            let server = world.servers[order[position]]
            hash = SymmetryHash.mix(hash, UInt64(position) | 0xC0 << 8)
            if let node = server.node { mix(node.log.entries, 1) }
            mix(server.disk.log.entries, 2)
        }
        // Messages as a multiset again: each one's configurations with its route, summed.
        var messages: UInt64 = 0
        for envelope in world.network {
            guard case .appendEntries(let request) = envelope.message, request.entries.contains(where: \.namesServers)
            else { continue }
            let saved = hash
            hash = UInt64(newIndex[envelope.from.index] << 4 | newIndex[envelope.to.index])
            mix(request.entries, 3)
            messages &+= hash
            hash = saved
        }
        hash = SymmetryHash.mix(hash, messages)
        mix(world.ghost.committed.map(\.entry), 4)
        return hash
    }

    /// A pointer under the new names: 0 for none, else the new position plus one.
    @inline(__always)
    func renamed(_ pointer: NodeID?) -> UInt64 {
        pointer.map { UInt64(newIndex[$0.index] + 1) } ?? 0
    }

    /// A set of servers under the new names.
    @inline(__always)
    func renamed(_ set: NodeSet) -> NodeSet {
        var bits: UInt16 = 0
        var remaining = set.bits
        while remaining != 0 {
            bits |= 1 << UInt16(newIndex[remaining.trailingZeroBitCount])
            remaining &= remaining - 1
        }
        return NodeSet(bits: bits)
    }
}

extension World.Server {
    /// Mixes into `hash` every server this one's state names, under the new names; read in place.
    @inline(__always)
    fileprivate func mixReferences(into start: UInt64, renamedBy keys: RenamedWorldKeys, order: ServerOrder) -> UInt64 {
        var hash = SymmetryHash.mix(start, 1 << 16 | keys.renamed(disk.votedFor))
        guard let node else { return hash }
        hash = SymmetryHash.mix(hash, keys.renamed(node.votedFor))
        switch node.role {
        case .follower(let leader):
            hash = SymmetryHash.mix(hash, 1 << 8 | keys.renamed(leader))
        case .candidate(let votes):
            hash = SymmetryHash.mix(hash, 2 << 24 | UInt64(keys.renamed(votes).bits))
        case .preCandidate(let votes):
            hash = SymmetryHash.mix(hash, 4 << 24 | UInt64(keys.renamed(votes).bits))
        case .leader(let progress):
            hash = SymmetryHash.mix(hash, 3 << 24)
            for position in 0..<progress.matchIndex.count {
                hash = SymmetryHash.mix(hash, ServerSignatures.progressWord(progress, order[position]))
            }
        }
        return hash
    }
}
