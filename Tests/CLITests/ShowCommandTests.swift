import Foundation
import RaftTestSupport
import Testing

@testable import RaftLabCLI

@Suite("raftlab show and --junit, end to end")
struct ShowCommandTests {
    static let example = Repository.corpusExample("vote-twice-seed-6")

    @Test("Every format renders the example trace")
    func formats() throws {
        let text = try Executable.run(["show", Self.example])
        #expect(text.exitCode == 0)
        #expect(text.stdout.contains("! 12  follower"))
        #expect(text.stdout.contains("s2 and s3 both led term 1"))
        let mermaid = try Executable.run(["show", Self.example, "--format", "mermaid"])
        #expect(mermaid.stdout.hasPrefix("```mermaid\nsequenceDiagram\n"))
        let json = try Executable.run(["show", Self.example, "--format=json"])
        #expect(json.stdout.contains("\"format\": \"raftlab-timeline\""))
        let path = temporaryPath("show.html")
        let html = try Executable.run(["show", Self.example, "--format", "html", "--out", path])
        #expect(html.exitCode == 0)
        #expect(html.stdout.isEmpty)
        #expect(try String(contentsOfFile: path, encoding: .utf8).contains("id=\"timeline-data\""))
    }

    @Test(
        "Bad input is one line naming the file and the problem",
        arguments: [
            (["show", "/nonexistent/t.json"], 66, "raftlab show: /nonexistent/t.json: cannot read file"),
            (
                ["show", ShowCommandTests.example, "--format", "pdf"], 64,
                "unknown format 'pdf'; known: text, json, mermaid, html"
            ),
            (
                ["show", ShowCommandTests.example, "--out", "/nonexistent/dir/t.html"], 73,
                "/nonexistent/dir/t.html: cannot write file"
            ),
            (["show"], 64, "needs more arguments"),
        ] as [([String], Int32, String)])
    func badInput(_ arguments: [String], _ code: Int32, _ message: String) throws {
        try Executable.expectOneLineError(arguments, exitCode: code, containing: message)
    }

    @Test("A malformed trace is exit 65 naming the file and the field")
    func malformed() throws {
        let path = temporaryPath("malformed-show.json")
        try "{\"format\": \"raftlab-trace\", \"version\": 1, \"producer\": 3}".write(
            toFile: path, atomically: true, encoding: .utf8)
        let run = try Executable.run(["show", path])
        #expect(run.exitCode == 65)
        #expect(run.stderr.hasPrefix("raftlab show: \(path): producer: "))
    }

    @Test("replay --junit writes the trace as one failing test case")
    func replayJUnit() throws {
        let path = temporaryPath("replay-junit.xml")
        let run = try Executable.run(["replay", Self.example, "--quiet", "--junit", path])
        #expect(run.exitCode == 1)
        let xml = try String(contentsOfFile: path, encoding: .utf8)
        #expect(xml.contains("<testsuite name=\"raftlab replay\" tests=\"1\" failures=\"1\" errors=\"0\""))
        #expect(xml.contains("message=\"election-safety violated at step 12: s2 and s3 both led term 1\""))
        #expect(xml.contains("reproduce: raftlab replay \(Self.example)"))
        let clean = temporaryPath("seed7-junit.json")
        _ = try Executable.run(["simulate", "--seed", "7", "--quiet", "--trace-out", clean])
        _ = try Executable.run(["replay", clean, "--quiet", "--junit", path])
        #expect(try String(contentsOfFile: path, encoding: .utf8).contains("tests=\"1\" failures=\"0\" errors=\"0\""))
    }

    /// Issue 13 item 7: `show` judges a trace as `replay` does.
    @Test("show of a trace whose step is impossible renders the steps before it and exits 3")
    func diverging() throws {
        let path = temporaryPath("show-diverging.json")
        let original = try String(contentsOfFile: Self.example, encoding: .utf8)
        // The heal is moved before the partition it repairs.
        let first = "\"steps\": [\n    {\"action\": \"clientRequest\", \"server\": \"s3\", \"command\": \"y=1\"},"
        let edited = original.replacingOccurrences(of: first, with: first + "\n    {\"action\": \"heal\"},")
        #expect(edited != original)
        try edited.write(toFile: path, atomically: true, encoding: .utf8)
        let text = try Executable.run(["show", path])
        #expect(text.exitCode == 3)
        #expect(text.stdout.contains("   1  "))
        #expect(!text.stdout.contains("   2  "))
        #expect(
            text.stderr
                == "raftlab show: \(path): diverged at step 2: recorded action heal is not enabled; "
                + "rendering the steps before it\n")
        let html = temporaryPath("show-diverging.html")
        let page = try Executable.run(["show", path, "--format", "html", "--out", html])
        #expect(page.exitCode == 3)
        #expect(try String(contentsOfFile: html, encoding: .utf8).contains("id=\"timeline-data\""))
    }
}

@Suite("Inputs from standard input and the reasons a file cannot be read")
struct InputSourceTests {
    @Test("'-' reads the trace from standard input: replay and show work on a pipe")
    func standardInput() throws {
        let trace = try Data(contentsOf: URL(fileURLWithPath: ShowCommandTests.example))
        let replay = try Executable.run(["replay", "-", "--quiet"], input: trace)
        #expect(replay.exitCode == 1)
        #expect(replay.stdout.contains("replay matches the trace"))
        let show = try Executable.run(["show", "-", "--format", "mermaid"], input: trace)
        #expect(show.exitCode == 0)
        #expect(show.stdout.hasPrefix("```mermaid"))
    }

    @Test("A spec or trace that cannot be read says why, on one line, exit 66")
    func reasons() throws {
        try Executable.expectOneLineError(
            ["replay", "/nonexistent/trace.json"], exitCode: 66, containing: "cannot read file: no such file")
        try Executable.expectOneLineError(
            ["check", Repository.path("specs")], exitCode: 66, containing: "cannot read file: it is a directory")
    }
}
