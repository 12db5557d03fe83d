import Foundation
import RaftCore
import RaftSimulation

/// Many fuzz runs from one base seed, on several worker threads, reported in run order.
///
/// Run k uses `RunSeeds.seed(base:run:)`, so its result does not depend on which worker ran it or
/// when. Workers take the next run number from a shared counter; results are kept by run number.
/// Without `keepGoing` the campaign ends at the first failing run *in run order*: once run k
/// fails, no run after k is started, every run before k still finishes, and runs after k that
/// were already under way are left out of the report. So the report, its digest and the failure
/// it names are the same with one worker or many.
///
/// The wall clock decides only when a `--time` budget is spent and what progress says; which
/// runs a report covers, and what each found, never depend on it.
public struct Campaign: Sendable {
    public var spec: WorldSpec
    public var mutant: Mutant?
    public var baseSeed: UInt64
    /// Stop after this many runs; nil to run until `timeLimit`.
    public var runs: Int?
    /// Stop starting runs once this much wall-clock time has passed.
    public var timeLimit: Duration?
    public var workers: Int
    /// Run every run instead of stopping at the first failure.
    public var keepGoing: Bool
    /// With `keepGoing`: still stop at the first failure of this kind (`FuzzOutcome.kind`), in run
    /// order, passing over failures of other kinds.
    ///
    /// How the mutants benchmark finds the first failure a mutant should cause without running, and
    /// keeping, its whole budget.
    public var stopAtKind: FuzzOutcome.Kind?
    /// Whether each run's seed draws its cluster size (`Fuzzer.drawsClusterSize`).
    public var drawsClusterSize = false
    /// The most actions each run may take (`Fuzzer.runStepLimit`).
    public var runStepLimit = Fuzzer.defaultRunStepLimit
    /// The slice of the campaign's runs this process runs, or nil for all of them.
    ///
    /// A shard runs the same run numbers, with the same seeds, as the whole campaign would, so
    /// the shards' reports fold (`CampaignTally`) into the whole campaign's.
    public var shard: CampaignShard? = nil
    /// Whether runs count their steps by coverage row; the report then sums them.
    public var countsCoverage = false
    /// The linearizability search's budget a key in every run's final judgement, when not the
    /// property's (`Fuzzer.linearizabilityStepBudget`; `raftlab fuzz --linearizability-budget`).
    public var linearizabilityStepBudget: Int? = nil
    /// Polled before each run is claimed: true stops claiming runs.
    ///
    /// How a signal stops a campaign: runs under way finish, and the report covers every run
    /// done, from run 0 on.
    public var shouldStop: (@Sendable () -> Bool)? = nil

    public init(
        spec: WorldSpec, mutant: Mutant?, baseSeed: UInt64, runs: Int?, timeLimit: Duration? = nil, workers: Int,
        keepGoing: Bool = false, stopAtKind: FuzzOutcome.Kind? = nil
    ) {
        precondition(runs != nil || timeLimit != nil, "a campaign needs a run count or a time limit")
        self.spec = spec
        self.mutant = mutant
        self.baseSeed = baseSeed
        self.runs = runs
        self.timeLimit = timeLimit
        self.workers = max(1, workers)
        self.keepGoing = keepGoing
        self.stopAtKind = stopAtKind
    }

    /// Progress as workers see it, for a line on stderr.
    public struct Progress: Sendable {
        public var runsDone: Int
        public var steps: Int
        public var failures: Int
        public var elapsed: Duration
    }

