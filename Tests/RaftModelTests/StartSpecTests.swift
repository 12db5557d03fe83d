import Foundation
import ModelChecking
import RaftTestSupport
import Testing

@testable import RaftCore
@testable import RaftModel
@testable import RaftSimulation

/// Checks `spec` as `raftlab check` does: from the world its `start` steps reach, with the depth
/// bound less the prefix, and the report restated from the initial world.
func checkFromStart(
    _ spec: CheckSpec, mutant: Mutant? = nil, _ configure: (inout CheckerOptions) -> Void = { _ in }
) throws -> CheckReport<RaftModel> {
    let rules = WorldRules(spec: spec.world, mutant: mutant)
    var model = RaftModel(rules: rules, properties: spec.properties)
    let path = try spec.startPath(rules: rules)
    model.startWorld = path.last ?? rules.initialWorld
    if spec.expectation(under: mutant) == .pass { model.situations = spec.reach }
    var options = CheckerOptions()
    options.maxDepth = spec.world.maxDepth
    options.symmetry = spec.symmetry
    configure(&options)
    options.maxDepth -= spec.start.count
    return Checker(model, options: options).run().restated(
        afterStart: spec.start, path: path, from: rules.initialWorld)
}

/// A spec's `start`: the search explores from the state a replayed prefix reaches, as TLC
/// explores from a given initial state.
@Suite("Check specs with a start")
struct StartSpecTests {
    static func text(_ path: String) throws -> String {
        try String(contentsOf: Repository.root.appendingPathComponent(path), encoding: .utf8)
    }

    /// The JSON object of a repository file, to edit into test specs.
    static func object(_ path: String) throws -> [String: Any] {
        try JSONSerialization.jsonObject(with: Data(text(path).utf8)) as! [String: Any]
    }

    /// `specs/mutants/commit-previous-term.json` starting from the first `steps` steps of its
    /// saved shortest counterexample (`corpus/mutants/commit-previous-term.json`, 20 steps).
    static func figure8Three(startingAfter steps: Int) throws -> [String: Any] {
        var spec = try object("specs/mutants/commit-previous-term.json")
        let trace = try object("corpus/mutants/commit-previous-term.json")
        spec["start"] = Array((trace["steps"] as! [Any]).prefix(steps))
        return spec
    }

    static func decodeError(_ object: [String: Any]) -> InputError? {
        do {
            _ = try CheckSpec.decode(CheckSpecTests.text(object))
            return nil
        } catch {
            return error
        }
    }

    // MARK: - The 5-server Figure 8 specs

    /// The Raft paper's Figure 8 (a)-(b) (section 5.4.2), built by real steps.
    ///
    /// Every server holds index 1 of term 1, committed; s1 led term 2 and replicated index 2 to
    /// s2 only; s5 leads term 3 with its own index 2.
    @Test("specs/figure-8-5.json and its mutant spec start from Figure 8 (a)-(b) (section 5.4.2)")
    func figure8Start() throws {
        let correct = try CheckSpec.decode(Self.text("specs/figure-8-5.json"))
        let mutant = try CheckSpec.decode(Self.text("specs/mutants/figure-8-5.json"))
        #expect(mutant.mutant == .commitPreviousTerm)
        #expect(correct.start == mutant.start && correct.world == mutant.world)
        #expect(correct.world.servers == 5 && correct.start.count == 75)
        let world = try correct.startWorld(rules: WorldRules(spec: correct.world))
        let underMutant = try mutant.startWorld(rules: WorldRules(spec: mutant.world, mutant: .commitPreviousTerm))
        for start in [world, underMutant] {
            let terms = start.servers.map { server in
                (1...server.node!.log.lastIndex).map { server.node!.log.term(at: $0)! }
            }
            #expect(terms == [[1, 2], [1, 2], [1], [1], [1, 3]])
        }
        #expect(underMutant.searchFingerprint == world.searchFingerprint)
        #expect(world.currentLeaders.map(\.id) == [NodeID(4)])
        #expect(world.servers.allSatisfy { $0.node!.currentTerm == 3 && $0.node!.commitIndex == 1 })
        #expect(world.ghost.committed.count == 1 && world.network.isEmpty)
        // The start spends the budgets the search must not use again: no new command, no idle
        // heartbeat, no partition; two elections are left, for terms 4 and 5.
        #expect(world.spent.clientRequests == 3 && world.spent.heartbeats == 1 && world.spent.partitions == 1)
        #expect(world.spent.elections == 3 && correct.world.maxElections == 5)
    }

    /// A change to these counts changes what the checker explores: review it, do not just update it.
    ///
    /// The first 9 levels past the start, which a debug build explores in seconds; CI checks each
    /// whole spec with the release build (figure-8-5: 981,870 distinct states to depth 93; the
    /// mutant spec: caught at depth 93, 18 steps past the start). Without symmetry: the start
    /// tells the servers apart, and with it the search visits only 0.2% fewer states.
    @Test("Both Figure 8 specs pass their first 9 levels past the start over a pinned count, every situation reached")
    func pinnedCounts() throws {
        for path in ["specs/figure-8-5.json", "specs/mutants/figure-8-5.json"] {
            let spec = try CheckSpec.decode(Self.text(path))
            #expect(!spec.symmetry && !spec.depthFirst && spec.world.maxDepth == 93)
            let report = try checkFromStart(spec, mutant: spec.mutant) {
                $0.maxDepth = 84
                $0.workers = 2
            }
            #expect(report.verdictName == "pass", "\(path)")
            #expect(report.distinctStates == 22_341, "\(path)")
            #expect(report.maxDepthReached == 84, "\(path)")
            #expect(report.situations.allSatisfy { $0.witness != nil }, "\(path)")
        }
    }

