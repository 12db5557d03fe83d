import Foundation
import Testing

@testable import RaftCore
@testable import RaftCorpus
@testable import RaftFuzzing
@testable import RaftSimulation
import RaftTestSupport

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
        let findings = try pipeline.run(campaign)

        #expect(findings.safetyViolations == 1)
        let failure = try #require(findings.failures.first)
        #expect(failure.reproduce == "raftlab fuzz --seed \(failure.runSeed) --runs 1 --mutant vote-without-log-check")
        let shrunk = try #require(failure.shrunk)
        #expect(shrunk.actions.count < failure.steps)
        let saved = try #require(failure.corpusFile)
        #expect(saved == folder + "/leader-completeness-1.json")
        #expect(CorpusFolder(path: folder).traceFiles() == [saved])

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
        let findings = try pipeline.run(campaign)
        #expect(findings.failures.count > 1)
        #expect(findings.failures.map(\.run) == findings.campaign.failures.map(\.run))
        var savedNames: [String] = []
        for failure in findings.failures {
            let name = failure.outcome.failureName
            #expect((failure.corpusFile != nil) == (failure.outcome.kind == .safety && !savedNames.contains(name)))
            if failure.corpusFile != nil { savedNames.append(name) }
            #expect(failure.reproduce.hasPrefix("raftlab fuzz x.json --seed \(failure.runSeed) --runs 1"))
        }
        #expect(CorpusFolder(path: folder).traceFiles().count == savedNames.count)
    }

    @Test("Without a corpus nothing is shrunk or saved")
    func noCorpus() throws {
        let context = FailureContext(spec: .fuzzDefault, specFile: nil, mutant: .voteWithoutLogCheck)
        let campaign = Campaign(spec: .fuzzDefault, mutant: .voteWithoutLogCheck, baseSeed: 1, runs: 50, workers: 1)
        let findings = try FailurePipeline(context: context, corpus: nil).run(campaign)
        #expect(findings.failures.count == 1)
        #expect(findings.failures.allSatisfy { $0.shrunk == nil && $0.corpusFile == nil })
    }
}
