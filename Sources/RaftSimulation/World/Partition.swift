import RaftCore

/// How the world names a split of the network in two: by the side without s1.
///
/// A split and its mirror image ({s2} | {s1, s3} and {s1, s3} | {s2}) are one fault. Naming each
/// by one side only means the checker lists it once rather than twice, and two worlds that
/// differ only in which side they wrote down cannot compare or hash apart. `World.partition` and
/// `Action.partition` hold the named side; every place that lists, draws, checks or renames a
/// split goes through here.
public enum Partition {
    /// How many ways `servers` servers split into two non-empty sides.
    @inline(__always)
    public static func splitCount(servers: Int) -> Int { servers > 1 ? (1 << (servers - 1)) - 1 : 0 }

    /// The named side of split `number`, for `number` in `0..<splitCount(servers:)`: its bits
    /// above s1's are `number + 1`, so splits are numbered in the order of their bit masks.
    @inline(__always)
    public static func namedSide(ofSplit number: Int) -> NodeSet { NodeSet(bits: UInt16(number + 1) << 1) }

    /// The named side of every split of `servers` servers, in split-number order: the order in
    /// which `WorldRules.enabledActions` lists partitions.
    public static func namedSides(servers: Int) -> [NodeSet] {
        (0..<splitCount(servers: servers)).map(namedSide(ofSplit:))
    }

    /// The named side of a split drawn uniformly from `random`, consuming exactly one
    /// `uniform(below: splitCount(servers:))` draw.
    ///
    /// `servers` must be at least 2.
    public static func randomNamedSide(servers: Int, using random: inout PRNG) -> NodeSet {
        namedSide(ofSplit: Int(random.uniform(below: UInt64(splitCount(servers: servers)))))
    }

    /// The named side of the split that puts `side` on one side and the rest of the cluster of
    /// `servers` on the other: `side` itself, or the rest when `side` holds s1.
    @inline(__always)
    public static func canonicalSide(of side: NodeSet, servers: Int) -> NodeSet {
        side.contains(NodeID(0)) ? NodeSet(bits: clusterBits(servers) & ~side.bits) : side
    }

    /// The named side of the split `side` makes once renamed by `renaming`; nil when, without
    /// the servers the renaming drops, it splits nothing.
    public static func namedSide(of side: NodeSet, renamedBy renaming: ServerRenaming) -> NodeSet? {
        let named = canonicalSide(of: side.survivors(renamedBy: renaming), servers: renaming.serverCountAfter)
        return isNamedSide(named, servers: renaming.serverCountAfter) ? named : nil
    }

    /// Whether `side` names a split of a cluster of `servers`: it lacks s1, is not empty, and
    /// holds only servers of the cluster.
    @inline(__always)
    public static func isNamedSide(_ side: NodeSet, servers: Int) -> Bool {
        !side.contains(NodeID(0)) && !side.isEmpty && side.bits & ~clusterBits(servers) == 0
    }

    /// Every server of a cluster of `servers`, as bits.
    @inline(__always)
    private static func clusterBits(_ servers: Int) -> UInt16 { UInt16(truncatingIfNeeded: (1 << servers) - 1) }
}
