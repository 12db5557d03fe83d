import RaftTestSupport
import Testing

@testable import RaftCore
@testable import RaftSimulation

private let s4 = NodeID(3)

/// Four slots, s1 to s3 voting and s4 spare, up to `changes` membership changes.
private func membershipSpec(changes: Int = 2) -> WorldSpec {
    var spec = WorldSpec(
        name: "membership", servers: 4, maxTerm: 2, maxClientRequests: 0, maxCrashes: 1, maxInFlight: 6, maxDrops: 0,
        maxDuplicates: 0, maxPartitions: 0, maxDepth: 30)
    spec.initialMembers = 3
    spec.maxConfigChanges = changes
    spec.turnOnWhatMembershipNeeds()
    return spec
}

private func configEntry(_ term: Term, _ voters: [NodeID], learners: [NodeID] = []) -> Entry {
    Entry(term: term, payload: .configuration(Configuration(voters: NodeSet(voters), learners: NodeSet(learners))))
}

/// Drives `world` by `rules` with the first enabled action matching `pick` until `done`.
private func drive(
    _ world: inout World, _ rules: WorldRules, until done: (World) -> Bool, pick: (Action) -> Bool = { _ in true }
) {
    for _ in 0..<200 where !done(world) {
        guard let action = rules.enabledActions(in: world).first(where: pick) else { return }
        rules.apply(action, to: &world)
    }
}

@Suite("Membership changes in the world: spec fields, proposals, spare slots, invariants")
struct MembershipWorldTests {
    @Test("Without membership fields the world is the fixed cluster: no proposal is ever enabled")
    func fixedClusterHasNoProposals() {
        var spec = membershipSpec()
        spec.initialMembers = nil
        spec.maxConfigChanges = 0
        let rules = WorldRules(spec: spec)
        var world = rules.initialWorld
        drive(&world, rules, until: { $0.currentLeaders.count == 1 })
        #expect(world.initialConfiguration == nil)
        #expect(!rules.enabledActions(in: world).contains { $0.kind == .proposeChange })
    }

    @Test("A spare slot runs as an empty follower that never times out into an election (section 4.2.3)")
    func spareSlotIsIdle() {
        let rules = WorldRules(spec: membershipSpec())
        let world = rules.initialWorld
        let enabled = rules.enabledActions(in: world)
        #expect(enabled.contains(.electionTimeout(s1)))
        #expect(!enabled.contains(.electionTimeout(s4)))
        #expect(!rules.isEnabled(.electionTimeout(s4), in: world))
        #expect(world.servers[3].node?.configuration == Configuration(voters: NodeSet([s1, s2, s3])))
    }

    @Test("A leader is offered every change that applies to its configuration; the budget bounds them")
    func proposalsEnabled() throws {
        let rules = WorldRules(spec: membershipSpec(changes: 1))
        var world = rules.initialWorld
        drive(&world, rules, until: { $0.currentLeaders.count == 1 })
        let leader = try #require(world.currentLeaders.first).id
        let proposals = rules.enabledActions(in: world).filter { $0.kind == .proposeChange }
        #expect(
            proposals == [
                .proposeChange(leader, .remove(s1)), .proposeChange(leader, .remove(s2)),
                .proposeChange(leader, .remove(s3)), .proposeChange(leader, .addLearner(s4)),
            ])
        for proposal in proposals { #expect(rules.isEnabled(proposal, in: world)) }
        #expect(!rules.isEnabled(.proposeChange(leader, .promote(s4)), in: world))
        // Commit the no-op, then add s4: the one change allowed is spent.
        drive(&world, rules, until: { $0.ghost.committed.count == 1 }, pick: { $0.kind == .deliver })
        rules.apply(.proposeChange(leader, .addLearner(s4)), to: &world)
        #expect(world.spent.configChanges == 1)
        #expect(!rules.enabledActions(in: world).contains { $0.kind == .proposeChange })
    }

    @Test("A restarted server recovers the initial configuration, or the latest one its disk holds")
    func restartRecoversConfiguration() throws {
        let rules = WorldRules(spec: membershipSpec())
        var world = rules.initialWorld
        rules.apply(.crash(s4), to: &world)
        rules.apply(.restart(s4), to: &world)
        #expect(world.servers[3].node?.configuration == Configuration(voters: NodeSet([s1, s2, s3])))
        world.servers[3].disk = DurableState(currentTerm: 1, log: Log([configEntry(1, [s1, s2, s3], learners: [s4])]))
        rules.apply(.crash(s4), to: &world)
        world.servers[3].disk = DurableState(currentTerm: 1, log: Log([configEntry(1, [s1, s2, s3], learners: [s4])]))
        rules.apply(.restart(s4), to: &world)
        #expect(world.servers[3].node?.configuration.learners == NodeSet([s4]))
    }

    @Test("Spec fields read back from their JSON, and are written only when membership is on")
    func specCodec() throws {
        let spec = membershipSpec()
        let decoded = try SpecCodec.decode(SpecCodec.encode(spec), path: "bounds")
        #expect(decoded == spec)
        #expect(decoded.options.leaderNoOp)
        var fixed = spec
        fixed.initialMembers = nil
        fixed.maxConfigChanges = 0
        fixed.options = .figure2
        let text = SpecCodec.encode(fixed).encoded(pretty: false)
        #expect(!text.contains("\"members\"") && !text.contains("maxConfigChanges"))
    }

