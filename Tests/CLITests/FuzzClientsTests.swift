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
        ])
        #expect(result.exitCode == 0)
        #expect(result.stdout.contains("clients=2 maxClientOperations=20 maxRetries=3"))
        #expect(result.stdout.contains("3 runs"))
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
