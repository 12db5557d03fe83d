import ModelChecking
import Testing

@testable import RaftCore
@testable import RaftModel
@testable import RaftSimulation

/// Symmetry reduction by a canonical representative (`CanonicalRepresentative`): servers sorted
/// on a signature no renaming changes, only tied servers tried in each order.
@Suite("Symmetry reduction: the canonical representative")
struct SymmetryTests {
    /// Every fault kind on, so that sampled worlds hold crashed servers, partitions, candidates,
    /// leaders with progress and messages of every kind.
    static func spec(servers: Int, options: ProtocolOptions = .figure2) -> WorldSpec {
        var spec = WorldSpec(
            name: "symmetry-sample", servers: servers, maxTerm: 4, maxClientRequests: 3, maxCrashes: 2, maxInFlight: 8,
            maxDrops: 2, maxDuplicates: 2, maxPartitions: 2, maxDepth: 40)
        spec.options = options
        return spec
    }

    /// Every mechanism beyond Figure 2 on, so that sampled worlds also hold pre-candidates,
    /// pre-vote messages and the leader's record of who it heard from.
    static let everySwitch = ProtocolOptions(
        preVote: true, checkQuorum: true, pipelineWindow: 2, maxEntriesPerAppend: 1, fastBacktracking: true,
        leaderNoOp: true)

    /// The worlds met on seeded random walks of `servers` servers.
    static func sampledWorlds(
        servers: Int, walks: Int, steps: Int, options: ProtocolOptions = .figure2
    ) -> [World] {
        let rules = WorldRules(spec: spec(servers: servers, options: options))
        var worlds: [World] = []
        for seed in 1...UInt64(walks) {
            var chooser = SeededChooser(seed: seed)
            var world = rules.initialWorld
            for step in 1...steps {
                let enabled = rules.enabledActions(in: world)
                guard !enabled.isEmpty, let position = chooser.choose(among: enabled, in: world, step: step) else {
                    break
                }
                world = rules.successor(of: world, taking: enabled[position])
                worlds.append(world)
            }
        }
        return worlds
    }

    /// A permutation of `count` servers drawn from `prng`.
    static func randomRenaming(_ count: Int, _ prng: inout PRNG) -> ServerRenaming {
        var ids = NodeID.all(count)
        prng.shuffle(&ids)
        return ServerRenaming(permutation: ids)
    }

    /// Every permutation of `count` servers.
    static func everyRenaming(_ count: Int) -> [ServerRenaming] {
        func permutations(_ items: [Int]) -> [[Int]] {
            guard items.count > 1 else { return [items] }
            return items.indices.flatMap { index in
                var rest = items
                let item = rest.remove(at: index)
                return permutations(rest).map { [item] + $0 }
            }
        }
        return permutations(Array(0..<count)).map { ServerRenaming(permutation: $0.map(NodeID.init)) }
    }

    static let model3 = RaftModel(rules: WorldRules(spec: spec(servers: 3)))

    @Test(
        "Every renaming of a sampled world gets the same class fingerprint and the same representative",
        arguments: [3, 5, 7])
    func invariantUnderRenaming(servers: Int) {
        let model = RaftModel(rules: WorldRules(spec: Self.spec(servers: servers)))
        var prng = PRNG(seed: UInt64(servers))
        let worlds = Self.sampledWorlds(servers: servers, walks: 20, steps: 30)
        #expect(worlds.count > 300)
        for world in worlds {
            let fingerprint = model.symmetricFingerprint(of: world)
            let representative = model.representative(of: world).searchFingerprint
            for _ in 0..<3 {
                let renamed = world.renamed(by: Self.randomRenaming(servers, &prng))!
                #expect(model.symmetricFingerprint(of: renamed) == fingerprint)
                #expect(model.representative(of: renamed).searchFingerprint == representative)
            }
        }
    }

