import RaftCore

extension WorldRules {
    /// The operation client `client` invokes next.
    ///
    /// Without a workload seed (the model checker's specs): every operation on key `x`, the kinds
    /// in turn from an offset per client, so that two clients' first operations differ (`c1`
    /// puts, `c2` reads, `c3` appends). With one (`WorldSpec.clientWorkload`, which the fuzzer
    /// draws per run), the seed picks the kinds the run uses and one key or two, and each
    /// operation's kind and key among them: a pure function of the spec, so that replaying,
    /// shrinking and showing a fuzz trace offer the very operations the run invoked.
    public func defaultSessionCommand(for client: Int, in world: World) -> SessionCommand? {
        guard let clients = world.clients, client < clients.sessions.count else { return nil }
        let sequence = clients.sessions[client].issued + 1
        let kinds = SessionOperationKind.allCases
        guard let workload = spec.clientWorkload else {
            return SessionCommand(client: client, sequence: sequence, key: 0, kind: kinds[(sequence - 1 + client) % 4])
        }
        let chosen = Self.workloadKinds(workload)
        let keyCount: UInt64 = (workload >> 4) & 1 == 0 ? 1 : 2
        var hasher = StableHasher(seed: UInt64(workload))
        hasher.combine(client)
        hasher.combine(sequence)
        let draw = hasher.finalize()
        return SessionCommand(
            client: client, sequence: sequence, key: UInt8((draw >> 32) % keyCount),
            kind: chosen[Int(draw % UInt64(chosen.count))])
    }

    /// The kinds a workload seed's low four bits choose, one bit a kind; a run always writes
    /// somehow, since without a write no history can go wrong.
    static func workloadKinds(_ workload: Int) -> [SessionOperationKind] {
        var kinds = SessionOperationKind.allCases.filter { workload >> Int($0.rawValue) & 1 == 1 }
        if !kinds.contains(where: { $0 != .get }) { kinds.append(.put) }
        return kinds
    }

    /// Whether a client action may start a message now: client messages share `maxInFlight`.
    func clientsHaveRoom(in world: World) -> Bool {
        world.network.count + (world.clients?.inFlight.count ?? 0) < spec.maxInFlight
    }

    /// Appends the enabled client actions in a fixed order: deliveries, drops, duplicates (in
    /// message order), invocations and timeouts (in client order).
    func appendClientActions(in world: World, to actions: inout [Action]) {
        guard let clients = world.clients else { return }
        let distinct = clients.inFlight.indices.filter { $0 == 0 || clients.inFlight[$0] != clients.inFlight[$0 - 1] }
        for index in distinct where isDeliverable(clients.inFlight[index], in: world) {
            actions.append(.client(.deliver(clients.inFlight[index])))
        }
        if world.spent.drops < spec.maxDrops {
            for index in distinct { actions.append(.client(.drop(clients.inFlight[index]))) }
        }
        if world.spent.duplicates < spec.maxDuplicates {
            for index in distinct { actions.append(.client(.duplicate(clients.inFlight[index]))) }
        }
        guard clientsHaveRoom(in: world) else { return }
        for client in clients.sessions.indices where mayInvoke(client, clients) {
            if let command = defaultSessionCommand(for: client, in: world) { actions.append(.client(.invoke(command))) }
        }
        for client in clients.sessions.indices where clients.sessions[client].pending != nil {
            actions.append(.client(.timeout(client: client)))
        }
    }

    /// Whether `action` is among the enabled client actions (any workload's command counts, so
    /// long as it is the client's next).
    func isClientActionEnabled(_ action: ClientAction, in world: World) -> Bool {
        guard let clients = world.clients else { return false }
        switch action {
        case .deliver(let message):
            return message.server.index < world.servers.count && clients.inFlight.contains(message)
                && isDeliverable(message, in: world)
        case .drop(let message):
            return world.spent.drops < spec.maxDrops && clients.inFlight.contains(message)
        case .duplicate(let message):
            return world.spent.duplicates < spec.maxDuplicates && clients.inFlight.contains(message)
        case .invoke(let command):
            return clientsHaveRoom(in: world) && command.client < clients.sessions.count
                && mayInvoke(command.client, clients)
                && command.sequence == clients.sessions[command.client].issued + 1
                && Int(command.key) < KeyValueStore.keyCount
        case .timeout(let client):
            return clientsHaveRoom(in: world) && client < clients.sessions.count
                && clients.sessions[client].pending != nil
        }
    }

    private func mayInvoke(_ client: Int, _ clients: Clients) -> Bool {
        clients.sessions[client].pending == nil && clients.sessions[client].issued < spec.maxClientOperations
    }

    /// A request waits for its server to run; a reply always reaches its client.
    private func isDeliverable(_ message: ClientMessage, in world: World) -> Bool {
        !message.isRequest || world.servers[message.server.index].isUp
    }

