import Foundation
import RaftModel
import RaftSimulation
import RaftTestSupport
import Testing

@testable import RaftLabCLI

/// The benchmarks' snapshot rows build their worlds in code, so that `raftlab bench` runs from any
/// directory; these keep them the worlds of the spec files they stand for.
@Suite("raftlab bench: the snapshot rows measure the shipped snapshot specs")
struct BenchmarkSpecTests {
    static func world(_ path: String) throws -> WorldSpec {
        try CheckSpec.decode(String(contentsOfFile: Repository.path(path), encoding: .utf8)).world
    }

    @Test("bench checker's snapshots row checks specs/snapshots-crash.json's world")
    func checkerRowIsTheCrashSpec() throws {
        #expect(CheckerBenchmark.snapshotsSpec == (try Self.world("specs/snapshots-crash.json")))
    }

    @Test("bench fuzzer's snapshots row fuzzes specs/fuzz/snapshots.json's world")
    func fuzzerRowIsTheFuzzSpec() throws {
        #expect(FuzzerBenchmark.snapshotsSpec == (try Self.world("specs/fuzz/snapshots.json")))
    }
}
