import ModelChecking
import RaftCore
import RaftSimulation

/// The Raft world packed into bytes, for the breadth-first queue (`Model.packsStates`).
///
/// A queued `World` is a tree of heap objects (the servers' array, each log, each leader's
/// progress arrays, the network and its messages' entries, the ghost history): several hundred
/// bytes of objects, headers and allocator slack for what packs into some fifty. The search
/// queues the bytes, spills them to disk past a size, and unpacks each world when it expands it.
///
/// Every field of the world is packed, each integer as an unsigned LEB128 varint (most are
/// small), except three that are the same for a whole search and come from `rules`: each
/// server's `mutant`, `options` and (by position) `serverCount`.
///
/// **A field added to the world or anything in it (a server, its node, role, progress, disk or
/// state machine, a message, the fault budget, the ghost history) must be packed here too.**
/// The round-trip test (`unpack(pack(w)) == w` over thousands of reachable worlds of every spec
/// and mutant spec, with every protocol switch on) fails until it is: a field left out comes
/// back with its default value, and the search would merge states that differ in it.
extension RaftModel {
    public var packsStates: Bool { packsQueuedStates }

    public func pack(_ world: World, into bytes: PackedBytes) {
        PackedWorldWriter(bytes: bytes).write(world)
    }

    public func unpack(_ bytes: UnsafeRawBufferPointer) -> World {
        var reader = PackedWorldReader(bytes: bytes, rules: rules)
        let world = reader.readWorld()
        precondition(reader.isAtEnd, "a packed world has bytes left over")
        return world
    }
}

/// The key byte that starts an entry payload other than a command with an ordinary key, and the
/// tag that follows it.
private enum PayloadEscape {
    static let marker: UInt8 = 0xFF
    static let command: UInt8 = 0
    static let noOp: UInt8 = 1
    static let configuration: UInt8 = 2
    static let session: UInt8 = 3
}

/// Flag bits of a packed server's first byte.
private enum ServerFlags {
    static let up: UInt8 = 1
    static let lastInputChangedDurableState: UInt8 = 2
    /// The disk holds exactly the running server's term, vote and log (unless a mutant makes
    /// them differ, it does): the disk is not packed again.
    static let diskIsNodeState: UInt8 = 4
    /// The server was created with a configuration other than the world's initial one (which
    /// follows, as voters and learners).
    static let ownInitialConfiguration: UInt8 = 8
    /// The role's tag, in bits 4 and 5.
    static let roleShift: UInt8 = 4
    /// The running server's truncation records follow its snapshot (RB-18's mutant only).
    static let nodeTruncated: UInt8 = 64
    /// The disk's truncation records follow its snapshot (RB-18's mutant only).
    static let diskTruncated: UInt8 = 128
}

/// Role tags.
private enum RoleTag {
    static let follower: UInt8 = 0
    static let preCandidate: UInt8 = 1
    static let candidate: UInt8 = 2
    static let leader: UInt8 = 3
}

/// Message tags.
private enum MessageTag {
    static let requestVote: UInt8 = 0
    static let requestVoteResponse: UInt8 = 1
    static let preVote: UInt8 = 2
    static let preVoteResponse: UInt8 = 3
    static let appendEntries: UInt8 = 4
    static let appendEntriesResponse: UInt8 = 5
    static let installSnapshot: UInt8 = 6
}

private struct PackedWorldWriter {
    let bytes: PackedBytes

    @inline(__always)
    func write(_ value: Int) { bytes.append(varint: value) }

    @inline(__always)
    func write(vote: NodeID?) { write(vote.map { $0.index + 1 } ?? 0) }

