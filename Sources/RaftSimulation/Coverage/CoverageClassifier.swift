import RaftCore

/// Sorts a step of the world into its coverage row, from outside the core: by comparing the
/// server the step concerns before and after it, and reading the message it was handed.
///
/// Shared by the model checker (every transition explored) and the fuzzer (every step taken), so
/// that their tables mean the same thing. The outcome follows Figure 2's receiver rules in the
/// order the core applies them (term first, then vote or consistency check); under a mutant
/// that bends a rule the row says what the rule would have done, except where the state after
/// the step shows otherwise (a vote cast, a leader elected, a log changed).
public enum CoverageClassifier {
    /// The server whose state decides `action`'s row: the server stepped, crashed or restarted;
    /// nil for network actions (drop, duplicate, partition, heal), which have no row.
    public static func subject(of action: Action) -> NodeID? {
        switch action {
        case .deliver(let envelope): envelope.to
        case .electionTimeout(let id), .heartbeatTimeout(let id), .clientRequest(let id, _), .crash(let id),
            .restart(let id), .proposeChange(let id, _), .takeSnapshot(let id):
            id
        case .drop, .duplicate, .partition, .heal: nil
        // Of the client steps only a get reaching a server has a row (ReadIndex's).
        case .client(let step): readSubject(of: step)
        }
    }

    /// The row of the step that took `action` and led to `after`; `before` is the subject's
    /// running server just before the step (nil when it was down).
    public static func row(of action: Action, before: RaftNode?, after: World) -> CoverageRow? {
        guard let subject = subject(of: action) else { return nil }
        if case .restart = action {
            if after.servers[subject.index].disk.snapshot != nil {
                return CoverageRow(role: .down, input: .restart, outcome: .restoredSnapshot)
            }
            let recovered = after.servers[subject.index].disk.log.lastIndex > 0
            return CoverageRow(role: .down, input: .restart, outcome: recovered ? .recoveredLog : .restartedEmpty)
        }
        guard let before else { return nil }
        let role: CoverageRow.Role =
            switch before.role.kind {
            case .follower: .follower
            case .preCandidate: .preCandidate
            case .candidate: .candidate
            case .leader: .leader
            }
        if case .crash = action { return CoverageRow(role: role, input: .crash, outcome: .crashed) }
        guard let now = after.servers[subject.index].node else { return nil }
        let (input, outcome): (CoverageRow.Input, CoverageRow.Outcome)
        switch action {
        case .deliver(let envelope):
            if case .installSnapshot(let request) = envelope.message {
                return installed(request, role: role, before: before, after: now)
            }
            (input, outcome) = delivered(envelope, before: before, after: now)
        case .electionTimeout where before.isLeader:
            // CheckQuorum: a leader's election timer is its quorum check.
            (input, outcome) = (.electionTimeout, now.isLeader ? .quorumConfirmed : .quorumLost)
        case .electionTimeout:
            let started: CoverageRow.Outcome =
                if now.isLeader { .electionWon } else if now.role.kind == .preCandidate { .preElectionStarted } else {
                    .electionStarted
                }
            (input, outcome) = (.electionTimeout, started)
        case .heartbeatTimeout:
            (input, outcome) = (.heartbeatTimeout, .heartbeatsSent)
        case .clientRequest:
            (input, outcome) = (.clientRequest, before.isLeader ? .appended : .refusedNotLeader)
        case .proposeChange:
            (input, outcome) = (.proposeChange, changeOutcome(before: before, after: now))
        case .takeSnapshot:
            (input, outcome) = (.takeSnapshot, .compacted)
        case .client(let step):
            return readRow(of: step, role: role, before: before, after: now)
        case .drop, .duplicate, .partition, .heal, .crash, .restart:
            return nil
        }
        return CoverageRow(role: role, input: input, outcome: outcome)
    }

