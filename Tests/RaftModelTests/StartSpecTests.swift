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