    func write(_ world: World) {
        write(world.servers.count)
        if let initial = world.initialConfiguration {
            write(Int(initial.voters.bits) + 1)
            write(Int(initial.learners.bits))
        } else {
            write(0)
        }
        let defaultInitial = world.initialConfiguration ?? .allVoters(world.servers.count)
        world.servers.withUnsafeBufferPointer { servers in
            for index in servers.indices { write(server: index, of: servers, defaultInitial: defaultInitial) }
        }
        write(world.network.count)
        world.network.withUnsafeBufferPointer { network in
            for index in network.indices { write(network[index]) }
        }
        write(world.partition.map { Int($0.bits) + 1 } ?? 0)
        let spent = world.spent
        write(spent.clientRequests)
        write(spent.crashes)
        write(spent.drops)
        write(spent.duplicates)
        write(spent.partitions)
        write(spent.elections)
        write(spent.heartbeats)
        write(spent.configChanges)
        write(spent.snapshots)
        let ghost = world.ghost
        write(ghost.leadersByTerm.count)
        for leaders in ghost.leadersByTerm { write(Int(leaders.bits)) }
        write(ghost.committed.count)
        for record in ghost.committed {
            write(record.entry)
            write(record.commitTerm)
            write(record.server.index)
        }
        write(ghost.acknowledged.count)
        for acknowledgement in ghost.acknowledged {
            write(acknowledgement.command)
            write(acknowledgement.index)
        }
        ClientsPacking.write(world.clients, into: bytes)
    }

    /// Server `index` of `servers`, read where it lies (`World.Server.runningNode(of:)`):
    /// passed as a value, the server would be copied, and so would its node and disk, a retain
    /// and a release of each of their arrays.
    func write(server index: Int, of servers: UnsafeBufferPointer<World.Server>, defaultInitial: Configuration) {
        precondition(servers.indices.contains(index))
        let server = servers.baseAddress! + index
        if let node = World.Server.runningNode(of: server) {
            write(node: node, diskOf: server, defaultInitial: defaultInitial)
        } else {
            bytes.append(server.pointee.disk.truncatedIsEmpty ? 0 : ServerFlags.diskTruncated)
            write(diskOf: server)
        }
        write(server.pointee.stateMachine.appliedCount)
        for key in 0..<KeyValueStore.keyCount {
            write(server.pointee.stateMachine.values[key].map { Int($0) + 1 } ?? 0)
        }
    }

    /// The running server at `node`, then the disk of `server` unless that holds what the
    /// running server holds.
    func write(node: UnsafePointer<RaftNode>, diskOf server: UnsafePointer<World.Server>, defaultInitial: Configuration)
    {
        let ownInitial = node.pointee.initialConfiguration != defaultInitial
        let diskIsNodeState =
            server.pointee.disk.currentTerm == node.pointee.currentTerm
            && server.pointee.disk.votedFor == node.pointee.votedFor && server.pointee.disk.log == node.pointee.log
            && server.pointee.disk.snapshot == node.pointee.snapshot
            && (server.pointee.disk.truncatedIsEmpty && node.pointee.truncatedIsEmpty
                || server.pointee.disk.truncated == node.pointee.truncated)
        let roleTag: UInt8 =
            switch node.pointee.roleKind {
            case .follower: RoleTag.follower
            case .preCandidate: RoleTag.preCandidate
            case .candidate: RoleTag.candidate
            case .leader: RoleTag.leader
            }
        bytes.append(
            ServerFlags.up | (node.pointee.lastInputChangedDurableState ? ServerFlags.lastInputChangedDurableState : 0)
                | (diskIsNodeState ? ServerFlags.diskIsNodeState : 0)
                | (ownInitial ? ServerFlags.ownInitialConfiguration : 0) | roleTag << ServerFlags.roleShift
                | (node.pointee.truncatedIsEmpty ? 0 : ServerFlags.nodeTruncated)
                | (diskIsNodeState || server.pointee.disk.truncatedIsEmpty ? 0 : ServerFlags.diskTruncated))
        if ownInitial { write(node.pointee.initialConfiguration) }
        write(node.pointee.id.index)
        write(node.pointee.currentTerm)
        write(vote: node.pointee.votedFor)
        write(node.pointee.log)
        write(snapshot: node.pointee.snapshot)
        if !node.pointee.truncatedIsEmpty { write(node.pointee.truncated) }
        write(node.pointee.commitIndex)
        write(node.pointee.lastApplied)
        switch node.pointee.role {
        case .follower(let leader): write(vote: leader)
        case .preCandidate(let votes), .candidate(let votes): write(Int(votes.bits))
        case .leader(let progress): write(progress)
        }
        if !diskIsNodeState { write(diskOf: server) }
    }

