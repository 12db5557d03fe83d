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

    @Test("Even-voter runs start from 4 voters of 4, 5 or 6 slots and 6 of 7; every run of a membership mutant does")
    func evenVoters() {
        func world(_ servers: Int) -> WorldSpec {
            var spec = WorldSpec.fuzzDefault
            spec.servers = servers
            return spec
        }
        var even = 0
        for seed in 1...400 as ClosedRange<UInt64> {
            let profile = FaultProfile(seed: seed)
            let spec = profile.spec(swarming: world(5), mutant: nil)
            if profile.swarmsMembership && profile.startsFromEvenVoters {
                even += 1
                #expect(spec.servers == 5 && spec.initialMembers == 4)
            }
            // Ongaro's counter-example needs an even cluster: a membership mutant always starts from one.
            for (servers, voters) in [(4, 4), (5, 4), (6, 4), (7, 6)] {
                let mutantSpec = profile.spec(swarming: world(servers), mutant: .configBeforeTermCommit)
                #expect(mutantSpec.servers == servers && mutantSpec.initialMembers == voters)
            }
            // The run's slots are never widened: 3 cannot hold 4 voters.
            let three = profile.spec(swarming: .fuzzDefault, mutant: .configBeforeTermCommit)
            #expect(three.servers == 3 && three.initialMembers == max(1, 3 - profile.spareServers))
        }
        // A third of the half of the seeds that swarm membership changes.
        #expect((40...100).contains(even), "\(even) of 400")
    }

    @Test("After an election, a run that follows elections proposes twice, each within 20 ticks, then at its rate")
    func proposalsFollowElections() throws {
        let spec = WorldSpec.fuzzDefault.withMembershipChanges(spareServers: 1)
        let rules = WorldRules(spec: spec)
        let world = RunFixtures.worldWithLeader(rules)
        var profile = RunFixtures.profile()
        profile.membershipChangesPerTick = Ratio(1, 1_000)
        profile.proposesAfterElections = false
        var steady = MembershipWorkload(profile: profile, spec: spec, mutant: nil, prng: PRNG(seed: 3))
        let pending = steady.nextProposalTick
        steady.leaderElected(now: 1)
        #expect(!steady.followsElections && steady.nextProposalTick == pending)
        // A membership mutant's runs always follow elections: its guards live in that window.
        #expect(
            MembershipWorkload(profile: profile, spec: spec, mutant: .configBeforeTermCommit, prng: PRNG(seed: 3))
                .followsElections)

        profile.proposesAfterElections = true
        var workload = MembershipWorkload(profile: profile, spec: spec, mutant: nil, prng: PRNG(seed: 3))
        #expect(workload.followsElections)
        workload.leaderElected(now: 500)
        let first = workload.nextProposalTick
        #expect((501...520).contains(first))
        let arrived = workload.proposalArrives(now: first, in: world, spec: spec, networkHasRoom: true)
        let proposal = try #require(arrived)
        #expect(proposal.kind == .proposeChange && proposal.steppingServer == NodeID(0))
        let second = workload.nextProposalTick
        #expect((first + 1...first + 20).contains(second))
        _ = workload.proposalArrives(now: second, in: world, spec: spec, networkHasRoom: true)
        #expect((second + 1...second + 1_999).contains(workload.nextProposalTick))
        workload.stop()
        workload.leaderElected(now: 600)
        #expect(workload.nextProposalTick == .max)
    }

    @Test("A run that splits at elections splits the network within 5 ticks of each one; no other run does")
    func splitsFollowElections() throws {
        let profile = RunFixtures.profile()
        var plain = FaultScheduler(profile: profile, prng: PRNG(seed: 1))
        plain.leaderElected(now: 100)
        #expect(!plain.splitsAtElections && plain.earliestFault() == nil)

        var faults = FaultScheduler(profile: profile, prng: PRNG(seed: 1), electionSplits: PRNG(seed: 2))
        #expect(faults.splitsAtElections && faults.earliestFault() == nil)
        faults.leaderElected(now: 100)
        let split = try #require(faults.earliestFault())
        #expect(split.fault == .electionSplit && (100...105).contains(split.due))
        let world = RunFixtures.rules.initialWorld
        let arrived = faults.electionSplitArrives(now: split.due, in: world, spec: .fuzzDefault)
        let side = try #require(arrived)
        #expect(Partition.isNamedSide(side, servers: 3))
        // It ends as a scheduled partition does.
        let end = try #require(faults.earliestFault())
        #expect(end.fault == .partitionEnds && profile.partitionDurationTicks.contains(end.due - split.due))
        // None once the spec's partitions are spent.
        faults.leaderElected(now: 200)
        var spent = WorldSpec.fuzzDefault
        spent.maxPartitions = 0
        #expect(faults.electionSplitArrives(now: 201, in: world, spec: spent) == nil)
    }

    @Test("The correct Raft passes runs that crowd proposals and splits around elections from 4 voters")
    func electionWindowsPass() throws {
        var five = WorldSpec.fuzzDefault
        five.servers = 5
        var fuzzer = Fuzzer(spec: five, mutant: nil)
        fuzzer.runStepLimit = Fuzzer.testRunStepLimit
        fuzzer.validates = true
        var runs = 0
        for seed in 1...1_000 as ClosedRange<UInt64> where runs < 6 {
            let profile = FaultProfile(seed: seed)
            // Runs without scheduled partitions: every partition follows an election.
            guard profile.swarmsMembership, profile.startsFromEvenVoters, profile.proposesAfterElections,
                profile.splitsAtElections, profile.partitionsPerTick == nil
            else { continue }
            runs += 1
            let result = fuzzer.run(seed: seed)
            #expect(result.outcome == .passed, "seed \(seed): \(result.outcome)")
            #expect(result.spec.initialMembers == 4)
            #expect(result.spent.partitions > 0, "seed \(seed)")
        }
        #expect(runs == 6)
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
