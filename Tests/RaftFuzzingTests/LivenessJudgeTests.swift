import Testing

@testable import RaftCore
@testable import RaftFuzzing
@testable import RaftSimulation

@Suite("The liveness judge: one stable leader, a probe committed, every acknowledged command applied")
struct LivenessJudgeTests {
    @Test("Without a leader the judge waits, and the failure names every server's role and term")
    func noLeader() {
        var judge = LivenessJudge(startTick: 100, startStep: 0)
        let world = RunFixtures.rules.initialWorld
        #expect(judge.look(at: world, spec: .fuzzDefault) == .waiting)
        let failure = judge.failure(in: world, step: 7, now: 5_100, stepLimitReached: false)
        #expect(failure.ticks == 5_000 && failure.step == 7)
        #expect(
            failure.detail
                == "no leader followed by every server (s1 follower term 0, s2 follower term 0, s3 follower term 0)")
    }

    @Test("A stable leader gets a probe of its term, which must be acknowledged and applied everywhere (section 5.4.2)")
    func probe() throws {
        let rules = RunFixtures.rules
        var world = RunFixtures.worldWithLeader()
        let leader = try #require(LivenessGoal.stableLeader(in: world))
        var judge = LivenessJudge(startTick: 0, startStep: 0)
        #expect(judge.look(at: world, spec: .fuzzDefault) == .sendProbe(to: leader.id, term: leader.currentTerm))

        let command = rules.nextCommand(in: world)
        rules.apply(.clientRequest(leader.id, command), to: &world)
        judge.probeAccepted(command, term: leader.currentTerm)
        #expect(judge.look(at: world, spec: .fuzzDefault) == .waiting)
        #expect(
            judge.failure(in: world, step: 1, now: 1, stepLimitReached: true).detail.hasSuffix(
                "the probe command \(command) was not acknowledged [run step limit reached]"))

        // Replicate and commit, then carry the commit index to the followers: two heartbeats.
        for _ in 0..<2 {
            rules.apply(.heartbeatTimeout(leader.id), to: &world)
            RunFixtures.settle(&world)
        }
        #expect(judge.look(at: world, spec: .fuzzDefault) == .settled)
    }

    @Test("With no client request left for a probe, the judge does not fail the run: the spec's bounds stopped it")
    func requestsSpent() {
        var spec = WorldSpec.fuzzDefault
        spec.maxClientRequests = 0
        var judge = LivenessJudge(startTick: 0, startStep: 0)
        let world = RunFixtures.worldWithLeader(WorldRules(spec: spec))
        #expect(judge.look(at: world, spec: spec) == .settled)
        #expect(judge.blockedBy == "maxClientRequests")
        let failed = judge.budgetEndedInFailure(in: world, spec: spec)
        #expect(!failed)
    }

    @Test("Elections stopped by maxTerm excuse a cluster without a leader; nothing else does")
    func maxTerm() {
        let world = RunFixtures.rules.initialWorld
        var judge = LivenessJudge(startTick: 0, startStep: 0)
        let failedWithElectionsLeft = judge.budgetEndedInFailure(in: world, spec: .fuzzDefault)
        #expect(failedWithElectionsLeft)
        var spec = WorldSpec.fuzzDefault
        spec.maxTerm = 0
        let failedWithElectionsSpent = judge.budgetEndedInFailure(in: world, spec: spec)
        #expect(!failedWithElectionsSpent)
        #expect(judge.blockedBy == "maxTerm")
    }
}
