import Testing

@testable import RaftCore
@testable import RaftSimulation

/// A trace file holds exactly what a writer could have written: one spelling per server,
/// command and count, so that two files meaning the same run are the same text.
@Suite("Trace files: only canonical spellings and sensible counts")
struct TraceValidationTests {
    /// A small valid trace, written by hand so that each test below is one visible edit of it.
    static let trace = """
        {
          "format": "raftlab-trace", "version": 1, "producer": "test",
          "spec": {
            "name": "t", "servers": 3, "maxTerm": 2, "maxClientRequests": 1, "maxCrashes": 0, "maxInFlight": 2,
            "maxDrops": 0, "maxDuplicates": 0, "maxPartitions": 1, "maxDepth": 10
          },
          "mutant": null, "seed": "7",
          "steps": [
            {"action": "electionTimeout", "server": "s1"},
            {"action": "clientRequest", "server": "s1", "command": "x=1"},
            {
              "action": "deliver", "from": "s1", "to": "s2",
              "message": {
                "type": "AppendEntries", "term": 1, "prevLogIndex": 0, "prevLogTerm": 0, "entries": ["1:k4=12"],
                "leaderCommit": 0
              }
            },
            {"action": "partition", "side": ["s3"]},
            {"action": "heal"}
          ],
          "verdict": {
            "result": "violation", "invariant": "election-safety", "step": 5, "servers": ["s1", "s2"], "index": null,
            "terms": [1], "detail": "two leaders"
          },
          "digest": "0123456789abcdef"
        }
        """

    static func decodeError(_ text: String) -> InputError? {
        do {
            _ = try Trace.decode(text)
            return nil
        } catch {
            return error
        }
    }

    @Test("The hand-written trace decodes, and its canonical encoding decodes to the same")
    func baseDecodes() throws {
        let trace = try Trace.decode(Self.trace)
        #expect(trace.actions.count == 5)
        let append = AppendEntries(
            term: 1, prevLogIndex: 0, prevLogTerm: 0, entries: [Entry(term: 1, command: Command(key: 4, value: 12))],
            leaderCommit: 0)
        #expect(trace.actions[2] == .deliver(Envelope(from: NodeID(0), to: NodeID(1), message: .appendEntries(append))))
        #expect(try Trace.decode(trace.encoded()).encoded() == trace.encoded())
    }

