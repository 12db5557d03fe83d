import RaftTestSupport
import Testing

@testable import RaftCore
@testable import RaftSimulation

/// The one rule for naming a split of the network: by the side without s1.
@Suite("Naming partitions")
struct PartitionTests {
    @Test("Every split is named once, by the side without s1, in the order enabledActions lists them")
    func namedSides() {
        for servers in 1...5 {
            let sides = Partition.namedSides(servers: servers)
            #expect(sides.count == Partition.splitCount(servers: servers))
            #expect(sides.allSatisfy { Partition.isNamedSide($0, servers: servers) })
            // Each side and its mirror image name the same split.
            let everyone = NodeSet(NodeID.all(servers))
            for side in sides {
                let mirror = NodeSet(bits: everyone.bits & ~side.bits)
                #expect(Partition.canonicalSide(of: mirror, servers: servers) == side)
                #expect(Partition.canonicalSide(of: side, servers: servers) == side)
                #expect(!Partition.isNamedSide(mirror, servers: servers))
            }
            // Every set of servers without s1 that leaves someone on the other side, once each.
            let expected = (1..<(1 << servers)).filter { $0 & 1 == 0 }.map { NodeSet(bits: UInt16($0)) }
            #expect(sides == expected)
        }
        #expect(!Partition.isNamedSide(NodeSet([NodeID(3)]), servers: 3))
        #expect(!Partition.isNamedSide(NodeSet(), servers: 3))
    }

    @Test("The initial world enables exactly the named sides")
    func enabledPartitions() {
        var spec = WorldSpec.simulationDefault
        spec.maxPartitions = 1
        let rules = WorldRules(spec: spec)
        let listed = rules.enabledActions(in: rules.initialWorld).compactMap { action -> NodeSet? in
            if case .partition(let side) = action { side } else { nil }
        }
        #expect(listed == Partition.namedSides(servers: spec.servers))
        let everyone = NodeSet(NodeID.all(spec.servers))
        for bits in 0...everyone.bits {
            let side = NodeSet(bits: bits)
            #expect(
                rules.isEnabled(.partition(side), in: rules.initialWorld) == listed.contains(side))
        }
    }

    @Test("A drawn split takes one uniform draw below the split count, numbered as listed")
    func drawnSide() {
        for servers in 2...5 {
            var drawing = PRNG(seed: 7)
            var reference = PRNG(seed: 7)
            for _ in 0..<50 {
                let side = Partition.randomNamedSide(servers: servers, using: &drawing)
                let number = reference.uniform(below: UInt64((1 << (servers - 1)) - 1))
                #expect(side == NodeSet(bits: UInt16(number + 1) << 1))
            }
            #expect(drawing == reference)
        }
    }
}
