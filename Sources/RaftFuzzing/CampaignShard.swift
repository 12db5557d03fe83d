import RaftSimulation

/// One of `count` disjoint slices of a campaign's runs: the runs whose number leaves remainder
/// `index` when divided by `count`.
///
/// Interleaved rather than in blocks, so that a shard that stops at its first failure, or is cut
/// short, still covers a prefix of the campaign together with the others, and so that slow runs
/// spread evenly over the shards. `index` counts from 0, as Kubernetes' `JOB_COMPLETION_INDEX`
/// does.
public struct CampaignShard: Hashable, Sendable, CustomStringConvertible {
    public var index: Int
    public var count: Int

    /// The shard `index` of `count`; nil unless `0 <= index < count`.
    public init?(index: Int, count: Int) {
        guard count >= 1, (0..<count).contains(index) else { return nil }
        self.index = index
        self.count = count
    }

    /// Every run: the slice an unsharded campaign runs.
    public static let whole = CampaignShard(index: 0, count: 1)!

    /// The campaign run number of the shard's `position`-th run (from 0).
    @inline(__always)
    public func run(at position: Int) -> Int { index + position * count }

    /// Whether campaign run `run` falls in this shard.
    public func contains(run: Int) -> Bool { run >= 0 && run % count == index }

    /// How many of the runs 0..<`campaignRuns` fall in this shard.
    public func runCount(ofCampaignRuns campaignRuns: Int) -> Int {
        campaignRuns <= index ? 0 : (campaignRuns - index - 1) / count + 1
    }

    /// `K/N`, 0-based, as `--shard` takes it.
    public var description: String { "\(index)/\(count)" }
}

/// What a campaign keeps of one run for its report: enough to fold the run into a campaign's
/// figures and digest again, without its actions.
///
/// Shards write these, and a merge folds them in run order (`CampaignTally`) to get the figures
/// and the digest one process running the whole campaign would have printed.
public struct RunRecord: Hashable, Sendable {
    /// The run's number in the campaign.
    public var run: Int
    /// The run's digest (`FuzzRunResult.digest`).
    public var digest: UInt64
    public var steps: Int
    public var outcome: FuzzOutcome.Kind
    /// Ticks the liveness phase needed, for a run that settled.
    public var livenessTicks: Int?
    /// Whether the spec's bounds kept the run's liveness from being judged.
    public var livenessUnjudged: Bool
    /// Whether the run committed at least one entry.
    public var committed: Bool
    public var spent: FaultTally

    public init(
        run: Int, digest: UInt64, steps: Int, outcome: FuzzOutcome.Kind, livenessTicks: Int?, livenessUnjudged: Bool,
        committed: Bool, spent: FaultTally
    ) {
        self.run = run
        self.digest = digest
        self.steps = steps
        self.outcome = outcome
        self.livenessTicks = livenessTicks
        self.livenessUnjudged = livenessUnjudged
        self.committed = committed
        self.spent = spent
    }

    init(run: Int, _ result: FuzzRunResult) {
        var spent = FaultTally()
        spent.add(result.spent)
        self.init(
            run: run, digest: result.digest, steps: result.steps, outcome: result.outcome.kind,
            livenessTicks: result.livenessTicks, livenessUnjudged: result.livenessUnjudged != nil,
            committed: result.committed > 0, spent: spent)
    }
}

/// A campaign's figures folded from its run records, in run order.
///
/// The one definition of a campaign's digest: `StableHasher` seeded with the base seed, fed each
/// run's digest in run order. A campaign and a merge of its shards both fold here, so they agree.
public struct CampaignTally: Sendable {
    private var hasher: StableHasher
    public private(set) var runs = 0
    public private(set) var steps = 0
    public private(set) var longestLivenessTicks = 0
    public private(set) var spent = FaultTally()
    public private(set) var runsThatCommitted = 0
    public private(set) var runsLivenessUnjudged = 0

    public init(baseSeed: UInt64) { hasher = StableHasher(seed: baseSeed) }

    /// Folds in the next run; records must come in run order, with none left out.
    public mutating func add(_ record: RunRecord) {
        hasher.combine(record.digest)
        runs += 1
        steps += record.steps
        longestLivenessTicks = max(longestLivenessTicks, record.livenessTicks ?? 0)
        spent.add(record.spent)
        if record.committed { runsThatCommitted += 1 }
        if record.livenessUnjudged { runsLivenessUnjudged += 1 }
    }

    /// The digest of the runs folded so far: equal digests, equal campaigns.
    public var digest: UInt64 { hasher.finalize() }
}
