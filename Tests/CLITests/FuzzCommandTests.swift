import Foundation
import RaftTestSupport
import Testing

@testable import RaftLabCLI

/// A fresh empty folder for one test's corpus.
private func temporaryFolder(_ name: String) -> String {
    let path = temporaryPath("\(name)-\(UInt64.random(in: 0...UInt64.max))")
    try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
}

/// The first failure of a `fuzz --json` summary.
private func firstFailure(_ run: Executable) throws -> [String: Any] {
    let object = try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any]
    let failures = try #require(object?["failures"] as? [[String: Any]])
    return try #require(failures.first)
}

@Suite("raftlab fuzz, shrink and bench, end to end")
struct FuzzCommandTests {
    @Test("The same seed gives the same digest in two processes and with 1 or 2 workers (issue 4 tests)")
    func digestIsStable() throws {
        let one = try Executable.run(["fuzz", "--seed", "11", "--runs", "150", "--workers", "1", "--quiet"])
        let two = try Executable.run(["fuzz", "--seed", "11", "--runs", "150", "--workers", "2", "--quiet"])
        let other = try Executable.run(["fuzz", "--seed", "12", "--runs", "150", "--workers", "2", "--quiet"])
        #expect(one.exitCode == 0 && two.exitCode == 0)
        #expect(one.digest != nil)
        #expect(one.digest == two.digest)
        #expect(other.digest != one.digest)
        #expect(one.stdout.contains("0 safety violations, 0 liveness failures"))
    }

    @Test("A violation is shrunk, saved under a new name, replays, and its run seed alone reproduces it")
    func violationIsSavedAndReproduced() throws {
        let corpus = temporaryFolder("corpus")
        let arguments = ["fuzz", "--mutant", "vote-without-log-check", "--runs", "50", "--corpus", corpus, "--quiet"]
        let found = try Executable.run(arguments + ["--json"])
        #expect(found.exitCode == 1)
        let failure = try firstFailure(found)
        #expect(failure["invariant"] as? String == "leader-completeness")
        let saved = try #require(failure["corpusFile"] as? String)
        #expect(saved.hasPrefix(corpus + "/leader-completeness-"))
        #expect((failure["runFile"] as? String)?.hasPrefix(corpus + "/unshrunk/leader-completeness-") == true)
        #expect((failure["shrunkSteps"] as? Int ?? 99) <= 24)

        let replayed = try Executable.run(["replay", saved, "--quiet"])
        #expect(replayed.exitCode == 1)
        #expect(replayed.stdout.contains("replay matches the trace"))

        // The one-line bug report: the run seed reproduces the same run.
        let reproduce = try #require(failure["reproduce"] as? String)
        let words = reproduce.split(separator: " ").dropFirst().map(String.init)
        let again = try Executable.run(words + ["--json", "--corpus", corpus, "--quiet"])
        let repeated = try firstFailure(again)
        #expect(repeated["runSeed"] as? String == failure["runSeed"] as? String)
        #expect(repeated["step"] as? Int == failure["step"] as? Int)
        #expect(repeated["detail"] as? String == failure["detail"] as? String)
        // Named by content: the same run again finds its files already saved, and adds none.
        #expect(repeated["corpusFile"] as? String == saved)
        #expect(
            try FileManager.default.contentsOfDirectory(atPath: corpus).filter { $0.hasSuffix(".json") } == [
                String(saved.dropFirst(corpus.count + 1))
            ])

