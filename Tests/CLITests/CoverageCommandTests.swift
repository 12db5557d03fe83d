import Foundation
import RaftTestSupport
import Testing

/// A spec file in a fresh temporary path.
private func writeSpec(_ name: String, _ text: String) throws -> String {
    let path = temporaryPath("\(name)-\(UUID().uuidString).json")
    try text.write(toFile: path, atomically: true, encoding: .utf8)
    return path
}

private func jsonObject(_ run: Executable) throws -> [String: Any] {
    try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
}

@Suite("raftlab check and fuzz: reach, VACUOUS and --coverage")
struct CoverageCommandTests {
    static let tiny = """
        {"name": "tiny", "servers": 3,
         "bounds": {"maxTerm": 2, "maxClientRequests": 0, "maxInFlight": 4, "maxDepth": 10},
         "faults": [], "reach": ["leader-elected", "stale-term-refused"], "expect": "pass"}
        """

    @Test("Reached situations are reported with their depth, and each trace is one 'show' draws")
    func reached() throws {
        let spec = try writeSpec("tiny-reach", Self.tiny)
        let folder = temporaryPath("reach-\(UUID().uuidString)")
        let run = try Executable.run(["check", spec, "--quiet", "--reach-trace-out", folder])
        #expect(run.exitCode == 0)
        #expect(run.stdout.contains("situations reached: 2 of the 2 the spec expects"))
        #expect(run.stdout.contains("leader-elected      reached at depth 3"))
        let shown = try Executable.run(["show", folder + "/leader-elected.json"])
        #expect(shown.exitCode == 0)
        #expect(shown.stdout.contains("leader"))
        let replayed = try Executable.run(["replay", folder + "/stale-term-refused.json", "--quiet"])
        #expect(replayed.exitCode == 0)
    }

    @Test("A spec expecting a situation its bounds forbid is VACUOUS, exit 6, also in JSON")
    func vacuous() throws {
        let starved = Self.tiny.replacingOccurrences(of: "\"maxInFlight\": 4", with: "\"maxInFlight\": 0")
        let spec = try writeSpec("tiny-vacuous", starved)
        let run = try Executable.run(["check", spec, "--quiet"])
        #expect(run.exitCode == 6)
        #expect(run.stdout.contains("expected pass: VACUOUS"))
        #expect(run.stdout.contains("leader-elected      NOT REACHED"))
        let json = try jsonObject(try Executable.run(["check", spec, "--quiet", "--json"]))
        #expect(json["exitCode"] as? Int == 6)
        #expect(json["unreached"] as? [String] == ["leader-elected", "stale-term-refused"])
    }

    @Test("An unknown situation is one clear line naming the file and the entry, exit 65")
    func unknownSituation() throws {
        let spec = try writeSpec(
            "tiny-unknown", Self.tiny.replacingOccurrences(of: "stale-term-refused", with: "stale-term"))
        let run = try Executable.run(["check", spec])
        #expect(run.exitCode == 65)
        #expect(run.stderr.contains(spec))
        #expect(run.stderr.contains("reach[1]: unknown situation"))
        #expect(run.stderr.split(separator: "\n").count == 1)
    }

    @Test("check --coverage prints the table with the rows never hit, and --json carries every row")
    func checkCoverage() throws {
        let spec = try writeSpec("tiny-coverage", Self.tiny)
        let run = try Executable.run(["check", spec, "--quiet", "--coverage"])
        #expect(run.exitCode == 0)
        #expect(run.stdout.contains("coverage: "))
        #expect(run.stdout.contains("never hit"))
        let json = try jsonObject(try Executable.run(["check", spec, "--quiet", "--coverage", "--json"]))
        #expect(json["coverage"] as? String == "depth-bounded")
        let table = try #require(json["protocolCoverage"] as? [String: Any])
        let rows = try #require(table["rows"] as? [[String: Any]])
        #expect(rows.contains { $0["input"] as? String == "clientRequest" && $0["count"] as? Int == 0 })
        #expect(rows.contains { $0["outcome"] as? String == "election won" && ($0["count"] as? Int ?? 0) > 0 })
    }

    @Test("fuzz --coverage counts truncations and refused votes, the same for any worker count")
    func fuzzCoverage() throws {
        let arguments = ["fuzz", "--seed", "3", "--runs", "100", "--quiet", "--coverage", "--json"]
        let one = try jsonObject(try Executable.run(arguments + ["--workers", "1"]))
        let two = try jsonObject(try Executable.run(arguments + ["--workers", "2"]))
        let rows = try #require((one["coverage"] as? [String: Any])?["rows"] as? [[String: Any]])
        func count(_ outcome: String) -> Int {
            rows.filter { $0["outcome"] as? String == outcome }.reduce(0) { $0 + ($1["count"] as? Int ?? 0) }
        }
        #expect(count("conflicting suffix truncated") > 0)
        #expect(count("refused: log check") > 0)
        #expect(
            NSDictionary(dictionary: one["coverage"] as! [String: Any])
                == NSDictionary(dictionary: two["coverage"] as! [String: Any]))
        // Without --coverage there is no table.
        let plain = try jsonObject(try Executable.run(["fuzz", "--seed", "3", "--runs", "5", "--quiet", "--json"]))
        #expect(plain["coverage"] == nil)
    }
}
