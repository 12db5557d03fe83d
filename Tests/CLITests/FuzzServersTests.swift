import Foundation
import RaftTestSupport
import Testing

/// `raftlab fuzz --servers N` and the cluster size each run's seed draws (issue 14).
@Suite("raftlab fuzz: cluster sizes")
struct FuzzServersTests {
    @Test("--servers N pins every run's cluster size, and the banner and the reproduce command say so")
    func serversPinsTheSize() throws {
        let corpus = temporaryPath("servers-\(UUID().uuidString)")
        let pinned = try Executable.run([
            "fuzz", "--servers", "5", "--seed", "38", "--runs", "1", "--mutant", "vote-twice", "--corpus", corpus,
            "--quiet",
        ])
        #expect(pinned.stdout.contains("servers=5 maxTerm"))
        // Seed 38: a run that fails, so that its reproduce command is printed (seed 1's run,
        // which failed before clogs, now draws them and passes).
        #expect(pinned.stdout.contains("run 0: servers=5 seed=38"))
        #expect(pinned.stdout.contains("--servers 5"))
    }

    @Test("Without a spec file or --servers, the size is drawn per run and the banner says which")
    func sizeIsDrawn() throws {
        let drawn = try Executable.run(["fuzz", "--seed", "1", "--runs", "1", "--quiet"])
        #expect(drawn.exitCode == 0)
        #expect(drawn.stdout.contains("servers=drawn"))
        #expect(drawn.stdout.contains("run 0: servers="))
    }

    @Test("A --servers outside 1-7 is one line naming the flag, exit 64")
    func badServers() throws {
        try Executable.expectOneLineError(
            ["fuzz", "--servers", "9", "--runs", "1"], exitCode: 64, containing: "--servers")
    }
}