    /// The disk of the server at `server`, read where it lies.
    func write(diskOf server: UnsafePointer<World.Server>) {
        write(server.pointee.disk.currentTerm)
        write(vote: server.pointee.disk.votedFor)
        write(server.pointee.disk.log)
        write(snapshot: server.pointee.disk.snapshot)
        if !server.pointee.disk.truncatedIsEmpty { write(server.pointee.disk.truncated) }
    }

    /// RB-18's truncation records: their count, then each one's first index and entries.
    func write(_ truncated: [TruncatedEntries]) {
        write(truncated.count)
        for record in truncated {
            write(record.firstIndex)
            write(record.entries.count)
            for entry in record.entries { write(entry) }
        }
    }

    /// A log: its base (0, or the snapshot's last included index and then term), then its entries.
    func write(_ log: Log) {
        write(log.baseIndex)
        if log.baseIndex > 0 { write(log.baseTerm) }
        write(log.entries.count)
        for entry in log.entries { write(entry) }
    }

    /// A snapshot: 0 for none, else its last included index (at least 1) and term, then the
    /// state's words.
    func write(snapshot: Snapshot?) {
        guard let snapshot else {
            write(0)
            return
        }
        write(snapshot.lastIncludedIndex)
        write(snapshot.lastIncludedTerm)
        write(snapshot.state.words.count)
        for word in snapshot.state.words { write(Int(bitPattern: UInt(word))) }
    }

    /// An entry: its term, then its payload.
    ///
    /// A command packs as its key byte and value; key byte `PayloadEscape.marker` starts every
    /// other payload (and a command whose key is that byte), so the common entry stays two bytes
    /// after its term.
    @inline(__always)
    func write(_ entry: Entry) {
        write(entry.term)
        switch entry.payload {
        case .command(let command) where command.key != PayloadEscape.marker:
            write(command)
        case .command(let command):
            bytes.append(PayloadEscape.marker)
            bytes.append(PayloadEscape.command)
            write(command)
        case .noOp:
            bytes.append(PayloadEscape.marker)
            bytes.append(PayloadEscape.noOp)
        case .configuration(let configuration):
            bytes.append(PayloadEscape.marker)
            bytes.append(PayloadEscape.configuration)
            write(configuration)
        case .session(let command):
            bytes.append(PayloadEscape.marker)
            bytes.append(PayloadEscape.session)
            ClientsPacking.write(command, into: bytes)
        }
    }

    func write(_ configuration: Configuration) {
        write(Int(configuration.voters.bits))
        write(Int(configuration.learners.bits))
    }

    @inline(__always)
    func write(_ command: Command) {
        bytes.append(command.key)
        write(Int(command.value))
    }

    func write(_ progress: Progress) {
        write(progress.nextIndex.count)
        for index in progress.nextIndex { write(index) }
        write(progress.matchIndex.count)
        for index in progress.matchIndex { write(index) }
        write(Int(progress.recentlyActive.bits))
        write(progress.flow.count)
        for flow in progress.flow { bytes.append(flow == .replicate ? 1 : 0) }
        write(progress.inflight.count)
        for window in progress.inflight {
            write(window.count)
            for index in window { write(index) }
        }
        // The empty state's one byte written here, without building the state to ask it.
        if progress.readsAreEmpty { bytes.append(0) } else { ClientsPacking.write(progress.reads, into: bytes) }
    }