    @Test(
        "A server, command, entry or seed spelt other than as traces write it is refused",
        arguments: [
            (#""server": "s1""#, #""server": "s01""#, "steps[0].server", #""s01" is not canonical (write "s1")"#),
            (#""to": "s2""#, #""to": "s+2""#, "steps[2].to", nil),
            (#""side": ["s3"]"#, #""side": ["s003"]"#, "steps[3].side[0]", #""s003" is not canonical (write "s3")"#),
            (#""servers": ["s1", "s2"]"#, #""servers": ["s1", "s02"]"#, "verdict.servers[1]", nil),
            (
                #""command": "x=1""#, #""command": "x=01""#, "steps[1].command",
                #""x=01" is not canonical (write "x=1")"#
            ),
            (
                #""command": "x=1""#, #""command": "k0=1""#, "steps[1].command",
                #""k0=1" is not canonical (write "x=1")"#
            ),
            (#""command": "x=1""#, #""command": "x=+1""#, "steps[1].command", nil),
            (#""1:k4=12""#, #""01:k4=12""#, "steps[2].message.entries[0]", #"is not canonical (write "1:k4=12")"#),
            (#""1:k4=12""#, #""1:k04=12""#, "steps[2].message.entries[0]", #"is not canonical (write "k4=12")"#),
            (#""seed": "7""#, #""seed": "07""#, "seed", #"expected a decimal 64-bit seed, found "07""#),
            (#""seed": "7""#, #""seed": "+7""#, "seed", nil),
            (#""digest": "0123456789abcdef""#, #""digest": "+123456789abcdef""#, "digest", nil),
        ] as [(String, String, String, String?)])
    func nonCanonicalSpellings(_ original: String, _ replacement: String, _ path: String, _ message: String?) throws {
        #expect(Self.trace.contains(original))
        let error = try #require(Self.decodeError(Self.trace.replacingFirst(original, with: replacement)))
        #expect(error.path.hasPrefix(path), "\(error)")
        if let message { #expect(error.message.contains(message), "\(error)") }
    }

    @Test(
        "Counts no writer produces are refused: a depth of 0, a violation after the last step, a huge entry term",
        arguments: [
            (#""maxDepth": 10"#, #""maxDepth": 0"#, "spec.maxDepth", "0 is out of range (expected 1...1000000)"),
            (#""step": 5"#, #""step": 6"#, "verdict.step", "is 6 but the trace has only 5 steps"),
            (#""1:k4=12""#, #""4294967296:k4=12""#, "steps[2].message.entries[0]", "expected an entry like"),
        ])
    func nonsenseCounts(_ original: String, _ replacement: String, _ path: String, _ message: String) throws {
        #expect(Self.trace.contains(original))
        let error = try #require(Self.decodeError(Self.trace.replacingFirst(original, with: replacement)))
        #expect(error.path == path, "\(error)")
        #expect(error.message.contains(message), "\(error)")
    }

    @Test(
        "Text the tools print as it is (producer, spec name, violation detail) is one printable line of bounded length",
        arguments: [
            (#""producer": "test""#, #""producer": "line one\nline two""#, "producer", "control or formatting"),
            (#""producer": "test""#, #""producer": "\u001b[31mred""#, "producer", "control or formatting"),
            (#""name": "t""#, "\"name\": \"\(String(repeating: "n", count: 101))\"", "spec.name", "at most 100"),
            (#""detail": "two leaders""#, #""detail": "two\rleaders""#, "verdict.detail", "control or formatting"),
        ])
    func printableText(_ original: String, _ replacement: String, _ path: String, _ message: String) throws {
        #expect(Self.trace.contains(original))
        let error = try #require(Self.decodeError(Self.trace.replacingFirst(original, with: replacement)))
        #expect(error.path == path, "\(error)")
        #expect(error.message.contains(message), "\(error)")
        #expect(!error.description.unicodeScalars.contains(where: UntrustedText.mustEscape))
    }

    @Test("A path the tool writes into a producer reads back: its control characters are escaped")
    func escapedProducer() throws {
        let producer = "raftlab shrink (\(UntrustedText.escaped("odd\nname.json")), shrunk from 9 steps)"
        #expect(producer == #"raftlab shrink (odd\nname.json, shrunk from 9 steps)"#)
        let text = Self.trace.replacingFirst(
            #""producer": "test""#, with: "\"producer\": \(JSONValue.string(producer).encoded(pretty: false))")
        #expect(try Trace.decode(text).producer == producer)
    }

    @Test("A violation at the last step, or at step 0 of an empty trace, is still accepted")
    func violationStepBounds() throws {
        #expect(Self.decodeError(Self.trace) == nil)
        let empty = Self.trace.replacingFirst(#""step": 5"#, with: #""step": 0"#)
        #expect(Self.decodeError(empty) == nil)
    }

    @Test("An empty key name, in a command or as a JSON key, is reported as such")
    func emptyKeyNames() throws {
        let command = try #require(Self.decodeError(Self.trace.replacingFirst(#""x=1""#, with: #""=1""#)))
        #expect(command == InputError(path: "steps[1].command", message: #"empty key name in "=1""#))
        let key = try #require(Self.decodeError(Self.trace.replacingFirst(#""heal""#, with: #""heal", "": 0"#)))
        #expect(key == InputError(path: "steps[4]", message: #"unknown key "" (an empty key name)"#))
        let top = try #require(Self.decodeError(Self.trace.replacingFirst(#""producer""#, with: #""": 1, "producer""#)))
        #expect(top.description == #"unknown key "" (an empty key name)"#)
    }

    @Test("Values from the file are quoted escaped in every message that shows them")
    func quotedValues() throws {
        let cases: [(String, String, String)] = [
            (
                #""format": "raftlab-trace""#, #""format": "raft\nlab""#,
                #"format: expected "raftlab-trace", found "raft\nlab""#
            ),
            (#""heal""#, #""he\u001bal""#, #"steps[4].action: unknown action "he\u{1B}al""#),
            (#""type": "AppendEntries""#, #""type": "Append\rEntries""#, #"unknown message type "Append\rEntries""#),
            (#""mutant": null"#, #""mutant": "a\u0085b""#, #"mutant: unknown mutant "a\u{85}b""#),
            (#""invariant": "election-safety""#, #""invariant": "x\u2028y""#, #"unknown invariant "x\u{2028}y""#),
            (#""result": "violation""#, #""result": "\u202eko""#, #"found "\u{202E}ko""#),
            (
                #""server": "s1""#, #""server": "s\n1""#,
                #"steps[0].server: "s\n1" is not a server of this 3-server spec"#
            ),
            (#""x=1""#, #""q\t=1""#, #"unknown key "q\t" in "q\t=1""#),
            (
                #""digest": "0123456789abcdef""#, #""digest": "\u007f""#,
                #"digest: expected 16 hex digits, found "\u{7F}""#
            ),
        ]
        for (original, replacement, expected) in cases {
            #expect(Self.trace.contains(original))
            let error = try #require(Self.decodeError(Self.trace.replacingFirst(original, with: replacement)))
            #expect(error.description.contains(expected), "\(error)")
            #expect(isOneSafeLine(error.description), "\(error)")
        }
    }
}
