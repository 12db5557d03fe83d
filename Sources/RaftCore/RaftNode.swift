/// One Raft server, as a pure value: each input returns the effects to carry out.
///
/// It follows Figure 2 and section 5 of the Raft paper (extended version), checked rule by rule
/// against Ongaro's raft.tla. It does no I/O and reads no clock or random source: the
/// environment feeds it inputs (`handle(_:)`) and carries out the returned `Ready`.
///
/// ### Terminology
/// - *Instance*: this value. *Shell*: whatever carries out a `Ready` (the simulated world, or a
///   real server). *Ready*: the effects of one input, persist before send.
///
/// ### Deviations from the paper, on purpose
/// - Heartbeats are empty AppendEntries with `prevLogIndex = nextIndex - 1` (Figure 2's "initial
///   empty AppendEntries"); entries travel on client requests and on replies that show the
///   follower is behind. Both obey the same receiver rules.
/// - On a rejected AppendEntries the leader decrements `nextIndex` by one (Figure 2), as
///   raft.tla does, unless `options.fastBacktracking` gives it the conflicting term's first index.
/// - `commitIndex` never decreases on a follower: a stale AppendEntries whose last new entry is
///   below the current commit index leaves it alone (Figure 2 only raises it).
/// - Membership changes are single-server changes (the thesis, chapter 4), with the 2015 fix: a
///   leader appends a configuration only after committing an entry of its term. Snapshots
///   (section 7) are taken only when the environment asks. The production mechanisms (PreVote,
///   CheckQuorum, the leader's no-op, pipelining, batching, fast backtracking) are switches in
///   `options`, all off by default.
public struct RaftNode: Hashable, Sendable {
    /// This server's identity.
    public let id: NodeID
    /// How many server slots the cluster has: the size of per-server arrays.
    ///
    /// Which of them vote is `configuration`'s business; without membership changes all do.
    public let serverCount: Int
    /// The configuration this server was created with, in effect until its log holds one (the
    /// thesis, section 4.1); part of the server's creation, so a restart starts from it again.
    public let initialConfiguration: Configuration
    /// The documented deviation this server runs with, if any.
    public let mutant: Mutant?
    /// The mechanisms beyond Figure 2 this server runs with (the same on every server).
    public let options: ProtocolOptions

    // MARK: Persistent state on all servers (Figure 2)

    public private(set) var currentTerm: Term
    public private(set) var votedFor: NodeID?
    public internal(set) var log: Log
    /// The snapshot covering the log's compacted prefix (section 7); nil while nothing is
    /// compacted.
    public internal(set) var snapshot: Snapshot?
    /// What truncations removed, kept for RB-18's mutant only (`TruncatedEntries`); always empty
    /// otherwise.
    public internal(set) var truncated: [TruncatedEntries] {
        get { truncatedUnlessEmpty?.records ?? [] }
        set { truncatedUnlessEmpty = TruncationsBox.unlessEmpty(newValue) }
    }
    /// `truncated` out of line, nil while empty (`TruncationsBox`).
    @usableFromInline var truncatedUnlessEmpty: TruncationsBox? = nil

    /// Whether `truncated` is empty, as it is everywhere but under RB-18's mutant, asked without
    /// building the array.
    @inlinable public var truncatedIsEmpty: Bool {
        if case .none = truncatedUnlessEmpty { true } else { false }
    }

    // MARK: Volatile state

    /// The highest log index known to be committed.
    public internal(set) var commitIndex: LogIndex = 0
    /// The highest log index applied to the state machine.
    public internal(set) var lastApplied: LogIndex = 0
    public internal(set) var role: Role = .follower(leader: nil) {
        didSet { roleKind = role.kind }
    }
    /// `role.kind`, kept beside the role as it changes: one byte the explorers read in place.
    ///
    /// A question asked of `role` itself through a pointer to a server loads the role first, a
    /// leader's progress with it (a retain and a release of each of its arrays), on every server
    /// every state.
    public private(set) var roleKind: Role.Kind = .follower

    // MARK: Membership (the thesis, chapter 4)

    /// The latest configuration in the log, else `initialConfiguration`: the one this server
    /// votes, counts and replicates by, committed or not (section 4.1).
    ///
    /// Derived from the log and kept in step with it, so that counting votes does not search the
    /// log; a restart recomputes it from the disk's log.
    public private(set) var configuration: Configuration
    /// The index of the entry `configuration` came from; 0 for `initialConfiguration`.
    public private(set) var configurationIndex: LogIndex

    /// Set whenever term, vote or log change during one input, so `Ready.persist` is filled.
    var durableStateChanged = false

    /// Creates a server, starting from `durable` (what its disk holds: `.initial` on first boot).
    ///
    /// A restart is the same call with the disk's contents: only persistent state survives, so
    /// the server comes back as a follower with commit index 0 (Figure 2, "Volatile state"), or
    /// with its snapshot's last included index, which it committed and applied before (section
    /// 7): the shell loads the snapshot's state and the log is applied from there.
    public init(
        id: NodeID, serverCount: Int, mutant: Mutant? = nil, options: ProtocolOptions = .figure2,
        configuration initial: Configuration? = nil, restoring durable: DurableState = .initial
    ) {
        precondition(serverCount >= 1 && serverCount <= NodeSet.capacity)
        precondition(id.index < serverCount)
        self.id = id
        self.serverCount = serverCount
        self.mutant = mutant
        self.options = options
        self.initialConfiguration = initial ?? .allVoters(serverCount)
        self.currentTerm = durable.currentTerm
        self.votedFor = durable.votedFor
        self.log = durable.log
        // Section 4.1: the latest configuration in the log, committed or not.
        (configuration, configurationIndex) = durable.log.latestConfiguration ?? (initialConfiguration, 0)
        self.snapshot = durable.snapshot
        self.truncatedUnlessEmpty = durable.truncatedUnlessEmpty
        self.commitIndex = durable.log.baseIndex
        self.lastApplied = durable.log.baseIndex
        if deviates(.restartLoadsCommittedConfig) { adoptLatestCommittedConfiguration() }
    }

