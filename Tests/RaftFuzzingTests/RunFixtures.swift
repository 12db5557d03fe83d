@testable import RaftCore
@testable import RaftFuzzing
@testable import RaftSimulation

/// Worlds and profiles for the tests of a fuzz run's parts.
enum RunFixtures {
    static let rules = WorldRules(spec: .fuzzDefault)

    /// A profile with every fault switched off, or with the faults `configure` switches on.
    static func profile(seed: UInt64 = 1, _ configure: (inout FaultProfile) -> Void = { _ in }) -> FaultProfile {
        var profile = FaultProfile(seed: seed)
        profile.lossPerMessage = nil
        profile.duplicationPerMessage = nil
        profile.reorderingPerMessage = nil
        profile.delayPerMessage = nil
        profile.partitionsPerTick = nil
        profile.oneWayPartitionsPerTick = nil
        profile.crashesPerTick = nil
        profile.clientRequestsPerTick = nil
        profile.clogsPerTick = nil
        profile.fastClockServer = nil
        configure(&profile)
        return profile
    }

    /// A message from `from` to `to` (server indices).
    static func envelope(_ from: Int, _ to: Int, term: Term = 1) -> Envelope {
        Envelope(
            from: NodeID(from), to: NodeID(to),
            message: .requestVote(RequestVote(term: term, lastLogIndex: 0, lastLogTerm: 0)))
    }

    /// The world once s1 has timed out and every message has been delivered, in network order,
    /// until none is left: s1 leads term 1, followed by every server.
    static func worldWithLeader(_ rules: WorldRules = rules) -> World {
        var world = rules.initialWorld
        rules.apply(.electionTimeout(NodeID(0)), to: &world)
        settle(&world, rules)
        return world
    }

    /// Delivers every message in network order until none is left (at most 1,000 steps).
    static func settle(_ world: inout World, _ rules: WorldRules = rules) {
        for _ in 0..<1_000 {
            guard let envelope = world.network.first else { return }
            rules.apply(.deliver(envelope), to: &world)
        }
    }
}
