import RaftCore
import RaftSimulation

/// When a fuzz run's faults that arrive over time strike, and whom: crashes, partitions,
/// one-way partitions and clogs, each at its profile rate per tick, drawn from the run's fault
/// stream alone (clogs from their own).
///
/// Each kind has one arrival pending at a time. A partition of either kind holds its next arrival
/// back until it ends, so at most one of each is in force; a split that follows an election
/// (membership runs, `FaultProfile.splitsAtElections`) takes the place of the partition in force. The scheduler decides; the run carries
/// the decision out (a crash through the clock and the world, a cut through the packet
/// simulator), so that this type reads as the fault model and nothing else.
struct FaultScheduler {
    /// A fault event.
    enum Fault: Equatable {
        case crash, partitionStarts, partitionEnds, oneWayStarts, oneWayEnds, electionSplit, clogStarts, clogEnds
    }

    private var nextCrashTick: Int
    private var nextPartitionTick: Int
    private var partitionEndTick = Int.max
    private var nextOneWayTick: Int
    private var oneWayEndTick = Int.max
    private var nextElectionSplitTick = Int.max
    private var nextClogTick: Int
    private var clogEndTick = Int.max
    private var prng: PRNG
    /// The draws of the clogs, apart from the other faults' so that a run without clogs draws
    /// what it drew before they existed.
    private var clogs: PRNG
    /// The draws of the splits that follow elections, when the run makes them.
    private var electionSplits: PRNG?
    private let profile: FaultProfile

    /// How soon after the election the network splits: before most of the new leader's first
    /// messages land, so that the side without it may never hear of its term's entries.
    static let electionSplitDelayTicks = 0...5

    /// The schedule at tick 0: the first crash, partition and one-way partition drawn, in that
    /// order, for the kinds the profile switches on; with `electionSplits`, the network may also
    /// split afresh after each election (`leaderElected(now:)`), drawn from it alone; the first
    /// clog is drawn from `clogs` alone.
    init(profile: FaultProfile, prng: PRNG, electionSplits: PRNG? = nil, clogs: PRNG = PRNG(seed: 0)) {
        self.profile = profile
        self.prng = prng
        self.electionSplits = electionSplits
        self.clogs = clogs
        nextCrashTick = Self.arrival(profile.crashesPerTick, after: 0, using: &self.prng)
        nextPartitionTick = Self.arrival(profile.partitionsPerTick, after: 0, using: &self.prng)
        nextOneWayTick = Self.arrival(profile.oneWayPartitionsPerTick, after: 0, using: &self.prng)
        nextClogTick = Self.arrival(profile.clogsPerTick, after: 0, using: &self.clogs)
    }

    /// The earliest fault due and its tick; nil when none is scheduled.
    ///
    /// Ties go in the order crash, partition end, partition start, one-way end, one-way start,
    /// election split, clog end, clog start.
    /// Inlined into the run's loop, like `PacketSimulator.earliestMessage`.
    @inline(__always)
    func earliestFault() -> (fault: Fault, due: Int)? {
        var earliest: Fault? = nil
        var due = Int.max
        if nextCrashTick < due { (earliest, due) = (.crash, nextCrashTick) }
        if partitionEndTick < due { (earliest, due) = (.partitionEnds, partitionEndTick) }
        if nextPartitionTick < due { (earliest, due) = (.partitionStarts, nextPartitionTick) }
        if oneWayEndTick < due { (earliest, due) = (.oneWayEnds, oneWayEndTick) }
        if nextOneWayTick < due { (earliest, due) = (.oneWayStarts, nextOneWayTick) }
        if nextElectionSplitTick < due { (earliest, due) = (.electionSplit, nextElectionSplitTick) }
        if clogEndTick < due { (earliest, due) = (.clogEnds, clogEndTick) }
        if nextClogTick < due { (earliest, due) = (.clogStarts, nextClogTick) }
        return earliest.map { ($0, due) }
    }

    /// Whether the scheduler wants to hear of each election (`leaderElected(now:)`).
    var splitsAtElections: Bool { electionSplits != nil }

    /// A server has just become leader: when the run splits at elections, a split follows within
    /// `electionSplitDelayTicks`, unless one is already due.
    mutating func leaderElected(now: Int) {
        guard electionSplits != nil, nextElectionSplitTick == .max else { return }
        nextElectionSplitTick = now + electionSplits!.uniform(in: Self.electionSplitDelayTicks)
    }