    /// Reassembles a server from every field it holds, as a state packer that stores queued
    /// servers as bytes decodes them.
    ///
    /// A packer's round-trip test (`unpack(pack(w)) == w` over reachable worlds) holds a field
    /// added later to this list: a field left out comes back with its default and fails it.
    public init(
        unpackingID id: NodeID, serverCount: Int, mutant: Mutant?, options: ProtocolOptions,
        initialConfiguration: Configuration, currentTerm: Term, votedFor: NodeID?, log: Log, snapshot: Snapshot?,
        commitIndex: LogIndex, lastApplied: LogIndex, role: Role, lastInputChangedDurableState: Bool,
        truncated: [TruncatedEntries] = []
    ) {
        // Field by field rather than through a restart and its `DurableState`: the checker
        // unpacks every state it expands, and each detour copies the log once more.
        precondition(id.index < serverCount && serverCount <= NodeSet.capacity)
        self.id = id
        self.serverCount = serverCount
        self.mutant = mutant
        self.options = options
        self.initialConfiguration = initialConfiguration
        self.currentTerm = currentTerm
        self.votedFor = votedFor
        self.log = log
        self.snapshot = snapshot
        self.truncatedUnlessEmpty = TruncationsBox.unlessEmpty(truncated)
        // `configuration` and `configurationIndex` follow from the log and the initial
        // configuration, as on a restart.
        (configuration, configurationIndex) = log.latestConfiguration ?? (initialConfiguration, 0)
        self.commitIndex = commitIndex
        self.lastApplied = lastApplied
        self.role = role
        self.roleKind = role.kind
        self.durableStateChanged = lastInputChangedDurableState
        // The stored mutant, not `deviates(_:)`: a method called on `self` in an initializer
        // copies the whole server first, and the checker unpacks servers by the million.
        if mutant == .restartLoadsCommittedConfig { adoptLatestCommittedConfiguration() }
    }

    /// Whether the last input changed term, vote or log; read by a state packer only, so that the
    /// server it reassembles equals this one.
    public var lastInputChangedDurableState: Bool { durableStateChanged }

    /// An input from the environment.
    public enum Input: Hashable, Sendable {
        case receive(Envelope)
        case electionTimeout
        case heartbeatTimeout
        case clientRequest(Command)
        /// A client asks for one single-server membership change (the thesis, section 4.1).
        case proposeConfigurationChange(ConfigurationChange)
        /// The shell's state machine, which has applied every entry up to `lastApplied`, is in
        /// `state`: snapshot it and discard that prefix of the log (section 7).
        case takeSnapshot(SnapshotState)
        /// A session client's operation, delivered over the network.
        case sessionRequest(SessionCommand)
    }

    /// The durable state as it must be written to disk.
    public var durableState: DurableState {
        // RB-16: the vote lives only in memory, so a restart forgets it.
        var durable = DurableState(
            currentTerm: currentTerm, votedFor: deviates(.forgetVoteOnRestart) ? nil : votedFor, log: log,
            snapshot: snapshot)
        // The same box, not a new one: the records never change once made.
        durable.truncatedUnlessEmpty = truncatedUnlessEmpty
        return durable
    }

    /// Whether this server believes it leads the current term.
    ///
    /// Inlinable, as are the other questions the explorers ask of every server they look at:
    /// called across modules on a server read in place from a world, a non-inlined getter
    /// needs the server copied out first.
    @inlinable public var isLeader: Bool { roleKind == .leader }

    /// The leader this server knows for its current term, if any.
    @inlinable public var knownLeader: NodeID? {
        switch role {
        case .follower(let leader): leader
        case .preCandidate, .candidate: nil
        case .leader: id
        }
    }

    /// Whether this server has heard from a leader of its current term within an election
    /// timeout, or leads that term itself: what PreVote and CheckQuorum's lease read (the thesis
    /// section 9.6).
    ///
    /// No clock is read. A follower learns its leader only from that leader's AppendEntries,
    /// which also resets its election timer, and forgets it when the timer fires (it becomes a
    /// (pre-)candidate), on a higher term and on restart. So "follows a known leader" is exactly
    /// "no election timeout has passed since the leader's last message", with the lease as long
    /// as the election timeout: the checker may fire the timer at any step, the fuzzer's virtual
    /// clock when its randomized deadline comes.
    public var hasFreshLeaderContact: Bool {
        switch role {
        case .follower(let leader): leader != nil
        case .preCandidate, .candidate: false
        case .leader: true
        }
    }

