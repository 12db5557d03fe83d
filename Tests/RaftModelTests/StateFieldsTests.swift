import RaftTestSupport
import Testing

@testable import RaftCore
@testable import RaftModel
@testable import RaftSimulation

/// Every stored property of server and world state is accounted for by renaming and by the
/// checker's fingerprint.
///
/// Both are written field by field, so a new field is silently left out of them: renamed worlds
/// would keep a stale server name, and the search would merge states that differ in it. Sampling
/// worlds cannot notice a field no code sets yet; comparing the types' actual stored properties
/// (read with `Mirror`) with the lists the renaming and fingerprint code declare does, the moment
/// the field is added.
@Suite("Every field of state is renamed and fingerprinted")
struct StateFieldsTests {
    /// The stored properties of `value`'s type, in declaration order.
    func storedProperties(of value: Any) -> [String] {
        Mirror(reflecting: value).children.compactMap(\.label)
    }

    /// Fails, naming the type, unless `value`'s stored properties are exactly each declared list.
    func expectAccountedFor(
        _ value: Any, renamed: [String], fingerprinted: [String], sourceLocation: SourceLocation = #_sourceLocation
    ) {
        let actual = storedProperties(of: value).sorted()
        let type = String(describing: Swift.type(of: value))
        #expect(actual == renamed.sorted(), "renaming of \(type)", sourceLocation: sourceLocation)
        #expect(actual == fingerprinted.sorted(), "search fingerprint of \(type)", sourceLocation: sourceLocation)
    }

    /// A world with a leader, a message in flight, a partition and some ghost history.
    var sampleWorld: World {
        var world = World(serverCount: 3, mutant: nil)
        let leader = NodeID(0)
        var node = RaftNode(id: leader, serverCount: 3)
        _ = node.handle(.electionTimeout)
        _ = node.handle(
            .receive(
                Envelope(
                    from: NodeID(1), to: leader,
                    message: .requestVoteResponse(RequestVoteResponse(term: 1, voteGranted: true)))))
        world.servers[0].node = node
        world.enqueue(
            Envelope(
                from: leader, to: NodeID(2),
                message: .requestVote(RequestVote(term: 1, lastLogIndex: 0, lastLogTerm: 0))))
        world.partition = NodeSet([NodeID(2)])
        let entry = Entry(term: 1, command: Command(key: 0, value: 1))
        world.ghost.leadersByTerm = [NodeSet(), NodeSet([leader])]
        world.ghost.committed = [World.CommittedRecord(entry: entry, commitTerm: 1, server: leader)]
        world.ghost.acknowledged = [World.Acknowledgement(command: entry.command!, index: 1)]
        return world
    }

    @Test("The world, its servers, disks, budget, state machines and ghost history")
    func worldFields() {
        let world = sampleWorld
        let server = world.servers[0]
        typealias Fingerprinted = SearchFingerprintFields
        expectAccountedFor(world, renamed: World.renamedFields, fingerprinted: Fingerprinted.world)
        expectAccountedFor(server, renamed: World.Server.renamedFields, fingerprinted: Fingerprinted.server)
        expectAccountedFor(server.disk, renamed: DurableState.renamedFields, fingerprinted: Fingerprinted.disk)
        expectAccountedFor(world.spent, renamed: World.Budget.renamedFields, fingerprinted: Fingerprinted.budget)
        expectAccountedFor(
            server.stateMachine, renamed: KeyValueStore.renamedFields, fingerprinted: Fingerprinted.stateMachine)
        expectAccountedFor(world.ghost, renamed: World.Ghost.renamedFields, fingerprinted: Fingerprinted.ghost)
        expectAccountedFor(
            world.ghost.committed[0], renamed: World.CommittedRecord.renamedFields,
            fingerprinted: Fingerprinted.committedRecord)
        expectAccountedFor(
            world.ghost.acknowledged[0], renamed: World.Acknowledgement.renamedFields,
            fingerprinted: Fingerprinted.acknowledgement)
    }