    @Test(
        "With every protocol switch on, renamings still share the class fingerprint and representative",
        arguments: [3, 5])
    func invariantUnderRenamingWithSwitches(servers: Int) {
        let model = RaftModel(rules: WorldRules(spec: Self.spec(servers: servers, options: Self.everySwitch)))
        var prng = PRNG(seed: UInt64(servers) + 100)
        let worlds = Self.sampledWorlds(servers: servers, walks: 20, steps: 30, options: Self.everySwitch)
        #expect(worlds.contains { $0.servers.contains { $0.node?.role.kind == .preCandidate } })
        for world in worlds {
            let fingerprint = model.symmetricFingerprint(of: world)
            for _ in 0..<3 {
                let renamed = world.renamed(by: Self.randomRenaming(servers, &prng))!
                #expect(model.symmetricFingerprint(of: renamed) == fingerprint)
            }
        }
    }

    @Test("With every protocol switch on, 3-server class fingerprints are exactly renaming classes")
    func classesAreRenamingClassesWithSwitches() {
        let model = RaftModel(rules: WorldRules(spec: Self.spec(servers: 3, options: Self.everySwitch)))
        var classes = ClassAgreement()
        for world in Self.sampledWorlds(servers: 3, walks: 30, steps: 30, options: Self.everySwitch) {
            let fingerprint = model.symmetricFingerprint(of: world)
            let renamingClass = Self.everyRenamingFingerprint(of: world)
            classes.record(fingerprint: fingerprint, renamingClass: renamingClass)
        }
        #expect(classes.classCount > 300)
    }

    @Test("With snapshots on, 3-server class fingerprints are exactly renaming classes (section 7)")
    func classesAreRenamingClassesWithSnapshots() {
        var spec = Self.spec(servers: 3, options: Self.everySwitch)
        spec.maxSnapshots = 4
        let (_, compacted) = Self.walkClasses(
            of: spec, renamingSeed: 77, counting: { $0.servers.contains { $0.disk.snapshot != nil } })
        #expect(compacted > 100)
    }

    @Test("With session clients on, 3-server class fingerprints are exactly renaming classes (thesis 6.3)")
    func classesAreRenamingClassesWithClients() {
        var spec = Self.spec(servers: 3, options: Self.everySwitch)
        spec.turnOnClients(2)
        spec.maxClientOperations = 2
        spec.maxRetries = 1
        let (classes, withClientMessages) = Self.walkClasses(
            of: spec, renamingSeed: 78, counting: { $0.clients?.inFlight.isEmpty == false })
        #expect(withClientMessages > 100)
        #expect(classes.classCount > 300)
    }

