import RaftCore

/// The rules of the world: which actions a world enables, and what each one does.
///
/// Together with `World` this is the whole nondeterministic system. Every explorer (the model
/// checker's enumeration, the simulator's and fuzzer's seeded choices, replay) picks among
/// `enabledActions(in:)` and calls `apply(_:to:)`; nothing else changes a world.
public struct WorldRules: Sendable {
    public let spec: WorldSpec
    public let mutant: Mutant?

    public init(spec: WorldSpec, mutant: Mutant? = nil) {
        precondition(spec.servers >= 1 && spec.servers <= WorldSpec.maxServers)
        self.spec = spec
        self.mutant = mutant
    }

    /// The world every run starts from.
    public var initialWorld: World {
        var world = World(
            serverCount: spec.servers, mutant: mutant, options: spec.options, configuration: spec.initialConfiguration)
        if spec.clients > 0 {
            world.clients = Clients(
                clientCount: spec.clients, serverCount: spec.servers, consultsSessions: mutant != .sessionNotConsulted)
        }
        return world
    }

    /// The command a client sends next: request number `n` writes value `n` to key `n mod keys`.
    public func nextCommand(in world: World) -> Command {
        let number = world.spent.clientRequests + 1
        return Command(key: UInt8(number % KeyValueStore.keyCount), value: UInt16(number))
    }

    /// Every action possible in `world` within the spec's bounds, in a fixed order: deliveries
    /// (in network order), drops, duplicates, election timeouts, heartbeats, client requests,
    /// membership changes, crashes, restarts, partitions, heal.
    public func enabledActions(in world: World) -> [Action] {
        var actions: [Action] = []
        enabledActions(in: world, into: &actions)
        return actions
    }

    /// Fills `actions` (emptied first) with `enabledActions(in:)`, reusing its storage.
    ///
    /// The model checker calls this for every state it expands, so it reads the world in place:
    /// the servers once, into bit sets, and the network through a buffer pointer (iterating an
    /// array copies each element, a retain and a release of every array inside it).
    public func enabledActions(in world: World, into actions: inout [Action]) {
        actions.removeAll(keepingCapacity: true)
        let roles = world.serverRoles(maxTerm: spec.maxTerm)
        let serverCount = world.servers.count
        let spent = world.spent
        world.network.withUnsafeBufferPointer { network in
            // Equal messages sit side by side (the network is sorted): each is listed once.
            let distinct = network.indices.lazy.filter { $0 == 0 || network[$0] != network[$0 - 1] }
            for index in distinct where roles.up.contains(network[index].to) {
                actions.append(.deliver(network[index]))
            }
            if spent.drops < spec.maxDrops {
                for index in distinct { actions.append(.drop(network[index])) }
            }
            if spent.duplicates < spec.maxDuplicates {
                for index in distinct { actions.append(.duplicate(network[index])) }
            }
        }
        let networkHasRoom = world.network.count < spec.maxInFlight
        if networkHasRoom {
            let electionsLeft = spec.maxElections.map { spent.elections < $0 } ?? true
            // With CheckQuorum a leader's election timer is armed too: it times the quorum check.
            let timedOut = NodeSet(
                bits: (electionsLeft ? roles.mayStartElection.bits : 0)
                    | (spec.options.checkQuorum ? roles.leaders.bits : 0))
            for index in 0..<serverCount where timedOut.contains(NodeID(index)) {
                actions.append(.electionTimeout(NodeID(index)))
            }
            if spec.maxHeartbeats.map({ spent.heartbeats < $0 }) ?? true {
                for index in 0..<serverCount where roles.leaders.contains(NodeID(index)) {
                    actions.append(.heartbeatTimeout(NodeID(index)))
                }
            }
            if spent.clientRequests < spec.maxClientRequests {
                let command = nextCommand(in: world)
                for index in 0..<serverCount where roles.up.contains(NodeID(index)) {
                    actions.append(.clientRequest(NodeID(index), command))
                }
            }
            if spec.maxConfigChanges > 0 { appendProposals(in: world, leaders: roles.leaders, to: &actions) }
        }
        if spent.crashes < spec.maxCrashes {
            for index in 0..<serverCount where roles.up.contains(NodeID(index)) {
                actions.append(.crash(NodeID(index)))
            }
        }
        for index in 0..<serverCount where !roles.up.contains(NodeID(index)) {
            actions.append(.restart(NodeID(index)))
        }
        if world.partition == nil && spent.partitions < spec.maxPartitions && spec.servers > 1 {
            // Each split once, by its named side (see `Partition`).
            for split in 0..<Partition.splitCount(servers: spec.servers) {
                actions.append(.partition(Partition.namedSide(ofSplit: split)))
            }
        }
        if world.partition != nil { actions.append(.heal) }
        if spec.maxSnapshots > 0 { enabledSnapshots(in: world, into: &actions) }
        if world.clients != nil { appendClientActions(in: world, to: &actions) }
    }

