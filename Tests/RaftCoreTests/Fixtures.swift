@testable import RaftCore

let s1 = NodeID(0)
let s2 = NodeID(1)
let s3 = NodeID(2)

/// An entry of `term` whose command writes `value` to key x.
func entry(_ term: Term, _ value: UInt16 = 1) -> Entry { Entry(term: term, command: Command(key: 0, value: value)) }

/// A server of a `serverCount` cluster restored from the given durable state.
func server(
    _ id: NodeID, of serverCount: Int = 3, term: Term = 0, votedFor: NodeID? = nil, log: [Entry] = [],
    mutant: Mutant? = nil
) -> RaftNode {
    RaftNode(
        id: id, serverCount: serverCount, mutant: mutant,
        restoring: DurableState(currentTerm: term, votedFor: votedFor, log: Log(log)))
}

/// Makes `node` leader of the term after its current one, with votes from `voters`.
func elect(_ node: inout RaftNode, votesFrom voters: [NodeID]) -> Ready {
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

/// A leader of `term` (the node is restored at `term - 1` and elected), with `log`.
func leader(_ id: NodeID, term: Term, log: [Entry] = [], mutant: Mutant? = nil) -> RaftNode {
    var node = server(id, term: term - 1, log: log, mutant: mutant)
    let voter = id == s1 ? s2 : s1
    _ = elect(&node, votesFrom: [voter])
    precondition(node.isLeader && node.currentTerm == term)
    return node
}

func deliver(_ message: Message, from sender: NodeID, to node: inout RaftNode) -> Ready {
    node.handle(.receive(Envelope(from: sender, to: node.id, message: message)))
}

func appendEntries(term: Term, prev: (LogIndex, Term), entries: [Entry], commit: LogIndex) -> Message {
    .appendEntries(
        AppendEntries(term: term, prevLogIndex: prev.0, prevLogTerm: prev.1, entries: entries, leaderCommit: commit))
}

func requestVote(term: Term, last: (LogIndex, Term)) -> Message {
    .requestVote(RequestVote(term: term, lastLogIndex: last.0, lastLogTerm: last.1))
}

/// The only message in `ready`, which must hold exactly one.
func onlyMessage(_ ready: Ready) -> Envelope {
    precondition(ready.messages.count == 1, "expected one message, got \(ready.messages)")
    return ready.messages[0]
}

/// Records a `Ready`'s effects in the order a shell receives them.
struct RecordingShell: ReadyShell {
    var events: [String] = []
    mutating func persist(_ durable: DurableState) { events.append("persist term \(durable.currentTerm)") }
    mutating func send(_ envelope: Envelope) { events.append("send to \(envelope.to)") }
    mutating func apply(_ committed: CommittedEntry) { events.append("apply \(committed.index)") }
    mutating func reply(_ reply: ClientReply) { events.append("reply") }
    mutating func arm(_ timer: TimerDirective) { events.append("arm \(timer)") }
}
