import Foundation
import RaftTestSupport
import Testing

@testable import RaftLabCLI

/// A fresh empty folder for one test.
private func freshFolder(_ name: String) -> String {
    let path = temporaryPath("merge-\(name)")
    try? FileManager.default.removeItem(atPath: path)
    try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
}

/// The trace files below `folder`, relative to it.
private func traceFiles(_ folder: String) -> [String] {
    let enumerator = FileManager.default.enumerator(atPath: folder)
    var files: [String] = []
    while let file = enumerator?.nextObject() as? String {
        if file.hasSuffix(".json") { files.append(file) }
    }
    return files.sorted()
}

/// A JSON object printed or written by raftlab.
private func object(_ text: String) throws -> [String: Any] {
    try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
}

/// The run numbers of a summary's failures.
private func failureRuns(_ summary: [String: Any]) -> [Int] {
    (summary["failures"] as? [[String: Any]] ?? []).compactMap { $0["run"] as? Int }
}

@Suite("raftlab fuzz --shard and raftlab merge, end to end (issue 18)")
struct MergeCommandTests {
    @Test("4 shard processes merged equal one process: runs, failures, digest, corpus files, JUnit cases")
    func fourShardsMergeToTheCampaign() throws {
        let root = freshFolder("four")
        let campaign = ["fuzz", "--seed", "3", "--runs", "120", "--mutant", "vote-twice", "--keep-going", "--quiet"]
        let whole = try Executable.run(campaign + ["--corpus", root + "/whole/corpus", "--json"])
        #expect(whole.exitCode == 1)
        let expected = try object(whole.stdout)
        var shardFolders: [String] = []
        for index in 0..<4 {
            let folder = root + "/shard-\(index)"
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            let shard = try Executable.run(
                campaign + [
                    "--shard", "\(index)/4", "--summary", folder + "/summary.json", "--corpus", folder + "/corpus",
                    "--junit", folder + "/junit.xml",
                ])
            #expect(shard.exitCode == 1 || shard.exitCode == 0)
            shardFolders.append(folder)
        }
        let merged = try Executable.run(["merge"] + shardFolders + ["--into", root + "/merged", "--json"])
        #expect(merged.exitCode == 1, "\(merged.stderr)")
        let summary = try object(merged.stdout)
        #expect(summary["complete"] as? Bool == true)
        #expect(summary["runs"] as? Int == expected["runs"] as? Int)
        #expect(summary["steps"] as? Int == expected["steps"] as? Int)
        #expect(summary["digest"] as? String == expected["digest"] as? String)
        #expect(failureRuns(summary) == failureRuns(expected))
        #expect(!failureRuns(expected).isEmpty)
        #expect(traceFiles(root + "/merged/corpus") == traceFiles(root + "/whole/corpus"))
        let written = try object(String(contentsOfFile: root + "/merged/summary.json", encoding: .utf8))
        #expect(written["digest"] as? String == expected["digest"] as? String)
        let junit = try String(contentsOfFile: root + "/merged/junit.xml", encoding: .utf8)
        #expect(junit.components(separatedBy: "<testsuite ").count == 5)
        #expect(junit.contains("failures=\"\(failureRuns(expected).count)\""))

        // The same shard twice: one line naming the file, exit 65, nothing written.
        let overlap = try Executable.run(["merge", shardFolders[0], shardFolders[0], "--into", root + "/bad"])
        #expect(overlap.exitCode == 65)
        #expect(overlap.stderr.contains("shard-0/summary.json: shard 0/4 overlaps"))
        #expect(!FileManager.default.fileExists(atPath: root + "/bad/summary.json"))
        // A missing shard: no digest, exit 5 when nothing failed in what is there.
        let missing = try Executable.run(["merge", shardFolders[0], "--json"])
        #expect(try object(missing.stdout)["digest"] is NSNull)
        let noFolder = try Executable.run(["merge", root + "/nowhere"])
        #expect(noFolder.exitCode == 66)
    }

    @Test("An incomplete merge of passing shards exits 5; a complete one 0")
    func incompleteExitCode() throws {
        let root = freshFolder("passing")
        for index in 0..<2 {
            let folder = root + "/s\(index)"
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            let shard = try Executable.run([
                "fuzz", "--runs", "10", "--shard", "\(index)/2", "--summary", folder + "/summary.json", "--quiet",
            ])
            #expect(shard.exitCode == 0)
        }
        #expect(try Executable.run(["merge", root + "/s0"]).exitCode == 5)
        let both = try Executable.run(["merge", root + "/s0", root + "/s1"])
        #expect(both.exitCode == 0)
        #expect(both.stdout.contains("summary: 10 runs"))
    }

    @Test(
        "--shard is K/N with 0 <= K < N, or /N with K from RAFTLAB_SHARD or JOB_COMPLETION_INDEX",
        arguments: [
            ("2/4", [:], "2/4"), ("/4", ["JOB_COMPLETION_INDEX": "3"], "3/4"),
            ("/4", ["RAFTLAB_SHARD": "1", "JOB_COMPLETION_INDEX": "3"], "1/4"), ("0/1", [:], "0/1"),
        ] as [(String, [String: String], String)])
    func shardArgument(text: String, environment: [String: String], expected: String) throws {
        #expect(try ShardArgument.resolve(text, flag: "--shard", environment: environment).description == expected)
    }

    @Test(
        "A bad --shard is a usage error naming the flag",
        arguments: [
            ("4/4", [:]), ("-1/4", [:]), ("1/0", [:]), ("x", [:]), ("/4", [:]), ("/4", ["RAFTLAB_SHARD": "4"]),
            ("/4", ["JOB_COMPLETION_INDEX": "a"]),
        ] as [(String, [String: String])])
    func badShardArgument(text: String, environment: [String: String]) {
        #expect(throws: UsageError.self) {
            try ShardArgument.resolve(text, flag: "--shard", environment: environment)
        }
    }

    @Test("fuzz --shard with --time is exit 64; merge --help teaches the folder layout")
    func usage() throws {
        let timed = try Executable.run(["fuzz", "--time", "1", "--shard", "0/2"])
        #expect(timed.exitCode == 64)
        #expect(timed.stderr.contains("--shard needs --runs"))
        let help = try Executable.run(["merge", "--help"])
        #expect(help.stdout.contains("DIR/summary.json"))
        #expect(try Executable.run(["--help"]).stdout.contains("merge"))
    }
}
