import RaftCore

extension Invariants {
    /// Whether some invariant fails after `action` took the world to `world`, looking only at
    /// what the step can have changed; the one incremental check both explorers use.
    ///
    /// Valid when the world before the step satisfied every invariant, as every world an
    /// explorer reaches does (it was checked when it was reached). A step changes at most one
    /// server (the one that handled an input) plus the ghost history, whose records only grow.
    /// So Election Safety needs looking at only when that server leads, Log Matching only for
    /// pairs that include it and only when its log changed, and Leader Completeness and State
    /// Machine Safety only for that server and for the newly committed indexes on the others.
    /// Network faults (drop, duplicate, partition, heal) touch no server and no history and need
    /// no check at all. The answer is the same as whether `check(after:previous:action:step:)`
    /// finds a violation (tests hold the two together); callers ask it for the full report of
    /// the rare step that fails.
    ///
    /// - Parameters:
    ///   - before: the stepping server (`action.steppingServer`) as it was just before the step;
    ///     nil when the action is not a server step.
    ///   - committedBefore: how many ghost committed records the world held before the step.
    ///   - preVoteGrantsBefore: for the delivery of a pre-vote, `preVoteGrants(answering:in:)`
    ///     in the world before the step; what tells a grant made by this step from an older one.
    ///   - checksLinearizability: false leaves `linearizability` to the caller, who checks the
    ///     whole history once instead (the fuzzer, at the end of a run: a history that is not
    ///     linearizable stays so as it grows, so the end finds what every step would).
    public static func stepViolates(
        after action: Action, before: RaftNode?, committedBefore: Int, preVoteGrantsBefore: Int = 0,
        checksLinearizability: Bool = true, in world: World
    ) -> Bool {
        guard let before else {
            return stepViolates(
                after: action, before: nil as StepBefore?, committedBefore: committedBefore,
                preVoteGrantsBefore: preVoteGrantsBefore, checksLinearizability: checksLinearizability, in: world)
        }
        return withUnsafePointer(to: before) { node in
            stepViolates(
                after: action, before: StepBefore(node: node), committedBefore: committedBefore,
                preVoteGrantsBefore: preVoteGrantsBefore, checksLinearizability: checksLinearizability, in: world)
        }
    }

    /// `stepViolates(after:before:committedBefore:preVoteGrantsBefore:in:)` with everything it
    /// needs from before the step read from `previous`, the world the step left.
    ///
    /// For an explorer that keeps the previous world anyway, as the model checker does: the
    /// stepping server is read where it lies in `previous` rather than copied out of it.
    public static func stepViolates(after action: Action, from previous: World, in world: World) -> Bool {
        let committedBefore = previous.ghost.committed.count
        let preVoteGrantsBefore = preVoteGrants(before: action, in: previous)
        return previous.servers.withUnsafeBufferPointer { servers in
            let before = action.steppingServer.flatMap {
                World.Server.runningNode(of: servers.baseAddress! + $0.index)
            }
            return stepViolates(
                after: action, before: before.map(StepBefore.init(node:)), committedBefore: committedBefore,
                preVoteGrantsBefore: preVoteGrantsBefore, checksLinearizability: true, in: world)
        }
    }

    /// The stepping server as it was just before the step, where it lies, and the few fields the
    /// step check reads of it.
    ///
    /// A pointer, valid for one check only: a server copied out of a world, or even these
    /// fields copied, cost a retain and a release of each array, more than the check itself on
    /// most steps.
    struct StepBefore {
        let node: UnsafePointer<RaftNode>

        var log: Log { node.pointee.log }
        var snapshot: Snapshot? { node.pointee.snapshot }
        var currentTerm: Term { node.pointee.currentTerm }
        var commitIndex: LogIndex { node.pointee.commitIndex }
        var isLeader: Bool { node.pointee.isLeader }
    }

    /// The step check; the PreVote and CheckQuorum checks copy the whole stepping server out
    /// (`before.node.pointee`), on the rare steps they concern.
    private static func stepViolates(
        after action: Action, before: StepBefore?, committedBefore: Int,
        preVoteGrantsBefore: Int, checksLinearizability: Bool, in world: World
    ) -> Bool {
        // Checked whole, and only when membership is in play.
        if world.hasMembership && membershipViolation(world) != nil { return true }
        if world.clients != nil
            && clientsViolate(after: action, checksLinearizability: checksLinearizability, in: world)
        {
            return true
        }
        switch action {
        case .drop, .duplicate, .partition, .heal:
            return false
        case .crash(let id):
            // The server's log is read from its disk instead of its process or back; they hold
            // the same entries (persist before send), but the check is cheap and crashes rare.
            return logMatchingFails(for: id.index, in: world)
        case .restart(let id):
            return logMatchingFails(for: id.index, in: world) || restoredSnapshotViolates(id.index, in: world)
        case .deliver(let envelope):
            if case .preVote(let request) = envelope.message, let after = world.servers[envelope.to.index].node {
                let granted = preVoteGrants(answering: envelope, in: world) > preVoteGrantsBefore
                if preVoteRestraint(
                    before: before!.node.pointee, after: after, request: request, from: envelope.from, granted: granted)
                    != nil
                {
                    return true
                }
            }
            return stepViolates(server: envelope.to.index, before: before!, committedSeen: committedBefore, in: world)
        case .electionTimeout(let id):
            // Only with CheckQuorum on (the same on every server) is there a quorum check to
            // look at; asking first spares copying the server on every other timeout.
            let checksQuorum = world.servers.withUnsafeBufferPointer { servers in
                World.Server.runningNode(of: servers.baseAddress! + id.index)?.pointee.options.checkQuorum ?? false
            }
            if checksQuorum, let after = world.servers[id.index].node,
                checkQuorum(before: before!.node.pointee, after: after) != nil
            {
                return true
            }
            return stepViolates(server: id.index, before: before!, committedSeen: committedBefore, in: world)
        case .heartbeatTimeout(let id), .clientRequest(let id, _), .proposeChange(let id, _), .takeSnapshot(let id):
            return stepViolates(server: id.index, before: before!, committedSeen: committedBefore, in: world)
        case .client(let clientAction):
            guard case .deliver(let message) = clientAction, message.isRequest else { return false }
            return stepViolates(
                server: message.server.index, before: before!, committedSeen: committedBefore, in: world)
        }
    }

