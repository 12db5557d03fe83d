import Foundation
import RaftTestSupport
import Testing

@testable import RaftCore
@testable import RaftSimulation

@Suite("Trace format version 2: a liveness verdict")
struct LivenessVerdictTests {
    static let verdict = LivenessVerdict(
        phaseStartStep: 3, step: 5, budgetTicks: 5_000, ticks: 5_000, stepLimitReached: false,
        detail: "no leader followed by every server (s1 follower term 0, s2 follower term 0, s3 follower term 0)")

    func trace(liveness: LivenessVerdict?) -> Trace {
        let actions: [Action] = [.electionTimeout(s1), .electionTimeout(s2), .heal, .heal, .heal]
        return Trace(
            producer: "test", spec: .simulationDefault, mutant: .ignoreHigherTerm, seed: 9, actions: actions,
            violation: nil, liveness: liveness, digest: 0x0123_4567_89ab_cdef)
    }

    @Test("A liveness verdict is written as version 2 and survives the round trip, key by key")
    func roundTrip() throws {
        let text = trace(liveness: Self.verdict).encoded()
        #expect(text.contains("\"version\": 2,"))
        let keys = [
            "\"result\": \"liveness\"", "\"step\"", "\"phaseStartStep\"", "\"budgetTicks\"", "\"ticks\"",
            "\"stepLimitReached\"", "\"detail\"",
        ]
        let positions = keys.map { text.range(of: $0)!.lowerBound }
        #expect(positions == positions.sorted())
        let decoded = try Trace.decode(text)
        #expect(decoded.liveness == Self.verdict)
        #expect(decoded.violation == nil)
        #expect(decoded.encoded() == text)
    }

    /// Version 2 must not change what version 1 says: every trace without a liveness verdict is
    /// written exactly as before, and every file in the corpus reads and re-encodes byte for byte.
    @Test("Every other trace is still written as version 1, and every corpus file re-encodes to its own bytes")
    func versionOneUnchanged() throws {
        #expect(trace(liveness: nil).encoded().contains("\"version\": 1,"))
        let corpus = Repository.path("corpus")
        let files = FileManager.default.enumerator(atPath: corpus)!.compactMap { $0 as? String }
            .filter { $0.hasSuffix(".json") }
        #expect(files.count >= 12)
        for file in files {
            let text = try String(contentsOfFile: corpus + "/" + file, encoding: .utf8)
            let trace = try Trace.decode(text)
            #expect(trace.encoded() == text, "\(file)")
            #expect(text.contains("\"version\": \(trace.liveness == nil ? 1 : 2),"), "\(file)")
        }
    }

    @Test("A version 1 file cannot carry a liveness verdict, and a liveness verdict is checked field by field")
    func malformed() throws {
        let text = trace(liveness: Self.verdict).encoded()
        let asVersion1 = text.replacingFirst("\"version\": 2", with: "\"version\": 1")
        #expect(
            throws: InputError(path: "verdict.result", message: "expected \"ok\" or \"violation\", found \"liveness\"")
        ) {
            try Trace.decode(asVersion1)
        }
        let late = text.replacingFirst("\"phaseStartStep\": 3", with: "\"phaseStartStep\": 6")
        #expect(throws: InputError(path: "verdict.phaseStartStep", message: "6 is after the last step (5)")) {
            try Trace.decode(late)
        }
        let noFlag = text.replacingFirst("\"stepLimitReached\": false,", with: "")
        #expect(throws: InputError(path: "verdict.stepLimitReached", message: "missing")) { try Trace.decode(noFlag) }
        let unknown = text.replacingFirst("\"ticks\": 5000", with: "\"ticks\": 5000, \"tick\": 1")
        #expect(throws: InputError(path: "verdict.tick", message: "unknown key")) { try Trace.decode(unknown) }
    }
}
