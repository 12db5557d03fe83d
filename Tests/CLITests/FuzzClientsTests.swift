import Foundation
import RaftTestSupport
import Testing

/// `raftlab fuzz --clients N`: session clients in every run (issue 15).
@Suite("raftlab fuzz: session clients")
struct FuzzClientsTests {
    @Test("--clients 2 runs the correct Raft with two session clients, and the banner says so")
    func clientsRun() throws {
        let corpus = temporaryPath("clients-\(UUID().uuidString)")
        let result = try Executable.run([
            "fuzz", "--clients", "2", "--seed", "29", "--runs", "3", "--corpus", corpus, "--quiet",
            "--accept-undecided",
        ])
        #expect(result.exitCode == 0)
        #expect(result.stdout.contains("clients=2 maxClientOperations=20 maxRetries=3"))
        #expect(result.stdout.contains("3 runs"))
    }

    /// Run 1 of seed 29 ends with 40 operations on key x that the search cannot decide within
    /// its budget (issue 15, item 4).
    @Test("A run whose history the linearizability search cannot decide is counted apart and exits 7")
    func undecidedHistoryExits7() throws {
        let corpus = temporaryPath("clients-\(UUID().uuidString)")
        let arguments = ["fuzz", "--clients", "2", "--seed", "29", "--runs", "3", "--corpus", corpus, "--quiet"]
        let text = try Executable.run(arguments)
        #expect(text.exitCode == 7)
        #expect(text.stdout.contains("0 safety violations, 0 liveness failures"))
        #expect(
            text.stdout.contains(
                "linearizability: undecided in 1 runs (not a pass): first run 1 (seed 13509472508297990000): "
                    + "the search budget (20000 steps a key) ran out on key x of a history of 40 operations"))
        let json = try Executable.run(arguments + ["--json"])
        #expect(json.exitCode == 7)
        #expect(json.stdout.contains(#""linearizabilityUndecided":1,"undecidedRuns":[{"run":1,"#))
    }

    @Test("A --clients outside 1-3, or with a mutant fuzzed with snapshots, is one line naming the flag, exit 64")
    func badClients() throws {
        try Executable.expectOneLineError(
            ["fuzz", "--clients", "4", "--runs", "1"], exitCode: 64, containing: "--clients")
        try Executable.expectOneLineError(
            ["fuzz", "--clients", "1", "--runs", "1", "--mutant", "snapshot-boundary-append"], exitCode: 64,
            containing: "--clients")
    }
}
