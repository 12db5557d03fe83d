import Foundation
import ModelChecking
import Testing

@testable import RaftCore
@testable import RaftModel
@testable import RaftSimulation

@Suite("Judging a check against its spec's expectation")
struct CheckJudgementTests {
    /// 3 servers, one election round's worth of terms, no faults: small enough to exhaust in a
    /// debug build, big enough for vote-twice to break Election Safety.
    static func smallSpec(
        expected: CheckSpec.Expectation = .pass, mutant: Mutant? = nil, maxStates: Int? = nil,
        acceptIncomplete: Bool = false
    ) -> CheckSpec {
        var spec = CheckSpec(
            world: WorldSpec(
                name: "small", servers: 3, maxTerm: 2, maxClientRequests: 0, maxCrashes: 0, maxInFlight: 3,
                maxDrops: 0, maxDuplicates: 0, maxPartitions: 0, maxDepth: 8),
            description: "", faults: [], expected: expected, mutant: mutant)
        spec.maxStates = maxStates
        spec.acceptIncomplete = acceptIncomplete
        return spec
    }

    func judge(_ spec: CheckSpec, mutant: Mutant?, failOnAnyViolation: Bool = false) -> CheckJudgement {
        let report = check(spec, mutant: mutant) { $0.maxStates = spec.maxStates ?? Int.max }
        return spec.judge(report, mutant: mutant, failOnAnyViolation: failOnAnyViolation)
    }

    @Test("A pass over the whole bounded space meets a pass expectation")
    func exhaustivePass() {
        let judgement = judge(Self.smallSpec(), mutant: nil)
        #expect(judgement.outcome == .met)
        #expect(!judgement.acceptedIncomplete)
        #expect(judgement.summary == "expected pass: met")
    }

    @Test("A run stopped by a limit is incomplete, never a pass, unless its spec accepts that")
    func incompleteRuns() {
        let cut = judge(Self.smallSpec(maxStates: 50), mutant: nil)
        #expect(cut.outcome == .incomplete)
        #expect(cut.summary.contains("UNDECIDED"))
        let accepted = judge(Self.smallSpec(maxStates: 50, acceptIncomplete: true), mutant: nil)
        #expect(accepted.outcome == .met)
        #expect(accepted.acceptedIncomplete)
        #expect(accepted.summary.contains("part explored"))
        let wanted = judge(
            Self.smallSpec(expected: .violation(nil), maxStates: 50, acceptIncomplete: true), mutant: nil)
        #expect(wanted.outcome == .violationNotFound)
        #expect(wanted.acceptedIncomplete)
        let unaccepted = judge(Self.smallSpec(expected: .violation(nil), maxStates: 50), mutant: nil)
        #expect(unaccepted.outcome == .incomplete)
    }

    @Test("Under a mutant, its violation is what is expected; failing on any violation turns that into a failure")
    func mutantExpectations() {
        let spec = Self.smallSpec()
        #expect(spec.expectation(under: .voteTwice) == .violation(nil))
        let found = judge(spec, mutant: .voteTwice)
        #expect(found.outcome == .met)
        #expect(found.violated == .electionSafety)
        let strict = judge(spec, mutant: .voteTwice, failOnAnyViolation: true)
        #expect(strict.outcome == .violated)
        #expect(strict.summary.contains("every violation fails"))
        let own = Self.smallSpec(expected: .violation(.leaderCompleteness), mutant: .voteTwice)
        #expect(own.expectation(under: .voteTwice) == .violation(.leaderCompleteness))
        #expect(own.expectation(under: nil) == .pass, "the correct Raft must pass a mutant's spec")
        let wrongProperty = judge(own, mutant: .voteTwice)
        #expect(wrongProperty.outcome == .violated)
        #expect(wrongProperty.summary.contains("NOT MET (election-safety violated)"))
    }

    @Test("An expected violation the whole bounded space does not hold is not found")
    func violationNotFound() {
        let judgement = judge(Self.smallSpec(expected: .violation(.electionSafety)), mutant: nil)
        #expect(judgement.outcome == .violationNotFound)
        #expect(judgement.summary.contains("NOT MET (no violation in the whole bounded space)"))
    }

    @Test("acceptIncomplete decodes, and defaults to false")
    func acceptIncompleteField() throws {
        var object = CheckSpecTests.valid
        #expect(try CheckSpec.decode(CheckSpecTests.text(object)).acceptIncomplete == false)
        object["acceptIncomplete"] = true
        #expect(try CheckSpec.decode(CheckSpecTests.text(object)).acceptIncomplete == true)
        object["acceptIncomplete"] = "yes"
        #expect(throws: InputError.self) { try CheckSpec.decode(CheckSpecTests.text(object)) }
    }
}

@Suite("Depth-first search covers what breadth-first search covers")
struct SearchCompletenessTests {
    /// Before depth-first search kept the smallest depth per state, it stored fewer states here
    /// than breadth-first search and still reported the frontier exhausted.
    @Test(
        "On small Raft specs, DFS and BFS store the same states within the same depth bound",
        arguments: [
            (servers: 3, maxTerm: 2, depth: 7), (servers: 3, maxTerm: 3, depth: 9), (servers: 2, maxTerm: 3, depth: 12),
        ])
    func sameDistinctStates(servers: Int, maxTerm: Int, depth: Int) {
        let spec = CheckSpec(
            world: WorldSpec(
                name: "small", servers: servers, maxTerm: maxTerm, maxClientRequests: 1, maxCrashes: 0, maxInFlight: 2,
                maxDrops: 0, maxDuplicates: 0, maxPartitions: 0, maxDepth: depth),
            description: "", faults: [])
        let breadth = check(spec)
        let depthFirst = check(spec) { $0.strategy = .depthFirst }
        #expect(breadth.verdictName == "pass" && depthFirst.verdictName == "pass")
        #expect(depthFirst.distinctStates == breadth.distinctStates)
        #expect(depthFirst.coverage == breadth.coverage)
    }
}

@Suite("Resident memory")
struct ResidentMemoryTests {
    /// What `--max-memory-mb` caps: touching fresh memory must show in the reading.
    ///
    /// A large block, so that other tests freeing memory meanwhile cannot hide it.
    @Test("The resident set grows by what the process touches")
    func tracksTouchedMemory() throws {
        let before = try #require(ResidentMemory.bytes())
        #expect(before > 1 << 20)
        let size = 256 << 20
        let block = UnsafeMutableRawPointer.allocate(byteCount: size, alignment: 4096)
        defer { block.deallocate() }
        for offset in stride(from: 0, to: size, by: 4096) {
            block.storeBytes(of: 1, toByteOffset: offset, as: UInt8.self)
        }
        let after = try #require(ResidentMemory.bytes())
        #expect(after - before >= 192 << 20, "touched 256 MiB, resident grew by \((after - before) >> 20) MiB")
    }
}
