import RaftFuzzing
import RaftSimulation

/// What one fuzz shard's JSON summary (`raftlab fuzz --summary FILE`) says, as far as a merge
/// needs it: which campaign and which slice it ran, its run records and its failures.
///
/// The summary is the `--json` object plus `campaignRuns`, `keepGoing`, `shard` and the run
/// records (`runRecordFields` names the columns of each `runRecords` row), so that a merge can
/// fold the shards' runs in run order into the figures and digest of the whole campaign.
public struct ShardSummary: Sendable {
    /// The file it was read from, named in every error about it.
    public var path: String
    public var baseSeed: UInt64
    /// The spec as the summary encodes it: shards of one campaign carry equal specs.
    public var spec: JSONValue
    public var mutant: String?
    /// The campaign's `--runs`.
    public var campaignRuns: Int
    public var keepGoing: Bool
    public var shard: CampaignShard
    /// The shard's runs, in run order, from its first without gaps.
    public var records: [RunRecord]
    /// The shard's failure entries as written (each with its `run`), in run order.
    public var failures: [JSONValue]
    /// The coverage table, when the shard wrote one: `{"rows": [{"role","input","outcome","count"}]}`.
    public var coverage: JSONValue?
    /// The shard's runs whose client history the linearizability search could not decide, in
    /// run order, with what the search said (`undecidedRuns`).
    public var undecided: [(run: Int, detail: String)] = []

    /// The columns of a `runRecords` row, in order.
    public static let recordFields = [
        "run", "digest", "steps", "outcome", "livenessTicks", "livenessUnjudged", "committed", "clientRequests",
        "crashes", "drops", "duplicates", "partitions",
    ]

    /// The summary members that carry the records and the campaign they belong to, appended to
    /// the `--json` summary when it is written to a file.
    public static func shardMembers(
        _ report: CampaignReport, campaignRuns: Int?, keepGoing: Bool, includingRecords: Bool
    ) -> [(key: String, value: JSONValue)] {
        var members: [(key: String, value: JSONValue)] = [
            ("campaignRuns", campaignRuns.map(JSONValue.integer) ?? .null), ("keepGoing", .bool(keepGoing)),
            ("shard", .string(report.shard.description)),
        ]
        if includingRecords {
            members.append(("runRecordFields", .array(recordFields.map(JSONValue.string))))
            members.append(("runRecords", .array(report.records.map(encode))))
        }
        return members
    }

    /// One record as a `runRecords` row.
    static func encode(_ record: RunRecord) -> JSONValue {
        .array([
            .integer(record.run), .string(hex16(record.digest)), .integer(record.steps),
            .string(record.outcome.rawValue), record.livenessTicks.map(JSONValue.integer) ?? .null,
            .bool(record.livenessUnjudged), .bool(record.committed), .integer(record.spent.clientRequests),
            .integer(record.spent.crashes), .integer(record.spent.drops), .integer(record.spent.duplicates),
            .integer(record.spent.partitions),
        ])
    }