    // MARK: - Searching from a start

    @Test("A search from a prefix finds the rest of Figure 8, and its counterexample replays from the initial world")
    func searchFromPrefix() throws {
        let spec = try CheckSpec.decode(CheckSpecTests.text(Self.figure8Three(startingAfter: 10)))
        #expect(spec.start.count == 10)
        let rules = WorldRules(spec: spec.world, mutant: .commitPreviousTerm)
        let report = try checkFromStart(spec, mutant: .commitPreviousTerm) { $0.workers = 2 }
        guard case .violated(let counterexample) = report.verdict else {
            Issue.record("commit-previous-term not caught from the prefix: \(report.verdictName)")
            return
        }
        #expect(counterexample.actions.count == 20)
        #expect(Array(counterexample.actions.prefix(10)) == spec.start)
        #expect(counterexample.initialState == rules.initialWorld)
        #expect(counterexample.states.count == 20)
        #expect(report.maxDepthReached == 20)
        var replay = ReplayChooser(recorded: counterexample.actions)
        let replayed = try rules.run(chooser: &replay, maxSteps: counterexample.actions.count)
        #expect(replayed.violation?.invariant == .leaderCompleteness)
        #expect(replayed.violation?.step == 20)
        #expect(replayed.finalWorld == counterexample.states.last)
    }

    @Test("Depth counts from the initial world: maxDepth bounds prefix and search together")
    func depthFromInitialWorld() throws {
        let spec = try CheckSpec.decode(CheckSpecTests.text(Self.figure8Three(startingAfter: 10)))
        // 19 steps in all leave 9 past the prefix, one short of the counterexample.
        let report = try checkFromStart(spec, mutant: .commitPreviousTerm) {
            $0.maxDepth = 19
            $0.workers = 2
        }
        #expect(report.verdictName == "pass")
        #expect(report.maxDepthReached == 19)
        #expect(report.coverage == .exhaustiveWithinDepth(depthBound: 19))
    }

    // MARK: - Prefixes that do not replay

    @Test("A step the world does not enable where it is taken names the step")
    func notEnabled() throws {
        var spec = try Self.figure8Three(startingAfter: 10)
        var steps = spec["start"] as! [Any]
        steps.swapAt(1, 2)
        spec["start"] = steps
        let error = Self.decodeError(spec)
        #expect(error?.path == "start[1]")
        #expect(error?.message.contains("step 2,") == true)
        #expect(error?.message.contains("is not enabled") == true)
    }

    /// The vote-twice example trace (`corpus/examples/vote-twice-seed-6.json`) breaks Election
    /// Safety at its 12th step under its mutant: as a start it would put the search past a
    /// violation.
    @Test("A prefix that violates an invariant under the spec's mutant names the step and the invariant")
    func violatingPrefix() throws {
        let trace = try Self.object("corpus/examples/vote-twice-seed-6.json")
        let bounds = trace["spec"] as! [String: Any]
        var spec: [String: Any] = [
            "name": "t", "servers": 3, "faults": ["drop", "duplicate", "crash", "partition"],
            "expect": "violation:election-safety", "mutant": "vote-twice", "start": trace["steps"]!,
        ]
        spec["bounds"] = bounds.filter { !["name", "servers"].contains($0.key) }
        let error = Self.decodeError(spec)
        #expect(error?.path == "start[11]")
        #expect(error?.message.contains("step 12 violates election-safety") == true)
        // The correct Raft never votes twice: s1 refuses s3, so there is no granted vote to deliver.
        spec.removeValue(forKey: "mutant")
        spec["expect"] = "pass"
        #expect(
            Self.decodeError(spec)?.description.hasPrefix("start[11]: step 12, deliver RequestVoteResponse") == true)
    }

    @Test("A malformed start is refused with the field named")
    func malformedStart() throws {
        let base = try Self.figure8Three(startingAfter: 10)
        let cases: [(String, (inout [String: Any]) -> Void)] = [
            ("start", { $0["start"] = [Any]() }),
            ("start", { $0["start"] = "figure-8.start.json" }),
            ("start[0].server", { $0["start"] = [["action": "electionTimeout", "server": "s9"]] }),
            ("start[0].action", { $0["start"] = [["action": "teleport"]] }),
            (
                "bounds.maxDepth",
                { spec in
                    var bounds = spec["bounds"] as! [String: Any]
                    bounds["maxDepth"] = 10
                    spec["bounds"] = bounds
                }
            ),
        ]
        for (field, edit) in cases {
            var object = base
            edit(&object)
            let error = Self.decodeError(object)
            #expect(error?.path == field, "\(error?.description ?? "accepted") should name \(field)")
        }
    }
}
