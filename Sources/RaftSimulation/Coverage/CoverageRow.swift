import RaftCore

/// One row of the protocol coverage table: a server in some role was handed some input, and
/// the input had some outcome (accepted, or refused and why).
///
/// The rows are a fixed list (`CoverageRow.all`), so that a table can list the rows a run never
/// hit, and tables from different runs or tools add up row by row.
public struct CoverageRow: Hashable, Sendable {
    public var role: Role
    public var input: Input
    public var outcome: Outcome

    /// The server's role just before the step; `down` for a crashed server restarting.
    public enum Role: String, CaseIterable, Sendable {
        case follower
        case preCandidate = "pre-candidate"
        case candidate, leader, down
    }

    /// What the server was handed: a message by kind (an AppendEntries with no entries is a
    /// heartbeat), a timer, a client request, or a crash or restart.
    public enum Input: String, CaseIterable, Sendable {
        case requestVote = "RequestVote"
        case requestVoteResponse = "RequestVoteResponse"
        case preVote = "PreVote"
        case preVoteResponse = "PreVoteResponse"
        case appendEntries = "AppendEntries"
        case heartbeat = "Heartbeat"
        case appendEntriesResponse = "AppendEntriesResponse"
        case electionTimeout, heartbeatTimeout, clientRequest, crash, restart
        /// A client's membership change (the thesis, section 4.1).
        case proposeChange
        case installSnapshot = "InstallSnapshot"
        case takeSnapshot
        /// A session client's get with ReadIndex on (the thesis, section 6.4).
        case clientRead
    }

    /// What came of the input, in the words of Figure 2's receiver rules.
    public enum Outcome: String, CaseIterable, Sendable {
        // RequestVote (section 5.2, 5.4.1).
        case granted
        case refusedStaleTerm = "refused: stale term"
        case refusedAlreadyVoted = "refused: already voted"
        case refusedLogCheck = "refused: log check"
        // PreVote and CheckQuorum (the thesis, sections 9.6 and 6.2).
        case refusedLeaderContact = "refused: leader heard from recently"
        case ignoredLease = "ignored: leader lease (CheckQuorum)"
        case preElectionStarted = "pre-election started"
        case quorumConfirmed = "quorum confirmed"
        case quorumLost = "quorum lost: stepped down"
        // RequestVoteResponse.
        case voteCounted = "vote counted"
        case electionWon = "election won"
        case voteRefused = "vote refused"
        case ignoredStaleTerm = "ignored: stale term"
        case ignoredNotCandidate = "ignored: not candidate"
        case steppedDown = "newer term: stepped down"
        // AppendEntries and heartbeats (section 5.3).
        case appended
        case truncatedConflict = "conflicting suffix truncated"
        case alreadyHeld = "entries already held"
        case accepted
        case refusedConsistencyCheck = "refused: consistency check"
        case refusedIsLeader = "refused: leads the same term"
        // AppendEntriesResponse.
        case commitAdvanced = "commit advanced"
        case matchRecorded = "match recorded"
        case backedOff = "refused: nextIndex backed off"
        case ignoredNotLeader = "ignored: not leader"
        // Timers, client requests, crashes and restarts.
        case electionStarted = "election started"
        case heartbeatsSent = "heartbeats sent"
        case refusedNotLeader = "refused: not leader"
        case crashed
        case recoveredLog = "log recovered from disk"
        case restartedEmpty = "restarted with an empty disk"
        // Membership changes (the thesis, chapter 4).
        case configurationAppended = "configuration appended"
        case refusedChangeInFlight = "refused: a change is in flight"
        case refusedNoCommitOfTerm = "refused: no entry of its term committed"
        // Log compaction (section 7, Figure 13).
        case compacted = "applied prefix compacted"
        case snapshotReplacedLog = "installed: log discarded"
        case snapshotKeptSuffix = "installed: entries after it kept"
        case refusedSnapshotCommitted = "refused: not past commit index"
        case restoredSnapshot = "snapshot and log recovered from disk"
        // ReadIndex (the thesis, section 6.4).
        case readDeferred = "deferred: no entry of its term committed"
        case readRegistered = "read index recorded, heartbeat round started"
        case readAnswered = "answered at once"
        case redirected
    }

