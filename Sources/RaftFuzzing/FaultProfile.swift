import RaftCore
import RaftSimulation

/// Everything one fuzz run's seed decides before the run starts: which fault kinds are on, how
/// often each strikes, and the timing of the virtual clock.
///
/// Swarm testing (Groce et al., "Swarm Testing", ISSTA 2012): rather than every run mixing every
/// fault at a middling rate, each run switches each fault kind on or off and picks its rate. Some
/// bugs need a fault to be frequent; others need it absent, because it would keep interrupting
/// the sequence that exposes them. Rates are integer ratios, never floating point, so that a
/// profile is the same on every machine and prints exactly.
public struct FaultProfile: Hashable, Sendable, CustomStringConvertible {
    /// The run's seed; the profile and every choice of the run derive from it.
    public var seed: UInt64

    // MARK: Per-message faults: the share of sent messages each one strikes (nil: off).

    /// Messages lost.
    public var lossPerMessage: Ratio?
    /// Messages delivered twice.
    public var duplicationPerMessage: Ratio?
    /// Messages that may overtake earlier ones on the same link; with reordering off, every
    /// link is first-in first-out.
    public var reorderingPerMessage: Ratio?
    /// Messages held back for `longDelayTicks`: the stale messages that many Raft bugs need.
    public var delayPerMessage: Ratio?

    // MARK: Faults that arrive over time: the chance per tick (nil: off).

    /// Symmetric partitions: the network splits in two, each lasting `partitionDurationTicks`.
    public var partitionsPerTick: Ratio?
    /// One-way partitions: every message from one group to the rest is lost, while replies the
    /// other way still flow; each lasts `partitionDurationTicks`.
    public var oneWayPartitionsPerTick: Ratio?
    /// Crashes, each followed by a restart after `downtimeTicks`.
    public var crashesPerTick: Ratio?
    /// Client requests (the client asks the leader it knows, or sometimes any server).
    public var clientRequestsPerTick: Ratio?
    /// Clogs: every message on the links to and from one server, the leader half the time, is
    /// held for `clogDurationTicks` and then let through in the order it was queued.
    ///
    /// A stalled switch port, a saturated link or a virtual machine whose network is paused
    /// (TigerBeetle's packet simulator clogs paths this way). Unlike a partition, which loses
    /// what is in flight across it, a clog delivers every message late, so the server comes
    /// out of it to answers sent long before: acknowledgements of a leader's read round that a
    /// new leader's election, its writes and its clients' next reads have all overtaken (RB-28).
    /// The clients still reach the server, as they do through a partition.
    public var clogsPerTick: Ratio?

    // MARK: The virtual clock, in ticks.

    /// Each election timeout is drawn afresh from this range (section 5.2's randomized timeouts).
    public var electionTimeoutTicks: ClosedRange<Int>
    /// When set, the server whose clock runs fast (its index modulo the cluster size): its election
    /// timeouts come from `fastElectionTimeoutTicks`, so it is nearly always the first to campaign.
    ///
    /// Real clusters see this with clock drift or a mistuned node; a Raft whose timers follow the
    /// rules still elects a leader, while one that lets the same server keep interrupting everyone
    /// else's timer never does.
    public var fastClockServer: Int?
    /// Whether the liveness phase keeps the leader it starts with down.
    ///
    /// Otherwise it restarts every server. Raft must make progress with any minority down, and
    /// some bugs (etcd #8243) stall a cluster only while a server stays away. In about a quarter
    /// of the runs; never in clusters of fewer than 3 servers, where one server is not a minority.
    public var keepsLeaderDown: Bool
    /// The election timeout range of the fast-clock server: half the normal one.
    public static let fastElectionTimeoutTicks = 75...150
    /// A leader's heartbeat interval.
    public var heartbeatIntervalTicks: Int
    /// The delay of an ordinary message.
    public var messageDelayTicks: ClosedRange<Int>
    /// The delay of a message the `delayPerMessage` fault holds back.
    public var longDelayTicks: ClosedRange<Int>
    /// How long a partition (either kind) lasts.
    public var partitionDurationTicks: ClosedRange<Int>
    /// How long a clog holds a server's messages: long enough, at its upper end, for another
    /// server to time out, win an election and commit a client's write meanwhile.
    public var clogDurationTicks: ClosedRange<Int>
    /// How long a crashed server stays down.
    public var downtimeTicks: ClosedRange<Int>
    /// The length of the safety phase, with faults; the liveness phase follows.
    public var safetyTicks: Int

    // MARK: Protocol switches, swarmed like the faults unless the spec sets them.