    /// Handles one input and returns the effects the environment MUST carry out, in `Ready`'s
    /// order, before handing this server its next input.
    public mutating func handle(_ input: Input) -> Ready {
        var ready = Ready()
        durableStateChanged = false
        switch input {
        case .receive(let envelope):
            precondition(envelope.to == id, "\(id) received a message for \(envelope.to)")
            receive(envelope, &ready)
        case .electionTimeout:
            if !isLeader && !mayCampaign {
                // Section 4.2.3: a server outside its latest configuration's voters (a learner,
                // a server not yet added, or one that learnt of its removal) never campaigns once
                // it knows that configuration committed (`mayCampaign`), so removed servers that
                // know it cannot disrupt the cluster. It forgets its leader, as a campaign would
                // (`electionTimeoutActs`).
                role = .follower(leader: nil)
            } else if isLeader {
                // A leader's election timer is armed only with CheckQuorum on.
                if options.checkQuorum { checkQuorum(&ready) }
            } else if options.preVote {
                startPreElection(&ready)
            } else {
                startElection(&ready)
            }
        case .heartbeatTimeout:
            if isLeader { sendHeartbeats(&ready) }
        case .clientRequest(let command):
            handleClientRequest(command, &ready)
        case .proposeConfigurationChange(let change):
            handleConfigurationChange(change, &ready)
        case .takeSnapshot(let state):
            takeSnapshot(of: state)
        case .sessionRequest(let command):
            handleSessionRequest(command, &ready)
        }
        if deviates(.restartLoadsCommittedConfig) { adoptLatestCommittedConfiguration() }
        stepDownIfRemoved(&ready)
        applyCommitted(&ready)
        advanceReads(&ready)
        if durableStateChanged { ready.persist = durableState }
        return ready
    }

    /// Whether this server runs with `mutant`.
    ///
    /// The one read of the mutant setting.
    @inline(__always)
    func deviates(_ candidate: Mutant) -> Bool { mutant == candidate }

    /// Every other member of the configuration, voter or learner: whom a leader replicates to.
    ///
    /// Lazily: an array here would be allocated on every election and heartbeat round.
    private var peers: LazyMapSequence<LazyFilterSequence<Range<Int>>, NodeID> {
        let me = id.index
        let members = configuration.members
        return (0..<serverCount).lazy.filter { $0 != me && members.contains(NodeID($0)) }.map(NodeID.init)
    }

    /// Every other voter of the configuration: whom a (pre-)candidate asks.
    private var voterPeers: LazyMapSequence<LazyFilterSequence<Range<Int>>, NodeID> {
        let me = id.index
        let voters = configuration.voters
        return (0..<serverCount).lazy.filter { $0 != me && voters.contains(NodeID($0)) }.map(NodeID.init)
    }
}

// MARK: - Terms and roles (section 5.1)

extension RaftNode {
    /// Routes a message, after the rule shared by every role: a higher term makes the receiver
    /// adopt it and become follower (Figure 2, "Rules for All Servers").
    private mutating func receive(_ envelope: Envelope, _ ready: inout Ready) {
        let message = envelope.message
        if case .requestVote(let request) = message, request.term > currentTerm, deviates(.ignoreHigherTerm),
            !logCheckPasses(request)
        {
            // RB-30: the log check runs before the term rule, so a stale candidate's higher term
            // is refused and never adopted.
            let response = RequestVoteResponse(term: currentTerm, voteGranted: false)
            ready.messages.append(Envelope(from: id, to: envelope.from, message: .requestVoteResponse(response)))
            return
        }
        if options.checkQuorum, case .requestVote = message, message.term > currentTerm, hasFreshLeaderContact {
            // CheckQuorum's lease (the thesis section 9.6, etcd's `inLease`): a server that heard
            // from its leader within an election timeout ignores a candidate of a higher term,
            // neither adopting the term nor answering, so a returning partitioned server cannot
            // disrupt a leader that still has a majority. `handlePreVote` does the same for
            // pre-votes.
            return
        }
        if message.term > currentTerm && !adoptsNoTerm(message) {
            if isLeader && deviates(.appendAfterStepdown) {
                // RB-13: the term moves on but the role does not.
                currentTerm = message.term
                votedFor = nil
                durableStateChanged = true
            } else {
                becomeFollower(term: message.term, leader: nil, &ready)
            }
        }
        switch message {
        case .requestVote(let request):
            handleRequestVote(request, from: envelope.from, &ready)
        case .requestVoteResponse(let response):
            handleRequestVoteResponse(response, from: envelope.from, &ready)
        case .preVote(let request):
            handlePreVote(request, from: envelope.from, &ready)
        case .preVoteResponse(let response):
            handlePreVoteResponse(response, from: envelope.from, &ready)
        case .appendEntries(let request):
            handleAppendEntries(request, from: envelope.from, &ready)
            ready.echoReadRound(request.readRound)
        case .appendEntriesResponse(let response):
            handleAppendEntriesResponse(response, from: envelope.from, &ready)
        case .installSnapshot(let request):
            handleInstallSnapshot(request, from: envelope.from, &ready)
        }
    }

    /// Whether `message`'s higher term is left alone.
    ///
    /// A pre-vote asks about a term nobody has entered yet, and a granted pre-vote answers with
    /// that same term (the thesis section 9.6). A refused pre-vote carries the refuser's own term, which is adopted like any other, so a
    /// pre-candidate behind the cluster catches up (etcd #8243).
    private func adoptsNoTerm(_ message: Message) -> Bool {
        switch message {
        case .preVote: true
        case .preVoteResponse(let response):
            // RB-30, PreVote variant: a refusal's higher term is ignored too.
            response.voteGranted || deviates(.preVoteKeepsLaggingTerm)
        default: false
        }
    }

    /// Becomes follower of `term`; a new term clears the vote (one vote per term, section 5.2).
    mutating func becomeFollower(term: Term, leader: NodeID?, _ ready: inout Ready) {
        precondition(term >= currentTerm, "\(id) asked to go back from term \(currentTerm) to \(term)")
        let wasLeader = isLeader
        if term > currentTerm {
            currentTerm = term
            votedFor = nil
            durableStateChanged = true
        }
        role = .follower(leader: leader)
        if wasLeader { ready.timers.append(.resetElectionTimer) }
    }

