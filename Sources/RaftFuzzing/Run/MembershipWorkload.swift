import RaftCore
import RaftSimulation

/// A fuzz run's membership changes (the thesis, chapter 4): a client asks the leader it knows
/// for one single-server change at the profile's rate, drawn from the run's membership stream
/// alone, when the run's spec allows changes.
///
/// The client asks only a server that believes it leads, and only for a change that applies to
/// that server's latest configuration (add a spare as a learner, promote a learner, remove a
/// member), as `WorldRules` enables them; whether the leader accepts it (an entry of its term
/// committed, no change in flight) is the leader's business, so a mutant that drops those guards
/// is exercised. When the profile asks (`FaultProfile.proposesAfterElections(under:)`), each election
/// is followed by two proposals a few ticks apart, which land where a new leader's guards matter.
/// The liveness phase stops the changes, so that the cluster can settle.
struct MembershipWorkload {
    /// The tick the next proposal arrives; `Int.max` when none will.
    private(set) var nextProposalTick: Int
    /// Whether the run tells the workload of each election (`leaderElected(now:)`).
    let followsElections: Bool
    private var prng: PRNG
    private let proposalsPerTick: Ratio?
    /// Proposals of the current burst still to arrive after the one scheduled.
    private var burstProposalsLeft = 0

    /// The proposals that follow an election.
    static let burstProposals = 2
    /// The gap before each proposal of a burst: from the next tick to about two message delays,
    /// so that some land before the leader's no-op commits and some after.
    static let burstSpacingTicks = 1...20

    /// The workload at tick 0: on when `spec` allows membership changes.
    init(profile: FaultProfile, spec: WorldSpec, mutant: Mutant?, prng: PRNG) {
        self.prng = prng
        proposalsPerTick = spec.allowsMembershipChanges ? profile.membershipChangesPerTick : nil
        followsElections = proposalsPerTick != nil && profile.proposesAfterElections(under: mutant)
        nextProposalTick = .max
        nextProposalTick = nextArrival(after: 0)
    }

    /// A server has just become leader: a burst of proposals starts, replacing the pending
    /// arrival (drawn afresh after the burst), unless the workload has stopped.
    mutating func leaderElected(now: Int) {
        guard followsElections, nextProposalTick != .max else { return }
        burstProposalsLeft = Self.burstProposals - 1
        nextProposalTick = now + prng.uniform(in: Self.burstSpacingTicks)
    }

    /// A proposal is due: the action that sends it, if any.
    ///
    /// Nil when the network is full, when no running server believes it leads (the client has no
    /// one to ask), or when no change applies; when the spec's changes are spent, no proposal
    /// arrives again. The next arrival and the change are drawn first, whatever happens.
    mutating func proposalArrives(now: Int, in world: World, spec: WorldSpec, networkHasRoom: Bool) -> Action? {
        nextProposalTick = nextArrival(after: now)
        guard world.spent.configChanges < spec.maxConfigChanges else {
            nextProposalTick = .max
            return nil
        }
        let target = world.pickRunningServer(preferLeader: true, drawingFrom: &prng)
        let changeDraw = prng.next()
        guard networkHasRoom, let target, let leader = world.servers[target.index].node, leader.isLeader else {
            return nil
        }
        let changes = Self.changes(applyingTo: leader.configuration, servers: spec.servers)
        guard !changes.isEmpty else { return nil }
        return .proposeChange(target, changes[Int(changeDraw % UInt64(changes.count))])
    }

    /// Sends no more proposals.
    mutating func stop() {
        nextProposalTick = .max
        burstProposalsLeft = 0
    }

    /// Every single-server change that applies to `configuration`, in slot order: the ones
    /// `WorldRules` enables at a leader with that configuration.
    static func changes(applyingTo configuration: Configuration, servers: Int) -> [ConfigurationChange] {
        var changes: [ConfigurationChange] = []
        for server in NodeID.all(servers) {
            for change in [ConfigurationChange.addLearner(server), .promote(server), .remove(server)]
            where configuration.applying(change) != nil {
                changes.append(change)
            }
        }
        return changes
    }

    private mutating func nextArrival(after now: Int) -> Int {
        guard let proposalsPerTick else { return .max }
        if burstProposalsLeft > 0 {
            burstProposalsLeft -= 1
            return now + prng.uniform(in: Self.burstSpacingTicks)
        }
        return now + prng.ticksUntilArrival(rate: proposalsPerTick)
    }
}