    private static func delivered(
        _ envelope: Envelope, before: RaftNode, after: RaftNode
    ) -> (CoverageRow.Input, CoverageRow.Outcome) {
        let sender = envelope.from
        switch envelope.message {
        case .requestVote(let request):
            if request.term > before.currentTerm && after.currentTerm == before.currentTerm && after.role == before.role
            {
                // CheckQuorum's lease: the higher term was neither adopted nor answered.
                return (.requestVote, .ignoredLease)
            }
            return (.requestVote, vote(request, from: sender, before: before, after: after))
        case .preVote(let request):
            return (.preVote, preVote(request, from: sender, before: before))
        case .preVoteResponse(let response):
            let outcome: CoverageRow.Outcome
            if response.term > before.currentTerm && !response.voteGranted {
                outcome = .steppedDown
            } else if before.role.kind != .preCandidate || response.term != before.currentTerm + 1 {
                outcome = .ignoredNotCandidate
            } else if after.role.kind == .candidate || after.isLeader {
                outcome = .electionStarted
            } else {
                outcome = response.voteGranted ? .voteCounted : .voteRefused
            }
            return (.preVoteResponse, outcome)
        case .requestVoteResponse(let response):
            let outcome: CoverageRow.Outcome
            if response.term > before.currentTerm {
                outcome = .steppedDown
            } else if after.isLeader && !before.isLeader {
                outcome = .electionWon
            } else if response.term < before.currentTerm && after.role == before.role {
                outcome = .ignoredStaleTerm
            } else if before.role.kind != .candidate {
                outcome = .ignoredNotCandidate
            } else {
                outcome = response.voteGranted ? .voteCounted : .voteRefused
            }
            return (.requestVoteResponse, outcome)
        case .appendEntries(let request):
            return append(request, before: before, after: after)
        case .installSnapshot:
            preconditionFailure("classified by installed(_:role:before:after:)")
        case .appendEntriesResponse(let response):
            let outcome: CoverageRow.Outcome
            if response.term > before.currentTerm {
                outcome = .steppedDown
            } else if response.term < before.currentTerm {
                outcome = .ignoredStaleTerm
            } else if !before.isLeader {
                outcome = .ignoredNotLeader
            } else if !response.success {
                outcome = .backedOff
            } else {
                outcome = after.commitIndex > before.commitIndex ? .commitAdvanced : .matchRecorded
            }
            return (.appendEntriesResponse, outcome)
        }
    }

    /// RequestVote: stale term, then the one vote per term (section 5.2), then the log check
    /// (section 5.4.1); a vote the state after shows cast is granted whatever the rules say.
    private static func vote(
        _ request: RequestVote, from candidate: NodeID, before: RaftNode, after: RaftNode
    ) -> CoverageRow.Outcome {
        if request.term < before.currentTerm { return .refusedStaleTerm }
        // A higher term clears the vote before the request is weighed.
        let voteBefore = request.term > before.currentTerm ? nil : before.votedFor
        let votedNow = after.currentTerm == request.term && after.votedFor == candidate
        if votedNow && voteBefore != candidate { return .granted }
        if let voteBefore, voteBefore != candidate { return .refusedAlreadyVoted }
        let logUpToDate =
            request.lastLogTerm > before.log.lastTerm
            || (request.lastLogTerm == before.log.lastTerm && request.lastLogIndex >= before.log.lastIndex)
        return logUpToDate && votedNow ? .granted : .refusedLogCheck
    }

    /// PreVote (the thesis, section 9.6): the lease, then leader contact, then the vote rules.
    ///
    /// A real RequestVote of that term would meet the same vote rules. A pre-vote changes no
    /// state, so the row follows the rules as `RaftNode` applies them, read from the state before.
    private static func preVote(_ request: RequestVote, from candidate: NodeID, before: RaftNode) -> CoverageRow.Outcome
    {
        if before.hasFreshLeaderContact {
            return before.options.checkQuorum && request.term > before.currentTerm
                ? .ignoredLease : .refusedLeaderContact
        }
        if request.term < before.currentTerm { return .refusedStaleTerm }
        if request.term == before.currentTerm, let voted = before.votedFor, voted != candidate {
            return .refusedAlreadyVoted
        }
        let logUpToDate =
            request.lastLogTerm > before.log.lastTerm
            || (request.lastLogTerm == before.log.lastTerm && request.lastLogIndex >= before.log.lastIndex)
        return logUpToDate ? .granted : .refusedLogCheck
    }

    /// AppendEntries and heartbeats: Figure 2's receiver rules 1 to 4.
    private static func append(
        _ request: AppendEntries, before: RaftNode, after: RaftNode
    ) -> (CoverageRow.Input, CoverageRow.Outcome) {
        let input: CoverageRow.Input = request.entries.isEmpty ? .heartbeat : .appendEntries
        if request.term < before.currentTerm { return (input, .refusedStaleTerm) }
        if after.isLeader { return (input, .refusedIsLeader) }
        // An entry the receiver held before and holds no longer, or holds with another term:
        // a suffix was truncated (rule 3), whatever the request looked like.
        let held = before.log.lastIndex
        if after.log.lastIndex < held { return (input, .truncatedConflict) }
        if held > request.prevLogIndex {
            for index in (request.prevLogIndex + 1)...held where after.log.term(at: index) != before.log.term(at: index)
            {
                return (input, .truncatedConflict)
            }
        }
        if after.log.lastIndex > held { return (input, .appended) }
        let checked = before.log.matches(index: request.prevLogIndex, term: request.prevLogTerm)
        if !checked && after.commitIndex == before.commitIndex { return (input, .refusedConsistencyCheck) }
        return (input, input == .heartbeat ? .accepted : .alreadyHeld)
    }
}
