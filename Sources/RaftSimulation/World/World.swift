import RaftCore

/// Everything the explorers must hash: the servers, their disks, the network, the fault budget
/// spent, and the ghost history the invariants read.
///
/// A pure value. `WorldRules` computes which actions are enabled in a world and what each does.
public struct World: Hashable, Sendable {
    /// Per-server state, indexed by `NodeID.index`.
    public internal(set) var servers: [Server]
    /// Messages in flight, kept sorted by their stable fingerprint so that two worlds holding the
    /// same bag of messages compare (and hash) equal whatever order they were sent in.
    public internal(set) var network: [Envelope]
    /// When the network is partitioned, the servers on one side; the rest are on the other.
    public internal(set) var partition: NodeSet?
    /// How much of each bounded thing has happened.
    public internal(set) var spent: Budget
    /// History that no server can see, kept for the invariants.
    public internal(set) var ghost: Ghost
    /// The configuration every server was created with, and restarts with.
    ///
    /// Nil when every slot votes (the fixed cluster). It never changes during a run, but renaming
    /// moves it.
    public internal(set) var initialConfiguration: Configuration?
    /// The session clients, their messages, the servers' session state machines and the
    /// operation history; nil unless the spec turns clients on.
    public internal(set) var clients: Clients? = nil

    /// One server slot: the running process (nil while crashed), its disk, its state machine.
    public struct Server: Hashable, Sendable {
        /// The running server, or nil while crashed.
        public internal(set) var node: RaftNode?
        /// What the server has made durable; all that survives a crash.
        public internal(set) var disk: DurableState
        /// The key-value state machine that committed entries are applied to; lost on crash and
        /// rebuilt by re-applying the log after restart.
        public internal(set) var stateMachine: KeyValueStore

        /// Whether the server runs.
        ///
        /// A pattern rather than `node != nil`, which copies the node; inlinable, as the explorers
        /// ask it of every server they look at.
        @inlinable public var isUp: Bool {
            if case .some = node { true } else { false }
        }

        /// The running node of the server at `server`, where it lies; nil while crashed.
        ///
        /// An optional's payload starts at its first byte (Swift's layout of single-payload
        /// enums), so the node is read in place: unwrapped as a value, even through
        /// `unsafelyUnwrapped`, it is copied whole (a retain and a release of each of its arrays)
        /// whenever the optimizer does not inline the read. The explorers' hot paths (the step
        /// check, the search fingerprint, the packer) read servers through this; inlinable, so
        /// that the checker's adapter inlines it too.
        @inlinable @inline(__always)
        package static func runningNode(of server: UnsafePointer<Server>) -> UnsafePointer<RaftNode>? {
            guard server.pointee.isUp else { return nil }
            return UnsafeRawPointer(server.pointer(to: \.node)!).assumingMemoryBound(to: RaftNode.self)
        }

        /// Adds the server at `server`, as `id`, to the sets its role puts it in.
        ///
        /// The node is read where it lies (`runningNode(of:)`): `guard let`, or even
        /// `unsafelyUnwrapped`, may copy it.
        @inline(__always)
        static func addRole(of server: UnsafePointer<Server>, as id: NodeID, to roles: inout ServerRoles, maxTerm: Term)
        {
            guard let node = runningNode(of: server) else { return }
            roles.up.insert(id)
            if node.pointee.isLeader {
                roles.leaders.insert(id)
            } else if node.pointee.currentTerm < maxTerm && RaftNode.electionTimeoutActs(at: node) {
                roles.mayStartElection.insert(id)
            }
        }
    }

    /// Counts of bounded actions taken so far.
    public struct Budget: Hashable, Sendable {
        public internal(set) var clientRequests = 0
        public internal(set) var crashes = 0
        public internal(set) var drops = 0
        public internal(set) var duplicates = 0
        public internal(set) var partitions = 0
        /// Elections started; counted only when the spec bounds them (`WorldSpec.maxElections`),
        /// so that a spec without that bound tells no two worlds apart by it.
        public internal(set) var elections = 0
        /// Heartbeat timeouts; counted only when the spec bounds them (`maxHeartbeats`).
        public internal(set) var heartbeats = 0

