/// RequestVote RPC arguments (Figure 2).
///
/// The candidate is the envelope's sender.
public struct RequestVote: Hashable, Sendable {
    public var term: Term
    public var lastLogIndex: LogIndex
    public var lastLogTerm: Term

    public init(term: Term, lastLogIndex: LogIndex, lastLogTerm: Term) {
        self.term = term
        self.lastLogIndex = lastLogIndex
        self.lastLogTerm = lastLogTerm
    }
}

/// RequestVote RPC results (Figure 2).
public struct RequestVoteResponse: Hashable, Sendable {
    public var term: Term
    public var voteGranted: Bool

    public init(term: Term, voteGranted: Bool) {
        self.term = term
        self.voteGranted = voteGranted
    }
}

/// AppendEntries RPC arguments (Figure 2).
///
/// The leader is the envelope's sender; an empty `entries` is a heartbeat, handled by exactly the
/// same rules.
public struct AppendEntries: Hashable, Sendable {
    public var term: Term
    public var prevLogIndex: LogIndex
    public var prevLogTerm: Term
    public var entries: [Entry]
    public var leaderCommit: LogIndex
    /// The leader's latest ReadIndex round while reads wait on it, else 0: the follower echoes
    /// it, so that the leader counts only acknowledgements sent after a read was registered (the
    /// thesis, section 6.4; `ReadIndexState`).
    public var readRound: Int

    public init(
        term: Term, prevLogIndex: LogIndex, prevLogTerm: Term, entries: [Entry], leaderCommit: LogIndex,
        readRound: Int = 0
    ) {
        self.term = term
        self.prevLogIndex = prevLogIndex
        self.prevLogTerm = prevLogTerm
        self.entries = entries
        self.leaderCommit = leaderCommit
        self.readRound = readRound
    }
}

/// AppendEntries RPC results (Figure 2), plus the index the follower now matches and, with fast
/// backtracking, where its log conflicts.
///
/// `matchIndex` is `prevLogIndex + entries.count` of the request being answered, as in Ongaro's
/// raft.tla (`mmatchIndex`): the leader must learn what *this* request proved, not guess it
/// from its current log (the "term confusion" bug, RB-11).
public struct AppendEntriesResponse: Hashable, Sendable {
    public var term: Term
    public var success: Bool
    public var matchIndex: LogIndex
    /// The term of the follower's entry at `prevLogIndex` (0 when its log is too short).
    ///
    /// Set only with fast backtracking, on a rejection by the consistency check; 0 otherwise.
    public var conflictTerm: Term
    /// The first index the follower holds for `conflictTerm`, or its last index + 1 when its log
    /// is too short (the extended paper, section 5.3).
    ///
    /// Set only with fast backtracking, on a rejection by the consistency check; 0, meaning no
    /// hint, otherwise.
    public var conflictIndex: LogIndex
    /// The `readRound` of the AppendEntries answered: 0 unless the leader was confirming reads.
    public var readRound: Int

    public init(
        term: Term, success: Bool, matchIndex: LogIndex, conflictTerm: Term = 0, conflictIndex: LogIndex = 0,
        readRound: Int = 0
    ) {
        self.term = term
        self.success = success
        self.matchIndex = matchIndex
        self.conflictTerm = conflictTerm
        self.conflictIndex = conflictIndex
        self.readRound = readRound
    }

    /// Whether the rejection carries a fast-backtracking hint; never true with the switch off, so
    /// Figure 2's messages (their fingerprints and trace lines) are what they always were.
    public var hasHint: Bool { conflictIndex > 0 }
}

/// Every message servers exchange.
///
/// A pre-vote (the thesis section 9.6) carries the same fields as a vote: its `term` is the term
/// the pre-candidate would campaign in (its current term plus one), which no receiver adopts. A
/// granted pre-vote response carries that same term back; a refusal carries the refuser's term,
/// which a pre-candidate behind it does adopt (etcd #8243).
public enum Message: Hashable, Sendable {
    case requestVote(RequestVote)
    case requestVoteResponse(RequestVoteResponse)
    case preVote(RequestVote)
    case preVoteResponse(RequestVoteResponse)
    case appendEntries(AppendEntries)
    case appendEntriesResponse(AppendEntriesResponse)
    /// Answered with an `appendEntriesResponse` (see `InstallSnapshot`).
    case installSnapshot(InstallSnapshot)

    /// The sender's term when it sent the message; every Raft message carries one.
    public var term: Term {
        switch self {
        case .requestVote(let request): request.term
        case .requestVoteResponse(let response): response.term
        case .preVote(let request): request.term
        case .preVoteResponse(let response): response.term
        case .appendEntries(let request): request.term
        case .appendEntriesResponse(let response): response.term
        case .installSnapshot(let request): request.term
        }
    }
}

/// A message in flight: who sent it to whom.
public struct Envelope: Hashable, Sendable {
    public var from: NodeID
    public var to: NodeID
    public var message: Message

    public init(from: NodeID, to: NodeID, message: Message) {
        self.from = from
        self.to = to
        self.message = message
    }
}