    /// Observes timer directives as a step carries them out; the fuzzer's virtual clock uses it.
    public typealias TimerObserver = (NodeID, TimerDirective) -> Void

    /// Observes each message a step puts on the network (not those lost to the partition as they
    /// are sent); the fuzzer's virtual clock gives each one a delivery tick.
    public typealias SendObserver = (Envelope) -> Void

    /// Carries out `action` on `world`.
    ///
    /// The action must be enabled in it.
    public func apply(
        _ action: Action, to world: inout World, timers: TimerObserver? = nil, sent: SendObserver? = nil
    ) {
        switch action {
        case .deliver(let envelope):
            let removed = world.removeOne(envelope)
            precondition(removed, "delivered a message that is not in flight")
            step(envelope.to, .receive(envelope), in: &world, timers: timers, sent: sent)
        case .drop(let envelope):
            world.removeOne(envelope)
            world.spent.drops += 1
        case .duplicate(let envelope):
            world.enqueue(envelope)
            world.spent.duplicates += 1
        case .electionTimeout(let node):
            // A leader's election timer (CheckQuorum) times a quorum check, not an election.
            if spec.maxElections != nil && world.servers[node.index].node?.isLeader == false {
                world.spent.elections += 1
            }
            step(node, .electionTimeout, in: &world, timers: timers, sent: sent)
        case .heartbeatTimeout(let node):
            if spec.maxHeartbeats != nil { world.spent.heartbeats += 1 }
            step(node, .heartbeatTimeout, in: &world, timers: timers, sent: sent)
        case .clientRequest(let node, let command):
            step(node, .clientRequest(command), in: &world, timers: timers, sent: sent)
        case .crash(let node):
            world.servers[node.index].node = nil
            world.servers[node.index].stateMachine = KeyValueStore()
            world.clients?.serverCrashed(node)
            world.spent.crashes += 1
        case .restart(let node):
            let disk = world.servers[node.index].disk
            world.servers[node.index].node = RaftNode(
                id: node, serverCount: spec.servers, mutant: mutant, options: spec.options,
                configuration: world.initialConfiguration, restoring: disk.recovered(under: mutant))
            // The state machine starts from the snapshot, and the log is applied from there (section 7).
            if let snapshot = disk.snapshot { world.servers[node.index].stateMachine.load(snapshot.state) }
            timers?(node, .resetElectionTimer)
        case .partition(let side):
            world.partition = side
            world.network.removeAll { side.contains($0.from) != side.contains($0.to) }
            world.spent.partitions += 1
        case .heal:
            world.partition = nil
        case .proposeChange(let node, let change):
            step(node, .proposeConfigurationChange(change), in: &world, timers: timers, sent: sent)
        case .takeSnapshot(let node):
            let state = world.servers[node.index].stateMachine.snapshotState
            step(node, .takeSnapshot(state), in: &world, timers: timers, sent: sent)
            world.spent.snapshots += 1
        case .client(let action):
            apply(action, to: &world, timers: timers, sent: sent)
        }
    }

    /// Returns the world after `action`, leaving `world` as it was.
    public func successor(of world: World, taking action: Action) -> World {
        var next = world
        apply(action, to: &next)
        return next
    }

    /// Hands one input to a running server and carries out its `Ready`, then records what the
    /// ghost history must remember.
    func step(
        _ id: NodeID, _ input: RaftNode.Input, in world: inout World, timers: TimerObserver?, sent: SendObserver?
    ) {
        // The server steps in place in the world's array: taken out and put back, its arrays
        // would be retained and released once more on every step the checker explores.
        // Only servers change terms, so the newest one is known before the step is carried out.
        var discardBelow: Term = 0
        if spec.discardsStaleMessages {
            discardBelow = world.newestTerm
        }
        let outcome = world.servers[id.index].handle(input, as: id)
        if spec.discardsStaleMessages && outcome.currentTerm > discardBelow {
            discardBelow = outcome.currentTerm
            world.network.removeAll { $0.message.term < discardBelow }
        }
        withUnsafeMutablePointer(to: &world) { world in
            var shell = Shell(world: world, server: id, discardBelow: discardBelow, timers: timers, sent: sent)
            outcome.ready.carryOut(into: &shell)
        }

        if outcome.isLeader && outcome.leaderOfTermBefore != outcome.currentTerm {
            while world.ghost.leadersByTerm.count <= outcome.currentTerm {
                world.ghost.leadersByTerm.append(NodeSet())
            }
            world.ghost.leadersByTerm[outcome.currentTerm].insert(id)
        }
        if outcome.commitAfter > outcome.commitBefore {
            let log = world.servers[id.index].node!.log
            let newlyCommitted = (outcome.commitBefore + 1)...outcome.commitAfter
            // An installed snapshot commits entries this server never holds: the leader that sent
            // it committed them first.
            for index in newlyCommitted where index == world.ghost.committed.count + 1 && !log.isCompacted(index) {
                world.ghost.committed.append(
                    World.CommittedRecord(entry: log[index], commitTerm: outcome.currentTerm, server: id))
            }
        }
    }

