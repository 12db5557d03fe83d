import Foundation
import ModelChecking
import RaftTestSupport
import Testing

@testable import RaftCore
@testable import RaftModel
@testable import RaftSimulation

/// The packed world (`Packing/WorldPacking.swift`) must rebuild every world exactly: the checker
/// queues worlds only as bytes, so a field the packer forgot would come back with its default and
/// the search would silently explore a different world.
@Suite("Packed worlds")
struct WorldPackingTests {
    static let specsDirectory = Repository.root.appendingPathComponent("specs")

    /// Every spec in specs/ and specs/mutants/, decoded.
    static func shippedSpecs() throws -> [CheckSpec] {
        var specs: [CheckSpec] = []
        for folder in [specsDirectory, specsDirectory.appendingPathComponent("mutants")] {
            let names = try FileManager.default.contentsOfDirectory(atPath: folder.path)
            for name in names.sorted() where name.hasSuffix(".json") {
                let text = try String(contentsOf: folder.appendingPathComponent(name), encoding: .utf8)
                specs.append(try CheckSpec.decode(text))
            }
        }
        return specs
    }

    /// Every protocol switch on at once: each adds state (pre-candidates, CheckQuorum's record,
    /// flow control and in-flight windows, batches, backtracking hints) the packer must carry.
    static let everySwitch = ProtocolOptions(
        preVote: true, checkQuorum: true, pipelineWindow: 2, maxEntriesPerAppend: 1, fastBacktracking: true,
        leaderNoOp: true)

    /// The worlds of the first levels of a breadth-first walk (at most `levelLimit` a level),
    /// then along seeded random runs, which reach the deep worlds: long logs, leaders with
    /// progress, messages carrying entries, ghost history.
    static func sampleWorlds(_ rules: WorldRules, levelLimit: Int = 400, seeds: ClosedRange<UInt64> = 1...12) -> [World]
    {
        var worlds = [rules.initialWorld]
        var level = worlds
        for _ in 0..<4 {
            level = Array(
                level.flatMap { world in
                    rules.enabledActions(in: world).map { rules.successor(of: world, taking: $0) }
                }.prefix(levelLimit))
            worlds += level
        }
        for seed in seeds {
            var driver = SeededChooser(seed: seed)
            var world = rules.initialWorld
            for step in 1...120 {
                let actions = rules.enabledActions(in: world)
                guard let choice = driver.choose(among: actions, in: world, step: step) else { break }
                rules.apply(actions[choice], to: &world)
                worlds.append(world)
            }
        }
        return worlds
    }

    /// `world` packed and unpacked by `model`.
    static func roundTrip(_ world: World, _ model: RaftModel) -> World {
        let bytes = PackedBytes()
        model.pack(world, into: bytes)
        return model.unpack(bytes.bytes(from: 0, to: bytes.count))
    }

    @Test(
        "unpack(pack(w)) == w over reachable worlds of every spec and mutant spec, as shipped and with every switch on")
    func roundTripEverySpec() throws {
        let specs = try Self.shippedSpecs()
        #expect(specs.count >= 20)
        var checked = 0
        var leaders = 0
        var entriesInFlight = 0
        for spec in specs {
            for options in [spec.world.options, Self.everySwitch] {
                var world = spec.world
                world.options = options
                let rules = WorldRules(spec: world, mutant: spec.mutant)
                let model = RaftModel(rules: rules)
                var lost: (world: World, back: World)? = nil
                for sample in Self.sampleWorlds(rules) {
                    let back = Self.roundTrip(sample, model)
                    if back != sample || back.searchFingerprint != sample.searchFingerprint {
                        lost = lost ?? (sample, back)
                    }
                    checked += 1
                    if !sample.currentLeaders.isEmpty { leaders += 1 }
                    if sample.network.contains(where: {
                        if case .appendEntries(let request) = $0.message { !request.entries.isEmpty } else { false }
                    }) {
                        entriesInFlight += 1
                    }
                }
                // One report per spec: the first world that came back different, both printed.
                #expect(
                    lost == nil,
                    "\(spec.world.name) [\(options.summary)]: a world did not survive packing: \(lost.map { "\($0.world)\nbecame\n\($0.back)" } ?? "")"
                )
            }
        }
        // The sample must reach the parts of a world that take most packing.
        #expect(checked > 20_000)
        #expect(leaders > 1_000)
        #expect(entriesInFlight > 100)
    }

    @Test("Queued packed or as values, a check explores the same states with the same figures", arguments: [1, 2])
    func packedQueueSearchesTheSame(workers: Int) {
        let spec = CheckSpec.builtInDefault
        var options = CheckerOptions()
        options.maxDepth = 9
        options.workers = workers
        var reports: [CheckReport<RaftModel>] = []
        for packs in [false, true] {
            var model = RaftModel(rules: WorldRules(spec: spec.world), properties: spec.properties)
            model.packsQueuedStates = packs
            reports.append(Checker(model, options: options).run())
        }
        #expect(reports[0].distinctStates == reports[1].distinctStates)
        #expect(reports[0].totalStates == reports[1].totalStates)
        #expect(reports[0].verdictName == reports[1].verdictName)
        #expect(reports[0].actionCounts.map(\.count) == reports[1].actionCounts.map(\.count))
    }

    @Test("Values with 1 worker, packed with 2, or packed and spilled past 1 KiB: the same states and counterexample")
    func spilledQueueSearchesTheSame() throws {
        let text = try String(
            contentsOf: Self.specsDirectory.appendingPathComponent("mutants/vote-twice.json"), encoding: .utf8)
        let spec = try CheckSpec.decode(text)
        var reports: [CheckReport<RaftModel>] = []
        for (packs, workers, threshold) in [(false, 1, Int.max), (true, 2, Int.max), (true, 2, 1 << 10)] {
            var model = RaftModel(
                rules: WorldRules(spec: spec.world, mutant: spec.mutant), properties: spec.properties)
            model.packsQueuedStates = packs
            var options = CheckerOptions()
            options.maxDepth = spec.world.maxDepth
            options.workers = workers
            options.queueSpillThresholdBytes = threshold
            reports.append(Checker(model, options: options).run())
        }
        var paths: [[Action]] = []
        for report in reports {
            #expect(report.distinctStates == reports[0].distinctStates)
            #expect(report.totalStates == reports[0].totalStates)
            guard case .violated(let counterexample) = report.verdict else {
                Issue.record("vote-twice must be caught whatever the queue")
                return
            }
            paths.append(counterexample.actions)
        }
        #expect(paths.allSatisfy { $0 == paths[0] })
    }

    @Test("Every entry payload survives packing: a command, a command whose key is the escape byte, a no-op")
    func entryPayloads() {
        let log = Log([
            Entry(term: 1, command: Command(key: 1, value: 300)), Entry(term: 2, command: Command(key: 0xFF, value: 7)),
            Entry(term: 3, payload: .noOp),
        ])
        var world = World(serverCount: 3, mutant: nil)
        world.servers[1].node = RaftNode(
            id: NodeID(1), serverCount: 3, restoring: DurableState(currentTerm: 3, log: log))
        world.servers[1].disk = DurableState(currentTerm: 3, log: log)
        let spec = WorldSpec(
            name: "payloads", servers: 3, maxTerm: 3, maxClientRequests: 1, maxCrashes: 0, maxInFlight: 2, maxDrops: 0,
            maxDuplicates: 0, maxPartitions: 0, maxDepth: 10)
        let model = RaftModel(rules: WorldRules(spec: spec))
        #expect(Self.roundTrip(world, model) == world)
    }
}
