import RaftCore

/// The safety properties checked after every step, with the stable identifiers used in code,
/// tests, traces, corpus file names and docs (`specs/invariants.md`).
public enum InvariantID: String, CaseIterable, Hashable, Sendable, Comparable {
    /// At most one leader can be elected in a given term (Figure 3).
    case electionSafety = "election-safety"
    /// A leader never overwrites or deletes entries in its log; it only appends (Figure 3).
    case leaderAppendOnly = "leader-append-only"
    /// If two logs contain an entry with the same index and term, the logs are identical in all
    /// entries up through that index (Figure 3).
    case logMatching = "log-matching"
    /// If an entry is committed in a term, it is present in the logs of the leaders of all
    /// higher-numbered terms (Figure 3).
    case leaderCompleteness = "leader-completeness"
    /// No two servers commit (and so apply) different entries at the same index (Figure 3).
    case stateMachineSafety = "state-machine-safety"
    /// A server's current term never decreases, across restarts too (it is persisted).
    case monotonicTerm = "monotonic-term"
    /// A running server's commit index never decreases.
    case monotonicCommit = "monotonic-commit"
    /// A pre-vote changes neither the receiver's term nor its vote, and is granted only by a
    /// server that has not heard from a leader within an election timeout and whose log is not
    /// more up to date than the pre-candidate's (the thesis section 9.6).
    case preVoteRestraint = "pre-vote-restraint"
    /// A leader whose quorum check finds that it heard from less than a majority (itself counted
    /// once) since the last check steps down (CheckQuorum, the thesis section 6.2).
    case checkQuorum = "check-quorum"
    /// No leader's log holds more than one configuration the cluster has not committed (the
    /// thesis, section 4.1).
    case oneUncommittedConfiguration = "one-uncommitted-configuration"
    /// Each configuration in a log differs from the one before it by at most one voter (the
    /// thesis, section 4.1).
    case singleServerChange = "single-server-change"
    /// A snapshot covers only committed entries: it ends at a committed index with that entry's
    /// term, and holds the state machine's state after exactly the entries committed up to it
    /// (section 7).
    case snapshotCommitted = "snapshot-committed"
    /// Loading a snapshot (installing a leader's, or restoring one's own on restart) never lowers
    /// the server's current term (section 7; terms only grow).
    case snapshotKeepsTerm = "snapshot-keeps-term"
    /// No client operation takes effect twice in any state machine, and no client gets two
    /// different results for one request (the thesis, section 6.3).
    case exactlyOnce = "exactly-once"
    /// The clients' history is linearizable: it could have come from one store applying each
    /// operation at one instant between its invocation and its reply (the thesis, section 6).
    case linearizability = "linearizability"

    public static func < (lhs: InvariantID, rhs: InvariantID) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }

    /// The paper's name for the property.
    public var title: String {
        switch self {
        case .electionSafety: "Election Safety"
        case .leaderAppendOnly: "Leader Append-Only"
        case .logMatching: "Log Matching"
        case .leaderCompleteness: "Leader Completeness"
        case .stateMachineSafety: "State Machine Safety"
        case .monotonicTerm: "Monotonic Term"
        case .monotonicCommit: "Monotonic Commit Index"
        case .preVoteRestraint: "PreVote Restraint"
        case .checkQuorum: "CheckQuorum Step-Down"
        case .oneUncommittedConfiguration: "One Uncommitted Configuration"
        case .singleServerChange: "Single-Server Change"
        case .snapshotCommitted: "Snapshot Covers Committed"
        case .snapshotKeepsTerm: "Snapshot Keeps Term"
        case .exactlyOnce: "Exactly-Once"
        case .linearizability: "Linearizability"
        }
    }
}

/// A broken invariant: which one, who and what was involved, and at which step.
public struct Violation: Hashable, Sendable, CustomStringConvertible {
    public var invariant: InvariantID
    /// The servers involved, in index order.
    public var servers: [NodeID]
    /// The log index involved, if any.
    public var index: LogIndex?
    /// The terms involved.
    public var terms: [Term]
    /// The 1-based number of the step after which the invariant failed (0: the initial world).
    public var step: Int
    /// What went wrong, in words ("s1 and s3 both led term 3").
    public var detail: String

    public init(
        invariant: InvariantID, servers: [NodeID], index: LogIndex? = nil, terms: [Term], step: Int = 0,
        detail: String
    ) {
        self.invariant = invariant
        self.servers = servers
        self.index = index
        self.terms = terms
        self.step = step
        self.detail = detail
    }

    public var description: String { "\(invariant.rawValue) violated at step \(step): \(detail)" }
}