    @Test("A server, its roles and the leader's progress")
    func serverFields() throws {
        let node = try #require(sampleWorld.servers[0].node)
        expectAccountedFor(node, renamed: RaftNode.renamedFields, fingerprinted: SearchFingerprintFields.node)
        expectAccountedFor(
            node.configuration, renamed: Configuration.renamedFields,
            fingerprinted: SearchFingerprintFields.configuration)
        guard case .leader(let progress) = node.role else {
            Issue.record("the sample server does not lead")
            return
        }
        expectAccountedFor(progress, renamed: Progress.renamedFields, fingerprinted: SearchFingerprintFields.progress)

        // Every role, with the labels of its payload (none for one unlabelled value).
        let roles: [Role] = [
            .follower(leader: nil), .preCandidate(votesGranted: NodeSet([NodeID(0)])),
            .candidate(votesGranted: NodeSet([NodeID(0)])), node.role,
        ]
        #expect(roles.map(\.kind.rawValue) == Role.Kind.allCases.map(\.rawValue))
        #expect(roles.count == Role.renamedPayloads.count && roles.count == SearchFingerprintFields.rolePayloads.count)
        for (index, role) in roles.enumerated() {
            let payload = try #require(Mirror(reflecting: role).children.first)
            let payloadMirror = Mirror(reflecting: payload.value)
            let labels = payloadMirror.displayStyle == .tuple ? payloadMirror.children.map { $0.label ?? "_" } : []
            let renamed = Role.renamedPayloads[index]
            let fingerprinted = SearchFingerprintFields.rolePayloads[index]
            #expect(payload.label == renamed.role && payload.label == fingerprinted.role)
            #expect(labels == renamed.labels, "renaming of the \(role.kind) role")
            #expect(labels == fingerprinted.labels, "search fingerprint of the \(role.kind) role")
        }
    }

    @Test("Messages in flight: the envelope and every message's payload")
    func messageFields() throws {
        let envelope = sampleWorld.network[0]
        expectAccountedFor(
            envelope, renamed: Envelope.renamedFields, fingerprinted: SearchFingerprintFields.envelope)
        let messages: [Message] = [
            .requestVote(RequestVote(term: 1, lastLogIndex: 0, lastLogTerm: 0)),
            .requestVoteResponse(RequestVoteResponse(term: 1, voteGranted: true)),
            .preVote(RequestVote(term: 1, lastLogIndex: 0, lastLogTerm: 0)),
            .preVoteResponse(RequestVoteResponse(term: 1, voteGranted: true)),
            .appendEntries(AppendEntries(term: 1, prevLogIndex: 0, prevLogTerm: 0, entries: [], leaderCommit: 0)),
            .appendEntriesResponse(AppendEntriesResponse(term: 1, success: true, matchIndex: 0)),
            .installSnapshot(
                InstallSnapshot(
                    term: 1,
                    snapshot: Snapshot(lastIncludedIndex: 1, lastIncludedTerm: 1, state: SnapshotState(words: [0])))),
        ]
        #expect(messages.count == Message.renamedFieldsByPayload.count)
        #expect(messages.count == SearchFingerprintFields.messagePayloads.count)
        for (index, message) in messages.enumerated() {
            let payload = try #require(Mirror(reflecting: message).children.first)
            let actual = storedProperties(of: payload.value).sorted()
            let renamed = Message.renamedFieldsByPayload[index]
            let fingerprinted = SearchFingerprintFields.messagePayloads[index]
            #expect(payload.label == renamed.payload && payload.label == fingerprinted.payload)
            #expect(actual == renamed.fields.sorted(), "renaming of \(payload.label ?? "?")")
            #expect(actual == fingerprinted.fields.sorted(), "search fingerprint of \(payload.label ?? "?")")
        }
    }
}
