import Foundation
import RaftTestSupport
import Testing

/// `fuzz` saves a liveness failure, and `replay`, `show` and `corpus` take it as they take a
/// safety violation: exit 2 from replay, the liveness verdict from show, an entry that holds.
@Suite("raftlab fuzz, replay, show and corpus on a liveness failure")
struct LivenessCommandTests {
    @Test("A liveness failure found by fuzz is saved, replayed (exit 2), rendered and held by the corpus")
    func endToEnd() throws {
        let folder = temporaryPath("liveness-\(UUID().uuidString)")
        // A seed found at 3 servers: --servers 3 keeps it there now that each seed draws its size.
        let fuzz = try Executable.run([
            "fuzz", "--mutant", "ignore-higher-term", "--seed", "15735331651807797662", "--runs", "1", "--servers", "3",
            "--corpus", folder, "--quiet",
        ])
        #expect(fuzz.exitCode == 2, "\(fuzz.stdout)\(fuzz.stderr)")
        // Saved under a name made from its content: read the name back from the report.
        let savedLine = try #require(
            fuzz.stdout.split(separator: "\n").first { $0.contains("(533 steps, not shrunk)") })
        let saved = try #require(savedLine.split(separator: " ").first { $0.hasPrefix(folder + "/liveness-") })
            .description
        #expect(savedLine.hasSuffix("replay it with: raftlab replay \(saved)"))

        let replay = try Executable.run(["replay", saved, "--quiet"])
        #expect(replay.exitCode == 2, "\(replay.stdout)\(replay.stderr)")
        #expect(replay.stdout.contains("verdict: LIVENESS failure at step 533: no leader followed by every server"))
        #expect(replay.stdout.contains("replay matches the trace (same verdict and digest)"))

        let show = try Executable.run(["show", saved])
        #expect(show.exitCode == 0)
        #expect(show.stdout.contains("LIVENESS failure at step 533:\n  no leader followed by every server"))
        #expect(show.stdout.contains("budget: liveness phase from step 114: 5000 of 5000 ticks"))

        let corpus = try Executable.run(["corpus", folder])
        #expect(corpus.exitCode == 0, "\(corpus.stdout)")
        #expect(corpus.stdout.contains("liveness failure at step 533 under ignore-higher-term"))
    }

    @Test("A liveness trace whose detail was edited no longer replays: exit 3")
    func tamperedDetail() throws {
        let original = try String(
            contentsOfFile: Repository.path("corpus/mutants/ignore-higher-term.json"), encoding: .utf8)
        let path = temporaryPath("liveness-tampered-\(UUID().uuidString).json")
        try original.replacingOccurrences(of: "s1 candidate term 57", with: "s1 candidate term 58")
            .write(toFile: path, atomically: true, encoding: .utf8)
        let replay = try Executable.run(["replay", path, "--quiet"])
        #expect(replay.exitCode == 3)
        #expect(replay.stdout.contains("diverged: the trace records the liveness failure"))
        let show = try Executable.run(["show", path])
        #expect(show.exitCode == 3)
    }
}
