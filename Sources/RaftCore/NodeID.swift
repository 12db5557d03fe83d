/// The identity of one server in the cluster: a small index, printed as `s1`, `s2`, ...
///
/// Servers are numbered from zero internally so that per-server state can live in arrays
/// indexed by `NodeID.index`; arrays iterate in a fixed order, which a `Dictionary` keyed by
/// server would not (Swift's hasher is seeded per process).
public struct NodeID: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// The zero-based position of the server in the cluster.
    public var index: Int { Int(position) }
    /// `index` in the one byte `NodeSet.capacity` needs: every envelope names two servers, every
    /// node one or two, and each of them is copied with every world the checker explores.
    private let position: UInt8

    public init(_ index: Int) {
        precondition(index >= 0 && index < NodeSet.capacity, "server index \(index) out of range")
        self.position = UInt8(index)
    }

    /// The user-facing name, `s1` for index 0.
    public var description: String { "s\(index + 1)" }

    /// Parses the user-facing name (`s1`, `s2`, ...) back into an identity.
    public init?(name: String) {
        guard name.first == "s", let number = Int(name.dropFirst()), number >= 1, number <= NodeSet.capacity else {
            return nil
        }
        self.init(number - 1)
    }

    public static func < (lhs: NodeID, rhs: NodeID) -> Bool { lhs.index < rhs.index }

    /// Every server of a cluster of `serverCount`, in index order.
    public static func all(_ serverCount: Int) -> [NodeID] { (0..<serverCount).map(NodeID.init) }
}

/// A set of servers stored as a bit mask: cheap to copy, hash and count, and ordered by index.
public struct NodeSet: Hashable, Sendable, CustomStringConvertible {
    /// The largest cluster a `NodeSet` can describe.
    public static let capacity = 16

    /// Bit `i` is set when the server with index `i` is a member.
    public private(set) var bits: UInt16

    public init(bits: UInt16 = 0) { self.bits = bits }

    public init(_ members: [NodeID]) {
        self.bits = 0
        for member in members { insert(member) }
    }

    public var isEmpty: Bool { bits == 0 }
    public var count: Int { bits.nonzeroBitCount }

    @inlinable public func contains(_ node: NodeID) -> Bool { bits & (1 << UInt16(node.index)) != 0 }

    public mutating func insert(_ node: NodeID) { bits |= 1 << UInt16(node.index) }

    public mutating func remove(_ node: NodeID) { bits &= ~(1 << UInt16(node.index)) }

    /// The members in index order.
    public var members: [NodeID] {
        var result: [NodeID] = []
        var remaining = bits
        while remaining != 0 {
            let index = remaining.trailingZeroBitCount
            result.append(NodeID(index))
            remaining &= remaining - 1
        }
        return result
    }

    public var description: String { "{" + members.map(\.description).joined(separator: ",") + "}" }
}