    /// Carries out a client action.
    func apply(_ action: ClientAction, to world: inout World, timers: TimerObserver?, sent: SendObserver?) {
        switch action {
        case .invoke(let command):
            world.clients!.clock += 1
            world.clients!.history.append(
                ClientHistoryRecord(command: command, invokedAt: world.clients!.clock, outcome: .pending))
            world.clients!.sessions[command.client].issued = command.sequence
            world.clients!.sessions[command.client].pending = command
            world.clients!.sessions[command.client].retries = 0
            sendPending(of: command.client, in: &world)
        case .drop(let message):
            world.clients!.removeOne(message)
            world.spent.drops += 1
        case .duplicate(let message):
            world.clients!.enqueue(message)
            world.spent.duplicates += 1
        case .timeout(let client):
            let session = world.clients!.sessions[client]
            guard session.retries < spec.maxRetries else {
                giveUp(client, in: &world)
                return
            }
            if !session.targetIsFresh {
                world.clients!.sessions[client].target = NodeID((session.target.index + 1) % world.servers.count)
            }
            world.clients!.sessions[client].retries += 1
            sendPending(of: client, in: &world)
        case .deliver(let message):
            let removed = world.clients!.removeOne(message)
            precondition(removed, "delivered a client message that is not in flight")
            switch message.body {
            case .request(let command):
                step(message.server, .sessionRequest(command), in: &world, timers: timers, sent: sent)
            case .reply(let command, let result):
                receiveReply(command, result, from: message.server, in: &world)
            case .redirect(let command, let leader):
                guard world.clients!.sessions[command.client].pending == command else { return }
                // A server that knows no leader still tells the client it is not one.
                world.clients!.sessions[command.client].target =
                    leader ?? NodeID((message.server.index + 1) % world.servers.count)
                world.clients!.sessions[command.client].targetIsFresh = true
            }
        }
    }

    private func sendPending(of client: Int, in world: inout World) {
        let session = world.clients!.sessions[client]
        guard let command = session.pending else { return }
        world.clients!.sessions[client].targetIsFresh = false
        world.clients!.enqueue(ClientMessage(server: session.target, body: .request(command)))
    }

    private func giveUp(_ client: Int, in world: inout World) {
        guard let command = world.clients!.sessions[client].pending,
            let record = world.clients!.recordIndex(of: command)
        else { return }
        world.clients!.clock += 1
        world.clients!.history[record].outcome = .gaveUp(at: world.clients!.clock)
        world.clients!.sessions[client].pending = nil
    }

    private func receiveReply(
        _ command: SessionCommand, _ result: SessionResult, from server: NodeID, in world: inout World
    ) {
        guard let record = world.clients!.recordIndex(of: command) else { return }
        if world.clients!.sessions[command.client].pending == command {
            world.clients!.clock += 1
            world.clients!.history[record].outcome = .ok(result, at: world.clients!.clock)
            world.clients!.sessions[command.client].pending = nil
            world.clients!.sessions[command.client].target = server
            world.clients!.sessions[command.client].targetIsFresh = true
        } else if case .ok(let first, _) = world.clients!.history[record].outcome, first != result,
            !(command.kind == .get && spec.options.readIndex)
        {
            // A get served by ReadIndex changes nothing and is answered afresh each time it
            // arrives (section 6.4), so a late copy may see later writes; any other request
            // answered twice must be answered the same.
            world.clients!.history[record].contradictingResult = result
        }
    }
}

extension Clients {
    /// Applies a committed entry to `server`'s session state machine.
    mutating func apply(_ committed: CommittedEntry, on server: NodeID) {
        machines[server.index].apply(committed.entry, consultsSessions: consultsSessions)
    }

    /// Answers the client of a session reply from the core: a redirect, or the result the
    /// server's state machine holds for the command it applied.
    mutating func send(_ reply: ClientReply, from server: NodeID) {
        switch reply {
        case .redirected(let command, let leader):
            enqueue(ClientMessage(server: server, body: .redirect(command, leader: leader)))
        case .applied(let command, _):
            guard let result = machines[server.index].result(of: command) else { return }
            enqueue(ClientMessage(server: server, body: .reply(command, result)))
        case .read(let command, _):
            // ReadIndex (section 6.4): the state machine as it stands, past the read index.
            enqueue(ClientMessage(server: server, body: .reply(command, machines[server.index].read(command))))
        case .notLeader, .accepted, .committed, .configurationAccepted, .configurationRefused:
            break
        }
    }

    /// A crashed server's state machine is lost; it is rebuilt by re-applying the log.
    mutating func serverCrashed(_ server: NodeID) {
        machines[server.index] = SessionStore(clientCount: sessions.count)
    }
}
