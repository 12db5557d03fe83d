import ModelChecking
import Testing

@testable import RaftCore
@testable import RaftModel
@testable import RaftSimulation

/// Small specs, written as spec files are, so that decoding is exercised too.
enum SmallSpecs {
    /// Elections only: 3 servers, terms up to 2, no commands, no faults.
    static let election = """
        {"name": "small-election", "servers": 3,
         "bounds": {"maxTerm": 2, "maxClientRequests": 0, "maxInFlight": 4, "maxDepth": 10},
         "faults": [], "expect": "pass"}
        """
    /// One command replicated in term 1, with a crash.
    static let replication = """
        {"name": "small-replication", "servers": 3,
         "bounds": {"maxTerm": 1, "maxClientRequests": 1, "maxCrashes": 1, "maxInFlight": 2, "maxDepth": 12},
         "faults": ["crash"], "expect": "pass"}
        """

    static func decode(_ text: String) -> CheckSpec { try! CheckSpec.decode(text) }
}

func check(
    _ spec: CheckSpec, mutant: Mutant? = nil, _ configure: (inout CheckerOptions) -> Void = { _ in }
) -> CheckReport<RaftModel> {
    var options = CheckerOptions()
    options.maxDepth = spec.world.maxDepth
    configure(&options)
    let model = RaftModel(rules: WorldRules(spec: spec.world, mutant: mutant), properties: spec.properties)
    return Checker(model, options: options).run()
}

@Suite("The Raft world under the model checker")
struct RaftModelTests {
    /// A change to these counts changes what the checker explores: review it, do not just update it.
    @Test("Pinned distinct-state counts for two small specs")
    func pinnedCounts() {
        let election = check(SmallSpecs.decode(SmallSpecs.election))
        let replication = check(SmallSpecs.decode(SmallSpecs.replication))
        #expect(election.verdictName == "pass")
        #expect(replication.verdictName == "pass")
        #expect(election.distinctStates == 34_242)
        #expect(replication.distinctStates == 3_461)
    }

    @Test("One and two workers explore exactly the same states")
    func workersAgree() {
        let spec = SmallSpecs.decode(SmallSpecs.replication)
        let one = check(spec) { $0.batchSize = 64 }
        let two = check(spec) {
            $0.batchSize = 64
            $0.workers = 2
        }
        #expect(one.distinctStates == two.distinctStates)
        #expect(one.totalStates == two.totalStates)
    }

    /// §5.2: one vote per term.
    ///
    /// The `vote-twice` mutant forgets that; BFS must find two leaders of one term by the shortest
    /// path, and no shorter path may exist.
    @Test("BFS finds a shortest counterexample for vote-twice, and it replays in the simulator (§5.2)")
    func shortestCounterexample() throws {
        let spec = SmallSpecs.decode(SmallSpecs.election)
        let report = check(spec, mutant: .voteTwice)
        guard case .violated(let counterexample) = report.verdict else {
            Issue.record("vote-twice not caught: \(report.verdictName)")
            return
        }
        #expect(counterexample.violation.property == InvariantID.electionSafety.rawValue)
        let length = counterexample.actions.count
        // Minimal: with one step less, the whole space is clean.
        let shorter = check(spec, mutant: .voteTwice) { $0.maxDepth = length - 1 }
        #expect(shorter.verdictName == "pass")
        // The path is concrete: the simulator replays it to the same violation.
        var replay = ReplayChooser(recorded: counterexample.actions)
        let result = try WorldRules(spec: spec.world, mutant: .voteTwice).run(chooser: &replay, maxSteps: length)
        #expect(result.violation?.invariant == .electionSafety)
        #expect(result.violation?.step == length)
    }

    @Test("Symmetry reduction keeps verdicts, stores fewer states, and its counterexamples replay")
    func symmetry() throws {
        let spec = SmallSpecs.decode(SmallSpecs.election)
        let plain = check(spec)
        let reduced = check(spec) { $0.symmetry = true }
        #expect(plain.verdictName == "pass" && reduced.verdictName == "pass")
        #expect(reduced.distinctStates < plain.distinctStates)

        let broken = check(spec, mutant: .voteTwice) { $0.symmetry = true }
        guard case .violated(let counterexample) = broken.verdict,
            case .violated(let unreduced) = check(spec, mutant: .voteTwice).verdict
        else {
            Issue.record("vote-twice not caught with symmetry")
            return
        }
        #expect(counterexample.actions.count == unreduced.actions.count)
        var replay = ReplayChooser(recorded: counterexample.actions)
        let result = try WorldRules(spec: spec.world, mutant: .voteTwice).run(
            chooser: &replay, maxSteps: counterexample.actions.count)
        #expect(result.violation?.invariant == .electionSafety)
    }
}
