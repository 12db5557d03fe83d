import Testing

@testable import RaftFuzzing

@Suite("Campaign shards: N slices that are exactly the campaign (issue 18)")
struct CampaignShardTests {
    @Test("The N slices of runs 0..<M hold every run exactly once", arguments: [1, 2, 3, 4, 7])
    func slicesPartitionTheRuns(count: Int) {
        for campaignRuns in [0, 1, 5, 13, 100] {
            var seen = Array(repeating: 0, count: campaignRuns)
            for index in 0..<count {
                let shard = CampaignShard(index: index, count: count)!
                for position in 0..<shard.runCount(ofCampaignRuns: campaignRuns) {
                    let run = shard.run(at: position)
                    #expect(shard.contains(run: run))
                    seen[run] += 1
                }
            }
            #expect(seen.allSatisfy { $0 == 1 })
        }
    }

    @Test("K must be in 0..<N")
    func indexIsChecked() {
        #expect(CampaignShard(index: 4, count: 4) == nil)
        #expect(CampaignShard(index: -1, count: 4) == nil)
        #expect(CampaignShard(index: 0, count: 0) == nil)
        #expect(CampaignShard(index: 3, count: 4)?.description == "3/4")
    }

    @Test("4 shards' records, folded in run order, give the whole campaign's figures and digest")
    func shardsFoldIntoTheCampaign() {
        for keepGoing in [true, false] {
            var whole = Campaign(
                spec: .fuzzDefault, mutant: .voteTwice, baseSeed: 9, runs: 90, workers: 2, keepGoing: keepGoing)
            whole.runStepLimit = Fuzzer.testRunStepLimit
            let expected = whole.run()
            let shards = (0..<4).map { index in
                var campaign = whole
                campaign.shard = CampaignShard(index: index, count: 4)
                return campaign.run()
            }
            var byRun: [Int: RunRecord] = [:]
            for shard in shards {
                #expect(shard.records.allSatisfy { shard.shard.contains(run: $0.run) })
                #expect(shard.failures.allSatisfy { shard.shard.contains(run: $0.run) })
                for record in shard.records { byRun[record.run] = record }
            }
            var tally = CampaignTally(baseSeed: 9)
            for run in 0..<expected.runs { tally.add(byRun[run]!) }
            #expect(tally.digest == expected.digest)
            #expect(tally.steps == expected.steps)
            #expect(tally.spent == expected.spent)
            #expect(expected.records.map(\.run) == Array(0..<expected.runs))
            let shardFailures = shards.flatMap { $0.failures.map(\.run) }.filter { $0 < expected.runs }.sorted()
            #expect(shardFailures == expected.failures.map(\.run))
            #expect(expected.failures.isEmpty == false)
        }
    }

    @Test("Shard 0 of 1 is the unsharded campaign")
    func oneShardIsTheCampaign() {
        var campaign = Campaign(spec: .fuzzDefault, mutant: nil, baseSeed: 4, runs: 40, workers: 1)
        campaign.runStepLimit = Fuzzer.testRunStepLimit
        let plain = campaign.run()
        campaign.shard = .whole
        let sharded = campaign.run()
        #expect(plain.digest == sharded.digest)
        #expect(plain.runs == 40 && sharded.runs == 40)
    }
}
