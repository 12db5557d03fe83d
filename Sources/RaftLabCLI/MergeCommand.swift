import Foundation
import RaftCorpus
import RaftFuzzing
import RaftSimulation

/// `raftlab merge`: the outputs of fuzz shards (a CI matrix, a Kubernetes Indexed Job) as the
/// outputs of one campaign.
enum MergeCommand {
    /// The names a shard's folder holds, and the merged folder gets.
    static let summaryName = "summary.json"
    static let corpusName = "corpus"
    static let junitName = "junit.xml"

    static let spec = CommandSpec(
        name: "merge",
        summary: "Merge the outputs of fuzz shards into one campaign's: summary, digest, corpus, JUnit report.",
        usage: "merge DIR... [--into OUT] [--json]",
        positionals: 1...Int.max,
        options: [
            OptionSpec(
                flag: "--into", valueName: "OUT",
                help: "Write the merged summary.json, corpus/ and junit.xml here (default: only print the summary)."),
            OptionSpec(flag: "--json", valueName: nil, help: "Print the merged summary as one JSON object."),
            OptionSpec(
                flag: "--accept-undecided", valueName: nil,
                help: "Exit 0, not 7, when some run's client history was undecided (as fuzz --accept-undecided)."),
        ],
        discussion: """
            Each DIR is one shard's output folder, as a shard writes it:

              raftlab fuzz --seed 7 --runs 100000 --shard K/N \\
                --summary DIR/summary.json --corpus DIR/corpus --junit DIR/junit.xml

            and may hold any of DIR/summary.json, DIR/corpus/ and DIR/junit.xml. The summaries must be
            distinct shards of one campaign (same seed, spec, mutant, --runs, --keep-going and N). Their
            per-run records are folded in run order, as one process folds its runs, so when the shards
            cover the whole campaign the merged runs, failures and digest are exactly those of
            'raftlab fuzz --seed 7 --runs 100000' on one machine. Without --keep-going that campaign stops
            at its first failing run, and so does the merge. Coverage tables in the summaries are summed.

            The corpora are merged into OUT/corpus with every trace once (corpus files are named by a
            hash of their content, so shards that found the same trace wrote the same file), keeping
            unshrunk/ apart. The JUnit reports become one OUT/junit.xml with every shard's suite and
            summed counts.

            Every input is read and checked before anything is written: a malformed file, shards of
            different campaigns or the same shard twice is one line naming the file, exit 65, and OUT
            is left as it was.

            Exit 0 when the shards cover the campaign and no run failed, 1 when a run violated safety,
            2 when a run failed liveness (and none safety), 5 when the shards do not cover the whole
            campaign (a shard missing or cut short: no digest; the failures found are still listed),
            7 when no run failed but some run's client history was undecided (the shards' undecided
            runs are merged as fuzz counts them; --accept-undecided exits 0), 64 bad command line, 65 malformed or mismatched input, 66 a DIR that does not exist, 73 OUT
            not writable.

            EXAMPLES:
              raftlab merge shards/* --into merged
              raftlab merge shard-0 shard-1 shard-2 shard-3 --json
            """)