    func write(_ envelope: Envelope) {
        write(envelope.from.index)
        write(envelope.to.index)
        switch envelope.message {
        case .requestVote(let request):
            bytes.append(MessageTag.requestVote)
            write(request)
        case .requestVoteResponse(let response):
            bytes.append(MessageTag.requestVoteResponse)
            write(response)
        case .preVote(let request):
            bytes.append(MessageTag.preVote)
            write(request)
        case .preVoteResponse(let response):
            bytes.append(MessageTag.preVoteResponse)
            write(response)
        case .appendEntries(let request):
            bytes.append(MessageTag.appendEntries)
            write(request.term)
            write(request.prevLogIndex)
            write(request.prevLogTerm)
            write(request.entries.count)
            for entry in request.entries { write(entry) }
            write(request.leaderCommit)
            write(request.readRound)
        case .appendEntriesResponse(let response):
            bytes.append(MessageTag.appendEntriesResponse)
            write(response.term)
            bytes.append(response.success ? 1 : 0)
            write(response.matchIndex)
            write(response.conflictTerm)
            write(response.conflictIndex)
            write(response.readRound)
        case .installSnapshot(let request):
            bytes.append(MessageTag.installSnapshot)
            write(request.term)
            write(snapshot: request.snapshot)
        }
    }

    func write(_ request: RequestVote) {
        write(request.term)
        write(request.lastLogIndex)
        write(request.lastLogTerm)
    }

    func write(_ response: RequestVoteResponse) {
        write(response.term)
        bytes.append(response.voteGranted ? 1 : 0)
    }
}

private struct PackedWorldReader {
    var reader: PackedReader
    let rules: WorldRules

    init(bytes: UnsafeRawBufferPointer, rules: WorldRules) {
        reader = PackedReader(bytes)
        self.rules = rules
    }

    var isAtEnd: Bool { reader.isAtEnd }

    @inline(__always)
    mutating func byte() -> UInt8 { reader.byte() }

    @inline(__always)
    mutating func int() -> Int { reader.varint() }

    @inline(__always)
    mutating func vote() -> NodeID? {
        let code = int()
        return code == 0 ? nil : NodeID(code - 1)
    }

    @inline(__always)
    mutating func nodeSet() -> NodeSet { NodeSet(bits: UInt16(truncatingIfNeeded: int())) }

    mutating func configuration() -> Configuration { Configuration(voters: nodeSet(), learners: nodeSet()) }

    mutating func readWorld() -> World {
        let serverCount = int()
        let initialCode = int()
        let initialConfiguration =
            initialCode == 0
            ? nil
            : Configuration(voters: NodeSet(bits: UInt16(truncatingIfNeeded: initialCode - 1)), learners: nodeSet())
        let defaultInitial = initialConfiguration ?? .allVoters(serverCount)
        var servers: [World.Server] = []
        servers.reserveCapacity(serverCount)
        for _ in 0..<serverCount { servers.append(server(serverCount: serverCount, defaultInitial: defaultInitial)) }
        let networkCount = int()
        var network: [Envelope] = []
        network.reserveCapacity(networkCount)
        for _ in 0..<networkCount { network.append(envelope()) }
        let partitionCode = int()
        let partition = partitionCode == 0 ? nil : NodeSet(bits: UInt16(truncatingIfNeeded: partitionCode - 1))
        let spent = World.Budget(
            unpackingClientRequests: int(), crashes: int(), drops: int(), duplicates: int(), partitions: int(),
            elections: int(), heartbeats: int(), configChanges: int(), snapshots: int())
        var leadersByTerm: [NodeSet] = []
        let termCount = int()
        leadersByTerm.reserveCapacity(termCount)
        for _ in 0..<termCount { leadersByTerm.append(nodeSet()) }
        var committed: [World.CommittedRecord] = []
        let committedCount = int()
        committed.reserveCapacity(committedCount)
        for _ in 0..<committedCount {
            committed.append(World.CommittedRecord(unpackingEntry: entry(), commitTerm: int(), server: NodeID(int())))
        }
        var acknowledged: [World.Acknowledgement] = []
        let acknowledgedCount = int()
        acknowledged.reserveCapacity(acknowledgedCount)
        for _ in 0..<acknowledgedCount {
            acknowledged.append(World.Acknowledgement(unpackingCommand: command(), index: int()))
        }
        return World(
            unpackingServers: servers, network: network, partition: partition, spent: spent,
            ghost: World.Ghost(unpackingLeadersByTerm: leadersByTerm, committed: committed, acknowledged: acknowledged),
            initialConfiguration: initialConfiguration, clients: ClientsPacking.read(&reader))
    }