    /// Reads the summary in `text`, the contents of `path`; a malformed one is an error naming
    /// the file and the member.
    public static func decode(_ text: String, path: String) throws(FileError) -> ShardSummary {
        func bad(_ detail: String) -> FileError { .malformed(path: path, detail: detail) }
        let document: JSONValue
        do {
            document = try JSONValue.parse(text)
        } catch {
            throw bad("not a JSON document: \(error.description)")
        }
        guard document["command"]?.stringValue == "fuzz" else {
            throw bad("not a 'raftlab fuzz' summary (no \"command\": \"fuzz\")")
        }
        guard let seedText = document["seed"]?.stringValue, let seed = UInt64(seedText) else {
            throw bad("\"seed\" must be a decimal 64-bit seed in a string")
        }
        guard let spec = document["spec"], spec.objectValue != nil else { throw bad("\"spec\" must be an object") }
        let mutant = document["mutant"]?.stringValue
        guard let campaignRuns = document["campaignRuns"]?.integerValue, campaignRuns >= 1 else {
            throw bad(
                "\"campaignRuns\" missing: write shard summaries with 'raftlab fuzz --runs N --summary FILE' "
                    + "(a --time campaign cannot be merged)")
        }
        guard let keepGoing = document["keepGoing"]?.boolValue else { throw bad("\"keepGoing\" must be true or false") }
        guard let shardText = document["shard"]?.stringValue, let shard = parseShard(shardText) else {
            throw bad("\"shard\" must be \"K/N\" with 0 <= K < N")
        }
        guard let fields = document["runRecordFields"]?.arrayValue?.compactMap(\.stringValue),
            fields == recordFields
        else {
            throw bad("\"runRecordFields\" must be \(recordFields) (a summary of another raftlab version?)")
        }
        guard let rows = document["runRecords"]?.arrayValue else { throw bad("\"runRecords\" must be an array") }
        var records: [RunRecord] = []
        records.reserveCapacity(rows.count)
        for (position, row) in rows.enumerated() {
            guard let record = decodeRecord(row) else {
                throw bad("runRecords[\(position)] is not a run record of the columns in \"runRecordFields\"")
            }
            guard record.run == shard.run(at: position), record.run < campaignRuns else {
                throw bad(
                    "runRecords[\(position)] is run \(record.run), but shard \(shard) of \(campaignRuns) runs has run "
                        + "\(shard.run(at: position)) there")
            }
            records.append(record)
        }
        guard let failures = document["failures"]?.arrayValue else { throw bad("\"failures\" must be an array") }
        for (position, failure) in failures.enumerated() {
            guard let run = failure["run"]?.integerValue, shard.contains(run: run) else {
                throw bad("failures[\(position)] has no \"run\" of shard \(shard)")
            }
        }
        let coverage = document["coverage"].flatMap { $0 == .null ? nil : $0 }
        if let coverage { _ = try MergedCoverageTable(coverage, path: path) }
        guard let undecidedRows = document["undecidedRuns"]?.arrayValue else {
            throw bad("\"undecidedRuns\" must be an array (a summary of another raftlab version?)")
        }
        var undecided: [(run: Int, detail: String)] = []
        for (position, row) in undecidedRows.enumerated() {
            guard let run = row["run"]?.integerValue, shard.contains(run: run), run < campaignRuns,
                let detail = row["detail"]?.stringValue
            else {
                throw bad("undecidedRuns[\(position)] is not {\"run\", \"detail\"} with a run of shard \(shard)")
            }
            guard undecided.last.map({ $0.run < run }) ?? true else {
                throw bad("undecidedRuns[\(position)] is run \(run), not after the run before it")
            }
            undecided.append((run, detail))
        }
        return ShardSummary(
            path: path, baseSeed: seed, spec: spec, mutant: mutant, campaignRuns: campaignRuns, keepGoing: keepGoing,
            shard: shard, records: records, failures: failures, coverage: coverage, undecided: undecided)
    }

    /// `K/N` with `0 <= K < N`, or nil.
    public static func parseShard(_ text: String) -> CampaignShard? {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let index = Int(parts[0]), let count = Int(parts[1]) else { return nil }
        return CampaignShard(index: index, count: count)
    }

    private static func decodeRecord(_ row: JSONValue) -> RunRecord? {
        guard let cells = row.arrayValue, cells.count == recordFields.count,
            let run = cells[0].integerValue, run >= 0,
            let digestText = cells[1].stringValue, digestText.count == 16,
            let digest = UInt64(digestText, radix: 16),
            let steps = cells[2].integerValue, steps >= 0,
            let outcome = cells[3].stringValue.flatMap(FuzzOutcome.Kind.init(rawValue:)),
            cells[4] == .null || cells[4].integerValue != nil,
            let unjudged = cells[5].boolValue, let committed = cells[6].boolValue
        else { return nil }
        let counts = cells[7...].compactMap(\.integerValue)
        guard counts.count == 5, counts.allSatisfy({ $0 >= 0 }) else { return nil }
        return RunRecord(
            run: run, digest: digest, steps: steps, outcome: outcome, livenessTicks: cells[4].integerValue,
            livenessUnjudged: unjudged, committed: committed,
            spent: FaultTally(
                clientRequests: counts[0], crashes: counts[1], drops: counts[2], duplicates: counts[3],
                partitions: counts[4]))
    }
}
