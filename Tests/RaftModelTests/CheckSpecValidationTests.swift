import RaftCore
import Testing

@testable import RaftModel
@testable import RaftSimulation

/// A spec says each thing once: a fault kind or property listed twice, or a spec with no name,
/// is a mistake in the file rather than something to guess the meaning of.
@Suite("Check spec files: repeated and empty values")
struct CheckSpecValidationTests {
    static let spec = """
        {
          "name": "t", "description": "", "servers": 3,
          "bounds": { "maxTerm": 2, "maxClientRequests": 1, "maxInFlight": 2, "maxDrops": 1, "maxCrashes": 1, "maxDepth": 10 },
          "faults": ["drop", "crash"],
          "properties": ["election-safety", "log-matching"],
          "expect": "pass", "strategy": "bfs"
        }
        """

    static func decodeError(_ text: String) -> InputError? {
        do {
            _ = try CheckSpec.decode(text)
            return nil
        } catch {
            return error
        }
    }

    @Test("The base spec decodes")
    func baseDecodes() throws {
        let spec = try CheckSpec.decode(Self.spec)
        #expect(spec.faults == [.drop, .crash])
        #expect(spec.properties == [.electionSafety, .logMatching])
    }

    @Test("A protocol object switches mechanisms on; without one the spec is Figure 2")
    func protocolSwitches() throws {
        #expect(try CheckSpec.decode(Self.spec).world.options == .figure2)
        let text = Self.spec.replacingOccurrences(
            of: #""expect": "pass""#,
            with: #""protocol": {"preVote": true, "maxEntriesPerAppend": 3}, "expect": "pass""#)
        let options = try CheckSpec.decode(text).world.options
        #expect(options == ProtocolOptions(preVote: true, maxEntriesPerAppend: 3))
        let misspelt = text.replacingOccurrences(of: "preVote", with: "prevote")
        #expect(Self.decodeError(misspelt)?.path == "protocol.prevote")
    }

    @Test(
        "A repeated fault kind or property, or an empty name, is refused naming the field",
        arguments: [
            (
                #""faults": ["drop", "crash"]"#, #""faults": ["drop", "crash", "drop"]"#, "faults[2]",
                #"fault kind "drop" is listed twice"#
            ),
            (
                #""log-matching"]"#, #""log-matching", "election-safety"]"#, "properties[2]",
                #"property "election-safety" is listed twice"#
            ),
            (#""name": "t""#, #""name": """#, "name", "must not be empty"),
        ])
    func repeatedOrEmpty(_ original: String, _ replacement: String, _ path: String, _ message: String) throws {
        #expect(Self.spec.contains(original))
        let error = try #require(Self.decodeError(Self.spec.replacingOccurrences(of: original, with: replacement)))
        #expect(error == InputError(path: path, message: message))
    }

    @Test("Values from the file are quoted escaped, and long ones cut short")
    func quotedValues() throws {
        let long = String(repeating: "v", count: 1_000_000)
        let cases: [(String, String, String)] = [
            (
                #""expect": "pass""#, #""expect": "pass\nfail""#,
                #"expect: expected "pass", "violation" or "violation:<property>", found "pass\nfail""#
            ),
            (
                #""strategy": "bfs""#, #""strategy": "\u001b[1mdfs""#,
                #"strategy: expected "bfs" or "dfs", found "\u{1B}[1mdfs""#
            ),
            (
                #""expect": "pass""#, #""expect": "pass", "mutant": "\u009bvote""#,
                #"mutant: unknown mutant "\u{9B}vote""#
            ),
            (#""expect": "pass""#, #""expect": "\#(long)""#, #"... (1000000 characters)"#),
            (#""expect": "pass""#, #""expect": "pass", "\u2029": 1"#, #"unknown key "\u{2029}""#),
        ]
        for (original, replacement, expected) in cases {
            let error = try #require(Self.decodeError(Self.spec.replacingOccurrences(of: original, with: replacement)))
            #expect(error.description.contains(expected), "\(error)")
            #expect(error.description.count < 200)
            #expect(!error.description.unicodeScalars.contains { $0.value < 0x20 || (0x7F...0x9F).contains($0.value) })
        }
    }
}