    /// The mechanisms beyond Figure 2 the run turns on when its spec leaves every switch off:
    /// PreVote, CheckQuorum, a pipeline window of 1, 2 or 4, at most 1, 2 or 3 entries per
    /// AppendEntries, and fast backtracking, each on in about half the runs.
    ///
    /// Swarmed like the faults, so that one campaign of the correct Raft fuzzes Figure 2 and each
    /// mechanism alone and together; a spec that sets any switch pins them all
    /// (`spec(swarming:mutant:)`).
    public var protocolSwitches: ProtocolOptions

    // MARK: Membership changes (the thesis, chapter 4), swarmed for the correct Raft.

    /// Whether the run drives membership changes when its spec allows none: about half the runs
    /// of the correct Raft on a spec that pins nothing (`spec(swarming:mutant:)`).
    public var swarmsMembership: Bool
    /// How often a client asks the leader it knows for a membership change, in a run whose spec
    /// allows changes (or that swarms them on); drawn in every run.
    public var membershipChangesPerTick: Ratio
    /// The seed of a run's session-client operations (`WorldSpec.clientWorkload`), for a spec
    /// with clients that does not pin one.
    public var clientWorkload: Int
    /// The slots a swarmed membership run leaves out of its initial configuration, as spare
    /// servers a change can add: 0, 1 or 2, keeping at least one initial voter.
    public var spareServers: Int
    /// Whether a swarmed membership run of 4 servers or more starts from an even number of
    /// voters, 4 or 6, with a spare slot when there is room, instead of leaving `spareServers`
    /// out: about a third of the runs.
    ///
    /// An even cluster is where two single-server changes of different terms can have disjoint
    /// majorities (Ongaro, raft-dev 2015: 4 servers plus one being added, or two removals), so a
    /// leader that changes its configuration before committing an entry of its term (RB-23) is
    /// caught from there; leaving spares out of 5 or 7 slots would seldom start there, and a
    /// cluster of 3 never reaches it.
    public var startsFromEvenVoters: Bool
    /// Whether the client proposes two changes back to back right after each election, to the
    /// leader it then knows, besides those arriving at `membershipChangesPerTick`: about half
    /// the membership runs.
    ///
    /// A new leader must refuse them until it has committed an entry of its term, and the second
    /// while the first is uncommitted; at the steady rate alone a proposal rarely lands in that
    /// window of a few ticks, where RB-23 and RB-24 deviate.
    public var proposesAfterElections: Bool
    /// Whether, in a run with membership changes, the network splits afresh a few ticks after
    /// every election (`FaultScheduler.leaderElected(now:)`): about half the membership runs.
    ///
    /// A flapping network is what elections follow in real clusters. Sibling configurations
    /// (RB-23) need a split there: the new leader's change commits on one side while a voter that
    /// elected it, on the other side, never hears of it and elects the old leader under the old
    /// leader's change; partitions that start at random times almost never fall in that window.
    public var splitsAtElections: Bool
    /// The most membership changes a swarmed run makes: enough to add a spare, promote it and
    /// remove another voter twice over.
    public static let swarmedConfigChanges = 8

    /// The liveness phase's budget: after healing the network and restarting every server, one
    /// leader must be stable and every acknowledged command applied on every server within this
    /// many ticks.
    ///
    /// That is over 16 of the longest election timeouts: far more than a correct Raft needs, and
    /// still a bound that a stuck cluster cannot meet.
    public static let livenessBudgetTicks = 5_000

    /// The fixed election timeout range; the liveness budget above is set against its upper end.
    public static let standardElectionTimeoutTicks = 150...300