    /// Starts an election: new term, vote for self, ask every peer (section 5.2).
    private mutating func startElection(_ ready: inout Ready) {
        currentTerm += 1
        votedFor = id
        durableStateChanged = true
        var votes = NodeSet()
        votes.insert(id)
        role = .candidate(votesGranted: votes)
        ready.timers.append(.resetElectionTimer)
        if configuration.isQuorum(votes) {
            becomeLeader(&ready)
            return
        }
        let request = RequestVote(term: currentTerm, lastLogIndex: log.lastIndex, lastLogTerm: log.lastTerm)
        for peer in voterPeers {
            ready.messages.append(Envelope(from: id, to: peer, message: .requestVote(request)))
        }
    }

    /// Asks every peer whether it would vote in the next term, changing no term or vote (the
    /// thesis section 9.6): only a majority of pre-votes starts the real election, so a server
    /// that cannot win (partitioned, or with a stale log) never raises the cluster's term.
    private mutating func startPreElection(_ ready: inout Ready) {
        var votes = NodeSet()
        votes.insert(id)
        role = .preCandidate(votesGranted: votes)
        ready.timers.append(.resetElectionTimer)
        if configuration.isQuorum(votes) {
            startElection(&ready)
            return
        }
        let request = RequestVote(term: currentTerm + 1, lastLogIndex: log.lastIndex, lastLogTerm: log.lastTerm)
        for peer in voterPeers {
            ready.messages.append(Envelope(from: id, to: peer, message: .preVote(request)))
        }
    }

    /// Takes the lead of the current term and asserts it with heartbeats (section 5.2).
    private mutating func becomeLeader(_ ready: inout Ready) {
        role = .leader(
            Progress(
                serverCount: serverCount, leader: id, lastLogIndex: log.lastIndex,
                pipelined: options.pipelineWindow > 0))
        // CheckQuorum: the leader's own election timer times its first quorum check.
        if options.checkQuorum { ready.timers.append(.resetElectionTimer) }
        guard options.leaderNoOp else {
            sendHeartbeats(&ready)
            advanceCommitIndex()
            return
        }
        // The no-op travels as any entry does; sending it asserts leadership as heartbeats would.
        appendAsLeader(.noOp)
        for peer in peers { replicate(to: peer, &ready) }
        ready.timers.append(.resetHeartbeatTimer)
        advanceCommitIndex()
    }
}

// MARK: - Leader election (section 5.2, 5.4.1)

extension RaftNode {
    /// RequestVote receiver (Figure 2): grant at most one vote per term, and only to a candidate
    /// whose log is at least as up to date as ours (section 5.4.1).
    private mutating func handleRequestVote(_ request: RequestVote, from candidate: NodeID, _ ready: inout Ready) {
        let grant =
            request.term == currentTerm
            && (votedFor == nil || votedFor == candidate)
            && (logCheckPasses(request) || deviates(.voteWithoutLogCheck))
        if grant {
            votedFor = candidate
            durableStateChanged = true
        }
        // Reset the election timer only when granting (Students' Guide, "Livelocks"): a server
        // that resets it for every candidate lets a stale one keep it from ever campaigning.
        // RB-29 resets it for every RequestVote.
        if grant || deviates(.resetTimerWrongly) { ready.timers.append(.resetElectionTimer) }
        let response = RequestVoteResponse(term: currentTerm, voteGranted: grant)
        ready.messages.append(Envelope(from: id, to: candidate, message: .requestVoteResponse(response)))
    }

    /// Whether the candidate's log is at least as up to date as ours (section 5.4.1): compare the
    /// last terms first; only equal last terms compare lengths.
    private func logCheckPasses(_ request: RequestVote) -> Bool {
        request.lastLogTerm > log.lastTerm
            || (request.lastLogTerm == log.lastTerm && request.lastLogIndex >= log.lastIndex)
    }

    /// RequestVote reply: count votes of this term only; a majority wins (section 5.2).
    private mutating func handleRequestVoteResponse(
        _ response: RequestVoteResponse, from voter: NodeID, _ ready: inout Ready
    ) {
        // RB-01 drops this guard and counts a vote cast in one of our earlier elections.
        guard response.term == currentTerm || deviates(.countStaleVote) else { return }
        guard case .candidate(var votes) = role, response.voteGranted else { return }
        votes.insert(voter)
        role = .candidate(votesGranted: votes)
        if configuration.isQuorum(votes) { becomeLeader(&ready) }
    }

    /// Pre-vote receiver (the thesis section 9.6).
    ///
    /// Grant if we would grant the real vote in that term and have not heard from a leader
    /// within an election timeout. Granting changes nothing here, no term, no vote and no timer,
    /// since no election has happened yet.
    private mutating func handlePreVote(_ request: RequestVote, from candidate: NodeID, _ ready: inout Ready) {
        // The mutant grants while following a live leader, so a returning server can unseat it.
        let leaderKnown = hasFreshLeaderContact && !deviates(.preVoteDespiteLeader)
        // CheckQuorum's lease, as for RequestVote in `receive`: no answer at all.
        if leaderKnown && options.checkQuorum && request.term > currentTerm { return }
        let grant =
            !leaderKnown
            && (request.term > currentTerm
                || (request.term == currentTerm && (votedFor == nil || votedFor == candidate)))
            && logCheckPasses(request)
        let response = RequestVoteResponse(term: grant ? request.term : currentTerm, voteGranted: grant)
        ready.messages.append(Envelope(from: id, to: candidate, message: .preVoteResponse(response)))
    }

