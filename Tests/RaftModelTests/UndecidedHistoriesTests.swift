import ModelChecking
import Testing

@testable import RaftCore
@testable import RaftModel
@testable import RaftSimulation

/// The check's tally of client histories the linearizability search could not decide (issue 15,
/// item 4): what `raftlab check` reports as UNDECIDED and exits 7 for.
@Suite("Undecided histories in the model checker")
struct UndecidedHistoriesTests {
    /// One term, two clients with one operation each: a put and a get that complete.
    static let spec = """
        {"name": "undecided", "servers": 3, "faults": [], "expect": "pass",
         "bounds": {"maxTerm": 1, "maxClientRequests": 0, "maxInFlight": 3, "maxDepth": 14,
                    "maxElections": 1, "maxHeartbeats": 0,
                    "clients": 2, "maxClientOperations": 1, "maxRetries": 0}}
        """

    func check(budget: Int?) throws -> (CheckReport<RaftModel>, UndecidedHistories) {
        let spec = try CheckSpec.decode(Self.spec)
        var model = RaftModel(rules: WorldRules(spec: spec.world), properties: spec.properties)
        let undecided = UndecidedHistories()
        model.undecidedHistories = undecided
        model.undecidedSearchBudget = budget
        var options = CheckerOptions()
        options.maxDepth = spec.world.maxDepth
        options.workers = 2
        return (Checker(model, options: options).run(), undecided)
    }

    @Test("With no search budget, completed histories go undecided and are counted, the pass unchanged")
    func tinyBudgetCounted() throws {
        let (decided, none) = try check(budget: nil)
        #expect(decided.verdictName == "pass")
        #expect(none.count == 0 && none.firstDetail == nil)
        let (report, undecided) = try check(budget: 0)
        #expect(report.verdictName == "pass")
        #expect(report.distinctStates == decided.distinctStates)
        #expect(undecided.count > 0)
        #expect(undecided.firstDetail?.hasPrefix("the search budget (0 steps a key) ran out on key x") == true)
    }
}
