import Testing

@testable import RaftCore
@testable import RaftFuzzing
@testable import RaftSimulation

/// The fuzzer's membership changes (the thesis, chapter 4): swarmed on for about half the runs of
/// the correct Raft, on in every run of a membership mutant, proposed to the leader a client
/// knows, and judged by a liveness goal that counts only the leader's configuration.
@Suite("Fuzzing membership changes")
struct MembershipFuzzTests {
    @Test("About half the seeds swarm membership changes on the default world; other mutants never do")
    func swarmedShare() {
        var on = 0
        for seed in 1...400 as ClosedRange<UInt64> {
            let profile = FaultProfile(seed: seed)
            let spec = profile.spec(swarming: .fuzzDefault, mutant: nil)
            #expect(spec.allowsMembershipChanges == profile.swarmsMembership)
            if profile.swarmsMembership {
                on += 1
                #expect(spec.initialMembers == max(1, spec.servers - profile.spareServers))
                // Section 4.2.3's disruption guard and the no-op the leader's guard needs.
                #expect(spec.options.preVote && spec.options.leaderNoOp)
            }
            #expect(!profile.spec(swarming: .fuzzDefault, mutant: .voteTwice).allowsMembershipChanges)
            #expect(profile.spec(swarming: .fuzzDefault, mutant: .twoConfigsInFlight).allowsMembershipChanges)
        }
        #expect((150...250).contains(on), "\(on) of 400")
    }

    @Test("A spec that pins its protocol is not swarmed; one that allows changes drives them in every run")
    func specDecides() {
        var pinned = WorldSpec.fuzzDefault
        pinned.options.preVote = true
        var allowing = pinned
        allowing.initialMembers = 2
        allowing.maxConfigChanges = 4
        for seed in 1...50 as ClosedRange<UInt64> {
            let profile = FaultProfile(seed: seed)
            #expect(profile.spec(swarming: pinned, mutant: nil) == pinned)
            #expect(profile.spec(swarming: allowing, mutant: nil) == allowing)
        }
        var fuzzer = Fuzzer(spec: allowing, mutant: nil)
        fuzzer.keepsActions = true
        fuzzer.validates = true
        var proposed = 0
        for seed in 1...10 as ClosedRange<UInt64> {
            let result = fuzzer.run(seed: seed)
            #expect(result.outcome == .passed, "seed \(seed): \(result.outcome)")
            proposed += result.actions?.filter { $0.kind == .proposeChange }.count ?? 0
        }
        #expect(proposed > 0)
    }

    @Test("Runs that swarm membership changes propose them, record them in the trace, and pass")
    func swarmedRunsPass() throws {
        var fuzzer = Fuzzer.forTests(mutant: nil)
        fuzzer.keepsActions = true
        fuzzer.validates = true
        var accepted = 0
        for seed in 1...40 as ClosedRange<UInt64> where FaultProfile(seed: seed).swarmsMembership {
            let result = fuzzer.run(seed: seed)
            #expect(result.outcome == .passed, "seed \(seed): \(result.outcome)")
            #expect(result.spec.allowsMembershipChanges)
            let actions = try #require(result.actions)
            #expect(actions.allSatisfy { $0.kind != .proposeChange || result.spec.allowsMembershipChanges })
            accepted += result.spent.configChanges
        }
        #expect(accepted > 0)
    }

    @Test("Liveness counts only the leader's configuration: a removed server campaigning alone does not block it")
    func removedServerIsNotJudged() throws {
        var spec = WorldSpec.fuzzDefault
        spec.maxClientRequests = 0
        spec.initialMembers = 3
        spec.maxConfigChanges = 1
        spec.turnOnWhatMembershipNeeds()
        let rules = WorldRules(spec: spec)
        var world = RunFixtures.worldWithLeader(rules)
        let (s1, s3) = (NodeID(0), NodeID(2))
        rules.apply(.proposeChange(s1, .remove(s3)), to: &world)
        RunFixtures.settle(&world, rules)
        #expect(world.servers[0].node?.configuration.voters == NodeSet([NodeID(0), NodeID(1)]))
        // s3 never heard of its removal (the leader no longer sends to it), so it campaigns.
        rules.apply(.electionTimeout(s3), to: &world)
        world.network.removeAll()
        #expect(world.servers[2].node?.currentTerm == 2)
        #expect(LivenessGoal.stableLeader(in: world)?.id == s1)
        #expect(LivenessGoal.shortfall(in: world, spec: spec, probe: nil, stepLimitReached: false) == nil)
    }

    @Test("The shrinker drops the proposals a membership mutant's failure does not need")
    func shrinkerDropsProposals() throws {
        var fuzzer = Fuzzer.forTests(mutant: .twoConfigsInFlight)
        var found: FuzzRunResult? = nil
        for seed in 1...500 as ClosedRange<UInt64> where found == nil {
            let result = fuzzer.run(seed: seed)
            if case .safety = result.outcome { found = result }
        }
        let result = try #require(found)
        guard case .safety(let violation) = result.outcome else { return }
        var shrinker = Shrinker(mutant: .twoConfigsInFlight, target: violation.invariant)
        let actions = try #require(result.actions)
        let small = shrinker.shrink(actions, in: result.spec)
        let shrunk = try #require(small)
        // The violation needs exactly two changes appended back to back; refused ones go.
        #expect(shrunk.actions.filter { $0.kind == .proposeChange }.count == 2)
        #expect(shrunk.actions.count < actions.count)
    }
}
