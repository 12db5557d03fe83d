import RaftCore
import RaftSimulation

extension CanonicalRepresentative {
    /// The clients of `world` under the chosen order's names, hashed: clients point at servers
    /// (targets, messages, redirects' leaders, one state machine per server), so they are renamed
    /// with the servers before hashing, and every renaming of a world hashes them alike.
    ///
    /// The server signatures leave clients out. That is sound, since any permutation names a
    /// member of the world's class, and costs only reduction: two servers that differ only in
    /// what clients say of them tie, and the order among them is then chosen by the servers alone.
    static func clientsFingerprint(of world: World, order: ServerOrder) -> UInt64 {
        let count = world.servers.count
        var newIDs = [NodeID](repeating: NodeID(0), count: count)
        for position in 0..<count { newIDs[order[position]] = NodeID(position) }
        let renaming = ServerRenaming(permutation: newIDs)
        var hasher = StableHasher()
        // A permutation drops no server, so renaming always succeeds.
        world.renamed(by: renaming)!.clients!.stableHash(into: &hasher)
        return hasher.finalize()
    }
}
