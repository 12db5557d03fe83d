/// The gets a leader serves by ReadIndex, without a log entry (the thesis, section 6.4;
/// etcd-io/raft's `readOnly`), and the heartbeat round that confirms them.
///
/// Part of the leader's `Progress`, so it is volatile twice over: a crash loses it with the rest
/// of the server's memory, and stepping down loses it with the role. Either way the waiting
/// clients time out and retry elsewhere, which is safe, since a read changes nothing.
public struct ReadIndexState: Hashable, Sendable {
    /// The latest heartbeat round the leader started for reads in its current term, from 1; 0
    /// before the first.
    ///
    /// Never reused within a term: an acknowledgement names the round it answers, and one still
    /// in flight from an earlier round was sent before a later read was registered, so it proves
    /// nothing about that read (RB-28).
    public internal(set) var round = 0
    /// The latest round a majority acknowledged: every read of that round or an earlier one is
    /// confirmed.
    public internal(set) var confirmedRound = 0
    /// The servers that acknowledged `round`, the leader itself not among them.
    public internal(set) var acknowledged = NodeSet()
    /// The reads waiting, in arrival order.
    public internal(set) var pending: [PendingRead] = []

    public init() {}

    /// Reassembles the state from every field it holds, as a state packer decodes it.
    public init(unpackingRound round: Int, confirmedRound: Int, acknowledged: NodeSet, pending: [PendingRead]) {
        self.round = round
        self.confirmedRound = confirmedRound
        self.acknowledged = acknowledged
        self.pending = pending
    }

    /// Whether nothing was ever read in this leadership: the state every leader without
    /// ReadIndex carries, left out of fingerprints and digests so that theirs stay put.
    public var isEmpty: Bool { self == ReadIndexState() }

    /// The round AppendEntries carry: the latest one while some registered read waits on it,
    /// else 0, so that a leader with no read in hand sends what it always sent.
    public var roundToConfirm: Int { pending.contains { $0.round > confirmedRound } ? round : 0 }
}

/// A get the leader has accepted and not yet answered.
public struct PendingRead: Hashable, Sendable {
    /// The client's get.
    public var command: SessionCommand
    /// The commit index when the read was registered (section 6.4, step 1); 0 while deferred.
    public var readIndex: LogIndex
    /// The heartbeat round that must confirm it (step 2); 0 while deferred, until an entry of the
    /// leader's term commits.
    public var round: Int

    public init(command: SessionCommand, readIndex: LogIndex, round: Int) {
        self.command = command
        self.readIndex = readIndex
        self.round = round
    }

    /// Whether it waits for an entry of the leader's term to commit before it is registered.
    public var isDeferred: Bool { round == 0 }
}

extension RaftNode {
    /// A get reaching the leader with ReadIndex on: the thesis's four steps (section 6.4), of
    /// which the first two happen here, or once the leader's term has an entry committed.
    ///
    /// A retry of a read already waiting joins it rather than starting another round. The read
    /// moves on in `advanceReads`, at the end of this input.
    mutating func registerRead(_ command: SessionCommand) {
        guard case .leader(var progress) = role else { preconditionFailure("\(id) is not leader") }
        guard !progress.reads.pending.contains(where: { $0.command == command }) else { return }
        progress.reads.pending.append(PendingRead(command: command, readIndex: 0, round: 0))
        role = .leader(progress)
    }

    /// Moves every waiting read as far as it can go, at the end of each input of a leader.
    ///
    /// 1. A deferred read waits until the leader has committed an entry of its current term (the
    ///    no-op): before that its commit index may lag entries the cluster committed under an
    ///    earlier leader (section 6.4 step 1; Figure 8; RB-27). Then it records readIndex =
    ///    commitIndex and starts a new heartbeat round (step 2).
    /// 2. A round is confirmed once a majority, the leader included, acknowledged it in the
    ///    current term: no other leader could have been elected before those heartbeats were
    ///    answered, so the read index was the cluster's latest commit when the read arrived.
    /// 3. A confirmed read is answered once the state machine has applied its read index (step
    ///    4): the shell reads the state machine after applying this input's committed entries.
    mutating func advanceReads(_ ready: inout Ready) {
        guard options.readIndex, case .leader(var progress) = role, !progress.reads.pending.isEmpty else { return }
        // RB-26 skips every step: it answers from local state as soon as it leads.
        let committedOwnTerm =
            log.term(at: commitIndex) == currentTerm || deviates(.readBeforeTermCommit) || deviates(.readWithoutQuorum)
        if committedOwnTerm && progress.reads.pending.contains(where: \.isDeferred) {
            startReadRound(&progress)
            for position in progress.reads.pending.indices where progress.reads.pending[position].isDeferred {
                progress.reads.pending[position].readIndex = commitIndex
                progress.reads.pending[position].round = progress.reads.round
            }
            role = .leader(progress)
            if !deviates(.readWithoutQuorum) { sendHeartbeats(&ready) }
        }
        var acknowledged = progress.reads.acknowledged
        if configuration.voters.contains(id) { acknowledged.insert(id) }
        if configuration.isQuorum(acknowledged) || deviates(.readWithoutQuorum) {
            progress.reads.confirmedRound = progress.reads.round
        }
        let confirmed = progress.reads.confirmedRound
        var waiting: [PendingRead] = []
        for read in progress.reads.pending {
            if !read.isDeferred && read.round <= confirmed && read.readIndex <= lastApplied {
                ready.clientReplies.append(.read(read.command, index: read.readIndex))
            } else {
                waiting.append(read)
            }
        }
        progress.reads.pending = waiting
        role = .leader(progress)
    }

    /// Starts the next heartbeat round, whose acknowledgements alone can confirm the reads
    /// registered now.
    private func startReadRound(_ progress: inout Progress) {
        if deviates(.readStaleAcks) && progress.reads.round > 0 {
            // RB-28 (etcd #20418): a retried ReadIndex reused its request context, so the round
            // keeps its id; it waits for a majority afresh, but an answer to the earlier round
            // still in flight, sent before this read arrived, names the same id and counts.
            progress.reads.confirmedRound = progress.reads.round - 1
            progress.reads.acknowledged = NodeSet()
            return
        }
        progress.reads.round += 1
        progress.reads.acknowledged = NodeSet()
    }

    /// Counts `follower`'s answer to an AppendEntries of the leader's current term towards the
    /// read round it echoes, while a read waits on that round; an answer to any other round
    /// was sent before the waiting reads were registered, so it proves nothing about them.
    func recordReadAcknowledgement(of round: Int, from follower: NodeID, in progress: inout Progress) {
        // etcd #20418 (RB-28) counted answers to an earlier attempt's context, sent before the
        // retried read was registered, and served a stale read.
        let awaited = progress.reads.roundToConfirm
        guard awaited > 0, round == awaited else { return }
        progress.reads.acknowledged.insert(follower)
    }
}

extension Ready {
    /// Echoes the read round of the AppendEntries just answered in its response, the last
    /// message this input sent (section 6.4: the leader must know which round a reply answers).
    mutating func echoReadRound(_ round: Int) {
        guard round > 0, let last = messages.indices.last,
            case .appendEntriesResponse(var response) = messages[last].message
        else { return }
        response.readRound = round
        messages[last].message = .appendEntriesResponse(response)
    }
}

extension ReadIndexState {
    /// The stored properties renaming accounts for: only `acknowledged` names servers, and
    /// `Progress.renamed(by:)` moves it; a test holds this list to the type's actual fields.
    static let renamedFields = ["round", "confirmedRound", "acknowledged", "pending"]
}
