import ModelChecking
import RaftCore
import RaftSimulation

/// A situation a Raft check can be asked to reach: the "sometimes" properties a spec lists under
/// `reach`, so that a spec whose bounds never let the protocol do what it is meant to test fails
/// as vacuous instead of passing.
///
/// Each is seen from outside the core, by comparing the server a step concerns before and after
/// it (`CoverageClassifier`), and the world's ghost history.
public enum RaftSituation: String, CaseIterable, Sendable {
    /// A server became leader (section 5.2).
    case leaderElected = "leader-elected"
    /// An entry was committed for the first time at its index (section 5.3).
    case commandCommitted = "command-committed"
    /// Every server is up and has applied at least one command to its state machine.
    case appliedEverywhere = "applied-everywhere"
    /// A follower deleted a conflicting suffix of its log (Figure 2, AppendEntries rule 3).
    case suffixTruncated = "suffix-truncated"
    /// A vote was refused because the candidate's log is less up to date (section 5.4.1).
    case voteRefusedByLogCheck = "vote-refused-log-check"
    /// A vote was refused because the voter had voted for another candidate in the term
    /// (section 5.2).
    case voteRefusedAlreadyVoted = "vote-refused-already-voted"
    /// A message from an older term was refused or ignored (section 5.1).
    case staleTermRefused = "stale-term-refused"
    /// A follower refused AppendEntries by the consistency check, so the leader backs off
    /// (section 5.3).
    case consistencyCheckRefused = "consistency-check-refused"
    /// A leader learned of a newer term and stepped down (section 5.1).
    case leaderSteppedDown = "leader-stepped-down"
    /// A crashed server restarted and recovered a non-empty log from its disk.
    case logRecovered = "log-recovered"
    /// A leader was elected after a partition healed.
    case leaderAfterHeal = "leader-after-heal"
    /// A leader committed an entry of an earlier term by committing one of its own term
    /// (section 5.4.2, Figure 8).
    case previousTermCommitted = "previous-term-committed"
    /// A server's election timer started a pre-election rather than an election (PreVote, the
    /// thesis section 9.6).
    case preElectionStarted = "pre-election-started"
    /// A pre-vote was refused because the voter heard from a leader within an election timeout,
    /// or ignored under CheckQuorum's lease: what keeps a returning server from disrupting a
    /// healthy cluster (the thesis section 9.6).
    case preVoteRefusedLeaderContact = "pre-vote-refused-leader-contact"
    /// A leader's quorum check heard from less than a majority and it stepped down (CheckQuorum,
    /// the thesis section 6.2).
    case quorumLost = "quorum-lost"
    /// A leader appended a membership change (the thesis, section 4.1).
    case configurationAppended = "configuration-appended"
    /// A configuration entry was committed for the first time at its index (section 4.1).
    case configurationCommitted = "configuration-committed"
    /// A learner became a voter by a committed change (section 4.2.1).
    case learnerPromoted = "learner-promoted"
    /// A leader removed from the configuration stepped down once that configuration committed
    /// (section 4.2.2).
    case removedLeaderSteppedDown = "removed-leader-stepped-down"
    /// A leader refused a change because an earlier one is not committed yet (section 4.1).
    case changeRefusedInFlight = "change-refused-in-flight"
    /// A server snapshotted its applied prefix and discarded it from its log (section 7).
    case snapshotTaken = "snapshot-taken"
    /// A follower installed a leader's snapshot (Figure 13), by either receiver rule 6 or 7.
    case snapshotInstalled = "snapshot-installed"
    /// A follower installed a snapshot and kept the entries after its last included entry
    /// (Figure 13, receiver rule 6).
    case snapshotKeptSuffix = "snapshot-kept-suffix"
    /// A follower refused a snapshot not past its commit index (section 7).
    case snapshotRefused = "snapshot-refused"
    /// A crashed server restarted from a snapshot and the log after it (section 7).
    case snapshotRecovered = "snapshot-recovered"
    /// A session client received the result of its operation.
    case operationCompleted = "operation-completed"
    /// A server that does not lead redirected a session client (section 8).
    case clientRedirected = "client-redirected"
    /// A session client timed out and sent its operation again, with the same sequence number
    /// (the thesis, section 6.3).
    case clientRetried = "client-retried"

    /// The names, for error messages and help.
    public static var names: String { allCases.map(\.rawValue).joined(separator: ", ") }
}

extension RaftModel {
    public var situationNames: [String] { situations.map(\.rawValue) }

    public func situations(reachedBy action: Action, from previous: World, to state: World) -> UInt64 {
        situations(reachedBy: action, from: previous, to: state, among: ~0)
    }