    /// Derives the profile of the run with `seed`.
    ///
    /// The profile has a stream of its own (see `RunStreams`), and every draw is made whether or
    /// not its fault ends up on, so that switching one fault kind never shifts another's rate.
    public init(seed: UInt64) {
        self.seed = seed
        var prng = RunStreams(seed: seed).profile
        func swarmRate(_ rates: [Ratio], onChance: Ratio = Ratio(1, 2)) -> Ratio? {
            let on = prng.chance(onChance)
            let rate = rates[Int(prng.uniform(below: UInt64(rates.count)))]
            return on ? rate : nil
        }
        lossPerMessage = swarmRate([Ratio(1, 100), Ratio(1, 30), Ratio(1, 10), Ratio(1, 4)])
        duplicationPerMessage = swarmRate([Ratio(1, 100), Ratio(1, 30), Ratio(1, 10)])
        reorderingPerMessage = swarmRate([Ratio(1, 10), Ratio(1, 3), Ratio(1, 1)])
        delayPerMessage = swarmRate([Ratio(1, 100), Ratio(1, 30), Ratio(1, 10)])
        partitionsPerTick = swarmRate([Ratio(1, 3_000), Ratio(1, 1_000), Ratio(1, 300)])
        oneWayPartitionsPerTick = swarmRate([Ratio(1, 3_000), Ratio(1, 1_000), Ratio(1, 300)])
        crashesPerTick = swarmRate([Ratio(1, 3_000), Ratio(1, 1_000), Ratio(1, 400)])
        // Client load is on more often than the faults: most bugs need committed entries.
        clientRequestsPerTick = swarmRate([Ratio(1, 400), Ratio(1, 150), Ratio(1, 50)], onChance: Ratio(3, 4))

        electionTimeoutTicks = Self.standardElectionTimeoutTicks
        heartbeatIntervalTicks = [30, 40, 50, 60][Int(prng.uniform(below: 4))]
        let maxDelay = [5, 10, 20][Int(prng.uniform(below: 3))]
        messageDelayTicks = 1...maxDelay
        longDelayTicks = 100...900
        partitionDurationTicks = 50...1_000
        downtimeTicks = 20...1_500
        safetyTicks = prng.uniform(in: 1_000...4_000)
        // Drawn last, so that the settings above are those of seeds before this dimension existed.
        let fastClockOn = prng.chance(Ratio(1, 3))
        let fastServer = Int(prng.uniform(below: UInt64(WorldSpec.maxServers)))
        fastClockServer = fastClockOn ? fastServer : nil
        var downtime = RunStreams(seed: seed).livenessDowntime
        keepsLeaderDown = downtime.chance(Ratio(1, 4))
        // A stream of their own: a run whose switches are all off is the run its seed gave
        // before the switches existed.
        var switches = RunStreams(seed: seed).protocolSwitches
        protocolSwitches = ProtocolOptions()
        protocolSwitches.preVote = switches.chance(Ratio(1, 2))
        protocolSwitches.checkQuorum = switches.chance(Ratio(1, 2))
        let window = [1, 2, 4][Int(switches.uniform(below: 3))]
        if switches.chance(Ratio(1, 2)) { protocolSwitches.pipelineWindow = window }
        let batch = [1, 2, 3][Int(switches.uniform(below: 3))]
        if switches.chance(Ratio(1, 2)) { protocolSwitches.maxEntriesPerAppend = batch }
        protocolSwitches.fastBacktracking = switches.chance(Ratio(1, 2))
        protocolSwitches.leaderNoOp = switches.chance(Ratio(1, 2))
        // A stream of their own too: a run that does not swarm them is the run its seed gave
        // before membership changes were fuzzed.
        var membership = RunStreams(seed: seed).membership
        swarmsMembership = membership.chance(Ratio(1, 2))
        membershipChangesPerTick = [Ratio(1, 1_000), Ratio(1, 400), Ratio(1, 150)][Int(membership.uniform(below: 3))]
        spareServers = Int(membership.uniform(below: 3))
        // Drawn after the draws above, so that a run with neither is the run its seed gave before.
        startsFromEvenVoters = membership.chance(Ratio(1, 3))
        proposesAfterElections = membership.chance(Ratio(1, 2))
        splitsAtElections = membership.chance(Ratio(1, 2))
        // The session clients' stream, from a seed of its own so that the driver's draws do not
        // repeat this one.
        var sessionClients = RunStreams(seed: seed).sessionClients
        var clients = PRNG(seed: sessionClients.next() ^ 0xC11E_0715)
        clientWorkload = Int(clients.uniform(below: UInt64(Int32.max))) + 1
        // Clogs draw from a stream of their own, from a seed of its own so that the scheduler's
        // draws do not repeat these: a run without them is the run its seed gave before.
        var clogStream = RunStreams(seed: seed).clogs
        var clogs = PRNG(seed: clogStream.next() ^ 0xC106_5ED0)
        let clogsOn = clogs.chance(Ratio(1, 2))
        let clogRate = [Ratio(1, 1_000), Ratio(1, 400), Ratio(1, 150)][Int(clogs.uniform(below: 3))]
        clogsPerTick = clogsOn ? clogRate : nil
        clogDurationTicks = 100...1_000
    }