    /// Runs the campaign; `progress` is called about once per `progressInterval` from a worker.
    ///
    /// `failure` is handed each failing run of the report, in run order, as soon as every run
    /// before it is done: from a worker, one call at a time, and each one before `run` returns.
    /// So a caller can save a finding while the campaign goes on, and the findings it is handed
    /// are exactly the report's, whatever the worker count (only when each arrives depends on it).
    public func run(
        progressInterval: Duration = .seconds(1), progress: (@Sendable (Progress) -> Void)? = nil,
        failure: (@Sendable (_ run: Int, _ result: FuzzRunResult) -> Void)? = nil
    ) -> CampaignReport {
        let slice = shard ?? CampaignShard.whole
        let board = Board(limit: runs.map(slice.runCount(ofCampaignRuns:)) ?? .max, shard: slice)
        let clock = ContinuousClock()
        let started = clock.now
        let campaign = self
        DispatchQueue.concurrentPerform(iterations: workers) { _ in
            var fuzzer = Fuzzer(spec: campaign.spec, mutant: campaign.mutant)
            fuzzer.runStepLimit = campaign.runStepLimit
            fuzzer.drawsClusterSize = campaign.drawsClusterSize
            fuzzer.countsCoverage = campaign.countsCoverage
            fuzzer.linearizabilityStepBudget = campaign.linearizabilityStepBudget
            let stopClaiming = {
                campaign.shouldStop?() == true || campaign.timeLimit.map { clock.now - started >= $0 } ?? false
            }
            while let position = board.claim(timeUp: stopClaiming) {
                let run = slice.run(at: position)
                let result = fuzzer.run(seed: RunSeeds.seed(base: campaign.baseSeed, run: run))
                let stops = !campaign.keepGoing || result.outcome.kind == campaign.stopAtKind
                board.record(position, result, stopAfterFailure: stops)
                if let failure { board.handOverFailures(to: failure, waiting: false) }
                if let progress,
                    let snapshot = board.progressIfDue(clock: clock, started: started, every: progressInterval)
                {
                    progress(snapshot)
                }
            }
        }
        if let failure { board.handOverFailures(to: failure, waiting: true) }
        return board.report(campaign: self, elapsed: clock.now - started)
    }
}

/// What a campaign found, over the runs 0..<runs in order (a shard's runs, for a shard).
public struct CampaignReport: Sendable {
    public var baseSeed: UInt64
    /// The slice of the campaign's runs covered; `CampaignShard.whole` without sharding.
    public var shard: CampaignShard
    /// Runs covered, from the shard's first run without gaps.
    public var runs: Int
    /// Actions taken over those runs.
    public var steps: Int
    /// Failing runs in run order: run number and result (with its actions).
    public var failures: [(run: Int, result: FuzzRunResult)]
    /// One digest over every covered run's digest, in run order: equal digests, equal campaigns.
    public var digest: UInt64
    /// Wall-clock time, for rates only.
    public var elapsed: Duration
    /// The longest liveness phase among passing runs, in ticks.
    public var longestLivenessTicks: Int
    /// Faults and requests over all covered runs.
    public var spent: FaultTally
    /// Runs that committed at least one entry.
    public var runsThatCommitted: Int
    /// Passing runs whose liveness the spec's bounds kept from being judged.
    public var runsLivenessUnjudged: Int
    /// One record per covered run, in run order: what a merge of shards folds again.
    public var records: [RunRecord]
    /// Steps by coverage row over the covered runs, when the campaign counts them.
    public var coverage: CoverageTable? = nil
    /// Passing runs whose client history the linearizability search could not decide within
    /// its budget, in run order, with the search's words: neither passes nor failures.
    public var linearizabilityUndecided: [(run: Int, detail: String)] = []
}

/// The shared state of a campaign's workers, behind one lock.
private final class Board: @unchecked Sendable {
    private let lock = NSLock()
    private let limit: Int
    private let shard: CampaignShard
    /// Runs here are positions in the shard's slice (`CampaignShard.run(at:)` numbers them).
    private var nextRun = 0
    /// The lowest failing run number so far (when stopping at the first failure).
    private var stopAfter = Int.max
    private var results: [FuzzRunResult?] = []
    private var runsDone = 0
    private var steps = 0
    private var failures = 0
    private var lastReport: ContinuousClock.Instant? = nil
    /// Runs below this were looked at for failures to hand over.
    private var handedOver = 0
    /// Held while failures are handed over, so that they go one at a time and in run order.
    private let handOverLock = NSLock()

    init(limit: Int, shard: CampaignShard) {
        self.limit = limit
        self.shard = shard
    }

    /// The next run to do, or nil when the campaign is over.
    func claim(timeUp: () -> Bool) -> Int? {
        lock.lock()
        defer { lock.unlock() }
        guard nextRun < limit, nextRun < stopAfter, !timeUp() else { return nil }
        nextRun += 1
        return nextRun - 1
    }