    /// Only the situations in `wanted` are looked at, and a step that can reach none of them
    /// costs nothing: the search stops asking for a situation once it has its first step.
    public func situations(reachedBy action: Action, from previous: World, to state: World, among wanted: UInt64)
        -> UInt64
    {
        guard wanted != 0, !situations.isEmpty else { return 0 }
        if case .client(let clientAction) = action {
            var reached: UInt64 = 0
            for (bit, situation) in situations.enumerated()
            where wanted & (1 << UInt64(bit)) != 0
                && isReachedByClients(situation, action: clientAction, previous: previous, state: state)
            {
                reached |= 1 << UInt64(bit)
            }
            // A request delivered is also a server's step: its situations are read below.
            return reached | serverSituations(reachedBy: action, from: previous, to: state, among: wanted)
        }
        return serverSituations(reachedBy: action, from: previous, to: state, among: wanted)
    }

    private func serverSituations(
        reachedBy action: Action, from previous: World, to state: World, among wanted: UInt64
    ) -> UInt64 {
        guard let subject = CoverageClassifier.subject(of: action) else { return 0 }
        let before = previous.servers[subject.index].node
        let after = state.servers[subject.index].node
        let row = CoverageClassifier.row(of: action, before: before, after: state)
        var reached: UInt64 = 0
        for (bit, situation) in situations.enumerated()
        where wanted & (1 << UInt64(bit)) != 0
            && isReached(situation, row: row, before: before, after: after, previous: previous, state: state)
        {
            reached |= 1 << UInt64(bit)
        }
        return reached
    }

    private func isReached(
        _ situation: RaftSituation, row: CoverageRow?, before: RaftNode?, after: RaftNode?, previous: World,
        state: World
    ) -> Bool {
        let outcome = row?.outcome
        switch situation {
        case .leaderElected:
            return becameLeader(before, after)
        case .commandCommitted:
            return state.ghost.committed.count > previous.ghost.committed.count
        case .appliedEverywhere:
            guard let before, let after, after.lastApplied > before.lastApplied else { return false }
            // By index: a closure over the elements would copy every server.
            for index in state.servers.indices where (state.servers[index].node?.lastApplied ?? 0) < 1 {
                return false
            }
            return true
        case .suffixTruncated:
            return outcome == .truncatedConflict
        case .voteRefusedByLogCheck:
            return outcome == .refusedLogCheck
        case .voteRefusedAlreadyVoted:
            return outcome == .refusedAlreadyVoted
        case .staleTermRefused:
            return outcome == .refusedStaleTerm || outcome == .ignoredStaleTerm
        case .consistencyCheckRefused:
            return outcome == .refusedConsistencyCheck
        case .leaderSteppedDown:
            return before?.isLeader == true && after?.isLeader == false
        case .logRecovered:
            return outcome == .recoveredLog
        case .leaderAfterHeal:
            return becameLeader(before, after) && state.partition == nil && state.spent.partitions > 0
        case .preElectionStarted:
            return outcome == .preElectionStarted
        case .preVoteRefusedLeaderContact:
            return row?.input == .preVote && (outcome == .refusedLeaderContact || outcome == .ignoredLease)
        case .quorumLost:
            return outcome == .quorumLost
        case .configurationAppended:
            return outcome == .configurationAppended
        case .changeRefusedInFlight:
            return outcome == .refusedChangeInFlight
        case .configurationCommitted, .learnerPromoted:
            return Self.newlyCommittedConfiguration(from: previous, to: state, promoting: situation == .learnerPromoted)
        case .removedLeaderSteppedDown:
            guard let before, let after, before.isLeader, !after.isLeader, after.currentTerm == before.currentTerm
            else { return false }
            return !after.configuration.voters.contains(after.id)
        case .snapshotTaken:
            return outcome == .compacted
        case .snapshotInstalled:
            return outcome == .snapshotReplacedLog || outcome == .snapshotKeptSuffix
        case .snapshotKeptSuffix:
            return outcome == .snapshotKeptSuffix
        case .snapshotRefused:
            return outcome == .refusedSnapshotCommitted
        case .snapshotRecovered:
            return outcome == .restoredSnapshot
        case .operationCompleted, .clientRedirected, .clientRetried:
            return false
        case .previousTermCommitted:
            guard let before, let after, before.isLeader, after.isLeader, after.currentTerm == before.currentTerm,
                after.commitIndex > before.commitIndex
            else { return false }
            return ((before.commitIndex + 1)...after.commitIndex).contains {
                after.log.term(at: $0).map { $0 < after.currentTerm } ?? false
            }
        }
    }

    private func becameLeader(_ before: RaftNode?, _ after: RaftNode?) -> Bool {
        guard let after, after.isLeader else { return false }
        guard let before else { return true }
        return !before.isLeader || before.currentTerm != after.currentTerm
    }

    public var transitionClasses: [String] {
        countsCoverage ? CoverageRow.all.map { "\($0.role.rawValue) \($0.input.rawValue) \($0.outcome.rawValue)" } : []
    }

    public func transitionClass(of action: Action, from previous: World, to state: World) -> Int? {
        guard countsCoverage, let subject = CoverageClassifier.subject(of: action) else { return nil }
        return CoverageClassifier.row(of: action, before: previous.servers[subject.index].node, after: state)?
            .position
    }
}
