import Foundation
import ModelChecking
import RaftTestSupport
import Testing

@testable import RaftCore
@testable import RaftModel
@testable import RaftSimulation

/// The Raft world, with one "property" that fails the moment `reached` holds for a step: a
/// breadth-first search then proves the step reachable within the spec's bounds, by a shortest
/// path, and stops there.
private struct Reaching: Model {
    let raft: RaftModel
    let name: String
    let reached: @Sendable (_ before: World, _ action: RaftSimulation.Action, _ after: World) -> Bool

    var initialStates: [World] { raft.initialStates }
    func actions(in state: World, into actions: inout [RaftSimulation.Action]) {
        raft.actions(in: state, into: &actions)
    }
    func nextState(from state: World, taking action: RaftSimulation.Action) -> World? {
        raft.nextState(from: state, taking: action)
    }
    func fingerprint(of state: World) -> UInt64 { raft.fingerprint(of: state) }
    func violation(in state: World) -> PropertyViolation? { nil }
    func violation(
        in state: World, after action: RaftSimulation.Action, from previous: World, stateAlreadySeen: Bool
    ) -> PropertyViolation? {
        reached(previous, action, state) ? PropertyViolation(property: name, detail: "reached") : nil
    }
}

/// The flow control of `world`'s leader, if one leads with pipelining.
private func progress(in world: World) -> RaftCore.Progress? {
    for server in world.servers {
        if case .leader(let progress)? = server.node?.role, progress.isPipelined { return progress }
    }
    return nil
}

@Suite("specs/pipelined-replication.json: every replication switch on, under the checker")
struct PipelinedReplicationSpecTests {
    static let spec: CheckSpec = {
        let text = try! String(
            contentsOf: Repository.root.appendingPathComponent("specs/pipelined-replication.json"), encoding: .utf8)
        return try! CheckSpec.decode(text)
    }()

    /// The shortest path (in steps) to a step where `reached` holds, or nil when the spec's bounds
    /// never let it happen.
    static func shortestPath(
        to name: String,
        _ reached: @escaping @Sendable (World, RaftSimulation.Action, World) -> Bool
    ) -> Int? {
        let model = Reaching(
            raft: RaftModel(rules: WorldRules(spec: spec.world), properties: spec.properties), name: name,
            reached: reached)
        var options = CheckerOptions()
        options.maxDepth = spec.world.maxDepth
        guard case .violated(let counterexample) = Checker(model, options: options).run().verdict else { return nil }
        return counterexample.actions.count
    }

    /// A change to these counts changes what the checker explores: review it, do not just update it.
    ///
    /// The spec's first 12 levels here, which a debug build explores in seconds; CI checks the
    /// whole spec (14 levels, 1,686,502 distinct states) with the release build.
    @Test("The correct Raft passes, over a pinned number of distinct states")
    func pinnedCount() {
        let report = check(Self.spec) { $0.maxDepth = 12 }
        #expect(report.verdictName == "pass")
        #expect(report.distinctStates == 622_889)
    }

    @Test("The spec reaches what it is for: a full window, a hinted rejection and a fall back to probing")
    func reachesEveryMechanism() {
        let fullWindow = Self.shortestPath(to: "full-window") { _, _, after in
            progress(in: after)?.inflight.contains { $0.count == 2 } ?? false
        }
        let hint = Self.shortestPath(to: "hinted-rejection") { _, _, after in
            after.network.contains {
                if case .appendEntriesResponse(let response) = $0.message { return response.hasHint }
                return false
            }
        }
        let fallback = Self.shortestPath(to: "probe-fallback") { before, action, after in
            guard case .deliver(let envelope) = action, case .appendEntriesResponse(let response) = envelope.message,
                !response.success, let was = progress(in: before), let now = progress(in: after)
            else { return false }
            return was.flow[envelope.from.index] == .replicate && now.flow[envelope.from.index] == .probe
        }
        #expect(fullWindow == 10)
        #expect(hint == 11)
        #expect(fallback == 12)
    }
}
