import Foundation
import ModelChecking
import RaftTestSupport
import Testing

@testable import RaftCore
@testable import RaftModel
@testable import RaftSimulation

/// The 5-server specs CI checks, with symmetry reduction.
@Suite("5-server specs")
struct FiveServerSpecTests {
    static func spec(_ name: String) throws -> CheckSpec {
        let file = CheckSpecTests.specsDirectory.appendingPathComponent("\(name).json")
        return try CheckSpec.decode(String(contentsOf: file, encoding: .utf8))
    }

    /// A change to these counts changes what the checker explores in CI: review it.
    @Test(
        "Each 5-server spec passes with its pinned distinct-state count",
        arguments: [("election-5", 164_447), ("replication-5", 224_405), ("partitions-5", 203_454)])
    func pinnedCounts(_ name: String, _ distinctStates: Int) throws {
        let spec = try Self.spec(name)
        #expect(spec.world.servers == 5)
        #expect(spec.symmetry)
        let report = check(spec) {
            $0.symmetry = true
            $0.workers = 2
        }
        #expect(report.verdictName == "pass")
        #expect(report.distinctStates == distinctStates)
    }

    /// What each spec's description promises it reaches: a leader (3 votes of 5), a committed
    /// command, a command committed while the cluster is split.
    @Test(
        "Each 5-server spec reaches what its description says",
        arguments: [("election-5", Goal.leader), ("replication-5", .commit), ("partitions-5", .commitWhilePartitioned)])
    func reachesItsGoal(_ name: String, _ goal: Goal) throws {
        let spec = try Self.spec(name)
        var options = CheckerOptions()
        options.maxDepth = spec.world.maxDepth
        options.strategy = .depthFirst
        options.symmetry = true
        let model = GoalModel(base: RaftModel(rules: WorldRules(spec: spec.world)), goal: goal)
        let report = Checker(model, options: options).run()
        guard case .violated(let found) = report.verdict else {
            Issue.record("\(name): \(goal) not reached")
            return
        }
        #expect(found.violation.property == "reached")
        #expect(found.actions.count <= spec.world.maxDepth)
    }

    enum Goal: Sendable, CustomStringConvertible {
        case leader, commit, commitWhilePartitioned

        func isMet(in world: World) -> Bool {
            switch self {
            case .leader: !world.currentLeaders.isEmpty
            case .commit: !world.ghost.committed.isEmpty
            case .commitWhilePartitioned: world.partition != nil && !world.ghost.committed.isEmpty
            }
        }

        var description: String {
            switch self {
            case .leader: "a leader"
            case .commit: "a commit"
            case .commitWhilePartitioned: "a commit while partitioned"
            }
        }
    }
}

/// The Raft model with one property: the goal is not met.
///
/// The checker's counterexample is then a
/// path to the goal.
struct GoalModel: Model {
    let base: RaftModel
    let goal: FiveServerSpecTests.Goal
    var initialStates: [World] { base.initialStates }
    func actions(in state: World, into actions: inout [Action]) { base.actions(in: state, into: &actions) }
    func nextState(from state: World, taking action: Action) -> World? { base.nextState(from: state, taking: action) }
    func fingerprint(of state: World) -> UInt64 { base.fingerprint(of: state) }
    func symmetricFingerprint(of state: World) -> UInt64 { base.symmetricFingerprint(of: state) }
    func violation(in state: World) -> PropertyViolation? {
        goal.isMet(in: state) ? PropertyViolation(property: "reached", detail: "\(goal)") : nil
    }
}