    mutating func server(serverCount: Int, defaultInitial: Configuration) -> World.Server {
        let flags = byte()
        var node: RaftNode? = nil
        let disk: DurableState
        if flags & ServerFlags.up != 0 {
            let initialConfiguration =
                flags & ServerFlags.ownInitialConfiguration != 0 ? configuration() : defaultInitial
            let id = NodeID(int())
            let currentTerm = int()
            let votedFor = vote()
            let log = self.log()
            let snapshot = self.snapshot()
            let truncated = flags & ServerFlags.nodeTruncated != 0 ? self.truncated() : []
            let commitIndex = int()
            let lastApplied = int()
            let role: Role =
                switch flags >> ServerFlags.roleShift & 3 {
                case RoleTag.follower: .follower(leader: vote())
                case RoleTag.preCandidate: .preCandidate(votesGranted: nodeSet())
                case RoleTag.candidate: .candidate(votesGranted: nodeSet())
                default: .leader(progress())
                }
            node = RaftNode(
                unpackingID: id, serverCount: serverCount, mutant: rules.mutant, options: rules.spec.options,
                initialConfiguration: initialConfiguration, currentTerm: currentTerm, votedFor: votedFor, log: log,
                snapshot: snapshot, commitIndex: commitIndex,
                lastApplied: lastApplied, role: role,
                lastInputChangedDurableState: flags & ServerFlags.lastInputChangedDurableState != 0,
                truncated: truncated)
            disk =
                flags & ServerFlags.diskIsNodeState != 0
                ? DurableState(
                    currentTerm: currentTerm, votedFor: votedFor, log: log, snapshot: snapshot, truncated: truncated)
                : durableState(truncated: flags & ServerFlags.diskTruncated != 0)
        } else {
            disk = durableState(truncated: flags & ServerFlags.diskTruncated != 0)
        }
        let appliedCount = int()
        var values = InlineArray<2, UInt16?>(repeating: nil)
        for key in 0..<KeyValueStore.keyCount {
            let code = int()
            values[key] = code == 0 ? nil : UInt16(truncatingIfNeeded: code - 1)
        }
        return World.Server(
            unpackingNode: node, disk: disk,
            stateMachine: KeyValueStore(unpackingValues: values, appliedCount: appliedCount))
    }

    mutating func durableState(truncated hasTruncated: Bool) -> DurableState {
        var disk = DurableState(currentTerm: int(), votedFor: vote(), log: log(), snapshot: snapshot())
        if hasTruncated { disk.truncated = truncated() }
        return disk
    }

    mutating func truncated() -> [TruncatedEntries] {
        let count = int()
        var truncated: [TruncatedEntries] = []
        truncated.reserveCapacity(count)
        for _ in 0..<count {
            let firstIndex = int()
            let entryCount = int()
            var entries: [Entry] = []
            entries.reserveCapacity(entryCount)
            for _ in 0..<entryCount { entries.append(entry()) }
            truncated.append(TruncatedEntries(firstIndex: firstIndex, entries: entries))
        }
        return truncated
    }

    mutating func log() -> Log {
        let baseIndex = int()
        let baseTerm = baseIndex > 0 ? int() : 0
        let count = int()
        if baseIndex == 0 {
            guard count > 0 else { return Log() }
            return Log(entries(count))
        }
        return Log(after: baseIndex, baseTerm: baseTerm, entries(count))
    }

