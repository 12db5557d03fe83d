import Foundation
import ModelChecking
import RaftTestSupport
import Testing

@testable import RaftCore
@testable import RaftModel
@testable import RaftSimulation

/// The deep breadth-first specs: Figure 8 (`figure-8-bfs.json` and its mutant spec) and three
/// terms with message loss (`deep-loss.json`), made affordable by the search bounds.
@Suite("Deep breadth-first specs")
struct DepthSpecTests {
    static func spec(_ path: String) throws -> CheckSpec {
        try CheckSpec.decode(
            String(contentsOf: CheckSpecTests.specsDirectory.appendingPathComponent(path), encoding: .utf8))
    }

    /// A change to these counts changes what the checker explores: review it, do not just update it.
    ///
    /// The first 14 levels, which a debug build explores in seconds; CI checks each whole spec with
    /// the release build (figure-8-bfs: 685,716 distinct states to depth 20; deep-loss: 583,123
    /// to depth 26).
    @Test(
        "Each deep spec passes, over a pinned number of distinct states",
        arguments: [("figure-8-bfs.json", 46_244), ("deep-loss.json", 24_641)])
    func pinnedCounts(_ path: String, _ distinctStates: Int) throws {
        let spec = try Self.spec(path)
        #expect(spec.symmetry && !spec.depthFirst && spec.world.discardsStaleMessages)
        let report = check(spec) {
            $0.maxDepth = 14
            $0.symmetry = true
            $0.workers = 2
        }
        #expect(report.verdictName == "pass")
        #expect(report.distinctStates == distinctStates)
    }

    /// Figure 8 (section 5.4.2) by its shortest path: s1 leads term 1 and takes a command it never
    /// replicates; s2 leads term 2 with s3's vote and takes another; s1 leads term 3 with s3's
    /// vote, copies its term-1 entry to s3 and (the mutant) commits it by counting replicas; s2,
    /// whose last term is newer, wins term 4 with s1's vote and lacks the committed entry.
    @Test("commit-previous-term is caught breadth-first, by a 20-step counterexample (Figure 8)")
    func figure8Shortest() throws {
        let spec = try Self.spec("mutants/commit-previous-term.json")
        #expect(!spec.depthFirst && spec.world.maxDepth == 20)
        let report = check(spec, mutant: .commitPreviousTerm) {
            $0.symmetry = true
            $0.workers = 2
        }
        guard case .violated(let counterexample) = report.verdict else {
            Issue.record("commit-previous-term not caught: \(report.verdictName)")
            return
        }
        #expect(counterexample.violation.property == InvariantID.leaderCompleteness.rawValue)
        #expect(counterexample.actions.count == 20)
        #expect(counterexample.actions.filter { $0.kind == .electionTimeout }.count == 4)
    }

    @Test("The search fingerprints tell apart worlds that differ only in elections or heartbeats spent")
    func fingerprintsSeeTheCounts() {
        let rules = WorldRules(spec: SearchBoundsSpec.bounded)
        var one = rules.initialWorld
        rules.apply(.electionTimeout(NodeID(0)), to: &one)
        var other = one
        other.spent.elections += 1
        #expect(one.searchFingerprint != other.searchFingerprint)
        #expect(CanonicalRepresentative.fingerprint(of: one) != CanonicalRepresentative.fingerprint(of: other))
        var beaten = one
        beaten.spent.heartbeats += 1
        #expect(one.searchFingerprint != beaten.searchFingerprint)
        #expect(one.fingerprint != other.fingerprint)
    }

    @Test("A spec file's new bounds are read, and bad ones name their field")
    func decodesNewFields() throws {
        let spec = try Self.spec("figure-8-bfs.json")
        #expect(spec.world.maxElections == 4 && spec.world.maxHeartbeats == 0)
        var object = CheckSpecTests.valid
        object["discardStaleMessages"] = "yes"
        let notBool = object
        #expect(CheckSpecTests.decodeError { $0 = notBool }?.path == "discardStaleMessages")
        object = CheckSpecTests.valid
        object["bounds"] = [
            "maxTerm": 2, "maxClientRequests": 1, "maxInFlight": 2, "maxDrops": 1, "maxDepth": 10, "maxElections": -1,
        ]
        let negative = object
        let error = CheckSpecTests.decodeError { $0 = negative }
        #expect(error?.path == "bounds.maxElections")
    }
}

enum SearchBoundsSpec {
    static let bounded: WorldSpec = {
        var spec = WorldSpec(
            name: "t", servers: 3, maxTerm: 4, maxClientRequests: 2, maxCrashes: 0, maxInFlight: 10, maxDrops: 0,
            maxDuplicates: 0, maxPartitions: 0, maxDepth: 50)
        spec.maxElections = 4
        spec.maxHeartbeats = 2
        return spec
    }()
}
