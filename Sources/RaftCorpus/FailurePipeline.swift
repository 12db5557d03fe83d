import Foundation
import RaftCore
import RaftFuzzing
import RaftSimulation

/// Where the failures of a fuzz campaign came from: what a report needs to describe them and to
/// say how to reproduce them.
public struct FailureContext: Sendable {
    public var spec: WorldSpec
    /// The spec file the campaign was started with, repeated in reproduce commands.
    public var specFile: String?
    public var mutant: Mutant?
    /// Whether the campaign let each run's seed switch the replication mechanisms
    /// (`--swarm-protocol`), repeated in reproduce commands.
    public var swarmsProtocol = false

    public init(spec: WorldSpec, specFile: String?, mutant: Mutant?) {
        self.spec = spec
        self.specFile = specFile
        self.mutant = mutant
    }

    /// The one-line command that reruns the run with `runSeed`.
    public func reproduceCommand(runSeed: UInt64) -> String {
        var words = ["raftlab", "fuzz"]
        if let specFile { words.append(specFile) }
        words += ["--seed", String(runSeed), "--runs", "1"]
        if let mutant { words += ["--mutant", mutant.name] }
        if swarmsProtocol { words.append("--swarm-protocol") }
        return words.joined(separator: " ")
    }
}

/// One failing run of a campaign: what failed, how to reproduce it, and for a safety violation
/// where its trace was saved and, for the first of each invariant, the shrunk trace.
public struct FailureReport: Sendable {
    /// The run's number in its campaign.
    public var run: Int
    public var runSeed: UInt64
    public var profile: FaultProfile
    public var outcome: FuzzOutcome
    /// Actions the failing run took before it was shrunk.
    public var steps: Int
    /// The command that reruns the failing run.
    public var reproduce: String
    /// The corpus file that holds the failing run's whole trace, saved as soon as it was found.
    public var runFile: String?
    /// The shrunk trace, for a safety violation that was shrunk.
    public var shrunk: Trace?
    /// The corpus file the shrunk trace was saved in.
    public var corpusFile: String?
    /// Why a trace of this run could not be saved; the run is still reproduced by its seed.
    public var saveErrors: [FileError] = []
}

/// Everything a campaign found, with its failures reported in run order.
public struct FuzzFindings: Sendable {
    public var campaign: CampaignReport
    public var failures: [FailureReport]

    /// Failing runs that violated a safety invariant.
    public var safetyViolations: Int {
        failures.filter { if case .safety = $0.outcome { true } else { false } }.count
    }

    /// Failing runs that broke no invariant but did not settle in the liveness phase.
    public var livenessFailures: Int { failures.count - safetyViolations }
}

/// What happens to a campaign's failures, each as soon as the campaign hands it over: it
/// becomes a report; a safety violation's whole trace is saved in the corpus's `unshrunk/`
/// folder at once; the first violation of each invariant is then shrunk and saved in the corpus,
/// and the first liveness failure is saved there whole (`livenessTrace(_:)` says why it is not
/// shrunk).
///
/// Saving first and shrinking after means a campaign cut short (a signal, a crash, a CI timeout)
/// loses nothing it found. A failed save does not stop the campaign: the report keeps the error
/// and the run's seed, which reproduces it.
public struct FailurePipeline: Sendable {
    public var context: FailureContext
    /// Where traces are saved; nil to shrink without saving.
    public var corpus: CorpusFolder?
    /// Polled before each shrink: true skips shrinking (the run's trace is still saved), so that
    /// an interrupted campaign ends promptly.
    public var shouldStop: (@Sendable () -> Bool)? = nil

    public init(context: FailureContext, corpus: CorpusFolder?) {
        self.context = context
        self.corpus = corpus
    }

    /// The folder below the corpus that keeps failing runs' traces as they were found.
    public var unshrunkFolder: CorpusFolder? {
        corpus.map { CorpusFolder(path: ($0.path as NSString).appendingPathComponent("unshrunk")) }
    }

    /// Runs `campaign` and reports its failures: the one call behind `raftlab fuzz`.
    ///
    /// `found` sees each failure's report, in run order, once its traces are saved, while the
    /// campaign goes on.
    public func run(
        _ campaign: Campaign, progress: (@Sendable (Campaign.Progress) -> Void)? = nil,
        found: (@Sendable (FailureReport) -> Void)? = nil
    ) -> FuzzFindings {
        let collected = Collected()
        let report = campaign.run(progress: progress) { run, result in
            let failure = collected.add { seenFailures in
                let first = !seenFailures.contains(result.outcome.failureName)
                seenFailures.append(result.outcome.failureName)
                return handle(run: run, result: result, shrinking: first)
            }
            found?(failure)
        }
        return FuzzFindings(campaign: report, failures: collected.reports)
    }

