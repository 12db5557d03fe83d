import Foundation
import RaftTestSupport
import Testing

@testable import RaftCore
@testable import RaftCorpus
@testable import RaftFuzzing
@testable import RaftSimulation

/// A fresh empty folder for one test, in this test process's own temporary folder.
func temporaryFolder(_ name: String) -> String {
    let path = temporaryPath("raftcorpus-\(name)")
    try? FileManager.default.removeItem(atPath: path)
    try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
}

/// The repository's `corpus/` folder.
let repositoryCorpus = Repository.path("corpus")

@Suite("Fuzz, shrink, save, replay: the failure pipeline without the command line")
struct FailurePipelineTests {
    @Test("A mutant's violation is shrunk, saved, read back, and replays as recorded under its mutant only")
    func fuzzShrinkSaveReplay() throws {
        let folder = temporaryFolder("pipeline")
        let context = FailureContext(spec: .fuzzDefault, specFile: nil, mutant: .voteWithoutLogCheck)
        let pipeline = FailurePipeline(context: context, corpus: CorpusFolder(path: folder))
        let campaign = Campaign(spec: .fuzzDefault, mutant: .voteWithoutLogCheck, baseSeed: 1, runs: 50, workers: 1)
        let findings = pipeline.run(campaign)

        #expect(findings.safetyViolations == 1)
        let failure = try #require(findings.failures.first)
        #expect(failure.reproduce == "raftlab fuzz --seed \(failure.runSeed) --runs 1 --mutant vote-without-log-check")
        let shrunk = try #require(failure.shrunk)
        #expect(shrunk.actions.count < failure.steps)
        let saved = try #require(failure.corpusFile)
        #expect(saved == folder + "/" + CorpusFolder.fileName(of: shrunk, encoded: shrunk.encoded()))
        #expect(saved.hasPrefix(folder + "/leader-completeness-"))
        let whole = try #require(failure.runFile)
        #expect(whole.hasPrefix(folder + "/unshrunk/leader-completeness-"))
        #expect(CorpusFolder(path: folder).traceFiles() == [saved, whole])

        let read = try TraceFile.read(saved)
        #expect(read.encoded() == shrunk.encoded())
        let verdict = TraceJudge.verdict(of: TraceReplay(read, mutant: read.mutant))
        guard case .reproduced(let result) = verdict else {
            Issue.record("the saved trace does not replay as recorded: \(verdict)")
            return
        }
        #expect(result.violation?.invariant == .leaderCompleteness)
        let judgement = TraceJudge.judgeCorpusEntry(read)
        #expect(judgement.holds, "\(judgement.summary)")
        #expect(
            judgement.summary.hasPrefix(
                "leader-completeness at step \(shrunk.actions.count) under vote-without-log-check"))
    }

    @Test("Only the first failure of each kind is shrunk and saved; the others keep their seed")
    func firstOfEachKindIsSaved() throws {
        let folder = temporaryFolder("kinds")
        let context = FailureContext(spec: .fuzzDefault, specFile: "x.json", mutant: .voteTwice)
        let pipeline = FailurePipeline(context: context, corpus: CorpusFolder(path: folder))
        let campaign = Campaign(
            spec: .fuzzDefault, mutant: .voteTwice, baseSeed: 1, runs: 50, workers: 1, keepGoing: true)
        let findings = pipeline.run(campaign)
        #expect(findings.failures.count > 1)
        #expect(findings.failures.map(\.run) == findings.campaign.failures.map(\.run))
        var savedNames: [String] = []
        for failure in findings.failures {
            let name = failure.outcome.failureName
            #expect((failure.corpusFile != nil) == (failure.outcome.kind == .safety && !savedNames.contains(name)))
            if failure.corpusFile != nil { savedNames.append(name) }
            #expect(failure.reproduce.hasPrefix("raftlab fuzz x.json --seed \(failure.runSeed) --runs 1"))
        }
        let safety = findings.failures.filter { $0.outcome.kind == .safety }
        #expect(CorpusFolder(path: folder).traceFiles().count == savedNames.count + safety.count)
        #expect(safety.allSatisfy { $0.runFile != nil && $0.saveErrors.isEmpty })
    }

    @Test("Without a corpus nothing is shrunk or saved")
    func noCorpus() throws {
        let context = FailureContext(spec: .fuzzDefault, specFile: nil, mutant: .voteWithoutLogCheck)
        let campaign = Campaign(spec: .fuzzDefault, mutant: .voteWithoutLogCheck, baseSeed: 1, runs: 50, workers: 1)
        let findings = FailurePipeline(context: context, corpus: nil).run(campaign)
        #expect(findings.failures.count == 1)
        #expect(findings.failures.allSatisfy { $0.shrunk == nil && $0.corpusFile == nil })
    }
}