    /// The spec the run of this profile explores under `mutant`: `spec` itself when it sets any
    /// protocol switch (a spec with a `protocol` object pins them all) or when the mutant breaks a
    /// Figure 2 rule; otherwise `spec` with this profile's switches, and with the switch a
    /// mutant of a mechanism beyond Figure 2 lives behind forced on.
    ///
    /// About half the runs of the correct Raft on such a spec also drive membership changes
    /// (`swarmsMembership`, `WorldSpec.withMembershipChanges`), and every run of a mutant whose
    /// rule lives in them (`Mutant.needsMembershipChanges`), which also starts from an even
    /// number of voters (`startsFromEvenVoters`).
    ///
    /// So a campaign of the correct Raft on the default world checks the switches alone and
    /// together, a mutant is never fuzzed with its code switched off, and a Figure 2 mutant's run
    /// is the one its seed gave before the switches existed (the corpus keeps such runs). Every
    /// trace a run leaves records the switches it ran with.
    public func spec(swarming spec: WorldSpec, mutant: Mutant?) -> WorldSpec {
        var spec = spec
        // A mutant of log compaction is fuzzed with snapshots allowed: its code runs only then.
        if mutant?.needsSnapshots == true && spec.maxSnapshots == 0 { spec.maxSnapshots = 1_000_000 }
        // A mutant of the session clients is fuzzed with two of them: its code runs only then.
        if mutant?.needsClients == true && spec.clients == 0 { spec.turnOnClients(2) }
        if spec.clients > 0 && spec.clientWorkload == nil { spec.clientWorkload = clientWorkload }
        let swarmed = switchesSwarmed(spec, mutant: mutant)
        // A mutant of membership changes needs them in every run; other mutants never get them,
        // so that their runs are those their seeds gave before.
        let changesMembership = mutant.map { $0.needsMembershipChanges } ?? swarmsMembership
        // Snapshots do not carry a configuration yet (`WorldSpec.unsupportedCombination`).
        guard changesMembership, spec.maxSnapshots == 0, spec.options.isFigure2, spec.initialMembers == nil,
            !spec.allowsMembershipChanges
        else { return swarmed }
        return swarmed.withMembershipChanges(
            spareServers: spareServers, evenVoters: startsFromEvenVoters || mutant?.needsMembershipChanges == true)
    }

    /// Whether the run's membership proposals follow elections (`proposesAfterElections`): as
    /// drawn for the correct Raft, and always under a mutant of membership changes, whose rules
    /// guard exactly that window (as a mutant's protocol switch is always on).
    func proposesAfterElections(under mutant: Mutant?) -> Bool {
        proposesAfterElections || mutant?.needsMembershipChanges == true
    }

    /// Whether the run's network splits after elections (`splitsAtElections`): as drawn for the
    /// correct Raft, and always under a mutant of membership changes, as above.
    func splitsAtElections(under mutant: Mutant?) -> Bool {
        splitsAtElections || mutant?.needsMembershipChanges == true
    }

    /// `spec` with this profile's protocol switches, as `spec(swarming:mutant:)` describes.
    private func switchesSwarmed(_ spec: WorldSpec, mutant: Mutant?) -> WorldSpec {
        // Session clients turn the no-op on (`WorldSpec.turnOnClients`); the other switches are
        // swarmed for them all the same, with the no-op kept on.
        let clientsNoOpOnly = spec.clients > 0 && spec.options == ProtocolOptions(leaderNoOp: true)
        guard spec.options.isFigure2 || clientsNoOpOnly else { return spec }
        let needed = mutant?.switchesNeeded ?? .figure2
        if mutant != nil && needed.isFigure2 { return spec }
        var swarmed = spec
        var options = protocolSwitches
        options.preVote = options.preVote || needed.preVote
        options.checkQuorum = options.checkQuorum || needed.checkQuorum
        if options.pipelineWindow == 0 { options.pipelineWindow = needed.pipelineWindow }
        if options.maxEntriesPerAppend == nil { options.maxEntriesPerAppend = needed.maxEntriesPerAppend }
        options.fastBacktracking = options.fastBacktracking || needed.fastBacktracking
        options.leaderNoOp = options.leaderNoOp || needed.leaderNoOp || spec.clients > 0
        // ReadIndex is not drawn: only a mutant of the read path turns it on.
        options.readIndex = needed.readIndex
        swarmed.options = options
        return swarmed
    }

    /// The range the election timeout of server `index` (in a cluster of `servers`) is drawn from.
    func electionTimeoutTicks(of index: Int, servers: Int) -> ClosedRange<Int> {
        fastClockServer.map { $0 % servers == index } == true ? Self.fastElectionTimeoutTicks : electionTimeoutTicks
    }

