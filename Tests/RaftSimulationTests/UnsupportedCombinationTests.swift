import RaftCore
import Testing

@testable import RaftSimulation

/// Snapshots do not carry a configuration yet, so a spec asking for compaction and membership
/// changes together is refused rather than explored wrongly.
@Suite("Specs asking for what the Raft here does not do yet")
struct UnsupportedCombinationTests {
    @Test("Snapshots with membership changes are refused naming the field; either alone is accepted")
    func snapshotsWithMembership() throws {
        func spec(snapshots: Int, changes: Int) -> String {
            #"{"name": "t", "servers": 4, "maxTerm": 2, "maxClientRequests": 1, "maxCrashes": 0, "maxInFlight": 2, "#
                + #""maxDrops": 0, "maxDuplicates": 0, "maxPartitions": 0, "maxDepth": 10, "members": 3"#
                + (snapshots > 0 ? #", "maxSnapshots": \#(snapshots)"# : "")
                + (changes > 0 ? #", "maxConfigChanges": \#(changes)"# : "") + "}"
        }
        #expect(try SpecCodec.decode(JSONValue.parse(spec(snapshots: 1, changes: 0)), path: "spec").maxSnapshots == 1)
        #expect(
            try SpecCodec.decode(JSONValue.parse(spec(snapshots: 0, changes: 1)), path: "spec").maxConfigChanges == 1)
        do {
            _ = try SpecCodec.decode(JSONValue.parse(spec(snapshots: 1, changes: 1)), path: "spec")
            Issue.record("a spec with snapshots and membership changes was accepted")
        } catch let error as InputError {
            #expect(error.path == "spec.maxSnapshots")
            #expect(error.message.contains("not supported yet"))
        }
    }

    @Test("Snapshots with session clients are refused naming the field: a snapshot holds no session table")
    func snapshotsWithClients() throws {
        let withClients: WorldSpec = {
            var spec = WorldSpec.simulationDefault
            spec.turnOnClients(1)
            return spec
        }()
        let withBoth: WorldSpec = {
            var spec = withClients
            spec.maxSnapshots = 1
            return spec
        }()
        #expect(withBoth.unsupportedCombination?.contains("session table") == true)
        let encoded = SpecCodec.encode(withBoth)
        do {
            _ = try SpecCodec.decode(encoded, path: "spec")
            Issue.record("a spec with snapshots and clients was accepted")
        } catch {
            #expect(error.path == "spec.maxSnapshots")
            #expect(error.message.contains("not supported yet"))
        }
        let decoded = try SpecCodec.decode(SpecCodec.encode(withClients), path: "spec")
        #expect(decoded.clients == 1)
    }
}
