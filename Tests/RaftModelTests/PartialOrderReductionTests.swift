import Foundation
import ModelChecking
import Synchronization
import Testing

@testable import RaftCore
@testable import RaftModel
@testable import RaftSimulation

/// The Raft model with every fingerprint the search computes written down: the set of states a
/// search generated, to compare two searches state by state rather than by count.
private struct FingerprintRecordingModel: Model {
    let base: RaftModel
    let recorded = FingerprintRecord()

    var initialStates: [World] { base.initialStates }
    func actions(in state: World, into actions: inout [Action]) { base.actions(in: state, into: &actions) }
    func nextState(from state: World, taking action: Action) -> World? { base.nextState(from: state, taking: action) }
    func fingerprint(of state: World) -> UInt64 {
        let fingerprint = base.fingerprint(of: state)
        recorded.insert(fingerprint)
        return fingerprint
    }
    func violation(in state: World) -> PropertyViolation? { base.violation(in: state) }
    func violation(in state: World, after action: Action, from previous: World, stateAlreadySeen: Bool)
        -> PropertyViolation?
    { base.violation(in: state, after: action, from: previous, stateAlreadySeen: stateAlreadySeen) }
    var packsStates: Bool { base.packsStates }
    func pack(_ state: World, into bytes: PackedBytes) { base.pack(state, into: bytes) }
    func unpack(_ bytes: UnsafeRawBufferPointer) -> World { base.unpack(bytes) }
    func areIndependent(
        _ first: Action, leadingTo firstNext: World, _ second: Action, leadingTo secondNext: World, in state: World
    ) -> Bool { base.areIndependent(first, leadingTo: firstNext, second, leadingTo: secondNext, in: state) }
    func isSameAction(_ first: Action, _ second: Action) -> Bool { base.isSameAction(first, second) }
}

private final class FingerprintRecord: Sendable {
    private let fingerprints = Mutex<Set<UInt64>>([])

    func insert(_ fingerprint: UInt64) { fingerprints.withLock { _ = $0.insert(fingerprint) } }
    var all: Set<UInt64> { fingerprints.withLock { $0 } }
}

/// Small specs that exercise what the independence relation must be careful about.
private enum ReductionSpecs {
    /// Figure 8's bounds cut short: one election per term, no idle heartbeats, stale messages
    /// discarded (a term rise drops messages network-wide), a tight network (`maxInFlight`).
    static let boundedElections = """
        {"name": "por-bounded", "servers": 3,
         "bounds": {"maxTerm": 3, "maxClientRequests": 1, "maxInFlight": 3, "maxDepth": 11,
                    "maxElections": 2, "maxHeartbeats": 1},
         "discardStaleMessages": true, "faults": [], "expect": "pass"}
        """
    /// Pre-vote and CheckQuorum on, with a crash and a partition.
    static let preVote = """
        {"name": "por-prevote", "servers": 3, "protocol": {"preVote": true, "checkQuorum": true},
         "bounds": {"maxTerm": 2, "maxClientRequests": 1, "maxInFlight": 2, "maxCrashes": 1, "maxPartitions": 1,
                    "maxDepth": 9},
         "faults": ["crash", "partition"], "expect": "pass"}
        """
}

@Suite("Partial-order reduction by sleep sets: the same states and verdicts, fewer transitions")
struct PartialOrderReductionTests {
    private static func search(
        _ spec: CheckSpec, mutant: Mutant? = nil, reduces: Bool, workers: Int = 1, symmetry: Bool = false
    ) -> (report: CheckReport<FingerprintRecordingModel>, fingerprints: Set<UInt64>) {
        let model = FingerprintRecordingModel(
            base: RaftModel(
                rules: WorldRules(spec: spec.world, mutant: mutant ?? spec.mutant), properties: spec.properties))
        var options = CheckerOptions()
        options.maxDepth = spec.world.maxDepth
        options.workers = workers
        options.symmetry = symmetry
        options.batchSize = 256
        options.partialOrderReduction = reduces
        let report = Checker(model, options: options).run()
        return (report, model.recorded.all)
    }

    /// Godefroid (1996), chapter 5: sleep sets prune transitions, never states.
    @Test(
        "With and without sleep sets, a search generates exactly the same set of states",
        arguments: [
            SmallSpecs.election, SmallSpecs.replication, ReductionSpecs.boundedElections, ReductionSpecs.preVote,
        ])
    func sameStates(text: String) throws {
        let spec = try CheckSpec.decode(text)
        let full = Self.search(spec, reduces: false)
        for workers in [1, 2] {
            let reduced = Self.search(spec, reduces: true, workers: workers)
            #expect(reduced.report.distinctStates == full.report.distinctStates)
            #expect(reduced.fingerprints == full.fingerprints, "\(spec.world.name): states lost or gained")
            #expect(reduced.report.maxDepthReached == full.report.maxDepthReached)
            #expect(reduced.report.verdictName == full.report.verdictName)
            #expect(reduced.report.sleptTransitions > 0, "\(spec.world.name): nothing was reduced")
            #expect(reduced.report.totalStates < full.report.totalStates)
        }
    }

