import ModelChecking
import RaftCore
import RaftSimulation

/// Which two steps of the Raft world commute, for sleep-set reduction (`SleepSets` in
/// ModelChecking): a conservative, state-dependent independence relation.
///
/// Only three kinds of step are ever independent: a delivery, an election timeout and a
/// heartbeat timeout. Each hands one input to one server, its *stepping server* (a delivery's
/// receiver, a timer's owner), and `WorldRules.step` changes nothing else but the network
/// (the delivered message out, the step's sends in), two budget counters, and the ghost
/// history. Every other kind (drops, duplicates, client requests, crashes, restarts,
/// partitions, and any kind added later) is dependent with everything: `steppingServer(of:)`
/// names the kinds it knows and answers nil for the rest.
///
/// Two such steps `a` and `b`, both enabled in a world `w`, are called independent when:
///
/// 1. Their stepping servers differ. A step reads and writes only its own server (the Raft
///    core is a pure function of the server's state and its input), so each does to its server
///    in `w·b` exactly what it does in `w`, and the other's server is untouched either way.
/// 2. Neither is a pre-vote request's delivery. PreVote Restraint judges such a step by the
///    grants on the whole network, which the other step may change.
/// 3. Neither step touches what is shared beyond the network and the two step counters, as
///    seen from the worlds each reaches from `w` (`isLocal(_:from:to:)`): no committed record
///    appended (records are appended in index order by whichever server commits first, so two
///    commits in different orders leave different histories), no acknowledgement appended (an
///    ordered list too), no other budget counter spent, and, when the spec discards stale
///    messages, no newer term reached (that drops messages network-wide, which could drop the
///    other step's message, and moves the line below which the other step's sends are lost;
///    condition 4 catches the first, and the second commutes, since the discard removes the
///    other's older sends in either order, but the tests cannot tell these cases apart, so the
///    relation stays out of them).
///    What remains commutes: the network is a sorted multiset, so removing two messages and
///    adding two batches gives the same array in either order; the election and heartbeat
///    counters are sums; `leadersByTerm` is a set per term. And because the committed records
///    do not change, each step's incremental check (`Invariants.stepViolates`, which reads the
///    records from the count before the step) and each transition invariant (all about the
///    stepping server's before and after) judge the step the same in either order.
/// 4. Neither disables the other, checked on the worlds themselves: `b` is enabled in `w·a` and
///    `a` in `w·b` (`WorldRules.isEnabled`). This is where the shared bounds bite: a timeout
///    needs room in the network (`maxInFlight` counts every message), so a step that sends may
///    leave none for it; an election timeout may find `maxElections` spent by the other; and
///    a heartbeat `maxHeartbeats`. Checked on the state rather than assumed, these pairs stay
///    independent exactly when the network and the budget have room for both.
///
/// The situations of `Reachability` are judged on the stepping server's before and after, and
/// on the committed records, which condition 3 keeps out of either step's reach.
extension RaftModel {
    public func areIndependent(
        _ first: Action, leadingTo firstNext: World, _ second: Action, leadingTo secondNext: World,
        in state: World
    ) -> Bool {
        guard let firstServer = Self.steppingServer(of: first), let secondServer = Self.steppingServer(of: second),
            firstServer != secondServer
        else { return false }
        return isLocal(firstNext, from: state, discardsStale: rules.spec.discardsStaleMessages)
            && isLocal(secondNext, from: state, discardsStale: rules.spec.discardsStaleMessages)
            && rules.isEnabled(second, in: firstNext) && rules.isEnabled(first, in: secondNext)
    }

    public func isSameAction(_ first: Action, _ second: Action) -> Bool { first == second }

    /// The one server `action` hands an input to, for the kinds whose independence is argued in
    /// this file; nil for every other kind, which is then dependent with everything.
    static func steppingServer(of action: Action) -> NodeID? {
        switch action {
        case .deliver(let envelope):
            if case .preVote = envelope.message { return nil }
            return envelope.to
        case .electionTimeout(let id), .heartbeatTimeout(let id):
            return id
        default:
            return nil
        }
    }

    /// Whether the step from `state` to `next` left alone what is shared between servers beyond
    /// the network and the election and heartbeat counters (condition 3 above).
    func isLocal(_ next: World, from state: World, discardsStale: Bool) -> Bool {
        guard next.ghost.committed.count == state.ghost.committed.count,
            next.ghost.acknowledged.count == state.ghost.acknowledged.count,
            next.partition == state.partition,
            next.spent.clientRequests == state.spent.clientRequests, next.spent.crashes == state.spent.crashes,
            next.spent.drops == state.spent.drops, next.spent.duplicates == state.spent.duplicates,
            next.spent.partitions == state.spent.partitions
        else { return false }
        return !discardsStale || Self.newestTerm(in: next) == Self.newestTerm(in: state)
    }

    /// The newest term on any server's disk: what stale messages are discarded below.
    static func newestTerm(in world: World) -> Term {
        world.servers.reduce(0) { max($0, $1.disk.currentTerm) }
    }
}
