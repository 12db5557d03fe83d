import Foundation
import ModelChecking
import RaftTestSupport
import Testing

@testable import RaftCore
@testable import RaftModel
@testable import RaftSimulation

@Suite("Check spec files")
struct CheckSpecTests {
    static let specsDirectory = Repository.root.appendingPathComponent("specs")

    static func specFiles() -> [URL] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: specsDirectory.path)) ?? []
        return names.filter { $0.hasSuffix(".json") }.sorted().map { specsDirectory.appendingPathComponent($0) }
    }

    @Test("Every spec in specs/ decodes, and the five kinds the issue asks for are there")
    func shippedSpecsDecode() throws {
        let files = Self.specFiles()
        let names = files.map { $0.deletingPathExtension().lastPathComponent }
        for required in ["election", "replication", "crash-restart", "partitions", "nightly-deep"] {
            #expect(names.contains(required), "specs/\(required).json is missing")
        }
        for file in files {
            let spec = try CheckSpec.decode(String(contentsOf: file, encoding: .utf8))
            #expect(spec.world.name == file.deletingPathExtension().lastPathComponent)
        }
    }

    nonisolated(unsafe) static let valid: [String: Any] = [
        "name": "t", "servers": 3, "faults": ["drop"], "expect": "pass",
        "bounds": ["maxTerm": 2, "maxClientRequests": 1, "maxInFlight": 2, "maxDrops": 1, "maxDepth": 10],
    ]

    static func text(_ object: [String: Any]) -> String {
        String(decoding: try! JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]), as: UTF8.self)
    }

    static func decodeError(_ edit: (inout [String: Any]) -> Void) -> InputError? {
        var object = valid
        edit(&object)
        do {
            _ = try CheckSpec.decode(text(object))
            return nil
        } catch {
            return error
        }
    }

    @Test("The valid base spec decodes")
    func validDecodes() throws {
        let spec = try CheckSpec.decode(Self.text(Self.valid))
        #expect(spec.world.maxDrops == 1)
        #expect(spec.world.maxDuplicates == 0)
        #expect(spec.expected == .pass)
        #expect(spec.properties == InvariantID.allCases)
    }

    @Test("Malformed specs are refused with the field named")
    func malformedSpecs() {
        let cases: [(String, (inout [String: Any]) -> Void)] = [
            ("colour", { $0["colour"] = "red" }),
            ("servers", { $0["servers"] = 0 }),
            ("servers", { $0["servers"] = "three" }),
            (
                "bounds.maxTerm",
                {
                    $0["bounds"] = [
                        "maxTerm": -1, "maxClientRequests": 1, "maxInFlight": 2, "maxDrops": 1, "maxDepth": 10,
                    ]
                }
            ),
            (
                "bounds.maxDepht",
                {
                    $0["bounds"] = [
                        "maxTerm": 1, "maxClientRequests": 1, "maxInFlight": 2, "maxDrops": 1, "maxDepth": 10,
                        "maxDepht": 3,
                    ]
                }
            ),
            ("bounds.maxDrops", { $0["faults"] = [String]() }),
            ("faults[0]", { $0["faults"] = ["meteor"] }),
            ("properties[1]", { $0["properties"] = ["election-safety", "liveness"] }),
            ("expect", { $0["expect"] = "maybe" }),
            ("mutant", { $0["mutant"] = "no-such-bug" }),
            ("name", { $0.removeValue(forKey: "name") }),
        ]
        for (field, edit) in cases {
            let error = Self.decodeError(edit)
            #expect(error != nil, "accepted a spec with a bad \(field)")
            #expect(error?.path == field, "\(error?.description ?? "nil") should name \(field)")
        }
    }

    @Test("Not JSON at all is one clear error")
    func notJSON() {
        #expect(throws: InputError.self) { try CheckSpec.decode("{\"name\": ") }
    }
}