    /// Pre-vote reply: count grants for the term we would campaign in (the thesis section 9.6).
    ///
    /// A majority starts the real election. A refusal from a higher term was already adopted.
    private mutating func handlePreVoteResponse(
        _ response: RequestVoteResponse, from voter: NodeID, _ ready: inout Ready
    ) {
        guard case .preCandidate(var votes) = role, response.voteGranted, response.term == currentTerm + 1 else {
            return
        }
        votes.insert(voter)
        role = .preCandidate(votesGranted: votes)
        if configuration.isQuorum(votes) { startElection(&ready) }
    }

    /// CheckQuorum at the leader's election timeout (the thesis section 6.2): lead on only if a
    /// majority, this server counted once, was heard from since the last check, else step down
    /// so that clients stuck with a leader cut off from the cluster look for another.
    private mutating func checkQuorum(_ ready: inout Ready) {
        guard case .leader(var progress) = role else { return }
        // The mutant counts the leader's own contact twice: in a cluster of three it never steps down.
        // Only voters count, the leader itself included while it is one (section 4.2.2).
        let voters = configuration.voters
        let heardFrom =
            NodeSet(bits: progress.recentlyActive.bits & voters.bits).count + (voters.contains(id) ? 1 : 0)
            + (deviates(.checkQuorumSelfTwice) ? 1 : 0)
        guard 2 * heardFrom > voters.count else {
            becomeFollower(term: currentTerm, leader: nil, &ready)
            return
        }
        progress.recentlyActive = NodeSet()
        role = .leader(progress)
        ready.timers.append(.resetElectionTimer)
    }
}

// MARK: - Log replication (section 5.3, 5.4.2)

extension RaftNode {
    /// Client request (section 8): the leader appends it and replicates; anyone else points the
    /// client at the leader it knows.
    private mutating func handleClientRequest(_ command: Command, _ ready: inout Ready) {
        guard isLeader else {
            ready.clientReplies.append(.notLeader(leaderHint: knownLeader))
            return
        }
        appendAsLeader(.command(command))
        ready.clientReplies.append(.accepted(command, index: log.lastIndex, term: currentTerm))
        for peer in peers { replicate(to: peer, &ready) }
        advanceCommitIndex()
    }

    /// A session client's operation (the thesis, section 6.3): the leader appends it, even when
    /// it is a retry of one already in the log, since only the state machine's session table
    /// knows whether it took effect; anyone else redirects the client to the leader it knows.
    private mutating func handleSessionRequest(_ command: SessionCommand, _ ready: inout Ready) {
        guard isLeader else {
            ready.clientReplies.append(.redirected(command, leaderHint: knownLeader))
            return
        }
        if command.kind == .get && options.readIndex {
            // Section 6.4: a read needs no entry, only a confirmed leadership (`ReadIndex.swift`).
            registerRead(command)
            return
        }
        appendAsLeader(.session(command))
        for peer in peers { replicate(to: peer, &ready) }
        advanceCommitIndex()
    }

    /// Appends an entry of the current term to the leader's own log, which counts as stored on
    /// the leader itself.
    private mutating func appendAsLeader(_ payload: EntryPayload) {
        guard case .leader(var progress) = role else { preconditionFailure("\(id) is not leader") }
        appendToLog(Entry(term: currentTerm, payload: payload))
        durableStateChanged = true
        progress.matchIndex[id.index] = log.lastIndex
        role = .leader(progress)
    }

    /// Sends `peer` the entries it lacks: one AppendEntries with every entry from `nextIndex` on
    /// (Figure 2), or with pipelining as many as its flow control lets through.
    private mutating func replicate(to peer: NodeID, _ ready: inout Ready) {
        guard options.pipelineWindow > 0 else {
            sendAppendEntries(to: peer, withEntries: true, &ready)
            return
        }
        while case .leader(var progress) = role,
            progress.maySend(to: peer, window: options.pipelineWindow, lastLogIndex: log.lastIndex)
        {
            if let install = installSnapshotRequest(to: peer) {
                // The entries it needs are compacted: the snapshot stands for them (section 7).
                progress.recordSent(to: peer, lastIndex: install.snapshot.lastIncludedIndex)
                role = .leader(progress)
                ready.messages.append(Envelope(from: id, to: peer, message: .installSnapshot(install)))
                continue
            }
            let request = appendEntriesRequest(to: peer, withEntries: true)
            progress.recordSent(to: peer, lastIndex: request.prevLogIndex + request.entries.count)
            role = .leader(progress)
            ready.messages.append(Envelope(from: id, to: peer, message: .appendEntries(request)))
        }
    }

    /// Sends every peer an empty AppendEntries (Figure 2: heartbeats during idle periods).
    mutating func sendHeartbeats(_ ready: inout Ready) {
        for peer in peers { sendAppendEntries(to: peer, withEntries: false, &ready) }
        ready.timers.append(.resetHeartbeatTimer)
    }

    /// Sends `peer` an AppendEntries starting at its `nextIndex`: the entries from there when
    /// `withEntries`, none for a heartbeat.
    private func sendAppendEntries(to peer: NodeID, withEntries: Bool, _ ready: inout Ready) {
        if let install = installSnapshotRequest(to: peer) {
            ready.messages.append(Envelope(from: id, to: peer, message: .installSnapshot(install)))
            return
        }
        let request = appendEntriesRequest(to: peer, withEntries: withEntries)
        ready.messages.append(Envelope(from: id, to: peer, message: .appendEntries(request)))
    }

