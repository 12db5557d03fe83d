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