    static func run(_ arguments: ParsedArguments, _ console: Console) throws -> ExitCode {
        let folders = arguments.positionals
        let into = arguments.value("--into")
        if let into { try Files.checkWritable(folder: into) }
        var summaries: [ShardSummary] = []
        var corpora: [CorpusFolder] = []
        var junit = JUnitMerge()
        var junitFiles = 0
        for folder in folders {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: folder, isDirectory: &isDirectory), isDirectory.boolValue
            else {
                throw CommandFailure(code: .noInput, message: "\(folder): no such folder")
            }
            let summaryPath = (folder as NSString).appendingPathComponent(summaryName)
            let junitPath = (folder as NSString).appendingPathComponent(junitName)
            let corpus = CorpusFolder(path: (folder as NSString).appendingPathComponent(corpusName))
            let hasSummary = FileManager.default.fileExists(atPath: summaryPath)
            let hasJUnit = FileManager.default.fileExists(atPath: junitPath)
            guard hasSummary || hasJUnit || corpus.exists else {
                throw CommandFailure(
                    code: .badInput, message: "\(folder): holds no \(summaryName), \(corpusName)/ or \(junitName)")
            }
            do {
                if hasSummary {
                    summaries.append(try ShardSummary.decode(TextFiles.read(summaryPath), path: summaryPath))
                }
                if hasJUnit {
                    try junit.add(TextFiles.read(junitPath), path: junitPath)
                    junitFiles += 1
                }
            } catch {
                throw CommandFailure(error)
            }
            corpora.append(corpus)
        }
        let merge: CampaignMerge?
        let corpus: CorpusMerge
        do {
            merge = summaries.isEmpty ? nil : try CampaignMerge(summaries)
            corpus = try CorpusMerge(folders: corpora, leavingOut: merge?.corpusFilesLeftOut ?? [])
        } catch {
            throw CommandFailure(error)
        }
        var written = 0
        if let into {
            do {
                try FileManager.default.createDirectory(atPath: into, withIntermediateDirectories: true)
            } catch {
                throw CommandFailure(code: .cannotCreate, message: "\(into): cannot create the folder")
            }
            let folder = into as NSString
            if let merge {
                try Files.writeAtomically(
                    merge.json.encoded(pretty: true) + "\n", to: folder.appendingPathComponent(summaryName))
            }
            do {
                written = try corpus.write(to: CorpusFolder(path: folder.appendingPathComponent(corpusName)))
            } catch {
                throw CommandFailure(error)
            }
            if junitFiles > 0 {
                try Files.writeAtomically(
                    junit.xml(name: "raftlab merge"), to: folder.appendingPathComponent(junitName))
            }
        }
        if arguments.has("--json") {
            console.print((merge?.json ?? .object([("command", .string("merge"))])).encoded(pretty: false))
        } else {
            printSummary(merge, corpus, written: written, junit: junit, junitFiles: junitFiles, into: into, console)
        }
        guard let merge else { return .ok }
        if merge.safetyFailures > 0 { return .safetyViolation }
        if merge.livenessFailures > 0 { return .livenessViolation }
        if !merge.isComplete { return .incomplete }
        return merge.undecided.isEmpty || arguments.has("--accept-undecided") ? .ok : .linearizabilityUndecided
    }

    static func printSummary(
        _ merge: CampaignMerge?, _ corpus: CorpusMerge, written: Int, junit: JUnitMerge, junitFiles: Int,
        into: String?, _ console: Console
    ) {
        if let merge {
            let shards = merge.shardsMerged.map(String.init).joined(separator: ",")
            console.print(
                "raftlab merge: shards \(shards) of \(merge.shardCount), campaign seed=\(merge.baseSeed) "
                    + "runs=\(merge.campaignRuns)\(merge.keepGoing ? " --keep-going" : "") mutant=\(merge.mutant ?? "none")"
            )
            console.print(
                "summary: \(merge.tally.runs) runs, \(merge.tally.steps) steps, \(merge.safetyFailures) safety violations, "
                    + "\(merge.livenessFailures) liveness failures")
            if merge.isComplete {
                console.print("digest: \(hex16(merge.tally.digest)) (the whole campaign's)")
            } else {
                console.print(
                    "INCOMPLETE: no shard covered run \(merge.firstMissingRun ?? 0) (a shard missing or cut short); "
                        + "\(merge.runsPastGap) runs past it are counted in no figure but their failures are listed; "
                        + "no digest")
            }
            if let first = merge.undecided.first {
                let seed = RunSeeds.seed(base: merge.baseSeed, run: first.run)
                console.print(
                    "  linearizability: undecided in \(merge.undecided.count) runs (not a pass): "
                        + "first run \(first.run) (seed \(seed)): \(first.detail)")
            }
            for failure in merge.failures {
                let run = failure["run"]?.integerValue ?? 0
                let what = failure["invariant"]?.stringValue ?? failure["kind"]?.stringValue ?? "failure"
                let replay = failure["replay"]?.stringValue ?? failure["reproduce"]?.stringValue ?? ""
                console.print("  run \(run): \(what); \(replay)")
            }
        }
        var corpusLine = "corpus: \(corpus.entries.count) traces (\(corpus.duplicates) duplicates across shards)"
        if let into { corpusLine += ", \(written) new in \((into as NSString).appendingPathComponent(corpusName))" }
        console.print(corpusLine)
        if junitFiles > 0 {
            console.print(
                "junit: \(junitFiles) reports, \(junit.tests) cases, \(junit.failures) failures, \(junit.errors) errors"
            )
        }
    }
}