    /// The AppendEntries for `peer` from its `nextIndex`: every entry from there, or at most
    /// `options.maxEntriesPerAppend` of them (batching), when `withEntries`; none for a heartbeat.
    private func appendEntriesRequest(to peer: NodeID, withEntries: Bool) -> AppendEntries {
        guard case .leader(let progress) = role else { preconditionFailure("\(id) is not leader") }
        let nextIndex = progress.nextIndex[peer.index]
        let prevLogIndex = nextIndex - 1
        return AppendEntries(
            term: currentTerm,
            prevLogIndex: prevLogIndex,
            prevLogTerm: log.term(at: prevLogIndex) ?? 0,
            // Only RB-20 sends an AppendEntries from a compacted index: it has no entries to send.
            entries: withEntries && nextIndex > log.baseIndex
                ? log.entries(from: nextIndex, atMost: options.maxEntriesPerAppend) : [],
            leaderCommit: commitIndex, readRound: progress.readsAreEmpty ? 0 : progress.reads.roundToConfirm)
    }

    /// AppendEntries receiver (Figure 2, rules 1 to 5).
    private mutating func handleAppendEntries(_ request: AppendEntries, from leader: NodeID, _ ready: inout Ready) {
        // 1. Reply false if term < currentTerm (section 5.1).
        guard request.term == currentTerm else {
            respondToAppend(success: false, matchIndex: 0, to: leader, &ready)
            return
        }
        if isLeader {
            // Two leaders in one term: impossible in correct Raft (Election Safety), reachable
            // under mutants. Refuse rather than let the damage spread; the invariant reports it.
            respondToAppend(success: false, matchIndex: 0, to: leader, &ready)
            return
        }
        becomeFollower(term: currentTerm, leader: leader, &ready)
        if deviates(.voteTwice) && votedFor != nil {
            // RB-03: hearing from the leader wipes the vote, so another candidate of this term
            // can win it again.
            votedFor = nil
            durableStateChanged = true
        }
        ready.timers.append(.resetElectionTimer)

        if request.entries.isEmpty && deviates(.heartbeatSkipsCheck) {
            // RB-10: a heartbeat is trusted without the consistency check.
            raiseCommitIndex(to: min(request.leaderCommit, log.lastIndex))
            respondToAppend(success: true, matchIndex: request.prevLogIndex, to: leader, &ready)
            return
        }
        guard let request = withinLog(request) else {
            // Every entry it carries is compacted here, so committed, so the leader's too.
            respondToAppend(
                success: true, matchIndex: request.prevLogIndex + request.entries.count, to: leader, &ready)
            return
        }
        // 2. Reply false if the log has no entry at prevLogIndex whose term matches prevLogTerm.
        guard log.matches(index: request.prevLogIndex, term: request.prevLogTerm) else {
            guard options.fastBacktracking else {
                respondToAppend(success: false, matchIndex: 0, to: leader, &ready)
                return
            }
            // Section 5.3's optimisation: say where the conflicting term starts, so the leader
            // skips the whole term. RB-33 reports one index past that start.
            var conflict = log.conflict(at: request.prevLogIndex)
            if conflict.term > 0 && deviates(.backtrackHintOffByOne) { conflict.firstIndex += 1 }
            let response = AppendEntriesResponse(
                term: currentTerm, success: false, matchIndex: 0, conflictTerm: conflict.term,
                conflictIndex: conflict.firstIndex)
            ready.messages.append(Envelope(from: id, to: leader, message: .appendEntriesResponse(response)))
            return
        }
        if deviates(.truncateOnStaleAppend) {
            // RB-08: whatever follows prevLogIndex goes, conflicting or not.
            truncateLog(after: request.prevLogIndex)
            durableStateChanged = true
        }
        // 3. Delete an existing entry only if it conflicts (same index, different term), and all
        //    that follow it. 4. Append any new entries not already in the log.
        for (offset, entry) in request.entries.enumerated() {
            let index = request.prevLogIndex + 1 + offset
            if let existingTerm = log.term(at: index) {
                if existingTerm == entry.term { continue }
                truncateLog(after: index - 1)
            }
            appendToLog(entry)
            durableStateChanged = true
        }
        // 5. commitIndex = min(leaderCommit, index of last new entry).
        let lastNewIndex = request.prevLogIndex + request.entries.count
        // RB-20's follower half trusts prevLogIndex 0 as RB-09 trusts every request.
        let trustsStart = deviates(.snapshotBoundaryAppend) && request.prevLogIndex == 0
        let commitBound = deviates(.commitBeyondNewEntries) || trustsStart ? log.lastIndex : lastNewIndex
        raiseCommitIndex(to: min(request.leaderCommit, commitBound))
        respondToAppend(success: true, matchIndex: lastNewIndex, to: leader, &ready)
    }

    func respondToAppend(success: Bool, matchIndex: LogIndex, to leader: NodeID, _ ready: inout Ready) {
        let response = AppendEntriesResponse(term: currentTerm, success: success, matchIndex: matchIndex)
        ready.messages.append(Envelope(from: id, to: leader, message: .appendEntriesResponse(response)))
    }

