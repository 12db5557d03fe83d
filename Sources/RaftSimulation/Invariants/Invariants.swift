import RaftCore

/// The invariant checks: observers over worlds and their ghost history.
///
/// The servers never check themselves. After every step an explorer calls
/// `check(after:previous:action:step:)`; the state invariants read only the new world, the
/// transition invariants (leader append-only, monotonic term and commit index) compare it with
/// the world before the step.
public enum Invariants {
    /// The first violated invariant in `InvariantID` order, or nil when all hold.
    public static func check(after world: World, previous: World?, action: Action?, step: Int) -> Violation? {
        var violation = checkState(world)
        if violation == nil, let previous, let action {
            violation = checkTransition(from: previous, taking: action, to: world)
        }
        if violation != nil { violation!.step = step }
        return violation
    }

    /// Checks one invariant: state invariants read `world`; transition invariants also need the
    /// step (`previous`, `action`) and hold trivially without it.
    public static func check(_ invariant: InvariantID, _ world: World, previous: World?, action: Action?) -> Violation?
    {
        switch invariant {
        case .electionSafety: return electionSafety(world)
        case .logMatching: return logMatching(world)
        case .leaderCompleteness: return leaderCompleteness(world)
        case .stateMachineSafety: return stateMachineSafety(world)
        case .oneUncommittedConfiguration: return world.hasMembership ? oneUncommittedConfiguration(world) : nil
        case .singleServerChange: return world.hasMembership ? singleServerChange(world) : nil
        case .snapshotCommitted: return snapshotCommitted(world)
        case .exactlyOnce: return exactlyOnce(world)
        case .leaderAppendOnly, .monotonicTerm, .monotonicCommit, .preVoteRestraint, .checkQuorum, .snapshotKeepsTerm,
            .linearizability:
            guard let previous, let action else { return nil }
            switch invariant {
            case .leaderAppendOnly: return leaderAppendOnly(from: previous, to: world)
            case .monotonicTerm: return monotonicTerm(from: previous, to: world)
            case .preVoteRestraint: return preVoteRestraint(from: previous, taking: action, to: world)
            case .checkQuorum: return checkQuorum(from: previous, taking: action, to: world)
            case .snapshotKeepsTerm: return snapshotKeepsTerm(from: previous, taking: action, to: world)
            case .linearizability: return linearizability(after: action, in: world)
            default: return monotonicCommit(from: previous, to: world, action: action)
            }
        }
    }

    /// Whether the invariant reads only the world (not the step that led to it).
    public static func isStateInvariant(_ invariant: InvariantID) -> Bool {
        switch invariant {
        case .electionSafety, .logMatching, .leaderCompleteness, .stateMachineSafety, .oneUncommittedConfiguration,
            .singleServerChange, .snapshotCommitted, .exactlyOnce:
            true
        case .leaderAppendOnly, .monotonicTerm, .monotonicCommit, .preVoteRestraint, .checkQuorum, .snapshotKeepsTerm,
            .linearizability:
            false
        }
    }

    /// The invariants over one world alone.
    public static func checkState(_ world: World) -> Violation? {
        electionSafety(world) ?? logMatching(world) ?? leaderCompleteness(world) ?? stateMachineSafety(world)
            ?? membershipViolation(world)
            ?? snapshotCommitted(world)
            ?? exactlyOnce(world)
    }

    /// The invariants over one step: they compare the world before and after it.
    public static func checkTransition(from previous: World, taking action: Action, to world: World) -> Violation? {
        leaderAppendOnly(from: previous, to: world)
            ?? monotonicTerm(from: previous, to: world)
            ?? monotonicCommit(from: previous, to: world, action: action)
            ?? preVoteRestraint(from: previous, taking: action, to: world)
            ?? checkQuorum(from: previous, taking: action, to: world)
            ?? snapshotKeepsTerm(from: previous, taking: action, to: world)
            ?? linearizability(after: action, in: world)
    }

    /// Election Safety: no term ever had two leaders (read from the ghost record of leaders).
    public static func electionSafety(_ world: World) -> Violation? {
        for (term, leaders) in world.ghost.leadersByTerm.enumerated() where leaders.count > 1 {
            let names = leaders.members.map(\.description)
            return Violation(
                invariant: .electionSafety, servers: leaders.members, terms: [term],
                detail: "\(names.dropLast().joined(separator: ", ")) and \(names.last!) both led term \(term)")
        }
        return nil
    }

    /// Log Matching: two logs that agree on an entry's term at an index agree on every entry up to
    /// it.
    ///
    /// Crashed servers count with their disk's log.
    public static func logMatching(_ world: World) -> Violation? {
        let logs = world.servers.indices.map { world.log(of: $0) }
        for first in logs.indices {
            for second in logs.indices where second > first {
                let violation =
                    logs[first].baseIndex == 0 && logs[second].baseIndex == 0
                    ? logMatching(logs[first], NodeID(first), logs[second], NodeID(second))
                    : logMatchingAcrossSnapshots(
                        logs[first], NodeID(first), logs[second], NodeID(second), committed: world.ghost.committed)
                if let violation {
                    return violation
                }
            }
        }
        return nil
    }

