import RaftCore
import RaftSimulation

/// Something a step did that a reader should not have to spot by comparing columns: a server
/// won an election, an index was committed, a client request was refused.
public enum StepEvent: Hashable, Sendable, CustomStringConvertible {
    /// The server started an election for the term.
    case campaigned(NodeID, term: Term)
    /// The server became leader of the term.
    case becameLeader(NodeID, term: Term)
    /// The server stopped leading (it saw a higher term).
    case steppedDown(NodeID, term: Term)
    /// The server's commit index rose to the index.
    case committed(NodeID, upTo: LogIndex)
    /// The cluster committed an index for the first time, with this entry.
    case clusterCommitted(index: LogIndex, entry: Entry)
    /// A client request reached a server that is not the leader; nothing changed.
    case refused(NodeID)
    /// A leader told its client a command is done.
    case acknowledged(Command)
    /// A partition cut this many messages in flight.
    case cutInFlight(count: Int)
    /// The server's configuration changed: it appended or truncated a configuration entry, or
    /// restarted from its disk (the thesis, section 4.1).
    case configurationChanged(NodeID, Configuration)

    public var description: String {
        switch self {
        case .campaigned(let node, let term): "\(node) campaigns in term \(term)"
        case .becameLeader(let node, let term): "\(node) leads term \(term)"
        case .steppedDown(let node, let term): "\(node) steps down in term \(term)"
        case .committed(let node, let index): "\(node) commits up to \(index)"
        case .clusterCommitted(let index, let entry): "index \(index) committed as \(entry)"
        case .refused(let node): "\(node) refuses: not leader"
        case .acknowledged(let command): "\(command) acknowledged to client"
        case .cutInFlight(let count): "\(count) in flight lost"
        case .configurationChanged(let node, let configuration): "\(node) now uses \(configuration)"
        }
    }

    /// The events of one step, in a fixed order: per server (elections, then commits), then the
    /// cluster's commits and acknowledgements.
    static func events(of action: Action, from before: World, to after: World) -> [StepEvent] {
        var events: [StepEvent] = []
        for (index, server) in after.servers.enumerated() {
            guard let node = server.node else { continue }
            let old = before.servers[index].node
            let wasLeader = old?.isLeader == true && old?.currentTerm == node.currentTerm
            if node.role.kind == .candidate && (old?.role.kind != .candidate || old?.currentTerm != node.currentTerm) {
                events.append(.campaigned(node.id, term: node.currentTerm))
            }
            if node.isLeader && !wasLeader { events.append(.becameLeader(node.id, term: node.currentTerm)) }
            if old?.isLeader == true && !node.isLeader { events.append(.steppedDown(node.id, term: node.currentTerm)) }
            if let old, node.commitIndex > old.commitIndex {
                events.append(.committed(node.id, upTo: node.commitIndex))
            }
            if let changed = configurationChange(of: node, from: old, disk: before.servers[index].disk) {
                events.append(changed)
            }
        }
        let firstNew = before.ghost.committed.count
        for (offset, record) in after.ghost.committed.enumerated() where offset >= firstNew {
            events.append(.clusterCommitted(index: offset + 1, entry: record.entry))
        }
        for acknowledgement in after.ghost.acknowledged.dropFirst(before.ghost.acknowledged.count) {
            events.append(.acknowledged(acknowledgement.command))
        }
        if case .clientRequest(let node, _) = action, after.spent.clientRequests == before.spent.clientRequests {
            events.append(.refused(node))
        }
        if case .partition = action {
            let lost = before.network.count - after.network.count
            if lost > 0 { events.append(.cutInFlight(count: lost)) }
        }
        return events
    }
}
