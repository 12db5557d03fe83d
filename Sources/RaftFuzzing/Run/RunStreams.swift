import RaftSimulation

/// The independent PRNG streams of one run, each seeded from the run's seed through SplitMix64.
///
/// Separate streams keep components apart: a change in how many draws the network makes does
/// not shift the crash schedule, and the profile is fixed before any of them draws.
struct RunStreams {
    var profile: PRNG
    var timers: PRNG
    var network: PRNG
    var faults: PRNG
    var clients: PRNG
    /// The run's cluster size when the campaign draws it (`ClusterSize`); drawn last from the
    /// root, so that the streams above are those of seeds before sizes were drawn.
    var clusterSize: PRNG
    /// The draw of the protocol switches (`FaultProfile.preVote`, `.checkQuorum`); seeded after
    /// the cluster size, so that every other stream is what it was before the switches existed.
    var protocolSwitches: PRNG
    /// Whether the liveness phase keeps the leader down (`FaultProfile.keepsLeaderDown`); seeded
    /// last, so that every stream above is what it was before.
    var livenessDowntime: PRNG
    /// When and where servers take snapshots (`SnapshotSchedule`), for specs that allow them;
    /// seeded last, so that every stream above is what it was before log compaction existed.
    var snapshots: PRNG
    /// Membership changes (`FaultProfile.membershipChangesPerTick`, `MembershipWorkload`); seeded
    /// last, so that every stream above is what it was before membership changes were fuzzed.
    var membership: PRNG
    /// The network splits that follow elections in membership runs (`FaultProfile.splitsAtElections`,
    /// `FaultScheduler.leaderElected(now:)`); seeded last, so that every stream above is what it
    /// was before.
    var electionSplits: PRNG
    /// The session clients' workload and their messages' fates (`SessionClientDriver`); seeded
    /// last, so that every stream above is what it was before clients existed.
    var sessionClients: PRNG
    /// When and where a server's links clog (`FaultProfile.clogsPerTick`,
    /// `FaultScheduler.clogStarts`); seeded last, so that every stream above is what it was
    /// before clogs existed.
    var clogs: PRNG

    init(seed: UInt64) {
        var root = SplitMix64(seed: seed)
        profile = PRNG(seed: root.next())
        timers = PRNG(seed: root.next())
        network = PRNG(seed: root.next())
        faults = PRNG(seed: root.next())
        clients = PRNG(seed: root.next())
        clusterSize = PRNG(seed: root.next())
        protocolSwitches = PRNG(seed: root.next())
        livenessDowntime = PRNG(seed: root.next())
        snapshots = PRNG(seed: root.next())
        membership = PRNG(seed: root.next())
        electionSplits = PRNG(seed: root.next())
        sessionClients = PRNG(seed: root.next())
        clogs = PRNG(seed: root.next())
    }
}

extension PRNG {
    /// Ticks until the next arrival of something that happens with chance `rate` per tick.
    ///
    /// Drawn uniformly from 1 to twice the mean minus one, so the mean is exactly
    /// `denominator / numerator` ticks, with one draw instead of one per tick.
    mutating func ticksUntilArrival(rate: Ratio) -> Int {
        let mean = Int(rate.denominator / max(rate.numerator, 1))
        return uniform(in: 1...max(1, 2 * mean - 1))
    }
}