    static func logMatching(_ left: Log, _ leftID: NodeID, _ right: Log, _ rightID: NodeID) -> Violation? {
        // The highest index where the terms agree decides: identical prefixes up to it imply
        // identical prefixes up to every lower agreeing index.
        var index = min(left.lastIndex, right.lastIndex)
        while index > 0 && left[index].term != right[index].term { index -= 1 }
        var position = 1
        while position <= index {
            if left[position] != right[position] {
                return Violation(
                    invariant: .logMatching, servers: [leftID, rightID], index: position,
                    terms: [left[index].term],
                    detail: "\(leftID) and \(rightID) both hold term \(left[index].term) at index \(index) "
                        + "but differ at index \(position) (\(left[position]) vs \(right[position]))")
            }
            position += 1
        }
        return nil
    }

    /// Leader Completeness: every current leader holds every entry committed in an earlier term.
    public static func leaderCompleteness(_ world: World) -> Violation? {
        for server in world.servers {
            guard let leader = server.node, leader.isLeader else { continue }
            if let violation = leaderCompleteness(of: leader, in: world) { return violation }
        }
        return nil
    }

    static func leaderCompleteness(of leader: RaftNode, in world: World) -> Violation? {
        for (offset, record) in world.ghost.committed.enumerated() where record.commitTerm < leader.currentTerm {
            let index = offset + 1
            if !holds(record, at: index, in: leader.log) {
                return Violation(
                    invariant: .leaderCompleteness, servers: [leader.id, record.server], index: index,
                    terms: [leader.currentTerm, record.commitTerm],
                    detail: "leader \(leader.id) of term \(leader.currentTerm) lacks \(record.entry) at index "
                        + "\(index), committed by \(record.server) in term \(record.commitTerm) "
                        + "(it holds \(describeHeld(at: index, in: leader.log)))")
            }
        }
        return nil
    }

    /// State Machine Safety: every running server's committed prefix agrees with the entries the
    /// cluster first committed at those indexes; what a server applies comes from that prefix.
    public static func stateMachineSafety(_ world: World) -> Violation? {
        for server in world.servers {
            guard let node = server.node else { continue }
            if let violation = stateMachineSafety(of: node, in: world) { return violation }
        }
        return nil
    }

    static func stateMachineSafety(of node: RaftNode, in world: World) -> Violation? {
        let committed = world.ghost.committed
        let limit = min(node.commitIndex, node.log.lastIndex, committed.count)
        // What a snapshot covers, `snapshotCommitted` compares through the state machine's state.
        var index = node.log.baseIndex + 1
        while index <= limit {
            let record = committed[index - 1]
            if node.log[index] != record.entry {
                return Violation(
                    invariant: .stateMachineSafety, servers: [record.server, node.id], index: index,
                    terms: [record.entry.term, node.log[index].term],
                    detail: "index \(index) committed as \(record.entry) on \(record.server) "
                        + "but as \(node.log[index]) on \(node.id)")
            }
            index += 1
        }
        return nil
    }

    /// Leader Append-Only: a server leading the same term before and after a step only appended.
    public static func leaderAppendOnly(from previous: World, to world: World) -> Violation? {
        for (index, server) in world.servers.enumerated() {
            guard let after = server.node, after.isLeader, let before = previous.servers[index].node,
                before.isLeader, before.currentTerm == after.currentTerm
            else { continue }
            let kept = after.log.extends(before.log)
            if !kept {
                // A snapshot taken in the step hides the entries it covers: compare after both bases.
                var position = max(before.log.baseIndex, after.log.baseIndex) + 1
                while position <= before.log.lastIndex && position <= after.log.lastIndex
                    && before.log[position] == after.log[position]
                {
                    position += 1
                }
                position = min(position, before.log.lastIndex)
                let now = describeHeld(at: position, in: after.log)
                return Violation(
                    invariant: .leaderAppendOnly, servers: [after.id], index: position, terms: [after.currentTerm],
                    detail: "leader \(after.id) of term \(after.currentTerm) replaced "
                        + "\(describeHeld(at: position, in: before.log)) at index \(position) with \(now)")
            }
        }
        return nil
    }

    /// Monotonic Term: no server's term goes down, whether running or on disk.
    public static func monotonicTerm(from previous: World, to world: World) -> Violation? {
        for (index, server) in world.servers.enumerated() {
            let before = previous.servers[index].node?.currentTerm ?? previous.servers[index].disk.currentTerm
            let after = server.node?.currentTerm ?? server.disk.currentTerm
            if after < before {
                return Violation(
                    invariant: .monotonicTerm, servers: [NodeID(index)], terms: [before, after],
                    detail: "\(NodeID(index))'s term went from \(before) to \(after)")
            }
        }
        return nil
    }