    /// Stores a run's result.
    func record(_ run: Int, _ result: FuzzRunResult, stopAfterFailure: Bool) {
        lock.lock()
        defer { lock.unlock() }
        while results.count <= run { results.append(nil) }
        results[run] = result
        runsDone += 1
        steps += result.steps
        if result.outcome.isFailure {
            failures += 1
            if stopAfterFailure { stopAfter = min(stopAfter, run) }
        }
    }

    /// Hands over, in run order, the failing runs of the finished prefix not yet handed over.
    ///
    /// Only up to and including the run that stops the campaign: exactly the failures the
    /// report will list. A worker does not wait while another hands over (that one picks up what is
    /// new before it lets go); the last call, after the workers, waits and hands over the rest.
    func handOverFailures(to failure: (Int, FuzzRunResult) -> Void, waiting: Bool) {
        if waiting { handOverLock.lock() } else if !handOverLock.try() { return }
        defer { handOverLock.unlock() }
        while true {
            lock.lock()
            var end = handedOver
            while end < results.count, results[end] != nil, end <= stopAfter { end += 1 }
            let due = (handedOver..<end).compactMap { position in
                results[position].flatMap { $0.outcome.isFailure ? (shard.run(at: position), $0) : nil }
            }
            handedOver = end
            lock.unlock()
            if due.isEmpty { return }
            for (run, result) in due { failure(run, result) }
        }
    }

    /// The progress so far, when at least `interval` has passed since the last report.
    func progressIfDue(
        clock: ContinuousClock, started: ContinuousClock.Instant, every interval: Duration
    ) -> Campaign.Progress? {
        lock.lock()
        defer { lock.unlock() }
        let now = clock.now
        guard now - (lastReport ?? started) >= interval else { return nil }
        lastReport = now
        return Campaign.Progress(runsDone: runsDone, steps: steps, failures: failures, elapsed: now - started)
    }

    func report(campaign: Campaign, elapsed: Duration) -> CampaignReport {
        lock.lock()
        defer { lock.unlock() }
        // Every run below the first gap finished (a worker records before claiming again).
        var covered = results.firstIndex(where: { $0 == nil }) ?? results.count
        if stopAfter != .max { covered = min(covered, stopAfter + 1) }
        var tally = CampaignTally(baseSeed: campaign.baseSeed)
        var failures: [(run: Int, result: FuzzRunResult)] = []
        var records: [RunRecord] = []
        var coverageSum: CoverageTable? = nil
        var undecided: [(run: Int, detail: String)] = []
        records.reserveCapacity(covered)
        for position in 0..<covered {
            let result = results[position]!
            let record = RunRecord(run: shard.run(at: position), result)
            tally.add(record)
            records.append(record)
            if result.outcome.isFailure { failures.append((record.run, result)) }
            if let detail = result.linearizabilityUndecided { undecided.append((record.run, detail)) }
            if let coverage = result.coverage {
                if coverageSum == nil { coverageSum = CoverageTable() }
                coverageSum!.add(coverage)
            }
        }
        var report = CampaignReport(
            baseSeed: campaign.baseSeed, shard: shard, runs: tally.runs, steps: tally.steps, failures: failures,
            digest: tally.digest, elapsed: elapsed, longestLivenessTicks: tally.longestLivenessTicks,
            spent: tally.spent, runsThatCommitted: tally.runsThatCommitted,
            runsLivenessUnjudged: tally.runsLivenessUnjudged, records: records)
        report.coverage = coverageSum
        report.linearizabilityUndecided = undecided
        return report
    }
}

/// Faults and client requests summed over runs.
public struct FaultTally: Hashable, Sendable {
    public var clientRequests = 0
    public var crashes = 0
    public var drops = 0
    public var duplicates = 0
    public var partitions = 0

    public init() {}

    public init(clientRequests: Int, crashes: Int, drops: Int, duplicates: Int, partitions: Int) {
        self.clientRequests = clientRequests
        self.crashes = crashes
        self.drops = drops
        self.duplicates = duplicates
        self.partitions = partitions
    }

    mutating func add(_ other: FaultTally) {
        clientRequests += other.clientRequests
        crashes += other.crashes
        drops += other.drops
        duplicates += other.duplicates
        partitions += other.partitions
    }

    mutating func add(_ spent: World.Budget) {
        clientRequests += spent.clientRequests
        crashes += spent.crashes
        drops += spent.drops
        duplicates += spent.duplicates
        partitions += spent.partitions
    }
}
