import Foundation
import Testing

@testable import RaftCorpus
@testable import RaftFuzzing
@testable import RaftSimulation

/// A shard's summary as `raftlab fuzz --summary` writes it, with the failure members a merge reads.
private func summary(_ findings: FuzzFindings, _ campaign: Campaign, path: String) throws -> ShardSummary {
    let failures: [JSONValue] = findings.failures.map { failure in
        var members: [(key: String, value: JSONValue)] = [
            ("run", .integer(failure.run)), ("kind", .string(failure.outcome.kind.rawValue)),
        ]
        if case .safety(let violation) = failure.outcome {
            members.append(("invariant", .string(violation.invariant.rawValue)))
        }
        members.append(("runFile", failure.runFile.map(JSONValue.string) ?? .null))
        members.append(("corpusFile", failure.corpusFile.map(JSONValue.string) ?? .null))
        return .object(members)
    }
    let document = JSONValue.object(
        [
            ("command", .string("fuzz")), ("seed", .string(String(campaign.baseSeed))),
            ("spec", SpecCodec.encode(campaign.spec)), ("mutant", campaign.mutant.map { .string($0.name) } ?? .null),
            ("failures", .array(failures)),
            (
                "undecidedRuns",
                .array(
                    findings.campaign.linearizabilityUndecided.map {
                        .object([("run", .integer($0.run)), ("detail", .string($0.detail))])
                    })
            ),
        ]
            + ShardSummary.shardMembers(
                findings.campaign, campaignRuns: campaign.runs, keepGoing: campaign.keepGoing, includingRecords: true))
    return try ShardSummary.decode(document.encoded(pretty: false), path: path)
}

/// The files below `folder`, relative to it.
private func files(below folder: String) -> [String] {
    CorpusFolder(path: folder).traceFiles().map { String($0.dropFirst(folder.count + 1)) }
}

@Suite("Merging fuzz shards into one campaign (issue 18)")
struct ShardMergeTests {
    /// Runs `campaign` whole and as `count` shards, each with its own corpus; merges the shards.
    private func runBoth(_ campaign: Campaign, count: Int, name: String) throws -> (
        whole: FuzzFindings, wholeCorpus: String, merge: CampaignMerge, summaries: [ShardSummary], corpora: [String]
    ) {
        let context = FailureContext(spec: campaign.spec, specFile: nil, mutant: campaign.mutant)
        let wholeCorpus = temporaryFolder("\(name)-whole")
        let whole = FailurePipeline(context: context, corpus: CorpusFolder(path: wholeCorpus)).run(campaign)
        var summaries: [ShardSummary] = []
        var corpora: [String] = []
        for index in 0..<count {
            var shard = campaign
            shard.shard = CampaignShard(index: index, count: count)
            let folder = temporaryFolder("\(name)-shard-\(index)")
            let findings = FailurePipeline(context: context, corpus: CorpusFolder(path: folder)).run(shard)
            summaries.append(try summary(findings, shard, path: "\(folder).json"))
            corpora.append(folder)
        }
        return (whole, wholeCorpus, try CampaignMerge(summaries.reversed()), summaries, corpora)
    }