    /// PreVote Restraint: delivering a pre-vote leaves the receiver's term and vote alone, and
    /// the receiver grants it (a granted reply to it appears in the network) only without fresh
    /// leader contact and with a log no more up to date than the pre-candidate's.
    public static func preVoteRestraint(from previous: World, taking action: Action, to world: World) -> Violation? {
        guard case .deliver(let envelope) = action, case .preVote(let request) = envelope.message,
            let before = previous.servers[envelope.to.index].node, let after = world.servers[envelope.to.index].node
        else { return nil }
        let grantsBefore = preVoteGrants(answering: envelope, in: previous)
        return preVoteRestraint(
            before: before, after: after, request: request, from: envelope.from,
            granted: preVoteGrants(answering: envelope, in: world) > grantsBefore)
    }

    /// PreVote Restraint for one delivered pre-vote, given whether the receiver granted it.
    static func preVoteRestraint(
        before: RaftNode, after: RaftNode, request: RequestVote, from candidate: NodeID, granted: Bool
    ) -> Violation? {
        let receiver = after.id
        if after.currentTerm != before.currentTerm || after.votedFor != before.votedFor {
            return Violation(
                invariant: .preVoteRestraint, servers: [receiver, candidate].sorted(),
                terms: [before.currentTerm, after.currentTerm],
                detail: "\(receiver) changed its term or vote (term \(before.currentTerm) to \(after.currentTerm)) "
                    + "on \(candidate)'s pre-vote for term \(request.term)")
        }
        guard granted else { return nil }
        let logIsBetter =
            before.log.lastTerm > request.lastLogTerm
            || (before.log.lastTerm == request.lastLogTerm && before.log.lastIndex > request.lastLogIndex)
        if before.hasFreshLeaderContact || logIsBetter {
            let reason =
                before.hasFreshLeaderContact
                ? "while following leader \(before.knownLeader!) of term \(before.currentTerm)"
                : "with a more up-to-date log (last \(before.log.lastIndex)/\(before.log.lastTerm))"
            return Violation(
                invariant: .preVoteRestraint, servers: [receiver, candidate].sorted(), terms: [request.term],
                detail: "\(receiver) granted \(candidate)'s pre-vote for term \(request.term) \(reason)")
        }
        return nil
    }

    /// For an action that delivers a pre-vote, the granted replies to it in flight in `world`,
    /// taken before the step for `stepViolates`; 0 for any other action, which needs no count.
    public static func preVoteGrants(before action: Action, in world: World) -> Int {
        guard case .deliver(let envelope) = action, case .preVote = envelope.message else { return 0 }
        return preVoteGrants(answering: envelope, in: world)
    }

    /// How many granted replies to the pre-vote in `envelope` are in flight in `world`.
    public static func preVoteGrants(answering envelope: Envelope, in world: World) -> Int {
        guard case .preVote(let request) = envelope.message else { return 0 }
        let grant = Envelope(
            from: envelope.to, to: envelope.from,
            message: .preVoteResponse(RequestVoteResponse(term: request.term, voteGranted: true)))
        return world.network.count { $0 == grant }
    }

    /// CheckQuorum Step-Down: a leader whose election timer fires with CheckQuorum on while it has
    /// heard from less than a majority since its last check (itself counted once) leads no more.
    public static func checkQuorum(from previous: World, taking action: Action, to world: World) -> Violation? {
        guard case .electionTimeout(let id) = action, let before = previous.servers[id.index].node,
            let after = world.servers[id.index].node
        else { return nil }
        return checkQuorum(before: before, after: after)
    }

    /// CheckQuorum Step-Down for one quorum check: the leader before and after its timer fired.
    static func checkQuorum(before: RaftNode, after: RaftNode) -> Violation? {
        guard before.options.checkQuorum, case .leader(let progress) = before.role, after.isLeader else { return nil }
        // A majority of the voters of the leader's configuration (the thesis, section 4.1); with
        // a fixed cluster every server votes.
        let voters = before.configuration.voters
        let heardFrom =
            NodeSet(bits: progress.recentlyActive.bits & voters.bits).count + (voters.contains(before.id) ? 1 : 0)
        guard 2 * heardFrom <= voters.count else { return nil }
        return Violation(
            invariant: .checkQuorum, servers: [after.id], terms: [after.currentTerm],
            detail: "leader \(after.id) of term \(after.currentTerm) kept leading after a quorum check that heard "
                + "from \(heardFrom) of \(voters.count) servers")
    }

    /// Monotonic Commit: a server that ran before and after a step (and did not restart) never
    /// lowers its commit index.
    ///
    /// A restart legitimately starts again from 0.
    public static func monotonicCommit(from previous: World, to world: World, action: Action) -> Violation? {
        for (index, server) in world.servers.enumerated() {
            guard let after = server.node, let before = previous.servers[index].node else { continue }
            if after.commitIndex < before.commitIndex {
                return Violation(
                    invariant: .monotonicCommit, servers: [after.id], index: after.commitIndex,
                    terms: [after.currentTerm],
                    detail: "\(after.id)'s commit index went from \(before.commitIndex) to \(after.commitIndex)")
            }
        }
        return nil
    }
}
