import Foundation
import ModelChecking
import RaftTestSupport
import Testing

@testable import RaftCore
@testable import RaftModel
@testable import RaftSimulation

private func load(_ name: String) -> CheckSpec {
    let text = try! String(contentsOf: Repository.root.appendingPathComponent("specs/\(name).json"), encoding: .utf8)
    return try! CheckSpec.decode(text)
}

/// Checks the first `depth` levels of `spec`, looking for the situations it lists.
private func checkReaching(_ spec: CheckSpec, depth: Int) -> CheckReport<RaftModel> {
    var options = CheckerOptions()
    options.maxDepth = depth
    var model = RaftModel(rules: WorldRules(spec: spec.world), properties: spec.properties)
    model.situations = spec.reach
    return Checker(model, options: options).run()
}

@Suite("specs/snapshots-*.json: log compaction under the checker (section 7)")
struct SnapshotSpecTests {
    static let crash = load("snapshots-crash")
    static let partition = load("snapshots-partition")

    /// A change to these counts changes what the checker explores: review it, do not just update it.
    ///
    /// The specs' first 12 levels, which a debug build explores in seconds; CI checks the whole
    /// specs with the release build (snapshots-crash 908,373 distinct states at depth 16,
    /// snapshots-partition 1,169,080 at depth 14).
    @Test("The correct Raft passes both specs, over pinned numbers of distinct states, and compacts within them")
    func pinnedCounts() {
        let crash = checkReaching(Self.crash, depth: 12)
        let partition = checkReaching(Self.partition, depth: 12)
        #expect(crash.verdictName == "pass")
        #expect(partition.verdictName == "pass")
        #expect(crash.distinctStates == 149_108)
        #expect(partition.distinctStates == 391_573)
        let reachedByCrash = crash.situations.filter { $0.witness != nil }.map(\.name)
        #expect(reachedByCrash.contains("snapshot-installed") && reachedByCrash.contains("snapshot-recovered"))
        let reachedByPartition = partition.situations.filter { $0.witness != nil }.map(\.name)
        #expect(reachedByPartition.contains("snapshot-installed"))
    }

    @Test("Without maxSnapshots the snapshot specs' bounds explore exactly what they did before compaction existed")
    func snapshotsOffChangesNothing() {
        var spec = Self.partition
        spec.world.maxSnapshots = 0
        let report = check(spec) { $0.maxDepth = 10 }
        var figure2 = Self.partition
        figure2.world = WorldSpec(
            name: spec.world.name, servers: 3, maxTerm: 2, maxClientRequests: 2, maxCrashes: 0, maxInFlight: 3,
            maxDrops: 0, maxDuplicates: 0, maxPartitions: 1, maxDepth: 14)
        #expect(report.distinctStates == check(figure2) { $0.maxDepth = 10 }.distinctStates)
        #expect(report.distinctStates < checkReaching(Self.partition, depth: 10).distinctStates)
    }
}