    /// Walks 30 seeded runs of 40 steps under `spec`, recording each world's class fingerprint
    /// against its renaming class and expecting a random renaming to stay in the class.
    ///
    /// Returns the agreement and how many visited worlds `counting` held for, so a caller can
    /// show the walk reached the state its feature adds.
    static func walkClasses(
        of spec: WorldSpec, renamingSeed: UInt64, counting: (World) -> Bool,
        sourceLocation: SourceLocation = #_sourceLocation
    ) -> (ClassAgreement, Int) {
        let rules = WorldRules(spec: spec)
        let model = RaftModel(rules: rules)
        var classes = ClassAgreement()
        var counted = 0
        var prng = PRNG(seed: renamingSeed)
        for seed in 1...UInt64(30) {
            var chooser = SeededChooser(seed: seed)
            var world = rules.initialWorld
            for step in 1...40 {
                let enabled = rules.enabledActions(in: world)
                guard let position = chooser.choose(among: enabled, in: world, step: step) else { break }
                world = rules.successor(of: world, taking: enabled[position])
                if counting(world) { counted += 1 }
                let fingerprint = model.symmetricFingerprint(of: world)
                classes.record(
                    fingerprint: fingerprint, renamingClass: Self.everyRenamingFingerprint(of: world),
                    sourceLocation: sourceLocation)
                let renamed = world.renamed(by: Self.randomRenaming(3, &prng))!
                #expect(
                    model.symmetricFingerprint(of: renamed) == fingerprint, "a renaming left the class",
                    sourceLocation: sourceLocation)
            }
        }
        return (classes, counted)
    }

    @Test("Worlds that differ only in a snapshot's state, or in the term at a log's base, are not merged")
    func snapshotsAreTold() {
        let model = RaftModel(rules: WorldRules(spec: Self.spec(servers: 3)))
        func world(state: UInt64, baseTerm: Term) -> World {
            var world = World(serverCount: 3, mutant: nil)
            let disk = DurableState(
                currentTerm: 2, log: Log(after: 2, baseTerm: baseTerm),
                snapshot: Snapshot(
                    lastIncludedIndex: 2, lastIncludedTerm: baseTerm, state: SnapshotState(words: [state])))
            world.servers[1].node = RaftNode(id: NodeID(1), serverCount: 3, restoring: disk)
            world.servers[1].disk = disk
            return world
        }
        let base = world(state: 1, baseTerm: 1)
        for other in [world(state: 2, baseTerm: 1), world(state: 1, baseTerm: 2)] {
            #expect(model.symmetricFingerprint(of: other) != model.symmetricFingerprint(of: base))
            #expect(other.searchFingerprint != base.searchFingerprint)
            #expect(other.fingerprint != base.fingerprint)
        }
    }

    @Test("The representative is a renaming of the world, in the world's own class", arguments: [3, 5])
    func representativeIsARenaming(servers: Int) {
        let model = RaftModel(rules: WorldRules(spec: Self.spec(servers: servers)))
        let renamings = Self.everyRenaming(servers)
        for world in Self.sampledWorlds(servers: servers, walks: 4, steps: 25) {
            let representative = model.representative(of: world)
            // Compared by fingerprint: a renamed server is built afresh, without the flag a server
            // keeps from its last step (`durableStateChanged`), which no fingerprint reads.
            #expect(renamings.contains { world.renamed(by: $0)!.searchFingerprint == representative.searchFingerprint })
            #expect(model.symmetricFingerprint(of: representative) == model.symmetricFingerprint(of: world))
        }
    }

    /// The smallest fingerprint over every renaming: canonical by construction, the reduction the
    /// checker made before the sort.
    static func everyRenamingFingerprint(of world: World) -> UInt64 {
        everyRenaming(world.servers.count).map { world.renamed(by: $0)!.searchFingerprint }.min()!
    }

    @Test("Two 3-server worlds share a class fingerprint exactly when some renaming relates them")
    func classesAreRenamingClasses() {
        var prng = PRNG(seed: 11)
        var worlds = Self.sampledWorlds(servers: 3, walks: 30, steps: 30)
        // Renamed copies, so that classes have several members to agree on.
        worlds += worlds.prefix(400).map { $0.renamed(by: Self.randomRenaming(3, &prng))! }
        var classes = ClassAgreement()
        for world in worlds {
            let fingerprint = Self.model3.symmetricFingerprint(of: world)
            let renamingClass = Self.everyRenamingFingerprint(of: world)
            classes.record(fingerprint: fingerprint, renamingClass: renamingClass)
        }
        #expect(classes.classCount > 500)
    }

    /// A change to these counts changes what symmetry reduction merges: review it.
    ///
    /// At 3 servers the sort is canonical on every reachable world, so it visits exactly as many
    /// classes as trying every renaming does (`EveryRenaming`).
    @Test("Pinned distinct-state counts with symmetry at 3 and 5 servers")
    func pinnedCounts() {
        let election = SmallSpecs.decode(SmallSpecs.election)
        let reduced = check(election) { $0.symmetry = true }
        var options = CheckerOptions()
        options.maxDepth = election.world.maxDepth
        options.symmetry = true
        let everyRenaming = Checker(
            EveryRenaming(base: RaftModel(rules: WorldRules(spec: election.world))), options: options
        )
        .run()
        #expect(reduced.verdictName == "pass")
        #expect(reduced.distinctStates == everyRenaming.distinctStates)
        #expect(reduced.distinctStates == 5_727)

        let five = SmallSpecs.decode(SmallSpecs.election5)
        let plain = check(five)
        let reducedFive = check(five) { $0.symmetry = true }
        #expect(plain.verdictName == "pass" && reducedFive.verdictName == "pass")
        #expect(plain.distinctStates == 83_771)
        #expect(reducedFive.distinctStates == 863)
    }

    @Test(
        "Symmetric and plain runs agree on the verdict and the property, for the correct Raft and every mutant",
        arguments: [nil] + Mutant.allCases.filter { !$0.isLivenessOnly }.map(Optional.some))
    func verdictsAgree(_ mutant: Mutant?) {
        for text in [SmallSpecs.election, SmallSpecs.replication] {
            let spec = SmallSpecs.decode(text)
            let plain = check(spec, mutant: mutant)
            let reduced = check(spec, mutant: mutant) { $0.symmetry = true }
            #expect(plain.verdictName == reduced.verdictName, "\(spec.world.name) \(mutant?.name ?? "correct")")
            if case .violated(let a) = plain.verdict, case .violated(let b) = reduced.verdict {
                #expect(a.violation.property == b.violation.property)
                // Breadth-first: both find a shortest path, so of the same length.
                #expect(a.actions.count == b.actions.count)
            }
        }
    }
}