    /// One failure: reported, its trace saved, and shrunk and saved again when `shrinking`.
    func handle(run: Int, result: FuzzRunResult, shrinking: Bool) -> FailureReport {
        var failure = report(run: run, result: result)
        guard corpus != nil else { return failure }
        if let trace = trace(of: result) {
            do {
                failure.runFile = try unshrunkFolder?.save(trace)
            } catch {
                failure.saveErrors.append(error)
            }
        }
        if shrinking, shouldStop?() != true, let shrunk = shrink(result) {
            failure.shrunk = shrunk
            do {
                failure.corpusFile = try save(shrunk)
            } catch {
                failure.saveErrors.append(error)
            }
        } else if shrinking, let trace = livenessTrace(result) {
            do {
                failure.corpusFile = try save(trace)
            } catch {
                failure.saveErrors.append(error)
            }
        }
        return failure
    }

    /// The report of one failing run, not yet shrunk.
    public func report(run: Int, result: FuzzRunResult) -> FailureReport {
        FailureReport(
            run: run, runSeed: result.profile.seed, profile: result.profile, outcome: result.outcome,
            steps: result.steps, reproduce: context.reproduceCommand(runSeed: result.profile.seed), shrunk: nil,
            corpusFile: nil)
    }

    /// A safety-violating run's whole trace, as taken; nil for any other outcome, or when its
    /// actions do not replay (then only the seed reproduces it).
    public func trace(of result: FuzzRunResult) -> Trace? {
        guard case .safety = result.outcome, let actions = result.actions else { return nil }
        // The run's spec: the campaign's, with any replication switches its profile drew.
        let spec = result.spec
        let rules = WorldRules(spec: spec, mutant: context.mutant)
        var replay = ReplayChooser(recorded: actions)
        guard let replayed = try? rules.run(chooser: &replay, maxSteps: actions.count) else { return nil }
        let runSeed = result.profile.seed
        return Trace(
            producer: "raftlab fuzz (run seed \(runSeed), as found)", spec: spec, mutant: context.mutant,
            seed: runSeed, actions: replayed.actions, violation: replayed.violation, digest: replayed.digest)
    }

    /// A safety-violating run shrunk while the same invariant still fails, as a trace; nil for
    /// any other outcome, or when the run's actions no longer fail.
    public func shrink(_ result: FuzzRunResult) -> Trace? {
        guard case .safety(let violation) = result.outcome else { return nil }
        var shrinker = Shrinker(mutant: context.mutant, target: violation.invariant)
        guard let small = shrinker.shrink(result.actions ?? [], in: result.spec)
        else { return nil }
        let runSeed = result.profile.seed
        return Trace(
            producer: "raftlab fuzz (run seed \(runSeed), shrunk from \(result.steps) steps)",
            spec: small.spec, mutant: context.mutant, seed: runSeed, actions: small.actions,
            violation: small.violation, digest: small.digest)
    }

    /// Saves `trace` in the corpus; the path of its file, or nil without a corpus.
    public func save(_ trace: Trace) throws(FileError) -> String? {
        try corpus?.save(trace)
    }
}

/// The reports of a running campaign, added by whichever worker hands a failure over.
private final class Collected: @unchecked Sendable {
    private let lock = NSLock()
    private var seenFailures: [String] = []
    private var added: [FailureReport] = []

    /// Adds the report `make` builds; `make` sees (and extends) the failure names seen so far.
    ///
    /// The campaign hands failures over one at a time, so `make` runs outside the lock.
    func add(_ make: (inout [String]) -> FailureReport) -> FailureReport {
        lock.lock()
        var seen = seenFailures
        lock.unlock()
        let report = make(&seen)
        lock.lock()
        seenFailures = seen
        added.append(report)
        lock.unlock()
        return report
    }

    var reports: [FailureReport] {
        lock.lock()
        defer { lock.unlock() }
        return added
    }
}

extension FuzzOutcome {
    /// The invariant's identifier for a safety violation, `liveness` for a liveness failure: the
    /// failures of which the first of each is shrunk and saved.
    var failureName: String {
        switch self {
        case .passed: "passed"
        case .safety(let violation): violation.invariant.rawValue
        case .liveness: "liveness"
        }
    }
}