        /// Whether a count kept only under an optional bound is above 0: the fingerprints mix
        /// those counts only then, so that the fingerprint of every world of a spec without
        /// these bounds, and the digests saved traces carry, stay as they were.
        public var spentOptionalBounds: Bool { elections | heartbeats != 0 }
        /// Membership changes the leaders appended (the thesis, section 4.1).
        public internal(set) var configChanges = 0
        /// Snapshots taken, in all (bounded by `WorldSpec.maxSnapshots`).
        public internal(set) var snapshots = 0
    }

    /// Ghost history: facts about the past that the invariants need and no server keeps.
    public struct Ghost: Hashable, Sendable {
        /// For each term (index = term), every server that ever led it.
        public internal(set) var leadersByTerm: [NodeSet] = []
        /// The committed log as the cluster first committed it: entry `i - 1` is the entry first
        /// committed at index `i`, with the term in which that happened.
        public internal(set) var committed: [CommittedRecord] = []
        /// Commands acknowledged to clients (a leader applied them), in order.
        public internal(set) var acknowledged: [Acknowledgement] = []

        /// The servers that ever led `term`.
        public func leaders(ofTerm term: Term) -> NodeSet {
            term < leadersByTerm.count ? leadersByTerm[term] : NodeSet()
        }
    }

    /// One committed index in the ghost history.
    public struct CommittedRecord: Hashable, Sendable {
        public var entry: Entry
        /// The term of the server that first committed it: every leader of a later term must hold
        /// the entry (Leader Completeness).
        public var commitTerm: Term
        /// The server that first committed it.
        public var server: NodeID
    }

    /// A command a leader told its client was done, at the index it was applied.
    public struct Acknowledgement: Hashable, Sendable {
        public var command: Command
        public var index: LogIndex
    }

    /// The initial world: every server up, empty logs, nothing in flight.
    public init(
        serverCount: Int, mutant: Mutant?, options: ProtocolOptions = .figure2, configuration: Configuration? = nil
    ) {
        servers = NodeID.all(serverCount).map { id in
            Server(
                node: RaftNode(
                    id: id, serverCount: serverCount, mutant: mutant, options: options, configuration: configuration),
                disk: .initial, stateMachine: KeyValueStore())
        }
        network = []
        partition = nil
        spent = Budget()
        ghost = Ghost()
        initialConfiguration = configuration
    }

    /// Whether membership is in play: spare slots at the start, or a change appended since.
    public var hasMembership: Bool { initialConfiguration != nil || spent.configChanges > 0 }

    /// The log of server `index`: the running one's, or its disk's while crashed.
    ///
    /// Read in place (`Server.runningNode(of:)`): only the log is copied, not the server.
    public func log(of index: Int) -> Log {
        precondition(servers.indices.contains(index), "no server \(index)")
        return servers.withUnsafeBufferPointer { servers in
            let server = servers.baseAddress! + index
            return Server.runningNode(of: server)?.pointee.log ?? server.pointee.disk.log
        }
    }

    /// Every server that currently believes it leads, with its term.
    public var currentLeaders: [RaftNode] { servers.compactMap { $0.node }.filter(\.isLeader) }

    /// Which servers run, which lead, and which may start an election (running, not leading,
    /// below `maxTerm`, a voter of its configuration): what enabling actions needs, read in one pass without copying a server.
    func serverRoles(maxTerm: Term) -> ServerRoles {
        var roles = ServerRoles()
        servers.withUnsafeBufferPointer { servers in
            for index in servers.indices {
                Server.addRole(of: servers.baseAddress! + index, as: NodeID(index), to: &roles, maxTerm: maxTerm)
            }
        }
        return roles
    }

    /// Servers by role; see `serverRoles(maxTerm:)`.
    struct ServerRoles {
        var up = NodeSet()
        var leaders = NodeSet()
        var mayStartElection = NodeSet()
    }

