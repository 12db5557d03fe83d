import Testing

@testable import RaftCore
@testable import RaftSimulation

@Suite("Traces write a fast-backtracking hint only when a rejection carries one")
struct BacktrackingHintCodecTests {
    static func delivery(_ response: AppendEntriesResponse) -> Action {
        .deliver(Envelope(from: NodeID(1), to: NodeID(0), message: .appendEntriesResponse(response)))
    }

    @Test("A hint is written after matchIndex and read back; a reply without one is written as before")
    func roundTrip() throws {
        let hinted = AppendEntriesResponse(
            term: 3, success: false, matchIndex: 0, conflictTerm: 2, conflictIndex: 4)
        let encoded = ActionCodec.encode(Self.delivery(hinted)).encoded(pretty: false)
        #expect(encoded.contains(#""matchIndex":0,"conflictTerm":2,"conflictIndex":4"#))
        #expect(try ActionCodec.decode(JSONValue.parse(encoded), path: "step", servers: 3) == Self.delivery(hinted))
        #expect(ActionText.describe(Self.delivery(hinted)).hasSuffix("reject conflict 4/2"))

        let plain = AppendEntriesResponse(term: 3, success: false, matchIndex: 0)
        let plainText = ActionCodec.encode(Self.delivery(plain)).encoded(pretty: false)
        #expect(!plainText.contains("conflict"))
        #expect(ActionText.describe(Self.delivery(plain)).hasSuffix("reject"))
    }

    @Test("Half a hint, or a conflictIndex of 0, is bad data naming the field")
    func badHints() throws {
        let half = """
            {"action": "deliver", "from": "s2", "to": "s1", "message": {"type": "AppendEntriesResponse",
             "term": 3, "success": false, "matchIndex": 0, "conflictTerm": 2}}
            """
        #expect(throws: InputError.self) { try ActionCodec.decode(JSONValue.parse(half), path: "step", servers: 3) }
        let zero = """
            {"action": "deliver", "from": "s2", "to": "s1", "message": {"type": "AppendEntriesResponse",
             "term": 3, "success": false, "matchIndex": 0, "conflictTerm": 0, "conflictIndex": 0}}
            """
        do {
            _ = try ActionCodec.decode(JSONValue.parse(zero), path: "step", servers: 3)
            Issue.record("a conflictIndex of 0 was accepted")
        } catch let error as InputError {
            #expect(error.description.contains("conflictIndex"))
        }
    }
}