    @Test("4 shards merged equal the single-process campaign: runs, failures, digest, corpus files")
    func fourShardsEqualOneCampaign() throws {
        for keepGoing in [true, false] {
            let campaign = Campaign(
                spec: .fuzzDefault, mutant: .voteTwice, baseSeed: 3, runs: 120, workers: 2, keepGoing: keepGoing)
            let both = try runBoth(campaign, count: 4, name: "four-\(keepGoing)")
            let report = both.whole.campaign
            #expect(both.merge.isComplete)
            #expect(both.merge.tally.runs == report.runs)
            #expect(both.merge.tally.steps == report.steps)
            #expect(both.merge.tally.digest == report.digest)
            #expect(both.merge.tally.spent == report.spent)
            #expect(both.merge.failures.compactMap { $0["run"]?.integerValue } == both.whole.failures.map(\.run))
            #expect(both.merge.safetyFailures == both.whole.safetyViolations)
            #expect(both.whole.failures.isEmpty == false)

            let merged = temporaryFolder("four-\(keepGoing)-merged")
            let corpus = try CorpusMerge(
                folders: both.corpora.map(CorpusFolder.init(path:)), leavingOut: both.merge.corpusFilesLeftOut)
            try corpus.write(to: CorpusFolder(path: merged))
            #expect(files(below: merged) == files(below: both.wholeCorpus))
            for file in files(below: merged) {
                #expect(
                    try TextFiles.read(merged + "/" + file) == TextFiles.read(both.wholeCorpus + "/" + file))
            }
        }
    }

    @Test("The same shard twice, or shards of another campaign, is an error naming the file")
    func overlapAndMismatch() throws {
        let campaign = Campaign(spec: .fuzzDefault, mutant: nil, baseSeed: 5, runs: 20, workers: 1)
        let both = try runBoth(campaign, count: 2, name: "mismatch")
        #expect(throws: FileError.self) { try CampaignMerge([both.summaries[0], both.summaries[0]]) }
        do {
            _ = try CampaignMerge([both.summaries[0], both.summaries[0]])
        } catch {
            #expect(error.description.contains("overlaps"))
        }
        var otherSeed = both.summaries[1]
        otherSeed.baseSeed = 6
        otherSeed.path = "other.json"
        do {
            _ = try CampaignMerge([both.summaries[0], otherSeed])
            Issue.record("shards of different seeds merged")
        } catch {
            #expect(error.description.hasPrefix("other.json: seed 6"))
        }
        var otherCount = both.summaries[1]
        otherCount.shard = CampaignShard(index: 1, count: 3)!
        #expect(throws: FileError.self) { try CampaignMerge([both.summaries[0], otherCount]) }
    }

    @Test("Undecided client histories merge as the single-process campaign counts them, in run order")
    func undecidedRunsMerge() throws {
        var spec = WorldSpec.fuzzDefault
        spec.turnOnClients(2)
        var campaign = Campaign(spec: spec, mutant: nil, baseSeed: 1, runs: 6, workers: 1)
        // No search budget: every history with a reply to place is undecided.
        campaign.linearizabilityStepBudget = 0
        let both = try runBoth(campaign, count: 3, name: "undecided")
        let whole = both.whole.campaign.linearizabilityUndecided
        #expect(whole.count >= 2, "the budget of none leaves histories undecided")
        #expect(both.merge.undecided.map(\.run) == whole.map(\.run))
        #expect(both.merge.undecided.map(\.detail) == whole.map(\.detail))
        #expect(both.merge.json["linearizabilityUndecided"]?.integerValue == whole.count)
        #expect(Set(both.summaries.flatMap { $0.undecided.map(\.run) }) == Set(whole.map(\.run)))
    }

    @Test("A summary without its undecided runs, or with one of another shard, is malformed")
    func undecidedRunsAreChecked() throws {
        let head = """
            {"command":"fuzz","seed":"1","spec":{"name":"x"},"mutant":null,"campaignRuns":10,"keepGoing":false,
             "shard":"1/2","runRecordFields":\(JSONValue.array(ShardSummary.recordFields.map(JSONValue.string)).encoded(pretty: false)),
             "runRecords":[[1,"0000000000000001",5,"passed",null,false,false,0,0,0,0,0]],"failures":[]
            """
        #expect(
            throws: FileError.malformed(
                path: "s.json", detail: "\"undecidedRuns\" must be an array (a summary of another raftlab version?)")
        ) {
            try ShardSummary.decode(head + "}", path: "s.json")
        }
        #expect(
            throws: FileError.malformed(
                path: "s.json", detail: "undecidedRuns[0] is not {\"run\", \"detail\"} with a run of shard 1/2")
        ) {
            try ShardSummary.decode(head + #","undecidedRuns":[{"run":2,"detail":"d"}]}"#, path: "s.json")
        }
        let decoded = try ShardSummary.decode(head + #","undecidedRuns":[{"run":3,"detail":"d"}]}"#, path: "s.json")
        #expect(decoded.undecided.map(\.run) == [3])
    }

    @Test("A missing shard leaves the merge incomplete: runs up to the gap, no digest")
    func missingShard() throws {
        let campaign = Campaign(spec: .fuzzDefault, mutant: nil, baseSeed: 5, runs: 20, workers: 1)
        let both = try runBoth(campaign, count: 4, name: "missing")
        let partial = try CampaignMerge([both.summaries[0], both.summaries[1], both.summaries[3]])
        #expect(!partial.isComplete)
        #expect(partial.firstMissingRun == 2)
        #expect(partial.tally.runs == 2)
        #expect(partial.json["digest"] == .null)
        #expect(both.merge.json["digest"]?.stringValue == hex16(both.whole.campaign.digest))
    }

    @Test("A summary whose records are not its shard's runs is malformed")
    func recordsAreChecked() throws {
        let text = """
            {"command":"fuzz","seed":"1","spec":{"name":"x"},"mutant":null,"campaignRuns":10,"keepGoing":false,
             "shard":"1/2","runRecordFields":\(JSONValue.array(ShardSummary.recordFields.map(JSONValue.string)).encoded(pretty: false)),
             "runRecords":[[0,"0000000000000001",5,"passed",null,false,false,0,0,0,0,0]],"failures":[]}
            """
        #expect(
            throws: FileError.malformed(
                path: "s.json", detail: "runRecords[0] is run 0, but shard 1/2 of 10 runs has run 1 there")
        ) {
            try ShardSummary.decode(text, path: "s.json")
        }
        #expect(throws: FileError.self) { try ShardSummary.decode("{\"command\":\"check\"}", path: "s.json") }
    }

    @Test("Coverage tables sum the counts of equal rows, in order of first appearance")
    func coverageSums() throws {
        func table(_ rows: [(String, String, String, Int)]) throws -> MergedCoverageTable {
            let json = JSONValue.object([
                (
                    "rows",
                    .array(
                        rows.map {
                            .object([
                                ("role", .string($0.0)), ("input", .string($0.1)), ("outcome", .string($0.2)),
                                ("count", .integer($0.3)),
                            ])
                        })
                )
            ])
            return try MergedCoverageTable(json, path: "t.json")
        }
        var sum = try table([("leader", "vote", "granted", 2), ("follower", "append", "ok", 1)])
        sum.add(try table([("follower", "append", "ok", 5), ("leader", "vote", "rejected", 1)]))
        #expect(
            sum
                == (try table([
                    ("leader", "vote", "granted", 2), ("follower", "append", "ok", 6),
                    ("leader", "vote", "rejected", 1),
                ])))
        #expect(throws: FileError.self) {
            try MergedCoverageTable(.object([("rows", .array([.integer(1)]))]), path: "t")
        }
    }

    @Test("JUnit reports combine into one with every suite and summed counts")
    func junitCombines() throws {
        let report = """
            <?xml version="1.0" encoding="UTF-8"?>
            <testsuites name="raftlab fuzz" tests="2" failures="1" errors="0" skipped="0" time="1.250">
              <testsuite name="raftlab fuzz" tests="2" failures="1" errors="0" skipped="0" time="1.250">
                <testcase name="a" classname="raftlab.fuzz" time="0.000"/>
              </testsuite>
            </testsuites>
            """
        var merge = JUnitMerge()
        try merge.add(report, path: "a.xml")
        try merge.add(report.replacingOccurrences(of: "time=\"1.250\"", with: "time=\"0.800\""), path: "b.xml")
        #expect(merge.tests == 4 && merge.failures == 2 && merge.milliseconds == 2050)
        let xml = merge.xml(name: "raftlab merge")
        #expect(
            xml.contains(
                "<testsuites name=\"raftlab merge\" tests=\"4\" failures=\"2\" errors=\"0\" skipped=\"0\" time=\"2.050\">"
            ))
        #expect(xml.components(separatedBy: "<testsuite ").count == 3)
        #expect(throws: FileError.self) { try merge.add("<html/>", path: "c.xml") }
    }
}
