import Testing

@testable import RaftCore
@testable import RaftFuzzing
@testable import RaftSimulation

@Suite("Campaigns: workers, run order, the correct Raft, a broken one")
struct CampaignTests {
    @Test("1 and 2 workers give the same report: digest, runs, failures (issue 4 tests)")
    func workersDoNotChangeResults() {
        for mutant in [nil, Mutant.commitPreviousTerm] {
            let reports = [1, 2].map { workers in
                var campaign = Campaign(spec: .fuzzDefault, mutant: mutant, baseSeed: 5, runs: 300, workers: workers)
                campaign.runStepLimit = Fuzzer.testRunStepLimit
                return campaign.run()
            }
            #expect(reports[0].digest == reports[1].digest)
            #expect(reports[0].runs == reports[1].runs)
            #expect(reports[0].steps == reports[1].steps)
            #expect(reports[0].failures.map(\.run) == reports[1].failures.map(\.run))
        }
    }

    @Test("Without --keep-going a campaign ends at the first failing run; with it, it collects them all")
    func stopsAtFirstFailure() {
        let stopping = Campaign(spec: .fuzzDefault, mutant: .voteTwice, baseSeed: 1, runs: 50, workers: 2).run()
        #expect(stopping.failures.count == 1)
        #expect(stopping.runs == stopping.failures[0].run + 1)
        let all = Campaign(spec: .fuzzDefault, mutant: .voteTwice, baseSeed: 1, runs: 50, workers: 2, keepGoing: true)
            .run()
        #expect(all.runs == 50)
        #expect(all.failures.count > 1)
        #expect(all.failures[0].run == stopping.failures[0].run)
    }

    @Test("Keeping going but stopping at the first failure of a kind passes over the other kind")
    func stopsAtKind() {
        // RB-10 fails liveness on most runs and safety on some: the first safety failure ends it.
        let all = Campaign(
            spec: .fuzzDefault, mutant: .heartbeatSkipsCheck, baseSeed: 1, runs: 60, workers: 2, keepGoing: true
        ).run()
        let firstSafety = all.failures.first { $0.result.outcome.kind == .safety }
        #expect(all.failures.contains { $0.result.outcome.kind == .liveness && $0.run < (firstSafety?.run ?? 0) })
        for workers in [1, 2] {
            let stopped = Campaign(
                spec: .fuzzDefault, mutant: .heartbeatSkipsCheck, baseSeed: 1, runs: 60, workers: workers,
                keepGoing: true, stopAtKind: .safety
            ).run()
            #expect(stopped.runs == (firstSafety?.run ?? -1) + 1)
            #expect(stopped.failures.last?.run == firstSafety?.run)
            let sameRuns = Campaign(
                spec: .fuzzDefault, mutant: .heartbeatSkipsCheck, baseSeed: 1, runs: stopped.runs, workers: 1,
                keepGoing: true
            ).run()
            #expect(stopped.digest == sameRuns.digest)
        }
    }

    @Test("1,000 runs of the correct Raft: no safety violation, no liveness failure (10,000 in CI, release)")
    func correctRaftPasses() {
        let report = Campaign(spec: .fuzzDefault, mutant: nil, baseSeed: 1, runs: 1_000, workers: 2).run()
        #expect(report.runs == 1_000)
        for (run, result) in report.failures {
            Issue.record("run \(run) seed \(result.profile.seed): \(result.outcome)")
        }
        #expect(report.runsThatCommitted > 900)
        #expect(report.spent.drops > 0 && report.spent.duplicates > 0 && report.spent.crashes > 0)
        #expect(report.spent.partitions > 0)
    }
}

@Suite("The liveness phase catches the liveness-only mutants")
struct LivenessMutantTests {
    /// RB-29 and RB-30 break no safety invariant; the liveness phase must report them, as
    /// liveness and not safety, within a fixed budget of runs (the correct Raft passes the same
    /// runs: see `correctRaftPasses`).
    @Test(
        "Each liveness-only mutant fails liveness within 1,000 runs",
        arguments: Mutant.allCases.filter { $0.isLivenessOnly && $0.switchesNeeded.isFigure2 })
    func caught(_ mutant: Mutant) {
        let report = Campaign(spec: .fuzzDefault, mutant: mutant, baseSeed: 1, runs: 1_000, workers: 2, keepGoing: true)
            .run()
        #expect(!report.failures.isEmpty, "\(mutant.name) not caught in 1,000 runs")
        for (_, result) in report.failures {
            guard case .liveness = result.outcome else {
                Issue.record("\(mutant.name) failed as \(result.outcome.kind), expected liveness")
                continue
            }
        }
    }

    @Test("RB-30's PreVote variant stalls a cluster whose leader stays down: caught within 1,000 runs (etcd #8243)")
    func laggingTermCaughtWithLeaderKeptDown() throws {
        let report = Campaign(
            spec: .fuzzDefault, mutant: .preVoteKeepsLaggingTerm, baseSeed: 2, runs: 1_000, workers: 2,
            keepGoing: false
        ).run()
        let (_, result) = try #require(report.failures.first, "pre-vote-keeps-lagging-term not caught in 1,000 runs")
        #expect(result.outcome.kind == .liveness)
        // Only a liveness phase that keeps the leader down lets the lagging term stall the rest.
        #expect(result.profile.keepsLeaderDown)
    }

    @Test("The liveness phase keeps the leader down in some profiles and not in others")
    func leaderDowntimeIsSwarmed() {
        let profiles = (1...200 as ClosedRange<UInt64>).map(FaultProfile.init(seed:))
        #expect(profiles.contains { $0.keepsLeaderDown } && profiles.contains { !$0.keepsLeaderDown })
        #expect(profiles.first { $0.keepsLeaderDown }!.description.contains("liveness-leader-down"))
    }

    @Test("The fast-clock setting is on in some profiles and off in others, and names a server")
    func fastClockIsSwarmed() {
        let profiles = (1...200 as ClosedRange<UInt64>).map(FaultProfile.init(seed:))
        #expect(profiles.contains { $0.fastClockServer != nil })
        #expect(profiles.contains { $0.fastClockServer == nil })
        #expect(profiles.compactMap(\.fastClockServer).allSatisfy { (0..<WorldSpec.maxServers).contains($0) })
        #expect(profiles[0].description.contains("fast-clock="))
    }
}