    @Test("Proposals and configuration entries read back from their trace spelling")
    func actionCodec() throws {
        let actions: [Action] = [
            .proposeChange(s1, .addLearner(s4)), .proposeChange(s2, .promote(s4)), .proposeChange(s3, .remove(s1)),
            .deliver(
                Envelope(
                    from: s1, to: s4,
                    message: .appendEntries(
                        AppendEntries(
                            term: 1, prevLogIndex: 0, prevLogTerm: 0,
                            entries: [configEntry(1, [s1, s2, s3], learners: [s4]), configEntry(1, [s2, s3])],
                            leaderCommit: 0)))),
        ]
        for action in actions {
            #expect(try ActionCodec.decode(ActionCodec.encode(action), path: "step", servers: 4) == action)
        }
        #expect(ActionText.describe(actions[0]) == "propose add s4 to s1")
        #expect(configEntry(2, [s1, s2], learners: [s4]).description == "2:config(voters={s1,s2} learners={s4})")
        #expect(throws: InputError.self) {
            try ActionCodec.entry("1:config(voters={s2,s1})", path: "e")
        }
        #expect(throws: InputError.self) {
            try ActionCodec.change("add s9", path: "c", servers: 4)
        }
    }

    @Test("One Uncommitted Configuration: a leader holding two uncommitted changes (section 4.1)")
    func oneUncommittedConfiguration() throws {
        var leader = RaftNode(
            id: s1, serverCount: 4, options: ProtocolOptions(leaderNoOp: true),
            configuration: Configuration(voters: NodeSet([s1, s2, s3])),
            restoring: DurableState(
                currentTerm: 0,
                log: Log([configEntry(0, [s1, s2, s3], learners: [s4]), configEntry(0, [s1, s2, s3, s4])])))
        _ = elect(&leader, votesFrom: [s2, s3])
        #expect(leader.isLeader)
        var bad = WorldRules(spec: membershipSpec()).initialWorld
        bad.servers[0].node = leader
        let violation = try #require(Invariants.oneUncommittedConfiguration(bad))
        #expect(violation.invariant == .oneUncommittedConfiguration)
        #expect(violation.servers == [s1])
        #expect(Invariants.membershipViolation(bad)?.invariant == .oneUncommittedConfiguration)
        // Once the cluster committed the first, one is left uncommitted: fine.
        var good = bad
        good.ghost.committed = [World.CommittedRecord(entry: leader.log[1], commitTerm: 1, server: s1)]
        #expect(Invariants.oneUncommittedConfiguration(good) == nil)
    }

    @Test("Single-Server Change: a configuration two voters away from its predecessor (section 4.1)")
    func singleServerChange() throws {
        var bad = WorldRules(spec: membershipSpec()).initialWorld
        bad.servers[1].node = nil
        bad.servers[1].disk = DurableState(
            currentTerm: 1, log: Log([entry(1), configEntry(1, [s1, s2, s3, s4]), configEntry(1, [s2, s3])]))
        let violation = try #require(Invariants.singleServerChange(bad))
        #expect(violation.invariant == .singleServerChange)
        #expect(violation.servers == [s2])
        #expect(violation.index == 3)
        var good = bad
        good.servers[1].disk = DurableState(
            currentTerm: 1, log: Log([configEntry(1, [s1, s2, s3, s4]), configEntry(1, [s2, s3, s4])]))
        #expect(Invariants.singleServerChange(good) == nil)
        // The first configuration is compared with the initial one.
        good.servers[1].disk = DurableState(currentTerm: 1, log: Log([configEntry(1, [s1, s2])]))
        #expect(Invariants.singleServerChange(good) == nil)
        good.servers[1].disk = DurableState(currentTerm: 1, log: Log([configEntry(1, [s1])]))
        #expect(Invariants.singleServerChange(good)?.index == 1)
    }

    @Test("Seeded walks with membership changes break no invariant and change the configuration")
    func randomWalksStaySafe() {
        var spec = membershipSpec(changes: 3)
        spec.maxCrashes = 2
        spec.maxDrops = 2
        spec.maxTerm = 4
        let rules = WorldRules(spec: spec)
        var changed = 0
        for seed in 1...UInt64(40) {
            var chooser = SeededChooser(seed: seed)
            var world = rules.initialWorld
            for step in 1...80 {
                let enabled = rules.enabledActions(in: world)
                guard !enabled.isEmpty, let position = chooser.choose(among: enabled, in: world, step: step) else {
                    break
                }
                let previous = world
                rules.apply(enabled[position], to: &world)
                let violation = Invariants.check(
                    after: world, previous: previous, action: enabled[position], step: step)
                #expect(violation == nil, "seed \(seed): \(violation?.description ?? "")")
                if violation != nil { return }
            }
            if world.spent.configChanges > 0 { changed += 1 }
        }
        #expect(changed > 5)
    }
}
