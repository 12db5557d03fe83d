import RaftFuzzing
import RaftSimulation

/// The shards of one fuzz campaign folded into the report the whole campaign would have given.
///
/// The shards' run records are folded in run order (`CampaignTally`), exactly as one process
/// folds its runs, so when the shards cover the campaign the merged runs, steps, failures and
/// digest are the unsharded campaign's. Without `keepGoing` that campaign ends at its first
/// failing run: every shard ran its slice up to its own first failure, so together they cover
/// every run up to the campaign's first, and the merge cuts there as the campaign does.
public struct CampaignMerge: Sendable {
    public var baseSeed: UInt64
    public var spec: JSONValue
    public var mutant: String?
    public var campaignRuns: Int
    public var keepGoing: Bool
    /// N, the campaign's shard count.
    public var shardCount: Int
    /// The shards merged, by index.
    public var shardsMerged: [Int]
    /// The figures of the runs from 0 up to the first run no shard covered (or the campaign's
    /// first failure, without `keepGoing`).
    public var tally: CampaignTally
    /// Whether those runs are the whole campaign: then `tally` is the campaign's report.
    public var isComplete: Bool
    /// The first run no shard covered, when the merge is not complete.
    public var firstMissingRun: Int?
    /// Runs the shards did past `firstMissingRun`: done, but not part of a whole campaign.
    public var runsPastGap: Int
    /// The failures reported: the campaign's when complete, every shard's otherwise (in run order).
    public var failures: [JSONValue]
    /// Failing runs by outcome kind, among the failures reported.
    public var safetyFailures: Int
    public var livenessFailures: Int
    /// The shards' coverage tables summed, when any shard wrote one.
    public var coverage: MergedCoverageTable?
    /// Runs whose client history the linearizability search could not decide, in run order:
    /// the campaign's when complete, every shard's otherwise (as `failures`).
    public var undecided: [(run: Int, detail: String)]
    /// Corpus files (paths below a shard's corpus folder) the whole campaign would not have
    /// written: the traces of failures past its end, and the shrunk traces of failures that are
    /// not the first of their invariant in the campaign (each shard shrinks its own first).
    public var corpusFilesLeftOut: Set<String>

    /// Merges `summaries`, which must be distinct shards of one campaign.
    ///
    /// Shards of different campaigns (seed, spec, mutant, run count, `--keep-going`, shard count)
    /// or the same shard twice are an error naming the file that does not fit.
    public init(_ summaries: [ShardSummary]) throws(FileError) {
        guard let first = summaries.first else {
            throw .malformed(path: "", detail: "no fuzz summary to merge")
        }
        var byIndex: [ShardSummary?] = Array(repeating: nil, count: first.shard.count)
        for summary in summaries {
            func differs(_ what: String, _ mine: String, _ theirs: String) -> FileError {
                .malformed(
                    path: summary.path,
                    detail:
                        "\(what) \(mine), but \(first.path) has \(theirs): shards of different campaigns cannot be merged"
                )
            }
            if summary.baseSeed != first.baseSeed {
                throw differs("seed", String(summary.baseSeed), String(first.baseSeed))
            }
            if summary.spec != first.spec { throw differs("spec", "differs", "another") }
            if summary.mutant != first.mutant {
                throw differs("mutant", summary.mutant ?? "none", first.mutant ?? "none")
            }
            if summary.campaignRuns != first.campaignRuns {
                throw differs("campaignRuns", String(summary.campaignRuns), String(first.campaignRuns))
            }
            if summary.keepGoing != first.keepGoing {
                throw differs("keepGoing", String(summary.keepGoing), String(first.keepGoing))
            }
            if summary.shard.count != first.shard.count {
                throw differs("shard count", String(summary.shard.count), String(first.shard.count))
            }
            if let earlier = byIndex[summary.shard.index] {
                throw .malformed(
                    path: summary.path,
                    detail: "shard \(summary.shard) overlaps \(earlier.path), which ran the same shard")
            }
            byIndex[summary.shard.index] = summary
        }
        baseSeed = first.baseSeed
        spec = first.spec
        mutant = first.mutant
        campaignRuns = first.campaignRuns
        keepGoing = first.keepGoing
        shardCount = first.shard.count
        shardsMerged = byIndex.indices.filter { byIndex[$0] != nil }

        // Run r is record r / N of shard r % N.
        tally = CampaignTally(baseSeed: first.baseSeed)
        var end = 0
        var cut = false
        while end < campaignRuns {
            guard let shard = byIndex[end % shardCount], let record = shard.records[safe: end / shardCount] else {
                break
            }
            tally.add(record)
            end += 1
            if !keepGoing && record.outcome != .passed {
                cut = true
                break
            }
        }
        isComplete = cut || end == campaignRuns
        firstMissingRun = isComplete ? nil : end
        let allRecords = byIndex.reduce(0) { $0 + ($1?.records.count ?? 0) }
        runsPastGap = isComplete ? 0 : allRecords - end
        let everyFailure = byIndex.compactMap { $0 }.flatMap(\.failures)
            .sorted { ($0["run"]?.integerValue ?? 0) < ($1["run"]?.integerValue ?? 0) }
        let reported = isComplete ? everyFailure.filter { ($0["run"]?.integerValue ?? 0) < end } : everyFailure
        (failures, corpusFilesLeftOut) = Self.asOneCampaign(reported, every: everyFailure)
        safetyFailures = failures.filter { $0["kind"]?.stringValue == FuzzOutcome.Kind.safety.rawValue }.count
        let everyUndecided = byIndex.compactMap { $0 }.flatMap(\.undecided).sorted { $0.run < $1.run }
        undecided = isComplete ? everyUndecided.filter { $0.run < end } : everyUndecided
        livenessFailures = failures.count - safetyFailures
        var coverage: MergedCoverageTable? = nil
        for summary in byIndex.compactMap({ $0 }) {
            guard let table = summary.coverage else { continue }
            var sum = coverage ?? MergedCoverageTable()
            sum.add(try MergedCoverageTable(table, path: summary.path))
            coverage = sum
        }
        self.coverage = coverage
    }

