/// Hand-built worlds, as in RaftSimulationTests (test targets cannot share files).
@testable import RaftCore
@testable import RaftSimulation

let s1 = NodeID(0)
let s2 = NodeID(1)
let s3 = NodeID(2)

func entry(_ term: Term, _ value: UInt16 = 1) -> Entry { Entry(term: term, command: Command(key: 0, value: value)) }

/// A leader of `term` in a 3-server cluster, holding `log` (restored, then elected with s2's or
/// s1's vote).
func leaderNode(_ id: NodeID, term: Term, log: [Entry]) -> RaftNode {
    var node = RaftNode(id: id, serverCount: 3, restoring: DurableState(currentTerm: term - 1, log: Log(log)))
    _ = node.handle(.electionTimeout)
    let voter = id == s1 ? s2 : s1
    _ = node.handle(
        .receive(
            Envelope(
                from: voter, to: id, message: .requestVoteResponse(RequestVoteResponse(term: term, voteGranted: true))))
    )
    precondition(node.isLeader)
    return node
}

/// A follower of `term` that accepted `log` from a leader and committed up to `commit`.
func followerNode(_ id: NodeID, term: Term, log: [Entry], commit: LogIndex) -> RaftNode {
    var node = RaftNode(id: id, serverCount: 3, restoring: DurableState(currentTerm: term))
    let leader = id == s1 ? s2 : s1
    let append = AppendEntries(term: term, prevLogIndex: 0, prevLogTerm: 0, entries: log, leaderCommit: commit)
    _ = node.handle(.receive(Envelope(from: leader, to: id, message: .appendEntries(append))))
    return node
}

/// A 3-server world whose servers are replaced as given; the others keep their initial state.
func world(_ nodes: [RaftNode] = [], crashed: [(NodeID, DurableState)] = []) -> World {
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
