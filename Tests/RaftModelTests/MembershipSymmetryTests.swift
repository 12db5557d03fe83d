import ModelChecking
import Testing

@testable import RaftCore
@testable import RaftModel
@testable import RaftSimulation

/// Symmetry reduction with membership changes: servers trade places only within the same
/// membership situation, and configurations are hashed under the new names.
@Suite("Symmetry reduction with membership changes")
struct MembershipSymmetryTests {
    /// Four slots, three initial voters, every fault kind and a few changes.
    static var spec: WorldSpec {
        var spec = SymmetryTests.spec(servers: 4, options: ProtocolOptions(leaderNoOp: true))
        spec.initialMembers = 3
        spec.maxConfigChanges = 3
        spec.maxClientRequests = 1
        return spec
    }

    static func sampledWorlds(walks: Int, steps: Int) -> [World] {
        let rules = WorldRules(spec: spec)
        var worlds: [World] = []
        for seed in 1...UInt64(walks) {
            var chooser = SeededChooser(
                seed: seed,
                weights: [
                    .deliver: 40, .electionTimeout: 3, .heartbeatTimeout: 4,
                    .clientRequest: 2, .crash: 1, .restart: 6, .drop: 1, .duplicate: 1, .partition: 1, .heal: 4,
                    .proposeChange: 12,
                ])
            var world = rules.initialWorld
            for step in 1...steps {
                let enabled = rules.enabledActions(in: world)
                guard !enabled.isEmpty, let position = chooser.choose(among: enabled, in: world, step: step) else {
                    break
                }
                world = rules.successor(of: world, taking: enabled[position])
                worlds.append(world)
            }
        }
        return worlds
    }

    /// The search fingerprint with the initial configuration, which a renaming moves.
    static func exactFingerprint(of world: World) -> UInt64 {
        var hasher = StableHasher()
        hasher.combine(world.searchFingerprint)
        hasher.combine(Int(world.initialConfiguration?.voters.bits ?? 0))
        return hasher.finalize()
    }

    static func everyRenamingFingerprint(of world: World) -> UInt64 {
        SymmetryTests.everyRenaming(world.servers.count).map { exactFingerprint(of: world.renamed(by: $0)!) }.min()!
    }

    @Test("The sampled walks change the configuration")
    func walksChangeConfigurations() {
        let worlds = Self.sampledWorlds(walks: 30, steps: 40)
        #expect(worlds.filter { $0.spent.configChanges > 0 }.count > 100)
    }

    @Test("Class fingerprints are exactly renaming classes with membership changes on")
    func classesAreRenamingClasses() {
        let model = RaftModel(rules: WorldRules(spec: Self.spec))
        var prng = PRNG(seed: 17)
        var worlds = Self.sampledWorlds(walks: 30, steps: 40)
        worlds += worlds.suffix(300).map { $0.renamed(by: SymmetryTests.randomRenaming(4, &prng))! }
        var classes = ClassAgreement()
        for world in worlds {
            let fingerprint = model.symmetricFingerprint(of: world)
            let renamingClass = Self.everyRenamingFingerprint(of: world)
            classes.record(fingerprint: fingerprint, renamingClass: renamingClass)
        }
        #expect(classes.classCount > 300)
    }

    @Test("A spare slot never trades places with a member: the signature holds the membership situation")
    func spareSlotKeepsItsPlace() {
        let rules = WorldRules(spec: Self.spec)
        let world = rules.initialWorld
        var messageHashes = [UInt64](repeating: 0, count: 1)
        let signatures = messageHashes.withUnsafeMutableBufferPointer { ServerSignatures.of(world, messageHashes: $0) }
        #expect(signatures[0] == signatures[1] && signatures[1] == signatures[2])
        #expect(signatures[3] != signatures[0])
    }
}
