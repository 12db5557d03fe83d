import Foundation
import RaftTestSupport
import Testing

/// Issue 13 items 1 and 4: a failed write is an exit code, never a trap, and an output that
/// cannot be written is reported before any work.
@Suite("I/O failures and output paths")
struct IOFailureTests {
    @Test("Standard output on a full device: exit 74 and one line on stderr")
    func stdoutFull() throws {
        let child = try ChildProcess(
            ["mutants"], stdout: try FileHandle(forWritingTo: URL(fileURLWithPath: "/dev/full")))
        let (status, _, stderr) = child.finish()
        #expect(status == 74)
        #expect(stderr == "raftlab: cannot write to standard output: No space left on device\n")
    }

    @Test("Standard error on a full device: exit 74")
    func stderrFull() throws {
        let process = Process()
        process.executableURL = Executable.url
        process.arguments = ["no-such-command"]
        process.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: "/dev/full"))
        try process.run()
        process.waitUntilExit()
        #expect(process.terminationReason == .exit)
        #expect(process.terminationStatus == 74)
    }

    @Test("Standard output into a pipe nobody reads: death by SIGPIPE, as any Unix tool")
    func brokenPipe() throws {
        let pipe = Pipe()
        try pipe.fileHandleForReading.close()
        let child = try ChildProcess(["mutants"], stdout: pipe.fileHandleForWriting)
        try pipe.fileHandleForWriting.close()
        let (status, _, stderr) = child.finish()
        #expect(status == 128 + SIGPIPE)
        #expect(stderr.isEmpty)
    }

    @Test("Without a usable $TMPDIR the checker keeps its path records in memory: same result")
    func noTemporaryFolder() throws {
        let spec = Repository.path("specs/election.json")
        let usual = try ChildProcess([
            "check", spec, "--mutant", "vote-twice", "--workers", "1", "--quiet", "--json",
        ]).finish()
        let without = try ChildProcess(
            ["check", spec, "--mutant", "vote-twice", "--workers", "1", "--quiet", "--json"],
            environment: ["TMPDIR": "/nonexistent/raftlab-tmp"]
        ).finish()
        #expect(without.status == usual.status)
        #expect(without.stderr.isEmpty)
        let fields = { (run: String) -> [String] in
            let object = (try? JSONSerialization.jsonObject(with: Data(run.utf8))) as? [String: Any] ?? [:]
            return ["verdict", "distinctStates", "totalStates", "depth", "invariant"].map { "\(object[$0] ?? "-")" }
        }
        #expect(fields(without.stdout) == fields(usual.stdout))
        #expect(fields(usual.stdout)[0] == "violation")
    }

    @Test("An unwritable --trace-out or --junit fails at once: exit 73, one line, no work done")
    func unwritableOutputsFailFirst() throws {
        let file = temporaryPath("plain-\(UUID().uuidString)")
        _ = FileManager.default.createFile(atPath: file, contents: Data())
        let folder = emptyFolder("a-folder")
        for arguments in [
            ["check", "--trace-out", file + "/cex.json"],
            ["check", "--junit", folder],
            ["fuzz", "--runs", "100000", "--junit", file + "/report.xml"],
            ["fuzz", "--runs", "100000", "--corpus", file + "/found"],
            ["simulate", "--trace-out", "/nonexistent/run.json"],
            ["show", Repository.corpusExample("vote-twice-seed-6"), "--out", file + "/page.html"],
        ] {
            let run = try Executable.run(arguments)
            #expect(run.exitCode == 73, "\(arguments)")
            #expect(run.stdout.isEmpty, "\(arguments)")
            #expect(run.stderr.split(separator: "\n").count == 1, "\(arguments)")
        }
        try Executable.expectOneLineError(
            ["check", "--trace-out", file + "/cex.json"], exitCode: 73,
            containing: "raftlab check: \(file)/cex.json: cannot write file: Not a directory")
    }

    @Test("A passing check asked for --trace-out says that it wrote nothing")
    func traceOutWithNothingToWrite() throws {
        let path = temporaryPath("nothing-\(UUID().uuidString).json")
        let run = try Executable.run([
            "check", Repository.path("specs/election.json"), "--workers", "1", "--quiet", "--trace-out", path,
        ])
        #expect(run.exitCode == 0)
        #expect(run.stderr.contains("no counterexample, so nothing was written to \(path)"))
        #expect(!FileManager.default.fileExists(atPath: path))
    }

    @Test("A corpus that cannot take a trace: the failure, its seed and its reproduce command are still printed")
    func unwritableCorpusKeepsTheSeed() throws {
        let corpus = emptyFolder("half-corpus")
        // The folder for whole traces is taken by a file: saving them fails mid-campaign.
        _ = FileManager.default.createFile(atPath: corpus + "/unshrunk", contents: Data())
        let run = try Executable.run([
            "fuzz", "--mutant", "vote-without-log-check", "--runs", "50", "--corpus", corpus, "--quiet",
        ])
        #expect(run.exitCode == 1)
        #expect(run.stdout.contains("FAILURE run"))
        #expect(run.stdout.contains("reproduce the run: raftlab fuzz --seed "))
        #expect(run.stderr.contains("raftlab fuzz: \(corpus)/unshrunk: cannot create the corpus folder; run "))
        #expect(run.stderr.contains("is reproduced by: raftlab fuzz --seed "))
    }
}
