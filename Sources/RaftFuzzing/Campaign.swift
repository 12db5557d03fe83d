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
    /// The most actions each run may take (`Fuzzer.runStepLimit`).
    public var runStepLimit = Fuzzer.defaultRunStepLimit
    /// Lets each run's seed switch the replication mechanisms the spec leaves off.
    ///
    /// Pipelining, batching and fast backtracking, as `FaultProfile.replication` draws them. Off
    /// by default, so that a seed reproduces the run it always did.
    public var swarmsProtocol = false
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
        let board = Board(limit: runs ?? .max)
        let clock = ContinuousClock()
        let started = clock.now
        let campaign = self
        DispatchQueue.concurrentPerform(iterations: workers) { _ in
            var fuzzer = Fuzzer(spec: campaign.spec, mutant: campaign.mutant)
            fuzzer.runStepLimit = campaign.runStepLimit
            fuzzer.swarmsProtocol = campaign.swarmsProtocol
            let stopClaiming = {
                campaign.shouldStop?() == true || campaign.timeLimit.map { clock.now - started >= $0 } ?? false
            }
            while let run = board.claim(timeUp: stopClaiming) {
                let result = fuzzer.run(seed: RunSeeds.seed(base: campaign.baseSeed, run: run))
                let stops = !campaign.keepGoing || result.outcome.kind == campaign.stopAtKind
                board.record(run, result, stopAfterFailure: stops)
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

/// What a campaign found, over the runs 0..<runs in order.
public struct CampaignReport: Sendable {
    public var baseSeed: UInt64
    /// Runs covered, from run 0 without gaps.
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
}

/// The shared state of a campaign's workers, behind one lock.
private final class Board: @unchecked Sendable {
    private let lock = NSLock()
    private let limit: Int
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

    init(limit: Int) { self.limit = limit }

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
            let due = (handedOver..<end).compactMap { run in
                results[run].flatMap { $0.outcome.isFailure ? (run, $0) : nil }
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
        var digest = StableHasher(seed: campaign.baseSeed)
        var report = CampaignReport(
            baseSeed: campaign.baseSeed, runs: covered, steps: 0, failures: [], digest: 0, elapsed: elapsed,
            longestLivenessTicks: 0, spent: FaultTally(), runsThatCommitted: 0,
            runsLivenessUnjudged: 0)
        for run in 0..<covered {
            let result = results[run]!
            digest.combine(result.digest)
            report.steps += result.steps
            if result.outcome.isFailure { report.failures.append((run, result)) }
            report.longestLivenessTicks = max(report.longestLivenessTicks, result.livenessTicks ?? 0)
            report.spent.add(result.spent)
            if result.committed > 0 { report.runsThatCommitted += 1 }
            if result.livenessUnjudged != nil { report.runsLivenessUnjudged += 1 }
        }
        report.digest = digest.finalize()
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

    mutating func add(_ spent: World.Budget) {
        clientRequests += spent.clientRequests
        crashes += spent.crashes
        drops += spent.drops
        duplicates += spent.duplicates
        partitions += spent.partitions
    }
}