    /// The failures `reported` as one campaign reports them, and the corpus files of `every`
    /// failure it would not have written.
    ///
    /// One campaign shrinks only the first failure of each invariant (`FailurePipeline`); the
    /// others keep their whole trace and have no shrunk one.
    private static func asOneCampaign(_ reported: [JSONValue], every: [JSONValue]) -> ([JSONValue], Set<String>) {
        var seen: Set<String> = []
        var kept: Set<String> = []
        var leftOut: Set<String> = []
        var failures: [JSONValue] = []
        let shrunkMembers = ["shrunkSteps", "shrunkServers", "corpusFile", "replay"]
        for failure in reported {
            let name = failure["invariant"]?.stringValue ?? failure["kind"]?.stringValue ?? ""
            let first = seen.insert(name).inserted
            if let runFile = failure["runFile"]?.stringValue { kept.insert(corpusPath(runFile, unshrunk: true)) }
            guard let corpusFile = failure["corpusFile"]?.stringValue else {
                failures.append(failure)
                continue
            }
            if first {
                kept.insert(corpusPath(corpusFile, unshrunk: false))
                failures.append(failure)
            } else {
                leftOut.insert(corpusPath(corpusFile, unshrunk: false))
                let members = failure.objectValue ?? []
                failures.append(
                    .object(members.map { shrunkMembers.contains($0.key) ? ($0.key, .null) : $0 }))
            }
        }
        let reportedRuns = Set(reported.compactMap { $0["run"]?.integerValue })
        for failure in every where !reportedRuns.contains(failure["run"]?.integerValue ?? -1) {
            if let runFile = failure["runFile"]?.stringValue { leftOut.insert(corpusPath(runFile, unshrunk: true)) }
            if let corpusFile = failure["corpusFile"]?.stringValue {
                leftOut.insert(corpusPath(corpusFile, unshrunk: false))
            }
        }
        return (failures, leftOut.subtracting(kept))
    }

    /// Where a saved trace lies below its corpus folder: its name, under `unshrunk/` for a
    /// run's whole trace.
    private static func corpusPath(_ file: String, unshrunk: Bool) -> String {
        let name = file.split(separator: "/").last.map(String.init) ?? file
        return unshrunk ? "unshrunk/" + name : name
    }

    /// The merged summary, shaped like a fuzz summary where the two share a figure.
    public var json: JSONValue {
        var members: [(key: String, value: JSONValue)] = [
            ("command", .string("merge")), ("seed", .string(String(baseSeed))), ("spec", spec),
            ("mutant", mutant.map(JSONValue.string) ?? .null), ("campaignRuns", .integer(campaignRuns)),
            ("keepGoing", .bool(keepGoing)), ("shards", .integer(shardCount)),
            ("shardsMerged", .array(shardsMerged.map(JSONValue.integer))), ("complete", .bool(isComplete)),
            ("firstMissingRun", firstMissingRun.map(JSONValue.integer) ?? .null),
            ("runsPastGap", .integer(runsPastGap)), ("runs", .integer(tally.runs)), ("steps", .integer(tally.steps)),
            (
                "failuresByKind",
                .object([("safety", .integer(safetyFailures)), ("liveness", .integer(livenessFailures))])
            ),
            ("longestLivenessTicks", .integer(tally.longestLivenessTicks)),
            ("livenessNotJudged", .integer(tally.runsLivenessUnjudged)),
            ("runsThatCommitted", .integer(tally.runsThatCommitted)),
            (
                "faults",
                .object([
                    ("drops", .integer(tally.spent.drops)), ("duplicates", .integer(tally.spent.duplicates)),
                    ("crashes", .integer(tally.spent.crashes)), ("partitions", .integer(tally.spent.partitions)),
                    ("clientRequests", .integer(tally.spent.clientRequests)),
                ])
            ),
            ("failures", .array(failures)),
            ("linearizabilityUndecided", .integer(undecided.count)),
            (
                "undecidedRuns",
                .array(undecided.map { .object([("run", .integer($0.run)), ("detail", .string($0.detail))]) })
            ),
            ("digest", isComplete ? .string(hex16(tally.digest)) : .null),
        ]
        if let coverage { members.append(("coverage", coverage.json)) }
        return .object(members)
    }
}

extension Array {
    fileprivate subscript(safe index: Int) -> Element? { indices.contains(index) ? self[index] : nil }
}
