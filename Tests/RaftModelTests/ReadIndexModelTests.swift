import ModelChecking
import RaftTestSupport
import Testing

@testable import RaftCore
@testable import RaftModel
@testable import RaftSimulation

/// ReadIndex's state in the explorers: renamed, fingerprinted, packed and in the symmetry
/// signatures like every other field of a leader (the thesis, section 6.4).
@Suite("ReadIndex in the checker: fields, packing and symmetry")
struct ReadIndexModelTests {
    /// Two session clients (`c1` puts, `c2` reads) with ReadIndex on, over every other switch.
    static var spec: WorldSpec {
        var spec = SymmetryTests.spec(servers: 3, options: SymmetryTests.everySwitch)
        spec.options.readIndex = true
        spec.turnOnClients(2)
        spec.maxClientOperations = 3
        spec.maxRetries = 1
        return spec
    }

    /// Whether some leader of `world` has a get waiting.
    static func hasWaitingRead(_ world: World) -> Bool {
        world.servers.contains { server in
            guard case .leader(let progress)? = server.node?.role else { return false }
            return !progress.reads.pending.isEmpty
        }
    }

    @Test("Every field of ReadIndex's state is renamed and fingerprinted")
    func fields() {
        let state = ReadIndexState(
            unpackingRound: 1, confirmedRound: 0, acknowledged: NodeSet([s2]),
            pending: [
                PendingRead(command: SessionCommand(client: 0, sequence: 1, key: 0, kind: .get), readIndex: 1, round: 1)
            ])
        let actual = Mirror(reflecting: state).children.compactMap(\.label).sorted()
        #expect(actual == ReadIndexState.renamedFields.sorted())
        #expect(actual == SearchFingerprintFields.reads.sorted())
        let read = Mirror(reflecting: state.pending[0]).children.compactMap(\.label).sorted()
        #expect(read == SearchFingerprintFields.pendingRead.sorted())
    }

    @Test("unpack(pack(w)) == w over worlds where leaders hold waiting reads")
    func packingRoundTrip() {
        let rules = WorldRules(spec: Self.spec)
        let model = RaftModel(rules: rules)
        var withReads = 0
        for world in WorldPackingTests.sampleWorlds(rules, seeds: 1...40) {
            let back = WorldPackingTests.roundTrip(world, model)
            #expect(back == world)
            #expect(back.searchFingerprint == world.searchFingerprint)
            if Self.hasWaitingRead(world) { withReads += 1 }
        }
        #expect(withReads > 20)
    }

    @Test("With ReadIndex on, 3-server class fingerprints are exactly renaming classes")
    func symmetryClasses() {
        let (classes, withReads) = SymmetryTests.walkClasses(
            of: Self.spec, renamingSeed: 79, counting: Self.hasWaitingRead)
        #expect(withReads > 20)
        #expect(classes.classCount > 300)
    }

    @Test("Worlds that differ only in a leader's waiting reads or read round are not merged")
    func readsAreTold() {
        let rules = WorldRules(spec: Self.spec)
        let model = RaftModel(rules: rules)
        guard let world = WorldPackingTests.sampleWorlds(rules, seeds: 1...40).first(where: Self.hasWaitingRead),
            let position = world.servers.firstIndex(where: { $0.node?.isLeader == true }),
            case .leader(var progress)? = world.servers[position].node?.role
        else {
            Issue.record("no world with a waiting read")
            return
        }
        var other = world
        progress.reads.round += 1
        other.servers[position].node!.role = .leader(progress)
        #expect(other.searchFingerprint != world.searchFingerprint)
        #expect(model.symmetricFingerprint(of: other) != model.symmetricFingerprint(of: world))
        #expect(other.fingerprint != world.fingerprint)
    }
}
