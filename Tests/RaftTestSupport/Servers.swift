@testable import RaftCore

// MARK: - Servers and entries by name

/// The servers of a 3-server cluster, by the names users see.
public let s1 = NodeID(0)
public let s2 = NodeID(1)
public let s3 = NodeID(2)

/// An entry of `term` whose command writes `value` to key x.
public func entry(_ term: Term, _ value: UInt16 = 1) -> Entry {
    Entry(term: term, command: Command(key: 0, value: value))
}

// MARK: - Hand-built servers (RaftCore only, no world)

/// A server of a `serverCount` cluster restored from the given durable state.
public func server(
    _ id: NodeID, of serverCount: Int = 3, term: Term = 0, votedFor: NodeID? = nil, log: [Entry] = [],
    mutant: Mutant? = nil
) -> RaftNode {
    RaftNode(
        id: id, serverCount: serverCount, mutant: mutant,
        restoring: DurableState(currentTerm: term, votedFor: votedFor, log: Log(log)))
}

/// Makes `node` leader of the term after its current one, with votes from `voters`.
public func elect(_ node: inout RaftNode, votesFrom voters: [NodeID]) -> Ready {
    var ready = node.handle(.electionTimeout)
    for voter in voters {
        ready = node.handle(
            .receive(
                Envelope(
                    from: voter, to: node.id,
                    message: .requestVoteResponse(RequestVoteResponse(term: node.currentTerm, voteGranted: true)))))
    }
    return ready
}

/// A leader of `term` in a 3-server cluster, holding `log`: restored at `term - 1`, then elected
/// with s2's vote (s1's when it is s1 itself).
public func leader(_ id: NodeID, term: Term, log: [Entry] = [], mutant: Mutant? = nil) -> RaftNode {
    var node = server(id, term: term - 1, log: log, mutant: mutant)
    let voter = id == s1 ? s2 : s1
    _ = elect(&node, votesFrom: [voter])
    precondition(node.isLeader && node.currentTerm == term)
    return node
}

/// A follower of `term` in a 3-server cluster that accepted `log` from a leader (s2, or s1 when
/// it is s2 itself) and committed up to `commit`.
public func follower(_ id: NodeID, term: Term, log: [Entry], commit: LogIndex) -> RaftNode {
    var node = server(id, term: term)
    let leader = id == s1 ? s2 : s1
    _ = deliver(appendEntries(term: term, prev: (0, 0), entries: log, commit: commit), from: leader, to: &node)
    return node
}

// MARK: - Messages

/// Hands `node` `message` from `sender` and returns the effects.
public func deliver(_ message: Message, from sender: NodeID, to node: inout RaftNode) -> Ready {
    node.handle(.receive(Envelope(from: sender, to: node.id, message: message)))
}

public func appendEntries(term: Term, prev: (LogIndex, Term), entries: [Entry], commit: LogIndex) -> Message {
    .appendEntries(
        AppendEntries(term: term, prevLogIndex: prev.0, prevLogTerm: prev.1, entries: entries, leaderCommit: commit))
}

public func requestVote(term: Term, last: (LogIndex, Term)) -> Message {
    .requestVote(RequestVote(term: term, lastLogIndex: last.0, lastLogTerm: last.1))
}

/// The only message in `ready`, which must hold exactly one.
public func onlyMessage(_ ready: Ready) -> Envelope {
    precondition(ready.messages.count == 1, "expected one message, got \(ready.messages)")
    return ready.messages[0]
}

/// Records a `Ready`'s effects in the order a shell receives them.
public struct RecordingShell: ReadyShell {
    public var events: [String] = []

    public init() {}

    public mutating func persist(_ durable: DurableState) { events.append("persist term \(durable.currentTerm)") }
    public mutating func send(_ envelope: Envelope) { events.append("send to \(envelope.to)") }
    public mutating func apply(_ committed: CommittedEntry) { events.append("apply \(committed.index)") }
    public mutating func reply(_ reply: ClientReply) { events.append("reply") }
    public mutating func arm(_ timer: TimerDirective) { events.append("arm \(timer)") }
}
