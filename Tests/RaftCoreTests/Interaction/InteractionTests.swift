import Foundation
import RaftTestSupport
import Testing

/// Runs every script in `testdata/` and compares each command's transcript with the one written
/// under it, so that a change in what the core does shows up as a readable diff.
///
/// `RAFTLAB_REWRITE=1 swift test --filter Interaction` writes the new transcripts into the
/// scripts instead. Read the diff before committing it: commit only what you meant to change.
@Suite("Interaction scripts (etcd-style): commands in, the core's effects and state out")
struct InteractionTests {
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("testdata")

    static var rewriting: Bool { GoldenFiles.rewriting }

    /// The script names, sorted so that the tests run and are reported in a fixed order.
    static let scripts: [String] = {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        return names.filter { $0.hasSuffix(".txt") }.sorted()
    }()

    /// The script with every transcript replaced by what the environment prints now.
    static func rerun(_ script: InteractionScript) throws -> InteractionScript {
        var environment = InteractionEnvironment()
        var actual = script
        for index in actual.blocks.indices {
            let block = actual.blocks[index]
            do {
                actual.blocks[index].transcript = try environment.run(block.command)
            } catch {
                throw InteractionScript.ParseError(lineNumber: block.lineNumber, message: error.description)
            }
        }
        return actual
    }

    @Test("Every script's transcript matches", arguments: scripts)
    func script(_ name: String) throws {
        let url = Self.folder.appendingPathComponent(name)
        let text = try String(contentsOf: url, encoding: .utf8)
        let actual = try Self.rerun(try InteractionScript(parsing: text)).text
        if Self.rewriting {
            if actual != text { try actual.write(to: url, atomically: true, encoding: .utf8) }
            return
        }
        if actual != text {
            Issue.record(
                """
                \(name) differs from what the core does now (- written, + actual); RAFTLAB_REWRITE=1 rewrites it:
                \(lineDiff(expected: text, actual: actual))
                """)
        }
    }

    @Test("There are scripts, and each cites the paper section it checks on its first line")
    func scriptsCiteTheirSection() throws {
        #expect(Self.scripts.count >= 5)
        for name in Self.scripts {
            let text = try String(contentsOf: Self.folder.appendingPathComponent(name), encoding: .utf8)
            let firstLine = text.prefix { $0 != "\n" }
            #expect(firstLine.hasPrefix("# §") || firstLine.hasPrefix("# Figure"), "\(name): \(firstLine)")
        }
    }
}

@Suite("The interaction script runner")
struct InteractionRunnerTests {
    static let script = """
        # A comment, kept.
        add-nodes 2
        ----
        s1 follower term=0 vote=none leader=none commit=0 applied=0 log=[]
        s2 follower term=0 vote=none leader=none commit=0 applied=0 log=[]

        election-timeout 1
        ----
        stale transcript

        """

    @Test("Parsing and printing a script gives back the same text")
    func roundTrip() throws {
        let parsed = try InteractionScript(parsing: Self.script)
        #expect(parsed.blocks.map(\.command) == ["add-nodes 2", "election-timeout 1"])
        #expect(parsed.blocks[1].leadingLines == [""])
        #expect(parsed.text == Self.script)
    }

    @Test("A transcript that no longer matches is caught, and the diff names the changed lines")
    func staleTranscriptIsCaught() throws {
        let script = try InteractionScript(parsing: Self.script)
        let actual = try InteractionTests.rerun(script)
        #expect(actual.blocks[0].transcript == script.blocks[0].transcript)
        #expect(actual.blocks[1].transcript.first == "persist term=1 vote=s1 log=[]")
        let diff = lineDiff(expected: script.text, actual: actual.text)
        #expect(diff.contains("- stale transcript"))
        #expect(diff.contains("+ persist term=1 vote=s1 log=[]"))
        #expect(diff.hasPrefix("@@ line "))
    }

    @Test("A command that is not followed by ---- or that the environment does not know is an error")
    func badScripts() throws {
        #expect(throws: InteractionScript.ParseError.self) { try InteractionScript(parsing: "state\nok\n") }
        let unknown = try InteractionScript(parsing: "add-nodes 1\n----\nok\n\nfrobnicate\n----\nok\n")
        #expect(throws: InteractionScript.ParseError(lineNumber: 5, message: "unknown command 'frobnicate'")) {
            try InteractionTests.rerun(unknown)
        }
    }

    @Test("The diff shows changed lines with context and a hunk per distant change")
    func diffLayout() {
        let expected = (1...12).map { "line \($0)" }
        var actual = expected
        actual[1] = "changed 2"
        actual[10] = "changed 11"
        #expect(
            lineDiff(expected: expected, actual: actual, context: 1)
                == """
                @@ line 1
                  line 1
                - line 2
                + changed 2
                  line 3
                @@ line 10
                  line 10
                - line 11
                + changed 11
                  line 12
                """)
        #expect(lineDiff(expected: expected, actual: expected).isEmpty)
    }
}