    /// AppendEntries reply at the leader: track progress, back off on rejection (section 5.3).
    private mutating func handleAppendEntriesResponse(
        _ response: AppendEntriesResponse, from follower: NodeID, _ ready: inout Ready
    ) {
        // Replies from older terms answer requests of a leadership that is over.
        guard response.term == currentTerm, case .leader(var progress) = role else { return }
        if options.checkQuorum { progress.recentlyActive.insert(follower) }
        if options.readIndex { recordReadAcknowledgement(of: response.readRound, from: follower, in: &progress) }
        if progress.isPipelined {
            handlePipelinedResponse(response, from: follower, progress, &ready)
            return
        }
        let peer = follower.index
        if response.success {
            // RB-11 believes the follower now holds everything the leader has.
            let acknowledged = deviates(.matchFromStaleReply) ? log.lastIndex : response.matchIndex
            let matchedBefore = progress.matchIndex[peer]
            progress.matchIndex[peer] = max(progress.matchIndex[peer], acknowledged)
            progress.nextIndex[peer] = max(progress.nextIndex[peer], progress.matchIndex[peer] + 1)
            role = .leader(progress)
            advanceCommitIndex()
            // With batching, a follower catches up over many round trips, and every client
            // request and heartbeat reply starts another chain of them: only a reply that taught
            // the leader something continues its chain, so chains sending the same batch collapse
            // into one instead of multiplying (the fuzzer found the storm otherwise).
            let continues = options.maxEntriesPerAppend == nil || progress.matchIndex[peer] > matchedBefore
            if progress.matchIndex[peer] < log.lastIndex && continues {
                sendAppendEntries(to: follower, withEntries: true, &ready)
            }
        } else {
            // Rejected: the follower lacks the entry before nextIndex; step back one and retry
            // (Figure 2), or to the hint's index. Never below what the follower is known to match.
            progress.nextIndex[peer] = backtrackedNextIndex(after: response, for: follower, progress)
            role = .leader(progress)
            sendAppendEntries(to: follower, withEntries: true, &ready)
        }
    }

    /// Where to send from after `response` rejected the AppendEntries sent from `nextIndex`.
    ///
    /// One entry back (Figure 2), or with fast backtracking the first index of the conflicting
    /// term, or the follower's last index + 1 (section 5.3). Never at or below `matchIndex`, whose
    /// entries the follower is known to hold, nor past the leader's log.
    private func backtrackedNextIndex(
        after response: AppendEntriesResponse, for follower: NodeID, _ progress: Progress
    ) -> LogIndex {
        let peer = follower.index
        let lowest = progress.matchIndex[peer] + 1
        guard options.fastBacktracking && response.hasHint else {
            return max(progress.nextIndex[peer] - 1, lowest)
        }
        // The hint is trusted as the paper says; a stale one only costs a round trip, since the
        // follower's consistency check guards every entry it accepts.
        return min(max(response.conflictIndex, lowest), log.lastIndex + 1)
    }

    /// AppendEntries reply at a pipelining leader (etcd-io/raft's `Progress`).
    ///
    /// An acknowledgement frees the window up to the index it proved and turns a probed follower
    /// into a replicated one; a rejection drops back to probing, one message at a time, from where
    /// the logs may meet. Either way the window is then refilled.
    private mutating func handlePipelinedResponse(
        _ response: AppendEntriesResponse, from follower: NodeID, _ progress: Progress, _ ready: inout Ready
    ) {
        var progress = progress
        let peer = follower.index
        if response.success {
            // RB-11 believes the follower now holds everything the leader has.
            let acknowledged = deviates(.matchFromStaleReply) ? log.lastIndex : response.matchIndex
            progress.acknowledge(acknowledged, by: follower)
            role = .leader(progress)
            advanceCommitIndex()
        } else if progress.flow[peer] == .replicate && deviates(.keepNextOnReject) {
            // RB-34: the rejection only frees the window; nextIndex stays where optimism put it,
            // past the gap the follower will go on rejecting.
            progress.inflight[peer] = []
            role = .leader(progress)
        } else {
            let nextIndex =
                progress.flow[peer] == .replicate
                // Streaming broke: something before nextIndex did not arrive or did not match.
                // Start again right after what the follower is known to hold.
                ? progress.matchIndex[peer] + 1 : backtrackedNextIndex(after: response, for: follower, progress)
            progress.probe(follower, from: nextIndex)
            role = .leader(progress)
        }
        replicate(to: follower, &ready)
    }

    /// Commits the highest index stored on a majority, but only if its entry is from the current
    /// term (section 5.4.2: counting replicas cannot commit an older term's entry; Figure 8).
    private mutating func advanceCommitIndex() {
        guard case .leader(let progress) = role else { return }
        var index = log.lastIndex
        while index > commitIndex {
            // A majority of the configuration's voters; a leader that is not one does not count
            // itself (the thesis, section 4.2.2).
            var replicas = NodeSet()
            for server in 0..<serverCount where progress.matchIndex[server] >= index { replicas.insert(NodeID(server)) }
            // RB-07 drops the current-term conjunct.
            if configuration.isQuorum(replicas) && (log[index].term == currentTerm || deviates(.commitPreviousTerm)) {
                commitIndex = index
                return
            }
            index -= 1
        }
    }

    /// Raises the commit index; it never goes down while the server runs.
    private mutating func raiseCommitIndex(to index: LogIndex) {
        if index > commitIndex { commitIndex = index }
    }

    /// Applies committed entries in index order (Figure 2: "If commitIndex > lastApplied").
    private mutating func applyCommitted(_ ready: inout Ready) {
        while lastApplied < commitIndex && lastApplied < log.lastIndex {
            lastApplied += 1
            let entry = log[lastApplied]
            ready.committed.append(CommittedEntry(index: lastApplied, entry: entry))
            if isLeader && entry.term == currentTerm, let command = entry.command {
                ready.clientReplies.append(.committed(command, index: lastApplied))
            }
            if isLeader && entry.term == currentTerm, case .session(let command) = entry.payload {
                ready.clientReplies.append(.applied(command, index: lastApplied))
            }
        }
    }
}

