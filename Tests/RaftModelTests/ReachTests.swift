import Foundation
import ModelChecking
import RaftTestSupport
import Testing

@testable import RaftCore
@testable import RaftModel
@testable import RaftSimulation

/// Checks `spec` looking for the situations it lists, counting coverage rows.
private func checkReaching(
    _ spec: CheckSpec, _ configure: (inout CheckerOptions) -> Void = { _ in }
) -> CheckReport<RaftModel> {
    var options = CheckerOptions()
    options.maxDepth = spec.world.maxDepth
    options.maxStates = spec.maxStates ?? Int.max
    configure(&options)
    var model = RaftModel(rules: WorldRules(spec: spec.world), properties: spec.properties)
    model.situations = spec.reach
    model.countsCoverage = true
    return Checker(model, options: options).run()
}

private func spec(_ bounds: String, reach: [String], extra: String = "") -> String {
    """
    {"name": "reach", "servers": 3, "bounds": {\(bounds)}, "faults": [],
     "reach": [\(reach.map { "\"\($0)\"" }.joined(separator: ", "))]\(extra), "expect": "pass"}
    """
}

@Suite("Reach: situations a spec expects, and vacuous passes")
struct ReachTests {
    static let election = #""maxTerm": 2, "maxClientRequests": 0, "maxInFlight": 4, "maxDepth": 10"#

    @Test("A spec that expects a situation its bounds make unreachable fails as VACUOUS, not a pass")
    func vacuous() throws {
        // No message may be in flight, so no server can even start an election.
        let starved = try CheckSpec.decode(
            spec(#""maxTerm": 2, "maxClientRequests": 0, "maxInFlight": 0, "maxDepth": 10"#, reach: ["leader-elected"]))
        let report = checkReaching(starved)
        #expect(report.verdictName == "pass")
        #expect(report.distinctStates == 1)
        let judgement = starved.judge(report, mutant: nil)
        #expect(judgement.outcome == .vacuous)
        #expect(judgement.unreached == [.leaderElected])
        #expect(judgement.summary.contains("VACUOUS"))
        #expect(judgement.summary.contains("leader-elected"))
    }

    @Test("A spec whose situations are all reached is met, each at its shortest depth")
    func reached() throws {
        let small = try CheckSpec.decode(
            spec(Self.election, reach: ["leader-elected", "vote-refused-already-voted", "stale-term-refused"]))
        let report = checkReaching(small)
        #expect(small.judge(report, mutant: nil).outcome == .met)
        // Timeout, request delivered, vote delivered: a leader at depth 3. Two timeouts and one
        // request delivered: a vote already cast. Two timeouts of one server, then its requests
        // delivered newest first: a stale request at depth 4.
        #expect(report.situations.map { $0.witness?.depth } == [3, 3, 4])
        let elected = try #require(report.situations[0].witness)
        #expect(elected.states.last!.currentLeaders.count == 1)
    }

    @Test("A run cut short that missed a situation is incomplete, not vacuous, even when the spec accepts it")
    func cutShort() throws {
        let small = try CheckSpec.decode(spec(Self.election, reach: ["leader-elected"]))
        let cut = checkReaching(small) { $0.maxStates = 3 }
        #expect(small.judge(cut, mutant: nil).outcome == .incomplete)
        var accepting = small
        accepting.acceptIncomplete = true
        let judged = accepting.judge(cut, mutant: nil)
        #expect(judged.outcome == .incomplete)
        #expect(judged.unreached == [.leaderElected])
    }

    @Test("Breadth-first with any worker count and depth-first find the same shortest depths")
    func searchesAgree() throws {
        let small = try CheckSpec.decode(
            spec(Self.election, reach: ["leader-elected", "leader-stepped-down", "stale-term-refused"]))
        let one = checkReaching(small)
        let two = checkReaching(small) { $0.workers = 2 }
        let deep = checkReaching(small) { $0.strategy = .depthFirst }
        #expect(two.situations.map { $0.witness?.actions } == one.situations.map { $0.witness?.actions })
        #expect(deep.situations.map { $0.witness?.depth } == one.situations.map { $0.witness?.depth })
        #expect(two.transitionClassCounts == one.transitionClassCounts)
    }

    @Test("specs/replication.json's coverage includes votes refused by the log check (section 5.4.1)")
    func replicationCoverage() throws {
        let text = try String(
            contentsOf: Repository.root.appendingPathComponent("specs/replication.json"), encoding: .utf8)
        let replication = try CheckSpec.decode(text)
        // The first refusal by the log check lies at depth 7; a shallower bound keeps this test fast.
        let report = checkReaching(replication) { $0.maxDepth = 8 }
        let table = CoverageTable(counts: report.transitionClassCounts)
        #expect(table.count(of: CoverageRow(role: .follower, input: .requestVote, outcome: .refusedLogCheck)) > 0)
        let refusal = report.situations.first { $0.name == "vote-refused-log-check" }
        #expect(refusal?.witness?.depth == 7)
    }

    @Test("The reach field: names decode in order; an unknown or repeated name names the entry")
    func decoding() throws {
        let decoded = try CheckSpec.decode(spec(Self.election, reach: ["log-recovered", "leader-elected"]))
        #expect(decoded.reach == [.logRecovered, .leaderElected])
        #expect(try CheckSpec.decode(spec(Self.election, reach: [])).reach == [])
        #expect(throws: InputError.self) { try CheckSpec.decode(spec(Self.election, reach: ["leader"])) }
        do {
            _ = try CheckSpec.decode(spec(Self.election, reach: ["leader-elected", "leader"]))
            Issue.record("an unknown situation decoded")
        } catch {
            #expect(error.path == "reach[1]")
            #expect(error.description.contains("unknown situation"))
        }
        do {
            _ = try CheckSpec.decode(spec(Self.election, reach: ["leader-elected", "leader-elected"]))
            Issue.record("a repeated situation decoded")
        } catch {
            #expect(error.description.contains("listed twice"))
        }
    }
}
