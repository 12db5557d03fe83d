import Foundation
import RaftTestSupport
import Testing

@Suite("raftlab check --por")
struct PartialOrderReductionCommandTests {
    func writeSpec(_ name: String, _ text: String) throws -> String {
        let path = temporaryPath(name)
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @Test("--por and the spec's \"por\" field visit the same states and say how many transitions they skipped")
    func sameStatesFewerTransitions() throws {
        let spec = try writeSpec("por-tiny.json", CheckCommandTests.tinySpec)
        let withField = try writeSpec(
            "por-tiny-field.json",
            CheckCommandTests.tinySpec.replacingOccurrences(of: "\"faults\"", with: "\"por\": true, \"faults\""))
        var skipped: [Int] = []
        for arguments in [[spec, "--por"], [withField]] {
            let run = try Executable.run(["check"] + arguments + ["--json", "--quiet"])
            #expect(run.exitCode == 0)
            let object = try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any]
            #expect(object?["distinctStates"] as? Int == 34242)
            skipped.append(object?["sleptTransitions"] as? Int ?? 0)
        }
        #expect(skipped[0] > 0)
        #expect(skipped[0] == skipped[1])
        let plain = try Executable.run(["check", withField, "--no-por", "--json", "--quiet"])
        let object = try JSONSerialization.jsonObject(with: Data(plain.stdout.utf8)) as? [String: Any]
        #expect(object?["sleptTransitions"] as? Int == 0)
    }

    @Test("--por with depth-first search is refused in one line, exit 64")
    func depthFirstRefused() throws {
        let spec = try writeSpec("por-dfs.json", CheckCommandTests.tinySpec)
        let run = try Executable.run(["check", spec, "--por", "--strategy", "dfs"])
        #expect(run.exitCode == 64)
        #expect(run.stderr.contains("--por"))
    }
}