    @Test("Under symmetry reduction too, sleep sets leave the distinct states as they are")
    func sameStatesUnderSymmetry() throws {
        for text in [SmallSpecs.election, ReductionSpecs.boundedElections] {
            let spec = try CheckSpec.decode(text)
            let full = Self.search(spec, reduces: false, symmetry: true)
            let reduced = Self.search(spec, reduces: true, symmetry: true)
            #expect(reduced.report.distinctStates == full.report.distinctStates)
            #expect(reduced.report.sleptTransitions > 0)
        }
    }

    /// Every mutant spec that is affordable in a debug build: the same verdict, the same
    /// violated property, and a counterexample of the same (shortest) length.
    @Test(
        "Mutant specs give the same verdict with and without sleep sets",
        arguments: [
            "vote-twice", "count-stale-vote", "match-from-stale-reply", "truncate-on-stale-append",
            "vote-without-log-check", "append-after-stepdown", "forget-vote-on-restart", "pre-vote-despite-leader",
            "check-quorum-self-twice",
        ])
    func sameVerdictOnMutants(name: String) throws {
        let text = try String(
            contentsOf: CheckSpecTests.specsDirectory.appendingPathComponent("mutants/\(name).json"), encoding: .utf8)
        let spec = try CheckSpec.decode(text)
        let full = Self.search(spec, reduces: false).report
        let reduced = Self.search(spec, reduces: true, workers: 2).report
        #expect(full.verdictName == "violation")
        #expect(reduced.verdictName == full.verdictName)
        guard case .violated(let expected) = full.verdict, case .violated(let found) = reduced.verdict else { return }
        #expect(found.violation.property == expected.violation.property)
        #expect(found.actions.count == expected.actions.count)
    }

    /// The claims of `Independence.swift`, checked where they are used: in every state of a
    /// search's first levels, each pair the relation calls independent is enabled after the
    /// other and reaches the same world in either order.
    @Test(
        "Each pair called independent commutes and neither disables the other",
        arguments: [SmallSpecs.replication, ReductionSpecs.boundedElections, ReductionSpecs.preVote])
    func independentPairsCommute(text: String) throws {
        let spec = try CheckSpec.decode(text)
        let rules = WorldRules(spec: spec.world)
        let model = RaftModel(rules: rules, properties: spec.properties)
        let checked = Self.commutingPairs(model, rules, levels: spec.world.maxDepth)
        #expect(checked.independent > 100)
        #expect(checked.failures.isEmpty, "\(checked.failures.prefix(3))")
    }

    @Test("Kinds the relation does not know are dependent with everything")
    func unknownKindsAreDependent() throws {
        let spec = try CheckSpec.decode(ReductionSpecs.preVote)
        let rules = WorldRules(spec: spec.world)
        let model = RaftModel(rules: rules, properties: spec.properties)
        let world = rules.initialWorld
        for action in [
            Action.crash(NodeID(0)), .restart(NodeID(0)), .clientRequest(NodeID(0), Command(key: 0, value: 1)), .heal,
            .partition(NodeSet(bits: 1)),
        ] {
            #expect(RaftModel.steppingServer(of: action) == nil)
            #expect(
                !model.areIndependent(
                    action, leadingTo: world, .electionTimeout(NodeID(1)), leadingTo: world, in: world))
        }
    }

    /// Walks the first `levels` breadth-first levels and checks every pair called independent.
    private static func commutingPairs(_ model: RaftModel, _ rules: WorldRules, levels: Int) -> (
        independent: Int, failures: [String]
    ) {
        var level = [rules.initialWorld]
        var seen: Set<World> = []
        var independent = 0
        var failures: [String] = []
        for _ in 0..<levels {
            var next: [World] = []
            for world in level {
                let actions = rules.enabledActions(in: world)
                let successors = actions.map { rules.successor(of: world, taking: $0) }
                for i in actions.indices {
                    for j in actions.indices where i < j {
                        guard
                            model.areIndependent(
                                actions[i], leadingTo: successors[i], actions[j], leadingTo: successors[j], in: world)
                        else { continue }
                        independent += 1
                        guard rules.isEnabled(actions[j], in: successors[i]),
                            rules.isEnabled(actions[i], in: successors[j])
                        else {
                            failures.append("disables: \(actions[i]) / \(actions[j])")
                            continue
                        }
                        let oneOrder = rules.successor(of: successors[i], taking: actions[j])
                        let otherOrder = rules.successor(of: successors[j], taking: actions[i])
                        if oneOrder != otherOrder || oneOrder.searchFingerprint != otherOrder.searchFingerprint {
                            failures.append("does not commute: \(actions[i]) / \(actions[j])")
                        }
                    }
                }
                for successor in successors where seen.insert(successor).inserted { next.append(successor) }
            }
            // An evenly spread sample of each level keeps the walk quick, deterministic and deep.
            let stride = max(1, next.count / 150)
            level = Swift.stride(from: 0, to: next.count, by: stride).map { next[$0] }
        }
        return (independent, failures)
    }
}
