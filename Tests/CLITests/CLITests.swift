import Foundation
import RaftTestSupport
import Testing

@testable import RaftLabCLI

@Suite("raftlab command line, end to end")
struct CLITests {
    @Test("simulate --seed 7 elects a leader and commits; two processes print the same digest")
    func simulateIsDeterministicAcrossProcesses() throws {
        let first = try Executable.run(["simulate", "--seed", "7"])
        let second = try Executable.run(["simulate", "--seed", "7", "--quiet"])
        #expect(first.exitCode == 0)
        #expect(first.stdout.contains(" leader "))
        #expect(!first.stdout.contains("committed: 0 entries"))
        #expect(first.digest != nil)
        #expect(first.digest == second.digest)
        let other = try Executable.run(["simulate", "--seed", "8", "--quiet"])
        #expect(other.digest != first.digest)
    }

    @Test("replay of a written trace reproduces its digest")
    func replayReproducesDigest() throws {
        let path = temporaryPath("seed7.json")
        let simulated = try Executable.run(["simulate", "--seed", "7", "--quiet", "--trace-out", path])
        #expect(simulated.exitCode == 0)
        let replayed = try Executable.run(["replay", path, "--quiet"])
        #expect(replayed.exitCode == 0)
        #expect(replayed.digest == simulated.digest)
        #expect(replayed.stdout.contains("replay matches the trace"))
    }

    @Test("A mutant's violation exits 1 and replays as a violation")
    func mutantViolationReplays() throws {
        var found: (Int, String)? = nil
        for seed in 1...400 where found == nil {
            let path = temporaryPath("mutant-\(seed).json")
            let run = try Executable.run([
                "simulate", "--seed", "\(seed)", "--quiet", "--mutant", "vote-without-log-check", "--trace-out", path,
            ])
            if run.exitCode == 1 { found = (seed, path) }
        }
        let (_, path) = try #require(found)
        let replayed = try Executable.run(["replay", path, "--quiet"])
        #expect(replayed.exitCode == 1)
        #expect(replayed.stdout.contains("verdict: VIOLATION"))
        let onCorrect = try Executable.run(["replay", path, "--quiet", "--mutant", "vote-twice"])
        #expect(onCorrect.exitCode != 65)
    }

    @Test("A trace edited so a step is impossible diverges with exit 3")
    func divergedReplay() throws {
        let path = temporaryPath("diverge.json")
        _ = try Executable.run(["simulate", "--seed", "7", "--quiet", "--trace-out", path])
        var text = try String(contentsOfFile: path, encoding: .utf8)
        text = text.replacingOccurrences(of: "\"steps\": [", with: "\"steps\": [{\"action\": \"heal\"},")
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        let replayed = try Executable.run(["replay", path, "--quiet"])
        #expect(replayed.exitCode == 3)
        #expect(replayed.stdout.contains("diverged at step 1"))
    }

    @Test(
        "Bad input is one clear line and a documented exit code",
        arguments: [
            (["simulate", "--bogus"], 64, "unknown option '--bogus'"),
            (["simulate", "--mutant", "nope"], 64, "unknown mutant 'nope'"),
            (["simulate", "--seed", "x"], 64, "expects a 64-bit seed"),
            (["frobnicate"], 64, "unknown command 'frobnicate'"),
            (["replay", "/nonexistent/trace.json"], 66, "cannot read file"),
        ] as [([String], Int32, String)])
    func badInput(_ arguments: [String], _ code: Int32, _ message: String) throws {
        try Executable.expectOneLineError(arguments, exitCode: code, containing: message)
    }

    @Test("A malformed or future-version trace is exit 65 naming the file and the field")
    func malformedTrace() throws {
        let path = temporaryPath("future.json")
        try "{\"format\": \"raftlab-trace\", \"version\": 9}".write(toFile: path, atomically: true, encoding: .utf8)
        let run = try Executable.run(["replay", path])
        #expect(run.exitCode == 65)
        #expect(
            run.stderr
                == "raftlab replay: \(path): version: trace format version 9 is not supported (this raftlab reads 1 to 2)\n"
        )
    }

    @Test("--help teaches: every command is listed with the exit codes")
    func help() throws {
        let run = try Executable.run(["--help"])
        #expect(run.exitCode == 0)
        for command in ["simulate", "replay", "show", "mutants"] { #expect(run.stdout.contains(command)) }
        #expect(run.stdout.contains("EXIT CODES"))
        let simulate = try Executable.run(["simulate", "--help"])
        #expect(simulate.stdout.contains("--trace-out FILE"))
    }
}

@Suite("Argument parsing")
struct ArgumentTests {
    let spec = CommandSpec(
        name: "t", summary: "", usage: "t [FILE]", positionals: 0...1,
        options: [
            OptionSpec(flag: "--n", valueName: "N", help: ""), OptionSpec(flag: "--q", valueName: nil, help: ""),
        ],
        discussion: "")

    @Test("Values with a space or '=', flags, positionals and '--'")
    func parses() throws {
        let parsed = try ParsedArguments(["--n", "3", "file", "--q", "--n=4"], spec: spec)
        #expect(parsed.positionals == ["file"])
        #expect(try parsed.integer("--n", in: 0...9) == 4)
        #expect(parsed.has("--q"))
        let dashed = try ParsedArguments(["--", "--n"], spec: spec)
        #expect(dashed.positionals == ["--n"])
    }

    @Test("Errors: unknown option, missing value, value on a flag, extra positional, out of range")
    func errors() throws {
        #expect(throws: UsageError.self) { try ParsedArguments(["--x"], spec: spec) }
        #expect(throws: UsageError(message: "option '--n' needs a value (N)")) {
            try ParsedArguments(["--n"], spec: spec)
        }
        #expect(throws: UsageError(message: "option '--q' takes no value")) {
            try ParsedArguments(["--q=1"], spec: spec)
        }
        #expect(throws: UsageError.self) { try ParsedArguments(["a", "b"], spec: spec) }
        let parsed = try ParsedArguments(["--n", "12"], spec: spec)
        #expect(throws: UsageError.self) { try parsed.integer("--n", in: 0...9) }
    }

    @Test("Seeds are decimal or 0x hex")
    func seeds() {
        #expect(parseSeed("42") == 42)
        #expect(parseSeed("0xff") == 255)
        #expect(parseSeed("-1") == nil)
        #expect(parseSeed("18446744073709551615") == UInt64.max)
    }
}
