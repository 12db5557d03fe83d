import Foundation
import Testing

@testable import RaftCore
@testable import RaftCorpus
@testable import RaftSimulation

@Suite("Judging a trace against what it recorded")
struct TraceJudgeTests {
    static let example = repositoryCorpus + "/examples/vote-twice-seed-6.json"

    @Test("The example reproduces under its mutant; under the correct Raft it is replayed, not compared")
    func reproduces() throws {
        let trace = try TraceFile.read(Self.example)
        let own = TraceJudge.verdict(of: TraceReplay(trace, mutant: trace.mutant))
        #expect(!own.isDivergence)
        guard case .reproduced(let result) = own else {
            Issue.record("expected reproduced, got \(own)")
            return
        }
        #expect(result.violation == trace.violation)
        let correct = TraceJudge.verdict(of: TraceReplay(trace, mutant: nil))
        #expect(correct.result?.violation == nil)
    }

    @Test("A changed digest is a divergence for replay and a failure for the corpus")
    func tamperedDigest() throws {
        var trace = try TraceFile.read(Self.example)
        trace.digest ^= 1
        let verdict = TraceJudge.verdict(of: TraceReplay(trace, mutant: trace.mutant))
        guard case .differs = verdict else {
            Issue.record("expected differs, got \(verdict)")
            return
        }
        #expect(verdict.isDivergence)
        #expect(verdict.description.hasPrefix("diverged: recorded digest \(hex16(trace.digest))"))
        let judgement = TraceJudge.judgeCorpusEntry(trace)
        #expect(!judgement.holds)
        #expect(judgement.summary.hasPrefix("no longer reproduces under vote-twice: diverged: recorded digest"))
    }

    @Test("A recorded action that is not enabled is a divergence at its step")
    func notEnabled() throws {
        var trace = try TraceFile.read(Self.example)
        // A heal before the partition it repairs.
        trace.actions.insert(trace.actions[2], at: 1)
        var observed = 0
        let replay = TraceReplay(trace, mutant: trace.mutant) { _, _ in observed += 1 }
        let verdict = TraceJudge.verdict(of: replay)
        guard case .diverged(let divergence) = verdict else {
            Issue.record("expected diverged, got \(verdict)")
            return
        }
        #expect(divergence.step == 2)
        #expect(observed == 1)
        #expect(!TraceJudge.judgeCorpusEntry(trace).holds)
    }

    @Test("Steps after the recorded violation: the run stops there, so the trace does not run as recorded")
    func stepsAfterViolation() throws {
        var trace = try TraceFile.read(Self.example)
        let violation = try #require(trace.violation)
        #expect(violation.step == trace.actions.count)
        trace.actions.append(trace.actions[0])
        let verdict = TraceJudge.verdict(of: TraceReplay(trace, mutant: trace.mutant))
        guard case .stoppedEarly(let result) = verdict else {
            Issue.record("expected stoppedEarly, got \(verdict)")
            return
        }
        #expect(result.violation == violation)
        #expect(verdict.description.hasPrefix("diverged at step \(violation.step + 1): the run stopped early"))
        let judgement = TraceJudge.judgeCorpusEntry(trace)
        #expect(!judgement.holds)
        #expect(judgement.summary.hasPrefix("no longer reproduces under vote-twice: diverged at step"))
    }

    /// Issue 13 item 7, one judge: every corpus entry, and each broken in several ways.
    @Test("The corpus holds an entry exactly when replay under its own mutant matches the trace")
    func corpusAndReplayAgree() throws {
        var traces: [(name: String, trace: Trace)] = []
        for file in CorpusFolder(path: repositoryCorpus).traceFiles() {
            let trace = try TraceFile.read(file)
            traces.append((file, trace))
            var after = trace
            after.actions.append(contentsOf: trace.actions.prefix(2))
            traces.append((file + " with steps after its end", after))
            var digest = trace
            digest.digest &+= 1
            traces.append((file + " with another digest", digest))
            var verdict = trace
            verdict.violation = nil
            traces.append((file + " without its verdict", verdict))
            var shorter = trace
            shorter.actions.removeLast()
            traces.append((file + " without its last step", shorter))
        }
        for (name, trace) in traces {
            let replayed = TraceJudge.verdict(of: TraceReplay(trace, mutant: trace.mutant))
            let judgement = TraceJudge.judgeCorpusEntry(trace)
            #expect(
                judgement.holds == !replayed.isDivergence, "\(name): corpus \(judgement.summary); replay \(replayed)")
        }
    }
}