        // The text report prints the violation, the shrunk trace and the replay command.
        let text = try Executable.run(arguments)
        #expect(text.stdout.contains("FAILURE run"))
        #expect(text.stdout.contains("reproduce the run: raftlab fuzz --seed"))
        #expect(text.stdout.contains("shrunk from"))
        #expect(text.stdout.contains("replay it with: raftlab replay \(saved)"))
        #expect(text.stdout.contains("trace as found: \(corpus)/unshrunk/leader-completeness-"))
    }

    @Test("raftlab shrink minimizes any failing trace and saves it; a passing trace is exit 65")
    func shrinkCommand() throws {
        let corpus = temporaryFolder("shrink")
        var failing: String? = nil
        for seed in 1...400 where failing == nil {
            let path = temporaryPath("shrink-\(seed).json")
            let run = try Executable.run([
                "simulate", "--seed", "\(seed)", "--quiet", "--mutant", "vote-without-log-check", "--trace-out", path,
            ])
            if run.exitCode == 1 { failing = path }
        }
        let trace = try #require(failing)
        let shrunk = try Executable.run(["shrink", trace, "--corpus", corpus])
        #expect(shrunk.exitCode == 1)
        #expect(shrunk.stdout.contains("saved to \(corpus)/"))
        let saved = try #require(
            try FileManager.default.contentsOfDirectory(atPath: corpus).first { $0.hasSuffix(".json") })
        let replayed = try Executable.run(["replay", "\(corpus)/\(saved)", "--quiet"])
        #expect(replayed.exitCode == 1)
        #expect(replayed.stdout.contains("replay matches the trace"))

        let passing = temporaryPath("passing.json")
        _ = try Executable.run(["simulate", "--seed", "7", "--quiet", "--trace-out", passing])
        let refused = try Executable.run(["shrink", passing, "--corpus", corpus])
        #expect(refused.exitCode == 65)
        #expect(refused.stderr.contains("violates no invariant"))
    }

    @Test("bench fuzzer measures 1 worker and all cores with one digest; bench --help lists it")
    func bench() throws {
        let rows = FuzzerBenchmark.measure(runs: 40)
        #expect(rows.first?.workers == 1)
        #expect(rows.allSatisfy { $0.report.runs == 40 && $0.report.steps > 0 })
        #expect(rows.allSatisfy { $0.report.digest == rows[0].report.digest })
        let help = try Executable.run(["bench", "--help"])
        #expect(help.stdout.contains("fuzzer: runs/s and simulated steps/s"))
    }

    @Test("--json gives one JSON object with the run count, rates and digest")
    func json() throws {
        let run = try Executable.run(["fuzz", "--runs", "20", "--json", "--quiet"])
        #expect(run.exitCode == 0)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
        #expect(object["runs"] as? Int == 20)
        #expect((object["failures"] as? [Any])?.isEmpty == true)
        #expect(object["digest"] is String)
        #expect(object["stepsPerSecond"] is Int)
    }

    @Test(
        "Bad input is one clear line and a documented exit code",
        arguments: [
            (["fuzz", "--bogus"], 64, "unknown option '--bogus'"),
            (["fuzz", "--mutant", "nope"], 64, "unknown mutant 'nope'"),
            (["fuzz", "--runs", "5", "--time", "5"], 64, "either --runs or --time"),
            (["fuzz", "--runs", "0"], 64, "expects an integer"),
            (["fuzz", "/nonexistent/spec.json"], 66, "cannot read file"),
            (["shrink"], 64, "needs more arguments"),
            (["bench", "nope"], 64, "unknown bench subject 'nope'"),
            (["bench", "fuzzer", "--runs", "5"], 64, "unknown option '--runs'"),
        ] as [([String], Int32, String)])
    func badInput(_ arguments: [String], _ code: Int32, _ message: String) throws {
        try Executable.expectOneLineError(arguments, exitCode: code, containing: message)
    }

    @Test("--help lists fuzz, shrink and bench; fuzz --help documents the liveness budget and exit codes")
    func help() throws {
        let overview = try Executable.run(["--help"])
        for command in ["fuzz", "shrink", "bench"] { #expect(overview.stdout.contains("  \(command) ")) }
        let fuzz = try Executable.run(["fuzz", "--help"])
        #expect(fuzz.stdout.contains("within 5000 ticks"))
        #expect(fuzz.stdout.contains("2 on a liveness failure"))
    }

    @Test("A malformed spec file is exit 65 naming the file and the field")
    func malformedSpec() throws {
        let path = temporaryPath("bad-spec.json")
        try #"{"name": "x", "servers": 9}"#.write(toFile: path, atomically: true, encoding: .utf8)
        let run = try Executable.run(["fuzz", path])
        #expect(run.exitCode == 65)
        #expect(run.stderr.contains("\(path): servers"))
        #expect(run.stderr.split(separator: "\n").count == 1)
    }
}
