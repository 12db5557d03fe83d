import RaftCore

/// One nondeterministic step of the world: the unit every explorer chooses among.
public enum Action: Hashable, Sendable {
    /// The network hands a message to its receiver.
    case deliver(Envelope)
    /// The network loses a message.
    case drop(Envelope)
    /// The network delivers a message twice (the copy stays in flight).
    case duplicate(Envelope)
    /// A follower's or candidate's election timer fires.
    case electionTimeout(NodeID)
    /// A leader's heartbeat timer fires.
    case heartbeatTimeout(NodeID)
    /// A client sends a command to a server.
    case clientRequest(NodeID, Command)
    /// A server stops; only its disk survives.
    case crash(NodeID)
    /// A crashed server starts again from its disk.
    case restart(NodeID)
    /// The network splits: the given servers on one side, the rest on the other. Messages in
    /// flight across the cut are lost, and new ones are lost as they are sent.
    case partition(NodeSet)
    /// The network is whole again.
    case heal
    /// A client asks a server for one membership change (the thesis, section 4.1).
    case proposeChange(NodeID, ConfigurationChange)
    /// A server snapshots the entries it has applied and discards them from its log (section 7).
    case takeSnapshot(NodeID)
    /// A session client's step, or the fate of a message to or from a client (`ClientAction`).
    case client(ClientAction)

    /// The kind of action, for statistics, weights and reports.
    public var kind: Kind {
        switch self {
        case .deliver: .deliver
        case .drop: .drop
        case .duplicate: .duplicate
        case .electionTimeout: .electionTimeout
        case .heartbeatTimeout: .heartbeatTimeout
        case .clientRequest: .clientRequest
        case .crash: .crash
        case .restart: .restart
        case .partition: .partition
        case .heal: .heal
        case .proposeChange: .proposeChange
        case .takeSnapshot: .takeSnapshot
        case .client: .client
        }
    }

    /// Action kinds, in the fixed order used by `WorldRules.enabledActions` and reports.
    public enum Kind: String, CaseIterable, Hashable, Sendable {
        case deliver, drop, duplicate, electionTimeout, heartbeatTimeout, clientRequest, crash, restart, partition,
            heal, proposeChange, takeSnapshot
        case client
    }
}

extension Action: StablyHashable {
    public func stableHash(into hasher: inout StableHasher) {
        switch self {
        case .deliver(let envelope), .drop(let envelope), .duplicate(let envelope):
            hasher.combine(kind == .deliver ? 1 : kind == .drop ? 2 : 3)
            envelope.stableHash(into: &hasher)
        case .electionTimeout(let node):
            hasher.combine(4)
            hasher.combine(node.index)
        case .heartbeatTimeout(let node):
            hasher.combine(5)
            hasher.combine(node.index)
        case .clientRequest(let node, let command):
            hasher.combine(6)
            hasher.combine(node.index)
            Entry(term: 0, command: command).stableHash(into: &hasher)
        case .crash(let node):
            hasher.combine(7)
            hasher.combine(node.index)
        case .restart(let node):
            hasher.combine(8)
            hasher.combine(node.index)
        case .partition(let side):
            hasher.combine(9)
            hasher.combine(Int(side.bits))
        case .heal:
            hasher.combine(10)
        case .proposeChange(let node, let change):
            hasher.combine(11)
            hasher.combine(node.index)
            hasher.combine(change.code)
        case .takeSnapshot(let node):
            hasher.combine(12)
            hasher.combine(node.index)
        case .client(let action):
            hasher.combine(11)
            action.stableHash(into: &hasher)
        }
    }
}
