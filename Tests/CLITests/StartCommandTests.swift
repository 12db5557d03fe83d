import Foundation
import RaftTestSupport
import Testing

/// `raftlab check` on a spec with a `start`: the search begins where the replayed prefix leads,
/// and what it writes still replays from the initial world.
@Suite("raftlab check from a spec's start, end to end")
struct StartCommandTests {
    static func object(_ path: String) throws -> [String: Any] {
        let text = try String(contentsOf: Repository.root.appendingPathComponent(path), encoding: .utf8)
        return try JSONSerialization.jsonObject(with: Data(text.utf8)) as! [String: Any]
    }

    /// `specs/mutants/commit-previous-term.json` starting after the first `steps` steps of its
    /// saved 20-step counterexample, written to a temporary file.
    static func figure8Spec(
        startingAfter steps: Int, named name: String, _ edit: (inout [String: Any]) -> Void = { _ in }
    ) throws -> String {
        var spec = try object("specs/mutants/commit-previous-term.json")
        let trace = try object("corpus/mutants/commit-previous-term.json")
        spec["start"] = Array((trace["steps"] as! [Any]).prefix(steps))
        edit(&spec)
        let path = temporaryPath(name)
        try JSONSerialization.data(withJSONObject: spec, options: [.sortedKeys]).write(to: URL(fileURLWithPath: path))
        return path
    }

    @Test("The counterexample holds prefix and found steps, and replays from the initial world")
    func counterexampleReplays() throws {
        let spec = try Self.figure8Spec(startingAfter: 10, named: "start-figure-8.json")
        let trace = temporaryPath("start-figure-8-cex.json")
        let run = try Executable.run(["check", spec, "--workers", "2", "--quiet", "--trace-out", trace])
        #expect(run.exitCode == 0, "\(run.stderr)")
        #expect(run.stdout.contains("starting after a prefix of 10 steps (the spec's start)"))
        #expect(run.stdout.contains("counterexample (20 steps, the first 10 the spec's start)"))
        #expect(run.stdout.contains("depth 20,"))
        let written = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: trace)))
        #expect(((written as? [String: Any])?["steps"] as? [Any])?.count == 20)
        let replayed = try Executable.run(["replay", trace, "--quiet"])
        #expect(replayed.exitCode == 1)
        #expect(replayed.stdout.contains("replay matches the trace"))
        #expect(replayed.stdout.contains("VIOLATION of leader-completeness"))
    }

    @Test("--json says how many steps the run started after")
    func jsonStartSteps() throws {
        let spec = try Self.figure8Spec(startingAfter: 10, named: "start-figure-8-json.json")
        let run = try Executable.run(["check", spec, "--workers", "2", "--quiet", "--json"])
        let summary = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
        #expect(summary["startSteps"] as? Int == 10)
        #expect(summary["depth"] as? Int == 20)
        let plain = try Executable.run([
            "check", Repository.path("specs/mutants/vote-twice.json"), "--quiet", "--json", "--workers", "2",
        ])
        let defaultSummary = try #require(
            try JSONSerialization.jsonObject(with: Data(plain.stdout.utf8)) as? [String: Any])
        #expect(defaultSummary["startSteps"] as? Int == 0)
    }

    @Test("A start that does not replay is exit 65, one line naming the file and the step")
    func unreplayable() throws {
        let spec = try Self.figure8Spec(startingAfter: 10, named: "start-unreplayable.json") { spec in
            var steps = spec["start"] as! [Any]
            steps.swapAt(1, 2)
            spec["start"] = steps
        }
        try Executable.expectOneLineError(
            ["check", spec, "--quiet"], exitCode: 65,
            containing: "\(spec): start[1]: step 2, deliver RequestVoteResponse s2->s1")
    }

    /// A vote only `vote-without-log-check` grants (section 5.4.1): s2 holds s1's term-1 entry
    /// and still votes for s3, whose log is empty.
    nonisolated(unsafe) static let voteWithoutLogCheck: [[String: Any]] = [
        ["action": "electionTimeout", "server": "s1"],
        ["action": "deliver", "from": "s1", "to": "s2", "message": requestVote(1)],
        ["action": "deliver", "from": "s2", "to": "s1", "message": voteGranted(1)],
        ["action": "clientRequest", "server": "s1", "command": "y=1"],
        ["action": "deliver", "from": "s1", "to": "s2", "message": appendEntries(["1:y=1"])],
        ["action": "deliver", "from": "s1", "to": "s3", "message": appendEntries([])],
        ["action": "electionTimeout", "server": "s3"],
        ["action": "deliver", "from": "s3", "to": "s2", "message": requestVote(2)],
        ["action": "deliver", "from": "s2", "to": "s3", "message": voteGranted(2)],
    ]

    static func requestVote(_ term: Int) -> [String: Any] {
        ["type": "RequestVote", "term": term, "lastLogIndex": 0, "lastLogTerm": 0]
    }

    static func voteGranted(_ term: Int) -> [String: Any] {
        ["type": "RequestVoteResponse", "term": term, "voteGranted": true]
    }

    static func appendEntries(_ entries: [String]) -> [String: Any] {
        [
            "type": "AppendEntries", "term": 1, "prevLogIndex": 0, "prevLogTerm": 0, "entries": entries,
            "leaderCommit": 0,
        ]
    }

    /// The spec replays its start under its own mutant when decoded; `--correct` (or `--mutant`)
    /// chooses another, under which `check` replays it again.
    @Test("A start that replays only under the spec's mutant is exit 65 under --correct, naming the step")
    func replaysUnderTheRunsMutant() throws {
        let spec: [String: Any] = [
            "name": "t", "servers": 3, "faults": [String](), "mutant": "vote-without-log-check",
            "expect": "violation", "start": Self.voteWithoutLogCheck,
            "bounds": ["maxTerm": 2, "maxClientRequests": 1, "maxInFlight": 10, "maxDepth": 10],
        ]
        let path = temporaryPath("start-vote-without-log-check.json")
        try JSONSerialization.data(withJSONObject: spec, options: [.sortedKeys]).write(to: URL(fileURLWithPath: path))
        let underMutant = try Executable.run(["check", path, "--quiet"])
        #expect(underMutant.exitCode == 0, "\(underMutant.stderr)")
        try Executable.expectOneLineError(
            ["check", path, "--correct", "--quiet"], exitCode: 65,
            containing:
                "start[8]: step 9, deliver RequestVoteResponse s2->s3 term 2 granted, is not enabled in the world the "
                + "steps before it reach (under mutant none)")
    }

    @Test("--depth no longer than the start is a usage error")
    func depthWithinStart() throws {
        let spec = try Self.figure8Spec(startingAfter: 10, named: "start-depth.json")
        try Executable.expectOneLineError(
            ["check", spec, "--depth", "10", "--quiet"], exitCode: 64,
            containing: "option '--depth' is 10 but the spec's start has 10 steps")
    }
}