    /// Carries out one server's `Ready` on the world.
    ///
    /// It edits the world in place through a pointer that lives only for the `carryOut` call:
    /// a shell holding the world by value would copy it, or take it and leave a stand-in.
    private struct Shell: ReadyShell {
        let world: UnsafeMutablePointer<World>
        let server: NodeID
        /// Messages of a lower term are lost as they are sent (`WorldSpec.discardsStaleMessages`);
        /// 0 when the spec keeps them.
        let discardBelow: Term
        let timers: TimerObserver?
        let sent: SendObserver?

        mutating func persist(_ durable: DurableState) { world.pointee.servers[server.index].disk = durable }

        mutating func send(_ envelope: Envelope) {
            // A message across the partition is lost as it is sent, and so is one of a term the
            // cluster has left when the spec discards those.
            if !world.pointee.isCut(envelope.from, envelope.to) && envelope.message.term >= discardBelow {
                world.pointee.enqueue(envelope)
                sent?(envelope)
            }
        }

        mutating func apply(_ committed: CommittedEntry) {
            world.pointee.servers[server.index].stateMachine.apply(committed.entry)
            world.pointee.clients?.apply(committed, on: server)
        }

        mutating func reply(_ reply: ClientReply) {
            switch reply {
            case .accepted: world.pointee.spent.clientRequests += 1
            case .committed(let command, let index):
                world.pointee.ghost.acknowledged.append(World.Acknowledgement(command: command, index: index))
            case .notLeader, .configurationRefused: break
            case .configurationAccepted: world.pointee.spent.configChanges += 1
            case .redirected, .applied, .read: world.pointee.clients?.send(reply, from: server)
            }
        }

        mutating func arm(_ timer: TimerDirective) { timers?(server, timer) }

        mutating func install(_ snapshot: Snapshot) {
            world.pointee.servers[server.index].stateMachine.load(snapshot.state)
        }
    }
}

extension World {
    /// The newest term any server has reached: the highest on any disk, since a server makes
    /// its term durable before it acts in it.
    var newestTerm: Term {
        var newest: Term = 0
        servers.withUnsafeBufferPointer { servers in
            for index in servers.indices { newest = max(newest, servers[index].disk.currentTerm) }
        }
        return newest
    }
}

/// What stepping one server did, beyond its `Ready`: what the ghost history must remember.
struct StepOutcome {
    var ready: Ready
    /// The term the server led before the step, if it led.
    var leaderOfTermBefore: Term?
    var commitBefore: LogIndex
    var isLeader: Bool
    var currentTerm: Term
    /// The commit index after the step, capped by the log (a follower may know a higher one).
    var commitAfter: LogIndex
}

extension World.Server {
    /// Hands `input` to the running server, in place.
    ///
    /// The node is moved out of the optional for the step and back after it: read through the
    /// optional (`node!.field`, or even `node.unsafelyUnwrapped.isLeader`), it may be copied
    /// whole, a retain and a release of each of its arrays, whenever the optimizer does not see
    /// through the read; a local it owns alone it reads and mutates in place.
    mutating func handle(_ input: RaftNode.Input, as id: NodeID) -> StepOutcome {
        guard var running = node.take() else { preconditionFailure("\(id) is down") }
        let leaderOfTermBefore = running.isLeader ? running.currentTerm : nil
        let commitBefore = running.commitIndex
        let ready = running.handle(input)
        let outcome = StepOutcome(
            ready: ready, leaderOfTermBefore: leaderOfTermBefore, commitBefore: commitBefore,
            isLeader: running.isLeader, currentTerm: running.currentTerm,
            commitAfter: min(running.commitIndex, running.log.lastIndex))
        node = consume running
        return outcome
    }
}
