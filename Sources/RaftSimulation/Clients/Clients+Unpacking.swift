import RaftCore

/// Public reassembly of the clients' part of a world, for the model checker's state packer
/// (see `World+Unpacking.swift`): its round-trip test holds each initializer to its type's
/// fields, so a field added later and left out here fails it.
extension World {
    public init(
        unpackingServers servers: [Server], network: [Envelope], partition: NodeSet?, spent: Budget, ghost: Ghost,
        initialConfiguration: Configuration?, clients: Clients?
    ) {
        self.init(
            unpackingServers: servers, network: network, partition: partition, spent: spent, ghost: ghost,
            initialConfiguration: initialConfiguration)
        self.clients = clients
    }
}

extension Clients {
    public init(
        unpackingSessions sessions: [ClientSession], inFlight: [ClientMessage], machines: [SessionStore],
        history: [ClientHistoryRecord], clock: Int, consultsSessions: Bool
    ) {
        self.sessions = sessions
        self.inFlight = inFlight
        self.machines = machines
        self.history = history
        self.clock = clock
        self.consultsSessions = consultsSessions
    }
}

extension ClientSession {
    public init(
        unpackingIssued issued: Int, pending: SessionCommand?, target: NodeID, targetIsFresh: Bool, retries: Int
    ) {
        self.init(target: target)
        self.issued = issued
        self.pending = pending
        self.targetIsFresh = targetIsFresh
        self.retries = retries
    }
}

extension SessionStore {
    public init(unpackingValues values: [[UInt16]], sessions: [SessionRecord], executed: [UInt32]) {
        self.init(clientCount: 0)
        self.values = values
        self.sessions = sessions
        self.executed = executed
    }
}

extension SessionStore.SessionRecord {
    public init(unpackingLastSequence lastSequence: Int, result: SessionResult?) {
        self.init()
        self.lastSequence = lastSequence
        self.result = result
    }
}

extension ClientHistoryRecord {
    public init(
        unpackingCommand command: SessionCommand, invokedAt: Int, outcome: ClientOutcome,
        contradictingResult: SessionResult?
    ) {
        self.init(command: command, invokedAt: invokedAt, outcome: outcome, contradictingResult: contradictingResult)
    }
}
