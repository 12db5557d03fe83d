import Foundation
import ModelChecking
import RaftTestSupport
import Testing

@testable import RaftCore
@testable import RaftModel
@testable import RaftSimulation

/// The membership specs CI checks (the thesis, chapter 4), with symmetry reduction.
@Suite("Membership specs")
struct MembershipSpecTests {
    /// A change to these counts changes what the checker explores in CI: review it.
    @Test(
        "Each membership spec passes, reaching what it lists, with its pinned distinct-state count",
        arguments: [
            ("membership-add", 196_965), ("membership-remove-leader", 298_080), ("membership-two-removes", 40_691),
            ("membership-four-removes", 215_938),
        ])
    func pinnedCounts(_ name: String, _ distinctStates: Int) throws {
        let file = CheckSpecTests.specsDirectory.appendingPathComponent("\(name).json")
        let spec = try CheckSpec.decode(String(contentsOf: file, encoding: .utf8))
        #expect(spec.world.maxConfigChanges > 0 && spec.world.options.leaderNoOp)
        var options = CheckerOptions()
        options.maxDepth = spec.world.maxDepth
        options.symmetry = true
        options.workers = 2
        var model = RaftModel(rules: WorldRules(spec: spec.world), properties: spec.properties)
        model.situations = spec.reach
        let report = Checker(model, options: options).run()
        #expect(report.verdictName == "pass")
        #expect(spec.judge(report, mutant: nil).outcome == .met)
        #expect(report.distinctStates == distinctStates)
    }

    @Test("Bad membership fields are errors naming the field")
    func badFields() {
        func error(_ members: String, _ changes: String) -> InputError? {
            let text = """
                {"name": "m", "servers": 4, \(members) "faults": [], "expect": "pass",
                 "bounds": {"maxTerm": 1, "maxClientRequests": 0, "maxInFlight": 2, "maxDepth": 5\(changes)}}
                """
            do {
                _ = try CheckSpec.decode(text)
                return nil
            } catch { return error }
        }
        #expect(error(#""members": 3,"#, #", "maxConfigChanges": 2"#) == nil)
        #expect(error(#""members": 5,"#, "")?.path == "members")
        #expect(error(#""members": 0,"#, "")?.path == "members")
        #expect(error("", #", "maxConfigChanges": -1"#)?.path == "bounds.maxConfigChanges")
    }
}