@Suite("Mutant specs")
struct MutantSpecTests {
    /// The correct Raft must pass each mutant's spec.
    ///
    /// CI checks the correct Raft on every general spec, so a mutant spec that shares a general
    /// spec's bounds is covered without a second run.
    @Test("Every safety mutant has a spec that expects its property and shares a general spec's bounds")
    func everyMutantHasASpec() throws {
        let general = try CheckSpecTests.specFiles().map {
            try CheckSpec.decode(String(contentsOf: $0, encoding: .utf8))
        }
        let folder = CheckSpecTests.specsDirectory.appendingPathComponent("mutants")
        for mutant in Mutant.allCases where !mutant.isLivenessOnly {
            let file = folder.appendingPathComponent("\(mutant.name).json")
            let spec = try CheckSpec.decode(String(contentsOf: file, encoding: .utf8))
            #expect(spec.mutant == mutant)
            #expect(CheckSpec.describe(spec.expected) == "violation:\(mutant.expectedViolation)")
            let twin = general.first { $0.world.servers == spec.world.servers && sameBounds($0, spec) }
            #expect(twin != nil, "\(mutant.name): no general spec in specs/ has the same bounds")
            #expect(twin?.expected == .pass)
        }
    }

    func sameBounds(_ a: CheckSpec, _ b: CheckSpec) -> Bool {
        var left = a.world
        var right = b.world
        left.name = ""
        right.name = ""
        return left == right && a.depthFirst == b.depthFirst && a.maxStates == b.maxStates
            && a.properties == b.properties
    }
}

@Suite("The checker catches every safety mutant under its spec")
struct MutantCatchTests {
    /// `commit-previous-term` is checked with symmetry, as its spec asks, by `DepthSpecTests`, which
    /// also pins its shortest counterexample; `corpus/mutants/` keeps that counterexample.
    static let caughtHere = Mutant.allCases.filter {
        !$0.isLivenessOnly && $0 != .commitPreviousTerm && !caughtInReleaseOnly.contains($0)
    }

    /// Mutants whose spec the debug build `swift test` uses cannot afford, caught by `.ci/run`'s
    /// release check of every spec in specs/mutants/ instead (`releaseRunChecksEveryMutantSpec`).
    ///
    /// `install-snapshot-keeps-conflict` needs 5 servers and breaks Log Matching only at its
    /// spec's last level, 22 steps down. Its spec relies on symmetry reduction and sleep sets to
    /// stay affordable, and `caught` checks plain, as it does every other mutant spec: without
    /// symmetry a 5-server world has up to 120 renamings of each state, and the search to depth 22
    /// outlasts the rest of the suite many times over in a debug build. Even with both, it would
    /// be the slowest check of the suite by far. Here the fuzzer still catches it
    /// (`ShrinkerTests.keepVariantCaughtByTheFuzzer`), its rule is tested directly
    /// (`SnapshotMutantRulesTests`), and `corpus/mutants/` replays the checker's counterexample.
    static let caughtInReleaseOnly: [Mutant] = [.installSnapshotKeepsConflict]

    @Test("The mutant's spec yields a violation of the mutant's expected property", arguments: caughtHere)
    func caught(_ mutant: Mutant) throws {
        let file = CheckSpecTests.specsDirectory.appendingPathComponent("mutants/\(mutant.name).json")
        let spec = try CheckSpec.decode(String(contentsOf: file, encoding: .utf8))
        let configure: (inout CheckerOptions) -> Void = {
            $0.strategy = spec.depthFirst ? .depthFirst : .breadthFirst
            $0.workers = 2
        }
        // A spec with a `start` is searched from the world its steps reach, as `raftlab check` does.
        let report =
            try spec.start.isEmpty
            ? check(spec, mutant: mutant, configure) : checkFromStart(spec, mutant: mutant, configure)
        guard case .violated(let counterexample) = report.verdict else {
            Issue.record("\(mutant.name) not caught: \(report.verdictName)")
            return
        }
        #expect(counterexample.violation.property == mutant.expectedViolation)
    }

    /// What `caughtInReleaseOnly` relies on: CI checks every mutant spec with the release build and
    /// fails when one is not caught.
    @Test("CI's release run checks every spec in specs/mutants/ and fails on an unmet expectation")
    func releaseRunChecksEveryMutantSpec() throws {
        let script = try String(contentsOf: Repository.root.appendingPathComponent(".ci/run"), encoding: .utf8)
        let lines = script.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
        let loop = try #require(lines.firstIndex(of: "for spec in specs/mutants/*.json; do"))
        let body = lines[(loop + 1)...].prefix { $0 != "done" }
        #expect(
            body.contains { $0.hasPrefix(".build/release/raftlab check \"$spec\"") && $0.contains("exit 1") },
            "the loop must check each spec with the release binary and stop CI when one is not caught")
    }
}