    /// The profile in one line: the seed and every derived setting, so that a bug report is a
    /// single line and `raftlab fuzz --seed <seed> --runs 1` reproduces it.
    public var description: String {
        func rate(_ ratio: Ratio?, _ unit: String) -> String { ratio.map { "\($0)\(unit)" } ?? "off" }
        func range(_ range: ClosedRange<Int>) -> String { "\(range.lowerBound)-\(range.upperBound)" }
        return "seed=\(seed) loss=\(rate(lossPerMessage, "")) duplicate=\(rate(duplicationPerMessage, "")) "
            + "reorder=\(rate(reorderingPerMessage, "")) delay=\(rate(delayPerMessage, ""))(\(range(longDelayTicks))) "
            + "partition=\(rate(partitionsPerTick, "/tick"))(\(range(partitionDurationTicks))) "
            + "one-way=\(rate(oneWayPartitionsPerTick, "/tick"))(\(range(partitionDurationTicks))) "
            + "crash=\(rate(crashesPerTick, "/tick"))(down \(range(downtimeTicks))) "
            + "client=\(rate(clientRequestsPerTick, "/tick")) "
            + (clogsPerTick.map { "clog=\($0)/tick(\(range(clogDurationTicks))) " } ?? "")
            + "election=\(range(electionTimeoutTicks)) "
            + (keepsLeaderDown ? "liveness-leader-down " : "")
            + "fast-clock=\(fastClockServer.map { "server#\($0)(\(range(Self.fastElectionTimeoutTicks)))" } ?? "off") "
            + "heartbeat=\(heartbeatIntervalTicks) latency=\(range(messageDelayTicks)) "
            + "safety=\(safetyTicks) liveness<=\(Self.livenessBudgetTicks) ticks"
            + (protocolSwitches.isFigure2 ? "" : " switch-draw=[\(protocolSwitches.summary)]")
    }
}

/// Seeds of a campaign's runs.
public enum RunSeeds {
    /// The seed of run `run` (from 0) of a campaign with base seed `base`.
    ///
    /// Run 0 uses the base seed itself, so `raftlab fuzz --seed S --runs 1` is run 0 of any
    /// campaign with seed S; run k > 0 uses the k-th output of SplitMix64 started at `base`.
    /// Either way the run seed alone reproduces the run.
    public static func seed(base: UInt64, run: Int) -> UInt64 {
        precondition(run >= 0)
        if run == 0 { return base }
        // SplitMix64's k-th output depends only on its counter, base + k * increment.
        var generator = SplitMix64(seed: base &+ UInt64(run - 1) &* 0x9E37_79B9_7F4A_7C15)
        return generator.next()
    }
}

extension WorldSpec {
    /// The world `raftlab fuzz` explores by default: 3 servers, and bounds generous enough that the
    /// fault profile, not the spec, decides what happens (the bounds still apply: a fault whose
    /// budget is spent is simply not taken).
    ///
    /// 40 client requests keep logs short enough for fast runs and long enough for conflicts. Its
    /// `maxDepth` (read only by the model checker) is the fuzzer's run step limit, so a fuzz trace
    /// of this world is a path within its bounds.
    public static let fuzzDefault = WorldSpec(
        name: "fuzz-default", servers: 3, maxTerm: 100_000, maxClientRequests: 40, maxCrashes: 100_000,
        maxInFlight: 1_000, maxDrops: 1_000_000, maxDuplicates: 1_000_000, maxPartitions: 100_000,
        maxDepth: Fuzzer.defaultRunStepLimit)
}

extension WorldSpec {
    /// This spec with membership changes on: the first slots less `spareServers` (keeping one)
    /// the initial voters, the rest spare slots a change can add, up to
    /// `FaultProfile.swarmedConfigChanges` changes.
    ///
    /// With `evenVoters` and 4 slots or more, the initial voters are instead 4 of 4, or the
    /// largest even number that leaves a spare slot: 4 of 5 or 6, 6 of 7
    /// (`FaultProfile.startsFromEvenVoters`); the slots are the run's, never more.
    ///
    /// Turns on what the changes need: the leader's no-op (a leader changes the configuration only
    /// after committing an entry of its term), and PreVote and CheckQuorum, whose lease keeps a
    /// removed server that never learnt of its removal from unseating the leader with ever higher
    /// terms (section 4.2.3; etcd-io/raft relies on them the same way). Without them the cluster
    /// stays safe but need not settle, and the liveness phase would fail a correct Raft.
    func withMembershipChanges(spareServers: Int, evenVoters: Bool = false) -> WorldSpec {
        var spec = self
        if evenVoters && servers >= 4 {
            spec.initialMembers = servers == 4 ? 4 : (servers - 1) & ~1
        } else {
            spec.initialMembers = Swift.max(1, servers - spareServers)
        }
        spec.maxConfigChanges = FaultProfile.swarmedConfigChanges
        spec.options.preVote = true
        spec.options.checkQuorum = true
        spec.turnOnWhatMembershipNeeds()
        return spec
    }
}
