import Testing

@testable import RaftCore
@testable import RaftFuzzing
@testable import RaftSimulation

/// The liveness goal is one definition: the fuzzer's judge reports what it lacks, and the replay
/// of a saved liveness trace judges it again from the world and the probe alone.
@Suite("The liveness goal, shared by the fuzzer's judge and the replay of a trace")
struct LivenessGoalTests {
    @Test("The fuzzer's judge and the replay word a failure alike: what a probe left unacknowledged")
    func sharedWords() throws {
        var world = RunFixtures.worldWithLeader()
        let leader = try #require(LivenessGoal.stableLeader(in: world))
        var judge = LivenessJudge(startTick: 0, startStep: 0)
        let rules = RunFixtures.rules
        let command = rules.nextCommand(in: world)
        var watch = LivenessGoal.ProbeWatch(phaseStartStep: 0)
        let action = Action.clientRequest(leader.id, command)
        rules.apply(action, to: &world)
        watch.record(action, world)
        judge.probeAccepted(command, term: leader.currentTerm)
        #expect(watch.probe == LivenessGoal.Probe(command: command, term: leader.currentTerm))
        let judged = judge.failure(in: world, step: 1, now: 10, stepLimitReached: false).detail
        #expect(judged.hasSuffix("the probe command \(command) was not acknowledged"))
        #expect(
            LivenessGoal.shortfall(in: world, spec: .fuzzDefault, probe: watch.probe, stepLimitReached: false)
                == judged)
    }

    @Test("The replay's probe is the last client request a leader accepted after the phase began")
    func probeWatch() throws {
        var world = RunFixtures.worldWithLeader()
        let leader = try #require(LivenessGoal.stableLeader(in: world))
        let follower = NodeID(leader.id.index == 0 ? 1 : 0)
        let rules = RunFixtures.rules
        var watch = LivenessGoal.ProbeWatch(phaseStartStep: 1)
        var sent: [Command] = []
        for server in [leader.id, follower, leader.id] {
            sent.append(rules.nextCommand(in: world))
            let action = Action.clientRequest(server, sent.last!)
            rules.apply(action, to: &world)
            watch.record(action, world)
            #expect(watch.probe == nil || server == leader.id)
        }
        // The first request came before the phase, the second went to a follower that refused it.
        #expect(world.spent.clientRequests == 2)
        #expect(watch.probe == LivenessGoal.Probe(command: sent[2], term: leader.currentTerm))
    }

    @Test("A settled world has no shortfall; maxTerm excuses a stalled cluster, but not at the step limit")
    func goalMetOrExcused() throws {
        var spec = WorldSpec.fuzzDefault
        spec.maxClientRequests = 0
        let settled = RunFixtures.worldWithLeader(WorldRules(spec: spec))
        #expect(LivenessGoal.shortfall(in: settled, spec: spec, probe: nil, stepLimitReached: false) == nil)

        let stalled = RunFixtures.rules.initialWorld
        var electionsSpent = WorldSpec.fuzzDefault
        electionsSpent.maxTerm = 0
        #expect(LivenessGoal.shortfall(in: stalled, spec: electionsSpent, probe: nil, stepLimitReached: false) == nil)
        #expect(
            LivenessGoal.shortfall(in: stalled, spec: electionsSpent, probe: nil, stepLimitReached: true)
                == "no leader followed by every server (s1 follower term 0, s2 follower term 0, s3 follower term 0) "
                + "[run step limit reached]")
    }
}
