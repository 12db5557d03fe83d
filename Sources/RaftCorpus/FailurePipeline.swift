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
        return words.joined(separator: " ")
    }
}

/// One failing run of a campaign: what failed, how to reproduce it, and for a safety violation
/// the shrunk trace and where it was saved.
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
    /// The shrunk trace, for a safety violation that was shrunk.
    public var shrunk: Trace?
    /// The corpus file the shrunk trace was saved in.
    public var corpusFile: String?
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

/// What happens to a campaign's failures: each becomes a report; the first safety violation of
/// each invariant is shrunk and saved in the corpus.
///
/// The stages (`report(run:result:)`, `shrink(_:)`, `save(_:)`) are separate so that a caller can
/// run them at different times: for example save a failing run's trace as soon as the run is
/// found and shrink it afterwards, so that nothing found is lost when a campaign is cut short.
public struct FailurePipeline: Sendable {
    public var context: FailureContext
    /// Where shrunk traces are saved; nil to shrink without saving.
    public var corpus: CorpusFolder?

    public init(context: FailureContext, corpus: CorpusFolder?) {
        self.context = context
        self.corpus = corpus
    }

    /// Runs `campaign` and reports its failures: the one call behind `raftlab fuzz`.
    public func run(
        _ campaign: Campaign, progress: (@Sendable (Campaign.Progress) -> Void)? = nil
    ) throws(FileError) -> FuzzFindings {
        let report = campaign.run(progress: progress)
        return FuzzFindings(campaign: report, failures: try reports(for: report))
    }

    /// Reports every failure of a campaign in run order; the first of each kind (each invariant,
    /// and liveness) is saved, a safety violation shrunk first (`livenessTrace(_:)` says why a
    /// liveness failure is not), the others are reproduced by their seed alone.
    public func reports(for campaign: CampaignReport) throws(FileError) -> [FailureReport] {
        var reports: [FailureReport] = []
        var seenFailures: [String] = []
        for (run, result) in campaign.failures {
            let name = result.outcome.failureName
            let first = !seenFailures.contains(name)
            seenFailures.append(name)
            var failure = report(run: run, result: result)
            if first, corpus != nil, let shrunk = shrink(result) {
                failure.shrunk = shrunk
                failure.corpusFile = try save(shrunk)
            } else if first, corpus != nil, let trace = livenessTrace(result) {
                failure.corpusFile = try save(trace)
            }
            reports.append(failure)
        }
        return reports
    }

    /// The report of one failing run, not yet shrunk.
    public func report(run: Int, result: FuzzRunResult) -> FailureReport {
        FailureReport(
            run: run, runSeed: result.profile.seed, profile: result.profile, outcome: result.outcome,
            steps: result.steps, reproduce: context.reproduceCommand(runSeed: result.profile.seed), shrunk: nil,
            corpusFile: nil)
    }

    /// A safety-violating run shrunk while the same invariant still fails, as a trace; nil for
    /// any other outcome, or when the run's actions no longer fail.
    public func shrink(_ result: FuzzRunResult) -> Trace? {
        guard case .safety(let violation) = result.outcome else { return nil }
        var shrinker = Shrinker(mutant: context.mutant, target: violation.invariant)
        guard let small = shrinker.shrink(result.actions ?? [], in: context.spec) else { return nil }
        let runSeed = result.profile.seed
        return Trace(
            producer: "raftlab fuzz (run seed \(runSeed), shrunk from \(result.steps) steps)",
            spec: small.spec, mutant: context.mutant, seed: runSeed, actions: small.actions,
            violation: small.violation, digest: small.digest)
    }

    /// Saves `trace` in the corpus; the path of the new file, or nil without a corpus.
    public func save(_ trace: Trace) throws(FileError) -> String? {
        try corpus?.save(trace)
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
