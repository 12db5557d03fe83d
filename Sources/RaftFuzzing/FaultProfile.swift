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
    public var loss: Ratio?
    /// Messages delivered twice.
    public var duplication: Ratio?
    /// Messages that may overtake earlier ones on the same link; with reordering off, every
    /// link is first-in first-out.
    public var reordering: Ratio?
    /// Messages held back for `longDelay` ticks: the stale messages that many Raft bugs need.
    public var delay: Ratio?

    // MARK: Faults that arrive over time: the chance per tick (nil: off).

    /// Symmetric partitions: the network splits in two, each lasting `partitionDuration`.
    public var partitions: Ratio?
    /// One-way partitions: every message from one group to the rest is lost, while replies the
    /// other way still flow; each lasts `partitionDuration`.
    public var oneWayPartitions: Ratio?
    /// Crashes, each followed by a restart after `downtime`.
    public var crashes: Ratio?
    /// Client requests (the client asks the leader it knows, or sometimes any server).
    public var clientLoad: Ratio?

    // MARK: The virtual clock, in ticks.

    /// Each election timeout is drawn afresh from this range (section 5.2's randomized timeouts).
    public var electionTimeout: ClosedRange<Int>
    /// When set, the server whose clock runs fast (its index modulo the cluster size): its
    /// election timeouts come from `fastElectionTimeout`, so it is nearly always the first to
    /// campaign. Real clusters see this with clock drift or a mistuned node; a Raft whose timers
    /// follow the rules still elects a leader, while one that lets the same server keep
    /// interrupting everyone else's timer never does.
    public var fastClockServer: Int?
    /// The election timeout range of the fast-clock server: half the normal one.
    public static let fastElectionTimeoutRange = 75...150
    /// A leader's heartbeat interval.
    public var heartbeatInterval: Int
    /// The delay of an ordinary message.
    public var messageDelay: ClosedRange<Int>
    /// The delay of a message the `delay` fault holds back.
    public var longDelay: ClosedRange<Int>
    /// How long a partition (either kind) lasts.
    public var partitionDuration: ClosedRange<Int>
    /// How long a crashed server stays down.
    public var downtime: ClosedRange<Int>
    /// The length of the safety phase, with faults; the liveness phase follows.
    public var safetyTicks: Int

    /// The liveness phase's budget: after healing the network and restarting every server, one
    /// leader must be stable and every acknowledged command applied on every server within this
    /// many ticks. That is over 16 of the longest election timeouts: far more than a correct Raft
    /// needs, and still a bound that a stuck cluster cannot meet.
    public static let livenessBudgetTicks = 5_000

    /// The fixed election timeout range; the liveness budget above is set against its upper end.
    public static let electionTimeoutRange = 150...300

    /// Derives the profile of the run with `seed`.
    ///
    /// The profile has a stream of its own (see `RunStreams`), and every draw is made whether or
    /// not its fault ends up on, so that switching one fault kind never shifts another's rate.
    public init(seed: UInt64) {
        self.seed = seed
        var prng = RunStreams(seed: seed).profile
        func perMessage(_ rates: [Ratio], onChance: Ratio = Ratio(1, 2)) -> Ratio? {
            let on = prng.chance(onChance)
            let rate = rates[Int(prng.uniform(below: UInt64(rates.count)))]
            return on ? rate : nil
        }
        loss = perMessage([Ratio(1, 100), Ratio(1, 30), Ratio(1, 10), Ratio(1, 4)])
        duplication = perMessage([Ratio(1, 100), Ratio(1, 30), Ratio(1, 10)])
        reordering = perMessage([Ratio(1, 10), Ratio(1, 3), Ratio(1, 1)])
        delay = perMessage([Ratio(1, 100), Ratio(1, 30), Ratio(1, 10)])
        partitions = perMessage([Ratio(1, 3_000), Ratio(1, 1_000), Ratio(1, 300)])
        oneWayPartitions = perMessage([Ratio(1, 3_000), Ratio(1, 1_000), Ratio(1, 300)])
        crashes = perMessage([Ratio(1, 3_000), Ratio(1, 1_000), Ratio(1, 400)])
        // Client load is on more often than the faults: most bugs need committed entries.
        clientLoad = perMessage([Ratio(1, 400), Ratio(1, 150), Ratio(1, 50)], onChance: Ratio(3, 4))

        electionTimeout = Self.electionTimeoutRange
        heartbeatInterval = [30, 40, 50, 60][Int(prng.uniform(below: 4))]
        let maxDelay = [5, 10, 20][Int(prng.uniform(below: 3))]
        messageDelay = 1...maxDelay
        longDelay = 100...900
        partitionDuration = 50...1_000
        downtime = 20...1_500
        safetyTicks = prng.uniform(in: 1_000...4_000)
        // Drawn last, so that the settings above are those of seeds before this dimension existed.
        let fastClockOn = prng.chance(Ratio(1, 3))
        let fastServer = Int(prng.uniform(below: UInt64(WorldSpec.maxServers)))
        fastClockServer = fastClockOn ? fastServer : nil
    }

    /// The range the election timeout of server `index` (in a cluster of `servers`) is drawn from.
    func electionTimeout(of index: Int, servers: Int) -> ClosedRange<Int> {
        fastClockServer.map { $0 % servers == index } == true ? Self.fastElectionTimeoutRange : electionTimeout
    }

    /// The profile in one line: the seed and every derived setting, so that a bug report is a
    /// single line and `raftlab fuzz --seed <seed> --runs 1` reproduces it.
    public var description: String {
        func rate(_ ratio: Ratio?, _ unit: String) -> String { ratio.map { "\($0)\(unit)" } ?? "off" }
        func range(_ range: ClosedRange<Int>) -> String { "\(range.lowerBound)-\(range.upperBound)" }
        return "seed=\(seed) loss=\(rate(loss, "")) duplicate=\(rate(duplication, "")) "
            + "reorder=\(rate(reordering, "")) delay=\(rate(delay, ""))(\(range(longDelay))) "
            + "partition=\(rate(partitions, "/tick"))(\(range(partitionDuration))) "
            + "one-way=\(rate(oneWayPartitions, "/tick"))(\(range(partitionDuration))) "
            + "crash=\(rate(crashes, "/tick"))(down \(range(downtime))) client=\(rate(clientLoad, "/tick")) "
            + "election=\(range(electionTimeout)) "
            + "fast-clock=\(fastClockServer.map { "server#\($0)(\(range(Self.fastElectionTimeoutRange)))" } ?? "off") heartbeat=\(heartbeatInterval) latency=\(range(messageDelay)) "
            + "safety=\(safetyTicks) liveness<=\(Self.livenessBudgetTicks) ticks"
    }
}

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

    init(seed: UInt64) {
        var root = SplitMix64(seed: seed)
        profile = PRNG(seed: root.next())
        timers = PRNG(seed: root.next())
        network = PRNG(seed: root.next())
        faults = PRNG(seed: root.next())
        clients = PRNG(seed: root.next())
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

extension WorldSpec {
    /// The world `raftlab fuzz` explores by default: 3 servers, and bounds generous enough that
    /// the fault profile, not the spec, decides what happens (the bounds still apply: a fault
    /// whose budget is spent is simply not taken). 40 client requests keep logs short enough for
    /// fast runs and long enough for conflicts; `maxDepth` caps a run's steps.
    public static let fuzzDefault = WorldSpec(
        name: "fuzz-default", servers: 3, maxTerm: 100_000, maxClientRequests: 40, maxCrashes: 100_000,
        maxInFlight: 1_000, maxDrops: 1_000_000, maxDuplicates: 1_000_000, maxPartitions: 100_000,
        maxDepth: fuzzStepBound)

    /// The most actions one fuzz run may take. Runs are bounded by virtual time, and a correct
    /// Raft needs a few thousand steps at most; reaching this means a message storm.
    public static let fuzzStepBound = 20_000

    /// This spec as the fuzzer runs it: every bound as given, except that `maxDepth` (a model
    /// checker's search depth) is raised to the fuzzer's own step bound, so that the traces it
    /// writes stay within the spec they record.
    public var forFuzzing: WorldSpec {
        var spec = self
        spec.maxDepth = max(maxDepth, WorldSpec.fuzzStepBound)
        return spec
    }
}