// MARK: - Renaming servers (symmetry reduction, shrinking)

extension RaftNode: ServerRenamable {
    /// The stored properties `renamed(by:)` accounts for; a test holds this list to the type's
    /// actual stored properties, so that a new field fails it until renaming handles it.
    ///
    /// `durableStateChanged` lives only within one `handle(_:)` call and starts false;
    /// `configuration` and `configurationIndex` are recomputed from the renamed log and initial
    /// configuration; `roleKind` follows the renamed role.
    static let renamedFields = [
        "id", "serverCount", "initialConfiguration", "mutant", "options", "currentTerm", "votedFor", "log",
        "snapshot", "commitIndex", "lastApplied", "role", "configuration", "configurationIndex", "durableStateChanged",
        "truncatedUnlessEmpty", "roleKind",
    ]

    /// This server as it would be if the servers were named as `renaming` says; nil when it is
    /// dropped, or its vote or the leader it follows is.
    ///
    /// Pure: it changes names (and the cluster size, when servers are dropped), nothing else.
    public func renamed(by renaming: ServerRenaming) -> RaftNode? {
        precondition(renaming.serverCountBefore == serverCount)
        // The vote as held in memory: `durableState` may forget it.
        let inMemory = DurableState(
            currentTerm: currentTerm, votedFor: votedFor, log: log, snapshot: snapshot, truncated: truncated)
        guard let id = renaming[id], let durable = inMemory.renamed(by: renaming), let role = role.renamed(by: renaming)
        else { return nil }
        var copy = RaftNode(
            id: id, serverCount: renaming.serverCountAfter, mutant: mutant, options: options,
            configuration: initialConfiguration.survivors(renamedBy: renaming), restoring: durable)
        copy.commitIndex = commitIndex
        copy.lastApplied = lastApplied
        copy.role = role
        if deviates(.restartLoadsCommittedConfig) { copy.adoptLatestCommittedConfiguration() }
        return copy
    }
}

// MARK: - Membership changes (the thesis, chapter 4)

extension RaftNode {
    /// A client's membership change (section 4.1): the leader appends the configuration it leads
    /// to, which takes effect at once, and replicates it like any entry.
    ///
    /// Refused unless the leader has committed an entry of its term (Ongaro's 2015 fix, RB-23:
    /// otherwise sibling configurations of different terms need not overlap) and its log holds no
    /// uncommitted configuration (RB-24: two changes in flight need not overlap either), and unless
    /// the change applies to the current configuration.
    private mutating func handleConfigurationChange(_ change: ConfigurationChange, _ ready: inout Ready) {
        guard isLeader else {
            ready.clientReplies.append(.notLeader(leaderHint: knownLeader))
            return
        }
        let committedOwnTerm = log.term(at: commitIndex) == currentTerm || deviates(.configBeforeTermCommit)
        let latestIndex =
            deviates(.restartLoadsCommittedConfig) ? log.latestConfiguration?.index ?? 0 : configurationIndex
        let noChangeInFlight = latestIndex <= commitIndex || deviates(.twoConfigsInFlight)
        guard committedOwnTerm, noChangeInFlight, let next = configuration.applying(change) else {
            ready.clientReplies.append(.configurationRefused(change))
            return
        }
        appendAsLeader(.configuration(next))
        ready.clientReplies.append(.configurationAccepted(change, index: log.lastIndex, term: currentTerm))
        for peer in peers { replicate(to: peer, &ready) }
        advanceCommitIndex()
    }

    /// A leader that is not a voter of its configuration steps down once that configuration is
    /// committed (section 4.2.2): until then it leads on, replicating and committing without
    /// counting itself, so the change that removed it still commits.
    private mutating func stepDownIfRemoved(_ ready: inout Ready) {
        guard configurationIndex > 0, isLeader, !configuration.voters.contains(id), commitIndex >= configurationIndex
        else { return }
        becomeFollower(term: currentTerm, leader: nil, &ready)
    }

    /// Appends `entry` to the log, adopting it as the configuration if it is one (section 4.1).
    private mutating func appendToLog(_ entry: Entry) {
        log.append(entry)
        if case .configuration(let next) = entry.payload {
            configuration = next
            configurationIndex = log.lastIndex
        }
    }

    /// RB-24's restart variant: the configuration is the latest committed one in the log (as where
    /// a configuration is persisted only once committed), so a restarted server, whose commit
    /// index starts at 0, runs with its initial configuration until it learns of commits.
    ///
    /// Read from the log and the commit index at the end of every input, so that it stays a
    /// function of the server's other state, as a state packer and the renaming assume.
    private mutating func adoptLatestCommittedConfiguration() {
        // Only after the base: a snapshot does not carry a configuration yet.
        var index = min(commitIndex, log.lastIndex)
        while index > log.baseIndex {
            if case .configuration(let committed) = log[index].payload {
                (configuration, configurationIndex) = (committed, index)
                return
            }
            index -= 1
        }
        (configuration, configurationIndex) = (initialConfiguration, 0)
    }

    /// Truncates the log after `index`, falling back to the previous configuration if the
    /// latest one goes with it (section 4.1: a server uses the latest one its log holds).
    private mutating func truncateLog(after index: LogIndex) {
        recordTruncation(after: index)
        log.truncate(after: index)
        if configurationIndex > index {
            (configuration, configurationIndex) = log.latestConfiguration ?? (initialConfiguration, 0)
        }
    }
}