/// Issue 13 item 3: a finding is never lost.
@Suite("Failures saved as they are found")
struct FailuresAsFoundTests {
    /// The runs a campaign hands over while it runs, in the order it hands them over.
    private final class HandedOver: @unchecked Sendable {
        let lock = NSLock()
        var runs: [Int] = []
        func add(_ run: Int) {
            lock.lock()
            runs.append(run)
            lock.unlock()
        }
    }

    /// Under this mutant runs 0, 1 and 2 of seed 1 all fail: when the campaign stops at run 0,
    /// the second worker's run 1 fails too, and must not be handed over.
    @Test(
        "A campaign hands over exactly its report's failures, in run order, with 1 or 2 workers",
        arguments: [false, true])
    func handOverMatchesTheReport(keepGoing: Bool) {
        var handed: [[Int]] = []
        for workers in [1, 2] {
            let campaign = Campaign(
                spec: .fuzzDefault, mutant: .appendAfterStepdown, baseSeed: 1, runs: 60, workers: workers,
                keepGoing: keepGoing)
            let seen = HandedOver()
            let report = campaign.run(failure: { run, _ in seen.add(run) })
            #expect(seen.runs == report.failures.map(\.run))
            handed.append(seen.runs)
        }
        #expect(handed[0] == handed[1])
        #expect(keepGoing ? handed[0].count > 1 : handed[0].count == 1)
    }

    @Test("Each safety violation's whole trace is saved and holds as a corpus entry")
    func wholeTraceIsSaved() throws {
        let folder = temporaryFolder("as-found")
        let context = FailureContext(spec: .fuzzDefault, specFile: nil, mutant: .voteTwice)
        let pipeline = FailurePipeline(context: context, corpus: CorpusFolder(path: folder))
        let campaign = Campaign(
            spec: .fuzzDefault, mutant: .voteTwice, baseSeed: 3, runs: 120, workers: 2, keepGoing: true)
        let findings = pipeline.run(campaign)
        let safety = findings.failures.filter { $0.outcome.kind == .safety }
        #expect(safety.count > 1)
        for failure in safety {
            let path = try #require(failure.runFile)
            let trace = try TraceFile.read(path)
            #expect(trace.seed == failure.runSeed)
            #expect(trace.actions.count == failure.steps)
            let judgement = TraceJudge.judgeCorpusEntry(trace)
            #expect(judgement.holds, "\(path): \(judgement.summary)")
        }
        // Run again: the same files, nothing added.
        let before = CorpusFolder(path: folder).traceFiles()
        _ = pipeline.run(campaign)
        #expect(CorpusFolder(path: folder).traceFiles() == before)
    }

    @Test("An unwritable corpus loses nothing: every failure is reported with its seed and why it was not saved")
    func unwritableCorpus() throws {
        let file = temporaryFolder("unwritable") + "/plain"
        try TextFiles.writeAtomically("x", to: file)
        let context = FailureContext(spec: .fuzzDefault, specFile: nil, mutant: .voteWithoutLogCheck)
        let pipeline = FailurePipeline(context: context, corpus: CorpusFolder(path: file + "/found"))
        let campaign = Campaign(spec: .fuzzDefault, mutant: .voteWithoutLogCheck, baseSeed: 1, runs: 50, workers: 1)
        let findings = pipeline.run(campaign)
        let failure = try #require(findings.failures.first)
        #expect(failure.reproduce.hasPrefix("raftlab fuzz --seed \(failure.runSeed)"))
        #expect(failure.runFile == nil && failure.corpusFile == nil)
        #expect(failure.shrunk != nil)
        #expect(
            failure.saveErrors == [
                .corpusFolderUncreatable(path: file + "/found/unshrunk"),
                .corpusFolderUncreatable(path: file + "/found"),
            ])
    }
}
