import Foundation
import ModelChecking
import RaftModel
import Testing

@testable import RaftLabCLI

@Suite("raftlab bench mutants")
struct MutantsBenchmarkTests {
    @Test("The checker runs each mutant's spec with its own symmetry and partial-order settings, as raftlab check does")
    func checkerHonoursTheSpec() throws {
        let folder = MutantsBenchmark.mutantSpecFolder
        let membership = try CheckSpec.decode(
            String(contentsOfFile: folder + "/config-before-term-commit.json", encoding: .utf8))
        #expect(membership.symmetry)
        let options = MutantsBenchmark.checkerOptions(membership)
        #expect(options.symmetry)
        #expect(options.strategy == .breadthFirst && options.maxDepth == membership.world.maxDepth)
        var plain = membership
        plain.symmetry = false
        plain.partialOrderReduction = true
        #expect(!MutantsBenchmark.checkerOptions(plain).symmetry)
        #expect(MutantsBenchmark.checkerOptions(plain).partialOrderReduction)
    }
}

extension MutantsBenchmarkTests {
    /// RB-28's spec begins at a situation 15 steps deep (`start`); searched from the initial
    /// world within its depth bound, the checker would not reach it in a benchmark's time.
    @Test("The checker searches a mutant's spec from its start, and counts the start in the steps")
    func checkerStartsFromTheSpecsStart() throws {
        let found = try #require(MutantsBenchmark.checker(.readStaleAcks))
        #expect(found.property == "linearizability")
        #expect(found.steps == 27)
    }
}