    /// Whether a message from `sender` to `receiver` would cross the partition.
    public func isCut(_ sender: NodeID, _ receiver: NodeID) -> Bool {
        guard let side = partition else { return false }
        return side.contains(sender) != side.contains(receiver)
    }

    /// Adds a message to the network, keeping it sorted (see `network`).
    mutating func enqueue(_ envelope: Envelope) {
        let key = envelope.fingerprint
        var low = 0
        var high = network.count
        while low < high {
            let mid = (low + high) / 2
            if network[mid].fingerprint < key { low = mid + 1 } else { high = mid }
        }
        network.insert(envelope, at: low)
    }

    /// Removes one copy of `envelope` from the network; returns whether it was there.
    @discardableResult
    mutating func removeOne(_ envelope: Envelope) -> Bool {
        guard let position = network.firstIndex(of: envelope) else { return false }
        network.remove(at: position)
        return true
    }
}

/// The replicated state machine: a few keys, each holding the last value written.
public struct KeyValueStore: Hashable, Sendable, CustomStringConvertible {
    /// Number of keys; client commands cycle through them.
    public static let keyCount = 2
    /// The value of each key, nil until first written.
    ///
    /// Inline, so copying a world does not touch a heap object per server.
    public internal(set) var values = InlineArray<2, UInt16?>(repeating: nil)
    /// How many entries have been applied since the server (re)started, no-ops included.
    public internal(set) var appliedCount = 0

    mutating func apply(_ entry: Entry) {
        if let command = entry.command { values[Int(command.key) % Self.keyCount] = command.value }
        appliedCount += 1
    }

    public static func == (lhs: KeyValueStore, rhs: KeyValueStore) -> Bool {
        lhs.appliedCount == rhs.appliedCount && (0..<keyCount).allSatisfy { lhs.values[$0] == rhs.values[$0] }
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(appliedCount)
        for key in 0..<Self.keyCount { hasher.combine(values[key]) }
    }

    public var description: String {
        (0..<Self.keyCount).compactMap { key in
            values[key].map { "\(Command(key: UInt8(key), value: $0).description)" }
        }.joined(separator: ",")
    }
}

extension World: StablyHashable {
    public func stableHash(into hasher: inout StableHasher) {
        for server in servers {
            if let node = server.node {
                hasher.combine(1 as UInt64)
                node.stableHash(into: &hasher)
            } else {
                hasher.combine(0 as UInt64)
            }
            server.disk.stableHash(into: &hasher)
            hasher.combine(server.stateMachine.appliedCount)
            for key in 0..<KeyValueStore.keyCount {
                hasher.combine(server.stateMachine.values[key].map { Int($0) + 1 } ?? 0)
            }
        }
        hasher.combine(network.count)
        for envelope in network { envelope.stableHash(into: &hasher) }
        hasher.combine(partition.map { Int($0.bits) + 1 } ?? 0)
        hasher.combine(spent.clientRequests)
        hasher.combine(spent.crashes)
        hasher.combine(spent.drops)
        hasher.combine(spent.duplicates)
        hasher.combine(spent.partitions)
        if spent.spentOptionalBounds {
            hasher.combine(spent.elections)
            hasher.combine(spent.heartbeats)
        }
        // Only when membership changes happened, so fixed clusters hash as they always did.
        if spent.configChanges > 0 { hasher.combine(spent.configChanges) }
        // Only once a snapshot was taken, so that every digest of a world without them stays put.
        if spent.snapshots > 0 { hasher.combine(spent.snapshots) }
        hasher.combine(ghost.leadersByTerm.count)
        for leaders in ghost.leadersByTerm { hasher.combine(UInt64(leaders.bits)) }
        hasher.combine(ghost.committed.count)
        for record in ghost.committed {
            record.entry.stableHash(into: &hasher)
            hasher.combine(record.commitTerm)
        }
        hasher.combine(ghost.acknowledged.count)
        // Only when on, so that a world without clients hashes as it always did.
        clients?.stableHash(into: &hasher)
    }
}