    /// The check of a server step.
    ///
    /// The servers are read where they lie, through pointers (`World.Server.runningNode(of:)`),
    /// each after checking it runs: a server bound to a local, or read through its optional,
    /// may be copied whole.
    private static func stepViolates(server: Int, before: StepBefore, committedSeen: Int, in world: World) -> Bool {
        world.servers.withUnsafeBufferPointer { servers in
            stepViolates(server: server, before: before, committedSeen: committedSeen, servers: servers, in: world)
        }
    }

    /// `stepViolates(server:before:committedSeen:in:)` on `servers`, the world's servers in place.
    private static func stepViolates(
        server: Int, before: StepBefore, committedSeen: Int, servers: UnsafeBufferPointer<World.Server>,
        in world: World
    ) -> Bool {
        precondition(servers.indices.contains(server))
        func running(_ index: Int) -> UnsafePointer<RaftNode>? {
            World.Server.runningNode(of: servers.baseAddress! + index)
        }
        guard let after = running(server) else { return false }
        let committed = world.ghost.committed
        let afterIsLeader = after.pointee.isLeader
        let afterTerm = after.pointee.currentTerm
        let logChanged = before.log != after.pointee.log

        // Election Safety: the only leader set a step can grow is that of the stepping server's term.
        if afterIsLeader && world.ghost.leaders(ofTerm: afterTerm).count > 1 { return true }

        // Log Matching: only pairs with the stepping server, only if its log changed.
        if logChanged && logMatchingFails(for: server, in: world) { return true }

        // Leader Completeness: the stepping server if it leads (all records if it just became
        // leader or its log or term changed, else the new ones), every other leader for the new
        // records.
        let newRecords = committedSeen..<committed.count
        // Without new records, a server other than the stepping one has nothing to check here
        // or below.
        let othersToCheck = !newRecords.isEmpty
        for index in servers.indices where index == server || othersToCheck {
            guard let leader = running(index), leader.pointee.isLeader else { continue }
            let leaderTerm = leader.pointee.currentTerm
            let recheckAll =
                index == server && (logChanged || !before.isLeader || before.currentTerm != afterTerm)
            let records = recheckAll ? 0..<committed.count : newRecords
            for offset in records where committed[offset].commitTerm < leaderTerm {
                let logIndex = offset + 1
                if !holds(committed[offset], at: logIndex, in: leader.pointee.log) { return true }
            }
        }

        // State Machine Safety: the committed prefix of the stepping server from where it may have
        // changed, and the new records on every other running server.
        for index in servers.indices where index == server || othersToCheck {
            guard let node = running(index) else { continue }
            let limit = min(node.pointee.commitIndex, node.pointee.log.lastIndex, committed.count)
            var first: Int
            if index == server {
                first = logChanged ? 1 : min(before.commitIndex, before.log.lastIndex, committedSeen) + 1
            } else {
                first = committedSeen + 1
            }
            first = max(first, node.pointee.log.baseIndex + 1)
            while first <= limit {
                if node.pointee.log[first] != committed[first - 1].entry { return true }
                first += 1
            }
        }

        // Snapshot Covers Committed and Snapshot Keeps Term, when the step gave it a snapshot.
        let afterSnapshot = after.pointee.snapshot
        if afterSnapshot != before.snapshot || servers[server].disk.snapshot != afterSnapshot {
            if snapshotViolates(server, after.pointee, in: world) { return true }
        }

        // The transition invariants, for the stepping server.
        let afterCommit = after.pointee.commitIndex
        if afterTerm < before.currentTerm || afterCommit < before.commitIndex { return true }
        if logChanged && before.isLeader && afterIsLeader && before.currentTerm == afterTerm {
            if !after.pointee.log.extends(before.log) { return true }
        }
        return false
    }

    /// Log Matching between server `server` and every other server (crashed ones by their disk).
    private static func logMatchingFails(for server: Int, in world: World) -> Bool {
        let log = world.log(of: server)
        for other in world.servers.indices where other != server {
            let otherLog = world.log(of: other)
            if log.baseIndex > 0 || otherLog.baseIndex > 0 {
                let violation = logMatchingAcrossSnapshots(
                    log, NodeID(server), otherLog, NodeID(other), committed: world.ghost.committed)
                if violation != nil { return true }
                continue
            }
            // As in `Invariants.logMatching`: the highest index where the terms agree decides.
            var index = min(log.lastIndex, otherLog.lastIndex)
            while index > 0 && log[index].term != otherLog[index].term { index -= 1 }
            var position = 1
            while position <= index {
                if log[position] != otherLog[position] { return true }
                position += 1
            }
        }
        return false
    }
}

extension Action {
    /// The server whose `RaftNode` handles an input in this action, if any.
    public var steppingServer: NodeID? {
        switch self {
        case .deliver(let envelope): envelope.to
        case .electionTimeout(let id), .heartbeatTimeout(let id), .clientRequest(let id, _),
            .proposeChange(let id, _), .takeSnapshot(let id):
            id
        case .client(.deliver(let message)) where message.isRequest: message.server
        default: nil
        }
    }
}
