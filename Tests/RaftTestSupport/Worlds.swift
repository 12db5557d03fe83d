@testable import RaftCore
@testable import RaftSimulation

/// A 3-server world whose servers are replaced as given; the others keep their initial state.
///
/// Each given node's disk holds its durable state; each crashed server is down with `disk`.
public func world(_ nodes: [RaftNode] = [], crashed: [(NodeID, DurableState)] = []) -> World {
    var world = World(serverCount: 3, mutant: nil)
    for node in nodes {
        world.servers[node.id.index].node = node
        world.servers[node.id.index].disk = node.durableState
    }
    for (id, disk) in crashed {
        world.servers[id.index].node = nil
        world.servers[id.index].disk = disk
    }
    return world
}
