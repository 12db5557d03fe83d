import Foundation
import RaftTestSupport
import Testing

@Suite("raftlab check")
struct CheckCommandTests {
    static let tinySpec = """
        {"name": "tiny", "servers": 3,
         "bounds": {"maxTerm": 2, "maxClientRequests": 0, "maxInFlight": 4, "maxDepth": 10},
         "faults": [], "expect": "pass"}
        """

    func writeSpec(_ name: String, _ text: String) throws -> String {
        let path = temporaryPath(name)
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @Test("A passing spec exits 0 and reports the figures a user needs")
    func passingSpec() throws {
        let spec = try writeSpec("tiny.json", Self.tinySpec)
        let run = try Executable.run(["check", spec, "--workers", "2", "--quiet"])
        #expect(run.exitCode == 0)
        #expect(run.stdout.contains("verdict: PASS"))
        #expect(run.stdout.contains("distinct states 34242"))
        #expect(run.stdout.contains("bytes/state"))
        #expect(run.stdout.contains("actions fired: deliver"))
    }

    @Test("A mutant's counterexample is printed, written as a trace, and replays to the same violation")
    func mutantCounterexampleReplays() throws {
        let spec = try writeSpec("tiny-mutant.json", Self.tinySpec)
        let trace = temporaryPath("vote-twice-\(UUID().uuidString).json")
        let run = try Executable.run(["check", spec, "--mutant", "vote-twice", "--trace-out", trace, "--quiet"])
        #expect(run.exitCode == 0, "a violation the mutant is expected to cause is the expected verdict")
        #expect(run.stdout.contains("counterexample (7 steps)"))
        #expect(run.stdout.contains("election-safety"))
        let replay = try Executable.run(["replay", trace])
        #expect(replay.exitCode == 1)
        #expect(replay.stdout.contains("election-safety"))
    }

    @Test("--json prints one machine-readable summary")
    func jsonSummary() throws {
        let spec = try writeSpec("tiny-json.json", Self.tinySpec)
        let run = try Executable.run(["check", spec, "--json", "--quiet"])
        #expect(run.exitCode == 0)
        let object = try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any]
        #expect(object?["verdict"] as? String == "pass")
        #expect(object?["distinctStates"] as? Int == 34242)
    }

    @Test("A malformed spec is refused in one line naming the file and the field, exit 65")
    func malformedSpec() throws {
        let spec = try writeSpec(
            "bad.json", Self.tinySpec.replacingOccurrences(of: "\"maxTerm\": 2", with: "\"maxTerm\": -2"))
        let run = try Executable.run(["check", spec])
        #expect(run.exitCode == 65)
        #expect(run.stderr.contains(spec))
        #expect(run.stderr.contains("bounds.maxTerm"))
        #expect(run.stderr.split(separator: "\n").count == 1)
        #expect(!run.stderr.contains("Fatal"))
    }

    @Test("--max-states stops cleanly with an incomplete verdict, exit 5, not a green pass")
    func maxStates() throws {
        let spec = try writeSpec("tiny-bounded.json", Self.tinySpec)
        let run = try Executable.run(["check", spec, "--max-states", "500", "--quiet"])
        #expect(run.exitCode == 5)
        #expect(run.stdout.contains("verdict: INCOMPLETE"))
        #expect(run.stdout.contains("frontier not exhausted: reached --max-states 500"))
        #expect(run.stdout.contains("expected pass: UNDECIDED"))
        let json = try Executable.run(["check", spec, "--max-states", "500", "--quiet", "--json"])
        #expect(json.exitCode == 5)
        let object = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any]
        #expect(object?["verdict"] as? String == "incomplete")
        #expect(object?["coverage"] as? String == "stopped-by-limit")
        #expect(object?["expectationMet"] as? Bool == false)
    }

    @Test("A spec that accepts an incomplete run passes on the part explored, and says so")
    func acceptIncomplete() throws {
        let text = Self.tinySpec.replacingOccurrences(
            of: "\"expect\": \"pass\"", with: "\"acceptIncomplete\": true, \"expect\": \"pass\"")
        let spec = try writeSpec("tiny-accepting.json", text)
        let run = try Executable.run(["check", spec, "--max-states", "500", "--quiet"])
        #expect(run.exitCode == 0)
        #expect(run.stdout.contains("verdict: INCOMPLETE"))
        #expect(run.stdout.contains("expected pass: met on the part explored (incomplete run accepted by the spec)"))
    }

    /// Any process holds more than 1 MiB resident, while the checker's own tables start under it:
    /// only a cap on real memory stops this run at once.
    @Test("--max-memory-mb caps the resident memory of the process, exit 5")
    func maxMemory() throws {
        let spec = try writeSpec("tiny-memory.json", Self.tinySpec)
        let run = try Executable.run(["check", spec, "--max-memory-mb", "1", "--quiet", "--workers", "1"])
        #expect(run.exitCode == 5)
        #expect(run.stdout.contains("resident memory"))
        #expect(run.stdout.contains("passed the ceiling of 1 MiB"))
        let help = try Executable.run(["check", "--help"])
        #expect(help.stdout.contains("resident memory (RSS"))
    }

    @Test("Under --mutant, exit 0 says the expected violation was found; --fail-on-violation exits 1")
    func mutantExitCodes() throws {
        let spec = try writeSpec("tiny-strict.json", Self.tinySpec)
        let found = try Executable.run(["check", spec, "--mutant", "vote-twice", "--quiet"])
        #expect(found.exitCode == 0)
        #expect(found.stdout.contains("exit 0: the violation expected of the mutant was found"))
        let strict = try Executable.run(["check", spec, "--mutant", "vote-twice", "--fail-on-violation", "--quiet"])
        #expect(strict.exitCode == 1)
        #expect(strict.stdout.contains("met, but every violation fails this run"))
        let help = try Executable.run(["check", "--help"])
        #expect(help.stdout.contains("--fail-on-violation"))
        #expect(help.stdout.contains("exit 0 means the expected violation WAS FOUND"))
    }

    @Test("Bad flags are usage errors, exit 64")
    func badFlags() throws {
        #expect(try Executable.run(["check", "--strategy", "sideways"]).exitCode == 64)
        #expect(try Executable.run(["check", "--workers", "0"]).exitCode == 64)
        #expect(try Executable.run(["check", "--mutant", "no-such-bug"]).exitCode == 64)
    }
}