    mutating func snapshot() -> Snapshot? {
        let lastIncludedIndex = int()
        guard lastIncludedIndex > 0 else { return nil }
        let lastIncludedTerm = int()
        var words: [UInt64] = []
        let count = int()
        words.reserveCapacity(count)
        for _ in 0..<count { words.append(UInt64(UInt(bitPattern: int()))) }
        return Snapshot(
            lastIncludedIndex: lastIncludedIndex, lastIncludedTerm: lastIncludedTerm, state: SnapshotState(words: words)
        )
    }

    mutating func entries(_ count: Int) -> [Entry] {
        var entries: [Entry] = []
        entries.reserveCapacity(count)
        for _ in 0..<count { entries.append(entry()) }
        return entries
    }

    @inline(__always)
    mutating func entry() -> Entry {
        let term = int()
        let key = byte()
        guard key == PayloadEscape.marker else {
            return Entry(term: term, command: Command(key: key, value: UInt16(truncatingIfNeeded: int())))
        }
        switch byte() {
        case PayloadEscape.command: return Entry(term: term, command: command())
        case PayloadEscape.noOp: return Entry(term: term, payload: .noOp)
        case PayloadEscape.configuration: return Entry(term: term, payload: .configuration(configuration()))
        case PayloadEscape.session: return Entry(term: term, payload: .session(ClientsPacking.command(&reader)))
        case let tag: preconditionFailure("unknown packed payload tag \(tag)")
        }
    }

    @inline(__always)
    mutating func command() -> Command { Command(key: byte(), value: UInt16(truncatingIfNeeded: int())) }

    mutating func indexes() -> [LogIndex] {
        let count = int()
        var indexes: [LogIndex] = []
        indexes.reserveCapacity(count)
        for _ in 0..<count { indexes.append(int()) }
        return indexes
    }

    mutating func progress() -> Progress {
        let nextIndex = indexes()
        let matchIndex = indexes()
        let recentlyActive = nodeSet()
        let flowCount = int()
        var flow: [Progress.Flow] = []
        flow.reserveCapacity(flowCount)
        for _ in 0..<flowCount { flow.append(byte() == 1 ? .replicate : .probe) }
        let inflightCount = int()
        var inflight: [[LogIndex]] = []
        inflight.reserveCapacity(inflightCount)
        for _ in 0..<inflightCount { inflight.append(indexes()) }
        return Progress(
            unpackingNextIndex: nextIndex, matchIndex: matchIndex, recentlyActive: recentlyActive, flow: flow,
            inflight: inflight, reads: ClientsPacking.reads(&reader))
    }

    mutating func envelope() -> Envelope {
        let from = NodeID(int())
        let to = NodeID(int())
        let message: Message
        switch byte() {
        case MessageTag.requestVote: message = .requestVote(requestVote())
        case MessageTag.requestVoteResponse: message = .requestVoteResponse(requestVoteResponse())
        case MessageTag.preVote: message = .preVote(requestVote())
        case MessageTag.preVoteResponse: message = .preVoteResponse(requestVoteResponse())
        case MessageTag.appendEntries:
            let term = int()
            let prevLogIndex = int()
            let prevLogTerm = int()
            let entries = self.entries(int())
            message = .appendEntries(
                AppendEntries(
                    term: term, prevLogIndex: prevLogIndex, prevLogTerm: prevLogTerm, entries: entries,
                    leaderCommit: int(), readRound: int()))
        case MessageTag.installSnapshot:
            let term = int()
            guard let snapshot = snapshot() else { preconditionFailure("an InstallSnapshot packed without a snapshot") }
            message = .installSnapshot(InstallSnapshot(term: term, snapshot: snapshot))
        default:
            message = .appendEntriesResponse(
                AppendEntriesResponse(
                    term: int(), success: byte() == 1, matchIndex: int(), conflictTerm: int(), conflictIndex: int(),
                    readRound: int()))
        }
        return Envelope(from: from, to: to, message: message)
    }

    mutating func requestVote() -> RequestVote {
        RequestVote(term: int(), lastLogIndex: int(), lastLogTerm: int())
    }

    mutating func requestVoteResponse() -> RequestVoteResponse {
        RequestVoteResponse(term: int(), voteGranted: byte() == 1)
    }
}
