import Foundation
import RaftTestSupport
import Testing

@testable import RaftCore
@testable import RaftSimulation

@Suite("Trace format version 1")
struct TraceTests {
    func recordedTrace(seed: UInt64 = 7, mutant: Mutant? = nil) throws -> Trace {
        let rules = WorldRules(spec: .simulationDefault, mutant: mutant)
        var driver = SeededChooser(seed: seed)
        let result = try rules.run(chooser: &driver, maxSteps: 120)
        return Trace(
            producer: "test", spec: .simulationDefault, mutant: mutant, seed: seed, actions: result.actions,
            violation: result.violation, digest: result.digest)
    }

    @Test("Encoding then decoding gives back every action, the header, verdict and digest")
    func roundTrip() throws {
        let trace = try recordedTrace()
        let decoded = try Trace.decode(trace.encoded())
        #expect(decoded.actions == trace.actions)
        #expect(decoded.spec == trace.spec)
        #expect(decoded.seed == 7)
        #expect(decoded.digest == trace.digest)
        #expect(decoded.violation == trace.violation)
        #expect(decoded.encoded() == trace.encoded())
    }

    @Test("A violation verdict survives the round trip")
    func violationRoundTrip() throws {
        var trace = try recordedTrace()
        trace.violation = Violation(
            invariant: .electionSafety, servers: [s1, s2], terms: [3], step: 4, detail: "s1 and s2 both led term 3")
        #expect(try Trace.decode(trace.encoded()).violation == trace.violation)
    }

    @Test("Keys come in a fixed order and actions are written by meaning")
    func stableLayout() throws {
        let text = try recordedTrace().encoded()
        let keys = [
            "\"format\"", "\"version\"", "\"producer\"", "\"spec\"", "\"mutant\"", "\"seed\"", "\"steps\"",
            "\"verdict\"", "\"digest\"",
        ]
        let positions = keys.map { text.range(of: $0)!.lowerBound }
        #expect(positions == positions.sorted())
        #expect(text.contains("{\"action\": \"electionTimeout\", \"server\": \"s"))
    }

    @Test(
        "Malformed traces are clear errors naming the field",
        arguments: [
            ("{", "not valid JSON"),
            ("{\"format\": \"other\"}", "format: expected \"raftlab-trace\""),
            ("{\"format\": \"raftlab-trace\", \"version\": 3}", "version: trace format version 3 is not supported"),
        ])
    func malformed(_ text: String, _ expected: String) {
        #expect {
            try Trace.decode(text)
        } throws: { error in
            (error as? InputError)?.description.hasPrefix(expected) == true
        }
    }

    @Test("A bad step names its position, and unknown keys are refused")
    func badStep() throws {
        let good = try recordedTrace().encoded()
        let badServer = good.replacingFirst("\"server\": \"s", with: "\"server\": \"s9")
        #expect(throws: InputError.self) { try Trace.decode(badServer) }
        let unknownKey = good.replacingFirst("\"producer\"", with: "\"extra\": 1, \"producer\"")
        #expect(throws: InputError(path: "extra", message: "unknown key")) { try Trace.decode(unknownKey) }
    }
}

extension String {
    func replacingFirst(_ target: String, with replacement: String) -> String {
        guard let range = range(of: target) else { return self }
        return replacingCharacters(in: range, with: replacement)
    }
}