    /// The split that follows an election is due: the side to cut off, if any, in place of the
    /// partition in force (the run heals that one first).
    ///
    /// Nil when the spec's partition budget is spent. The new partition lasts as a scheduled one
    /// does and ends as one; the next scheduled partition is drawn when it ends.
    mutating func electionSplitArrives(now: Int, in world: World, spec: WorldSpec) -> NodeSet? {
        nextElectionSplitTick = .max
        guard var draws = electionSplits, spec.servers > 1 else { return nil }
        let side = Partition.randomNamedSide(servers: spec.servers, using: &draws)
        let duration = draws.uniform(in: profile.partitionDurationTicks)
        electionSplits = draws
        // A heal counts no partition: the budget is what the world will have spent after this one.
        guard world.spent.partitions < spec.maxPartitions else { return nil }
        nextPartitionTick = .max
        partitionEndTick = now + duration
        return side
    }

    /// A crash is due: the server to crash and the tick it restarts, if any.
    ///
    /// The leader is struck half the time, when there is one. Nil when the spec's crash budget is
    /// spent (no crash is scheduled again) or no server is running. The next crash is drawn first.
    mutating func crashArrives(now: Int, in world: World, spec: WorldSpec) -> (victim: NodeID, restartTick: Int)? {
        nextCrashTick = Self.arrival(profile.crashesPerTick, after: now, using: &prng)
        guard world.spent.crashes < spec.maxCrashes else {
            nextCrashTick = .max
            return nil
        }
        let preferLeader = prng.chance(Ratio(1, 2))
        guard let victim = world.pickRunningServer(preferLeader: preferLeader, drawingFrom: &prng) else { return nil }
        return (victim, now + prng.uniform(in: profile.downtimeTicks))
    }

    /// A partition is due: the side to cut off (a nonempty group without s1), if any.
    ///
    /// Nil when one is already in force, the spec's budget is spent or there is one server. The
    /// next partition is drawn when this one ends.
    mutating func partitionStarts(now: Int, in world: World, spec: WorldSpec) -> NodeSet? {
        nextPartitionTick = .max
        guard world.partition == nil, world.spent.partitions < spec.maxPartitions, spec.servers > 1 else { return nil }
        let side = Partition.randomNamedSide(servers: spec.servers, using: &prng)
        partitionEndTick = now + prng.uniform(in: profile.partitionDurationTicks)
        return side
    }

    /// The partition's time is up: the next one is drawn.
    ///
    /// Whether the world still has a partition to heal is the run's to check.
    mutating func partitionEnds(now: Int) {
        partitionEndTick = .max
        nextPartitionTick = Self.arrival(profile.partitionsPerTick, after: now, using: &prng)
    }

    /// A one-way partition is due: the cut (its blocked senders a nonempty proper group), or nil
    /// with one server.
    mutating func oneWayStarts(now: Int, spec: WorldSpec) -> OneWayCut? {
        nextOneWayTick = .max
        guard spec.servers > 1 else { return nil }
        let sides = UInt64((1 << spec.servers) - 2)
        let side = NodeSet(bits: UInt16(prng.uniform(below: sides) + 1))
        oneWayEndTick = now + prng.uniform(in: profile.partitionDurationTicks)
        return OneWayCut(blockedSenders: side)
    }

    /// The one-way partition's time is up: the next one is drawn.
    mutating func oneWayEnds(now: Int) {
        oneWayEndTick = .max
        nextOneWayTick = Self.arrival(profile.oneWayPartitionsPerTick, after: now, using: &prng)
    }

    /// A clog is due: the server whose links it holds, the leader half the time, until the tick
    /// it returns; nil when no server is running.
    ///
    /// The next clog is drawn when this one ends, so that one is in force at a time.
    mutating func clogStarts(now: Int, in world: World) -> Clog? {
        nextClogTick = .max
        let preferLeader = clogs.chance(Ratio(1, 2))
        guard let server = world.pickRunningServer(preferLeader: preferLeader, drawingFrom: &clogs) else {
            nextClogTick = Self.arrival(profile.clogsPerTick, after: now, using: &clogs)
            return nil
        }
        clogEndTick = now + clogs.uniform(in: profile.clogDurationTicks)
        return Clog(server: server, endTick: clogEndTick)
    }

    /// The clog's time is up: the next one is drawn.
    mutating func clogEnds(now: Int) {
        clogEndTick = .max
        nextClogTick = Self.arrival(profile.clogsPerTick, after: now, using: &clogs)
    }

    /// Schedules no more faults (the liveness phase).
    mutating func stop() {
        (nextCrashTick, nextPartitionTick, partitionEndTick, nextOneWayTick, oneWayEndTick) =
            (.max, .max, .max, .max, .max)
        nextElectionSplitTick = .max
        electionSplits = nil
        (nextClogTick, clogEndTick) = (.max, .max)
    }

    /// The tick of the next arrival of a fault with chance `rate` per tick; `Int.max` when off.
    private static func arrival(_ rate: Ratio?, after now: Int, using prng: inout PRNG) -> Int {
        guard let rate else { return .max }
        return now + prng.ticksUntilArrival(rate: rate)
    }
}
