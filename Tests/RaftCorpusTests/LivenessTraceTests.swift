import Foundation
import RaftTestSupport
import Testing

@testable import RaftCore
@testable import RaftCorpus
@testable import RaftFuzzing
@testable import RaftSimulation

/// A liveness failure is saved, read back and reproduced like a safety violation: the fuzzer's
/// liveness judge and the replay decide what was missing through the one `LivenessGoal`.
@Suite("Liveness failures saved as traces: fuzzed, saved, read back, replayed, judged")
struct LivenessTraceTests {
    /// A run of RB-30 that the fast-clock profile stalls: no leader settles within the budget.
    static let mutant = Mutant.ignoreHigherTerm
    static let runSeed: UInt64 = 15_735_331_651_807_797_662
    static let corpusEntry = repositoryCorpus + "/mutants/ignore-higher-term.json"

    /// Fuzzes `runSeed` alone and saves what it finds in `folder`.
    static func fuzzAndSave(in folder: String) throws -> FailureReport {
        let context = FailureContext(spec: .fuzzDefault, specFile: nil, mutant: mutant)
        let pipeline = FailurePipeline(context: context, corpus: CorpusFolder(path: folder))
        let campaign = Campaign(spec: .fuzzDefault, mutant: mutant, baseSeed: runSeed, runs: 1, workers: 1)
        let findings = try pipeline.run(campaign)
        #expect(findings.livenessFailures == 1 && findings.safetyViolations == 0)
        return try #require(findings.failures.first)
    }

    @Test("RB-30's liveness failure is saved whole, reads back, replays to the same words and holds in the corpus")
    func fuzzSaveReplayJudge() throws {
        let folder = temporaryFolder("liveness")
        let failure = try Self.fuzzAndSave(in: folder)
        guard case .liveness(let found) = failure.outcome else {
            Issue.record("expected a liveness failure, got \(failure.outcome)")
            return
        }
        #expect(failure.shrunk == nil)
        let saved = try #require(failure.corpusFile)
        #expect(saved.hasPrefix(folder + "/liveness-") && saved.hasSuffix(".json"))

        let read = try TraceFile.read(saved)
        let liveness = try #require(read.liveness)
        #expect(read.actions.count == failure.steps && liveness.step == found.step)
        #expect(liveness.detail == found.detail && liveness.ticks == found.ticks)
        #expect(liveness.phaseStartStep == found.phaseStartStep && liveness.phaseStartStep < liveness.step)
        #expect(liveness.budgetTicks == FaultProfile.livenessBudgetTicks)
        #expect(read.encoded() == (try String(contentsOfFile: saved, encoding: .utf8)))

        let replay = TraceReplay(read, mutant: read.mutant)
        #expect(replay.livenessShortfall == found.detail)
        let verdict = TraceJudge.verdict(of: replay)
        guard case .reproduced(let result) = verdict else {
            Issue.record("the saved trace does not replay as recorded: \(verdict)")
            return
        }
        #expect(result.violation == nil)
        let judgement = TraceJudge.judgeCorpusEntry(read)
        #expect(judgement.holds, "\(judgement.summary)")
        #expect(judgement.summary.hasPrefix("liveness failure at step \(found.step) under ignore-higher-term"))
    }

    @Test("The corpus keeps the same run, byte for byte")
    func corpusEntryIsThisRun() throws {
        let folder = temporaryFolder("liveness-corpus")
        let saved = try #require(try Self.fuzzAndSave(in: folder).corpusFile)
        #expect(
            try String(contentsOfFile: saved, encoding: .utf8)
                == String(contentsOfFile: Self.corpusEntry, encoding: .utf8))
    }

    @Test("A tampered liveness trace does not reproduce: another detail, a step removed, another length")
    func tampered() throws {
        let trace = try TraceFile.read(Self.corpusEntry)
        let recorded = try #require(trace.liveness)

        var otherDetail = trace
        otherDetail.liveness!.detail = recorded.detail.replacingOccurrences(of: "s1 ", with: "s2 ")
        let detailVerdict = TraceJudge.verdict(of: TraceReplay(otherDetail, mutant: otherDetail.mutant))
        guard case .livenessDiffers(_, _, let found) = detailVerdict else {
            Issue.record("expected livenessDiffers, got \(detailVerdict)")
            return
        }
        #expect(found == recorded.detail)
        #expect(!TraceJudge.judgeCorpusEntry(otherDetail).holds)

        var shorter = trace
        shorter.actions.removeLast()
        #expect(TraceJudge.verdict(of: TraceReplay(shorter, mutant: shorter.mutant)).isDivergence)
        #expect(!TraceJudge.judgeCorpusEntry(shorter).holds)

        var otherStep = trace
        otherStep.liveness!.step -= 1
        #expect(TraceJudge.verdict(of: TraceReplay(otherStep, mutant: otherStep.mutant)).isDivergence)
    }

    /// RB-29 changes only which timers a server re-arms, and a trace records choices, not times:
    /// the correct Raft takes the same steps to the same worlds and fails them the same way.
    @Test("A timing-only liveness failure (RB-29) is refused by the corpus: the correct Raft fails the same path")
    func timingOnlyFailureIsRefused() throws {
        let context = FailureContext(spec: .fuzzDefault, specFile: nil, mutant: .resetTimerWrongly)
        var fuzzer = Fuzzer(spec: .fuzzDefault, mutant: .resetTimerWrongly)
        // Seed 7 fails liveness (seed 1's run, which did before clogs, now draws them).
        let result = fuzzer.run(seed: 7)
        let trace = try #require(FailurePipeline(context: context, corpus: nil).livenessTrace(result))
        guard case .reproduced = TraceJudge.verdict(of: TraceReplay(trace, mutant: trace.mutant)) else {
            Issue.record("the RB-29 trace does not reproduce under its mutant")
            return
        }
        let judgement = TraceJudge.judgeCorpusEntry(trace)
        #expect(!judgement.holds)
        #expect(judgement.summary.hasPrefix("the correct Raft fails the same path too: liveness: "))
    }
}
