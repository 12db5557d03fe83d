import ModelChecking
import Testing

@testable import RaftCore
@testable import RaftModel
@testable import RaftSimulation

/// The small specs of `RaftModelTests.pinnedCounts` with PreVote and CheckQuorum switched on.
@Suite("Pinned state counts with PreVote and CheckQuorum")
struct ProtocolSwitchCountsTests {
    /// `text` with a `protocol` object holding `switches` added after its name.
    static func withSwitches(_ text: String, _ switches: String) -> CheckSpec {
        SmallSpecs.decode(
            text.replacingOccurrences(of: "\"servers\": 3,", with: "\"servers\": 3, \"protocol\": \(switches),"))
    }

    /// A change to these counts changes what the checker explores: review it, do not just update it.
    ///
    /// With both switches off the counts are those of `RaftModelTests.pinnedCounts` (34,242 and 3,461).
    @Test(
        "Pinned distinct-state counts of the two small specs under each switch (thesis sections 6.2, 9.6)",
        arguments: [
            ("{\"preVote\": true}", 26_806, 8_867), ("{\"checkQuorum\": true}", 43_914, 4_925),
            ("{\"preVote\": true, \"checkQuorum\": true}", 27_613, 8_885),
        ])
    func pinnedCounts(_ switches: String, election: Int, replication: Int) {
        let electionReport = check(Self.withSwitches(SmallSpecs.election, switches))
        let replicationReport = check(Self.withSwitches(SmallSpecs.replication, switches))
        #expect(electionReport.verdictName == "pass")
        #expect(replicationReport.verdictName == "pass")
        #expect(electionReport.distinctStates == election)
        #expect(replicationReport.distinctStates == replication)
    }
}
