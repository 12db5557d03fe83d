import Foundation
import RaftTestSupport
import Testing

/// Issue 13 item 2: a signal stops `check` and `fuzz` cleanly, with the summary so far.
///
/// Each test
/// starts a long run as a child process, waits for a progress line on stderr (so the signal lands
/// mid-run, without a timed sleep), then signals it.
@Suite("Interrupting check and fuzz")
struct InterruptTests {
    @Test("SIGINT during check: the states and depth reached, exit 130, no temporary file left")
    func checkInterrupted() throws {
        let temporary = emptyFolder("tmp")
        let child = try ChildProcess(["check", "--workers", "1"], environment: ["TMPDIR": temporary])
        #expect(child.waitForErrorLine { $0.contains("distinct") } != nil)
        child.send(SIGINT)
        let (status, stdout, _) = child.finish()
        #expect(status == 130)
        #expect(stdout.contains("verdict: INTERRUPTED by SIGINT: "))
        #expect(stdout.contains("distinct states"))
        #expect(stdout.contains("reached (bound 16); the frontier was not exhausted"))
        #expect(stdout.contains("expected pass: not judged (interrupted)"))
        #expect(!stdout.contains("PASS"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: temporary).isEmpty)
    }

    @Test("SIGTERM during check writes the JSON and JUnit reports marked as interrupted, exit 143")
    func checkTerminatedWritesReports() throws {
        let junit = temporaryPath("interrupted-\(UUID().uuidString).xml")
        let child = try ChildProcess(["check", "--workers", "2", "--json", "--junit", junit])
        #expect(child.waitForErrorLine { $0.contains("distinct") } != nil)
        child.send(SIGTERM)
        let (status, stdout, _) = child.finish()
        #expect(status == 143)
        let object = try JSONSerialization.jsonObject(with: Data(stdout.utf8)) as? [String: Any]
        #expect(object?["verdict"] as? String == "interrupted")
        #expect(object?["interrupted"] as? String == "SIGTERM")
        #expect(object?["complete"] as? Bool == false)
        #expect((object?["distinctStates"] as? Int ?? 0) > 0)
        let xml = try String(contentsOfFile: junit, encoding: .utf8)
        #expect(xml.contains("interrupted by SIGTERM after"))
    }

    @Test("The checker's temporary file is gone even when the process is killed with SIGKILL")
    func pathFileSurvivesNoKill() throws {
        let temporary = emptyFolder("tmp-kill")
        let child = try ChildProcess(["check", "--workers", "1"], environment: ["TMPDIR": temporary])
        #expect(child.waitForErrorLine { $0.contains("distinct") } != nil)
        child.send(SIGKILL)
        #expect(child.finish().status == 128 + SIGKILL)
        #expect(try FileManager.default.contentsOfDirectory(atPath: temporary).isEmpty)
    }

    @Test("SIGINT during fuzz --keep-going: every failure found so far is saved and listed, exit 130")
    func fuzzInterruptedKeepsFindings() throws {
        let corpus = emptyFolder("interrupted-corpus")
        let junit = temporaryPath("fuzz-interrupted-\(UUID().uuidString).xml")
        let child = try ChildProcess([
            "fuzz", "--mutant", "vote-twice", "--keep-going", "--runs", "100000000", "--workers", "2",
            "--corpus", corpus, "--json", "--junit", junit,
        ])
        // A progress line that counts failures: the campaign has found some and is going on.
        #expect(child.waitForErrorLine { $0.contains("runs") && !$0.contains("failures 0 ") } != nil)
        child.send(SIGINT)
        let (status, stdout, _) = child.finish()
        #expect(status == 130)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(stdout.utf8)) as? [String: Any])
        #expect(object["interrupted"] as? String == "SIGINT")
        let runs = try #require(object["runs"] as? Int)
        #expect(runs > 0 && runs < 100_000_000)
        let failures = try #require(object["failures"] as? [[String: Any]])
        let safety = failures.filter { $0["kind"] as? String == "safety" }
        #expect(!safety.isEmpty)
        // Every safety violation's whole trace is in the corpus, one file each, and nothing else
        // but the shrunk traces.
        let saved = safety.compactMap { $0["runFile"] as? String }
        #expect(saved.count == safety.count)
        #expect(saved.allSatisfy { FileManager.default.fileExists(atPath: $0) })
        let unshrunk = try FileManager.default.contentsOfDirectory(atPath: corpus + "/unshrunk")
        #expect(unshrunk.sorted() == saved.map { String($0.split(separator: "/").last!) }.sorted())
        #expect(unshrunk.allSatisfy { !$0.hasPrefix(".") })
        let xml = try String(contentsOfFile: junit, encoding: .utf8)
        #expect(xml.contains("interrupted by SIGINT after \(runs) runs"))
    }

    @Test("SIGTERM during a text fuzz prints the summary so far with the failing seeds, exit 143")
    func fuzzTerminatedPrintsSummary() throws {
        let corpus = emptyFolder("terminated-corpus")
        let child = try ChildProcess([
            "fuzz", "--mutant", "vote-twice", "--keep-going", "--runs", "100000000", "--workers", "1",
            "--corpus", corpus,
        ])
        #expect(child.waitForErrorLine { $0.contains("runs") && !$0.contains("failures 0 ") } != nil)
        child.send(SIGTERM)
        let (status, stdout, _) = child.finish()
        #expect(status == 143)
        #expect(stdout.contains("FAILURE run"))
        #expect(stdout.contains("interrupted by SIGTERM after "))
        #expect(stdout.contains("failing run seeds: "))
        #expect(stdout.contains("summary: "))
    }
}
