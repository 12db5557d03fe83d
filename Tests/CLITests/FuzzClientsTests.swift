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

    /// With no search budget (`--linearizability-budget 0`) every run's history is undecided;
    /// with the default, the histories of seed 29, which used to run out of it, are decided.
    @Test("A run whose history the linearizability search cannot decide is counted apart and exits 7")
    func undecidedHistoryExits7() throws {
        let corpus = temporaryPath("clients-\(UUID().uuidString)")
        let arguments = ["fuzz", "--clients", "2", "--seed", "29", "--runs", "3", "--corpus", corpus, "--quiet"]
        let decided = try Executable.run(arguments)
        #expect(decided.exitCode == 0)
        #expect(!decided.stdout.contains("undecided"))
        let budget = arguments + ["--linearizability-budget", "0"]
        let text = try Executable.run(budget)
        #expect(text.exitCode == 7)
        #expect(text.stdout.contains("0 safety violations, 0 liveness failures"))
        #expect(
            text.stdout.contains(
                "linearizability: undecided in 3 runs (not a pass): first run 0 (seed 29): "
                    + "the search budget (0 steps a key) ran out on key x of a history of "))
        let json = try Executable.run(budget + ["--json"])
        #expect(json.exitCode == 7)
        #expect(json.stdout.contains(#""linearizabilityUndecided":3,"undecidedRuns":[{"run":0,"#))
        #expect(try Executable.run(budget + ["--accept-undecided"]).exitCode == 0)
    }

    @Test("A --linearizability-budget that is no count of steps up to the property's own is one line, exit 64")
    func badBudget() throws {
        for value in ["-1", "20001", "many"] {
            try Executable.expectOneLineError(
                ["fuzz", "--clients", "1", "--runs", "1", "--linearizability-budget", value], exitCode: 64,
                containing: "option '--linearizability-budget' expects an integer in 0...20000, got '\(value)'")
            try Executable.expectOneLineError(
                ["check", "--linearizability-budget", value], exitCode: 64,
                containing: "option '--linearizability-budget' expects an integer in 0...20000, got '\(value)'")
        }
    }

    @Test("check --linearizability-budget 0 counts every completion undecided and exits 7")
    func checkBudget() throws {
        let spec = temporaryPath("undecided-\(UUID().uuidString).json")
        try #"""
        {"name": "undecided", "servers": 3, "faults": [], "expect": "pass",
         "bounds": {"maxTerm": 1, "maxClientRequests": 0, "maxInFlight": 3, "maxDepth": 14,
                    "maxElections": 1, "maxHeartbeats": 0,
                    "clients": 2, "maxClientOperations": 1, "maxRetries": 0}}
        """#.write(toFile: spec, atomically: true, encoding: .utf8)
        let decided = try Executable.run(["check", spec])
        #expect(decided.exitCode == 0)
        let undecided = try Executable.run(["check", spec, "--linearizability-budget", "0"])
        #expect(undecided.exitCode == 7)
        #expect(undecided.stdout.contains("linearizability UNDECIDED after "))
        #expect(undecided.stdout.contains("the search budget (0 steps a key) ran out on key x"))
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