extension SmallSpecs {
    /// One election among 5 servers: terms up to 1, no commands, no faults.
    static let election5 = """
        {"name": "small-election-5", "servers": 5,
         "bounds": {"maxTerm": 1, "maxClientRequests": 0, "maxInFlight": 8, "maxDepth": 8},
         "faults": [], "expect": "pass"}
        """
}

/// The Raft model with the reduction the checker made before the sort: every renaming tried.
struct EveryRenaming: Model {
    let base: RaftModel
    var initialStates: [World] { base.initialStates }
    func actions(in state: World, into actions: inout [Action]) { base.actions(in: state, into: &actions) }
    func nextState(from state: World, taking action: Action) -> World? { base.nextState(from: state, taking: action) }
    func fingerprint(of state: World) -> UInt64 { state.searchFingerprint }
    func violation(in state: World) -> PropertyViolation? { base.violation(in: state) }
    func violation(in state: World, after action: Action, from previous: World, stateAlreadySeen: Bool)
        -> PropertyViolation?
    {
        base.violation(in: state, after: action, from: previous, stateAlreadySeen: stateAlreadySeen)
    }
    func symmetricFingerprint(of state: World) -> UInt64 { SymmetryTests.everyRenamingFingerprint(of: state) }
}

/// What symmetry must hold for sampled worlds: two worlds share a class fingerprint exactly when
/// one is a renaming of the other.
///
/// Each test records every world's class fingerprint next to the fingerprint of its renaming
/// class (`everyRenamingFingerprint`); a fingerprint met with two renaming classes merged
/// classes, a renaming class met with two fingerprints split one.
struct ClassAgreement {
    private var classByFingerprint: [UInt64: UInt64] = [:]
    private var fingerprintByClass: [UInt64: UInt64] = [:]

    /// How many renaming classes were recorded.
    var classCount: Int { fingerprintByClass.count }

    mutating func record(
        fingerprint: UInt64, renamingClass: UInt64, sourceLocation: SourceLocation = #_sourceLocation
    ) {
        #expect(
            classByFingerprint[fingerprint, default: renamingClass] == renamingClass, "merged two classes",
            sourceLocation: sourceLocation)
        #expect(
            fingerprintByClass[renamingClass, default: fingerprint] == fingerprint, "split a class",
            sourceLocation: sourceLocation)
        classByFingerprint[fingerprint] = renamingClass
        fingerprintByClass[renamingClass] = fingerprint
    }
}
