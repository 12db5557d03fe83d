import RaftCore
import Testing

@testable import RaftSimulation

/// The protocol switches travel in spec and trace files; with every switch off nothing is
/// written, so a Figure 2 trace reads exactly as before the switches existed.
@Suite("Protocol switches in spec and trace files")
struct ProtocolOptionsCodecTests {
    static let world = WorldSpec(
        name: "t", servers: 3, maxTerm: 2, maxClientRequests: 1, maxCrashes: 0, maxInFlight: 2, maxDrops: 0,
        maxDuplicates: 0, maxPartitions: 0, maxDepth: 10)

    @Test("A Figure 2 spec writes no protocol key")
    func figure2WritesNothing() throws {
        let text = SpecCodec.encode(Self.world).encoded(pretty: false)
        #expect(!text.contains("protocol"))
        #expect(try SpecCodec.decode(JSONValue.parse(text), path: "spec").options == .figure2)
    }

    @Test("Every switch survives a round trip")
    func roundTrip() throws {
        var world = Self.world
        world.options = ProtocolOptions(
            preVote: true, checkQuorum: true, pipelineWindow: 4, maxEntriesPerAppend: 2, fastBacktracking: true,
            leaderNoOp: true)
        let text = SpecCodec.encode(world).encoded(pretty: false)
        #expect(text.contains("\"protocol\""))
        #expect(try SpecCodec.decode(JSONValue.parse(text), path: "spec") == world)
        #expect(
            world.summary.hasSuffix(
                "protocol=[preVote checkQuorum pipelineWindow=4 maxEntriesPerAppend=2 fastBacktracking leaderNoOp]"))
    }

    @Test("A switch added after the protocol object existed is written only when on, so older traces keep their bytes")
    func laterSwitchWrittenOnlyWhenOn() throws {
        var world = Self.world
        world.options = ProtocolOptions(preVote: true)
        #expect(!SpecCodec.encode(world).encoded(pretty: false).contains("leaderNoOp"))
        world.options.leaderNoOp = true
        let text = SpecCodec.encode(world).encoded(pretty: false)
        #expect(text.contains(#""leaderNoOp":true"#))
        #expect(try SpecCodec.decode(JSONValue.parse(text), path: "spec").options.leaderNoOp)
    }

    @Test("A no-op entry travels in traces as term:noop", arguments: ["3:noop", "1:x=2"])
    func noOpEntrySpelling(_ text: String) throws {
        #expect(try ActionCodec.entry(text, path: "e").description == text)
    }

    @Test(
        "A bad switch is refused naming it",
        arguments: [
            (#"{"preVote": 1}"#, "spec.protocol.preVote"),
            (#"{"pipelineWindow": 65}"#, "spec.protocol.pipelineWindow"),
            (#"{"maxEntriesPerAppend": 0}"#, "spec.protocol.maxEntriesPerAppend"),
            (#"{"preVote": true, "leases": true}"#, "spec.protocol"),
        ])
    func badSwitch(_ object: String, _ path: String) throws {
        var text = SpecCodec.encode(Self.world).encoded(pretty: false)
        text.removeLast()
        text += ", \"protocol\": \(object)}"
        #expect(throws: InputError.self) { try SpecCodec.decode(JSONValue.parse(text), path: "spec") }
        do {
            _ = try SpecCodec.decode(JSONValue.parse(text), path: "spec")
        } catch let error as InputError {
            #expect(error.path.hasPrefix(path), "\(error)")
        }
    }

    @Test("A world built from the spec gives every server the switches, and a restart keeps them")
    func worldCarriesOptions() {
        var spec = Self.world
        spec.maxCrashes = 1
        spec.options.preVote = true
        let rules = WorldRules(spec: spec)
        var world = rules.initialWorld
        #expect(world.servers.allSatisfy { $0.node?.options.preVote == true })
        world = rules.successor(of: world, taking: .crash(NodeID(0)))
        world = rules.successor(of: world, taking: .restart(NodeID(0)))
        #expect(world.servers[0].node?.options == spec.options)
    }
}