    public init(role: Role, input: Input, outcome: Outcome) {
        self.role = role
        self.input = input
        self.outcome = outcome
    }

    /// Every row, in the fixed order tables print and encode them: by input, then role, then outcome.
    ///
    /// Only combinations that can arise are listed.
    public static let all: [CoverageRow] = {
        let running: [Role] = [.follower, .preCandidate, .candidate, .leader]
        let table: [(Input, [Role], [Outcome])] = [
            (
                .requestVote, running,
                [.granted, .refusedStaleTerm, .refusedAlreadyVoted, .refusedLogCheck, .ignoredLease]
            ),
            (
                .requestVoteResponse, running,
                [.voteCounted, .electionWon, .voteRefused, .ignoredStaleTerm, .ignoredNotCandidate, .steppedDown]
            ),
            (
                .preVote, running,
                [
                    .granted, .refusedStaleTerm, .refusedAlreadyVoted, .refusedLogCheck, .refusedLeaderContact,
                    .ignoredLease,
                ]
            ),
            (
                .preVoteResponse, running,
                [.voteCounted, .electionStarted, .voteRefused, .ignoredNotCandidate, .steppedDown]
            ),
            (
                .appendEntries, running,
                [
                    .appended, .truncatedConflict, .alreadyHeld, .refusedStaleTerm, .refusedConsistencyCheck,
                    .refusedIsLeader,
                ]
            ),
            (.heartbeat, running, [.accepted, .refusedStaleTerm, .refusedConsistencyCheck, .refusedIsLeader]),
            (
                .appendEntriesResponse, running,
                [.commitAdvanced, .matchRecorded, .backedOff, .ignoredStaleTerm, .ignoredNotLeader, .steppedDown]
            ),
            (
                .electionTimeout, [.follower, .preCandidate, .candidate],
                [.preElectionStarted, .electionStarted, .electionWon]
            ),
            (.electionTimeout, [.leader], [.quorumConfirmed, .quorumLost]),
            (.heartbeatTimeout, [.leader], [.heartbeatsSent]),
            (.clientRequest, [.leader], [.appended]),
            (.clientRequest, [.follower, .preCandidate, .candidate], [.refusedNotLeader]),
            (.crash, running, [.crashed]),
            (.restart, [.down], [.recoveredLog, .restartedEmpty]),
            (.proposeChange, [.leader], [.configurationAppended, .refusedChangeInFlight, .refusedNoCommitOfTerm]),
            // Log compaction, listed last so that the rows above keep their positions.
            (
                .installSnapshot, running,
                [
                    .snapshotReplacedLog, .snapshotKeptSuffix, .refusedSnapshotCommitted, .refusedStaleTerm,
                    .refusedIsLeader,
                ]
            ),
            (.takeSnapshot, running, [.compacted]),
            (.restart, [.down], [.restoredSnapshot]),
            // ReadIndex, after compaction for the same reason.
            (.clientRead, [.leader], [.readDeferred, .readRegistered, .readAnswered]),
            (.clientRead, [.follower, .preCandidate, .candidate], [.redirected]),
        ]
        return table.flatMap { input, roles, outcomes in
            roles.flatMap { role in outcomes.map { CoverageRow(role: role, input: input, outcome: $0) } }
        }
    }()

    /// The position of each row in `all`, by `key`: a dense table, so that counting a step is an
    /// array read rather than a dictionary lookup.
    static let positions: [Int16] = {
        var positions = [Int16](repeating: -1, count: keyCount)
        for (position, row) in all.enumerated() { positions[row.key] = Int16(position) }
        return positions
    }()

    private static let roles = Role.allCases
    private static let inputs = Input.allCases
    private static let outcomes = Outcome.allCases
    private static let keyCount = roles.count * inputs.count * outcomes.count

    private var key: Int {
        let role = Self.roles.firstIndex(of: self.role)!
        let input = Self.inputs.firstIndex(of: self.input)!
        let outcome = Self.outcomes.firstIndex(of: self.outcome)!
        return (role * Self.inputs.count + input) * Self.outcomes.count + outcome
    }

    /// This row's position in `all`; nil for a combination the table does not list.
    public var position: Int? {
        let position = Self.positions[key]
        return position < 0 ? nil : Int(position)
    }
}
