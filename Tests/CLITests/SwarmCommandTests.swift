import Foundation
import RaftTestSupport
import Testing

@testable import RaftLabCLI

@Suite("raftlab check --bitstate and --swarm, end to end (issues 18 and 19)")
struct SwarmCommandTests {
    @Test("A swarm member finds a mutant's violation and writes a trace that replays")
    func swarmFindsMutant() throws {
        let trace = temporaryPath("swarm-vote-twice.json")
        let found = try Executable.run([
            "check", Repository.path("specs/mutants/vote-twice.json"), "--swarm", "3/8", "--quiet", "--trace-out",
            trace,
        ])
        #expect(found.exitCode == 0, "\(found.stderr)")
        #expect(found.stdout.contains("expected violation:election-safety: met"))
        #expect(found.stdout.contains("bitstate table 64 MiB, k=3"))
        let replayed = try Executable.run(["replay", trace, "--quiet"])
        #expect(replayed.exitCode == 1)
        #expect(replayed.stdout.contains("replay matches the trace"))
    }

    @Test("A bitstate pass says it is not exhaustive and gives the hash factor; a budget stop is exit 5")
    func bitstateWording() throws {
        let spec = Repository.path("specs/election.json")
        let pass = try Executable.run(["check", spec, "--bitstate", "16MB", "--quiet", "--json"])
        let summary = try #require(
            try JSONSerialization.jsonObject(with: Data(pass.stdout.utf8)) as? [String: Any])
        #expect(summary["coverage"] as? String == "bitstate")
        #expect((summary["coverageDetail"] as? String)?.contains("NOT exhaustive") == true)
        #expect((summary["bitstate"] as? [String: Any])?["tableBytes"] as? Int == 16 << 20)
        let text = try Executable.run(["check", spec, "--bitstate", "16MB", "--quiet"])
        #expect(text.stdout.contains("hash factor"))
        #expect(!text.stdout.contains("frontier exhausted"))
        let cut = try Executable.run(["check", spec, "--swarm", "1/4", "--max-states", "100", "--quiet"])
        #expect(cut.exitCode == 5)
        #expect(cut.stdout.contains("INCOMPLETE"))
    }

    @Test(
        "Bad --bitstate, --swarm and --max-seconds are usage errors naming the flag",
        arguments: [
            (["--bitstate", "lots"], "--bitstate"), (["--bitstate", "0MB"], "--bitstate"),
            (["--swarm", "8/8"], "--swarm"), (["--swarm", "all/0"], "--swarm"),
            (["--max-seconds", "5"], "--max-seconds"),
            (["--bitstate", "1MB", "--strategy", "bfs"], "--strategy bfs"),
        ])
    func badFlags(_ flags: [String], _ named: String) throws {
        let run = try Executable.run(["check", "--quiet"] + flags)
        #expect(run.exitCode == 64)
        #expect(run.stderr.contains(named))
    }

    @Test("Sizes: 256MB, 1GB, 64KB and plain bytes")
    func sizes() {
        #expect(CheckCommand.byteSize("256MB") == 256 << 20)
        #expect(CheckCommand.byteSize("1gb") == 1 << 30)
        #expect(CheckCommand.byteSize("64K") == 64 << 10)
        #expect(CheckCommand.byteSize("4096") == 4096)
        #expect(CheckCommand.byteSize("MB") == nil)
        #expect(CheckCommand.byteSize("-1MB") == nil)
    }
}
