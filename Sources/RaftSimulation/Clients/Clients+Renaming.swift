import RaftCore

extension Clients {
    /// The stored properties `renamed(by:)` accounts for; a test holds the list to the type's
    /// actual stored properties.
    ///
    /// The history, the clock and the switch name no server.
    static let renamedFields = ["sessions", "inFlight", "machines", "history", "clock", "consultsSessions"]

    /// The clients with the servers named as `renaming` says: each client's target, each
    /// message's server, and the state machines' order follow.
    ///
    /// Nil when a message names a server the renaming drops; a client whose target is dropped
    /// aims at the first server instead (it would find the leader by redirects).
    func renamed(by renaming: ServerRenaming) -> Clients? {
        var copy = self
        for index in copy.sessions.indices {
            copy.sessions[index].target = renaming[sessions[index].target] ?? NodeID(0)
        }
        copy.inFlight = []
        for message in inFlight {
            guard let moved = message.renamed(by: renaming) else { return nil }
            copy.enqueue(moved)
        }
        copy.machines = renaming.reindexed(machines)
        return copy
    }
}

extension ClientSession {
    /// See `Clients.renamedFields`.
    static let renamedFields = ["issued", "pending", "target", "targetIsFresh", "retries"]
}

extension ClientMessage {
    /// See `Clients.renamedFields`.
    static let renamedFields = ["server", "body"]

    /// The message with its server (and a redirect's leader) renamed; nil when either is dropped.
    func renamed(by renaming: ServerRenaming) -> ClientMessage? {
        guard let server = renaming[server] else { return nil }
        switch body {
        case .request, .reply: return ClientMessage(server: server, body: body)
        case .redirect(let command, let leader):
            guard let leader else { return ClientMessage(server: server, body: body) }
            guard let renamedLeader = renaming[leader] else { return nil }
            return ClientMessage(server: server, body: .redirect(command, leader: renamedLeader))
        }
    }
}

extension ClientAction {
    /// The action with its server renamed; nil when the renaming drops it.
    func renamed(by renaming: ServerRenaming) -> ClientAction? {
        switch self {
        case .invoke, .timeout: self
        case .deliver(let message): message.renamed(by: renaming).map(ClientAction.deliver)
        case .drop(let message): message.renamed(by: renaming).map(ClientAction.drop)
        case .duplicate(let message): message.renamed(by: renaming).map(ClientAction.duplicate)
        }
    }
}
