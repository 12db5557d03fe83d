import Testing

@testable import RaftCore
@testable import RaftFuzzing
@testable import RaftSimulation

/// The default fuzz world with two session clients, as `raftlab fuzz --clients 2` runs it.
private let clientFuzzSpec: WorldSpec = {
    var spec = WorldSpec.fuzzDefault
    spec.turnOnClients(2)
    return spec
}()

@Suite("Fuzzing with session clients (thesis 6.3, section 8)")
struct SessionClientFuzzTests {
    /// The most client messages a run of `clientFuzzSpec` had in flight at once, replayed from
    /// its actions.
    static func mostClientMessagesInFlight(_ result: FuzzRunResult, spec: WorldSpec) -> Int {
        let rules = WorldRules(spec: result.profile.spec(swarming: spec, mutant: nil))
        var world = rules.initialWorld
        var most = 0
        for action in result.actions ?? [] {
            world = rules.successor(of: world, taking: action)
            most = max(most, world.clients?.inFlight.count ?? 0)
        }
        return most
    }

    @Test("Client messages in flight stay bounded: a request waiting at a down server is never copied (seed 29)")
    func clientMessagesStayBounded() {
        var fuzzer = Fuzzer(spec: clientFuzzSpec, mutant: nil)
        fuzzer.keepsActions = true
        fuzzer.runStepLimit = 6_000
        // Seed 29 kept a request at a server down for long; each wait was a chance to copy every
        // copy, and the run never ended.
        for seed in [29, 1, 2, 3] as [UInt64] {
            let result = fuzzer.run(seed: seed)
            #expect(!result.outcome.isFailure, "seed \(seed): \(result.outcome)")
            let most = Self.mostClientMessagesInFlight(result, spec: clientFuzzSpec)
            #expect(most <= 24, "seed \(seed): \(most) client messages in flight at once")
        }
    }

    @Test("The correct Raft with two session clients: 150 runs without a violation, operations completing")
    func correctRaftStaysLinearizable() {
        var fuzzer = Fuzzer(spec: clientFuzzSpec, mutant: nil)
        fuzzer.runStepLimit = 4_000
        fuzzer.keepsActions = true
        var answered = 0
        for seed in 1...150 as ClosedRange<UInt64> {
            let result = fuzzer.run(seed: seed)
            #expect(!result.outcome.isFailure, "seed \(seed): \(result.outcome)")
            answered += (result.actions ?? []).count {
                if case .client(.deliver(let message)) = $0, case .reply = message.body { return true }
                return false
            }
        }
        // Each client invokes up to 20 operations a run: most of them must be answered.
        #expect(answered > 150 * 20)
    }

    @Test("The fuzzer catches session-not-consulted (exactly-once) in its first runs, and the shrinker cuts it down")
    func fuzzerCatchesTheSessionMutant() throws {
        var fuzzer = Fuzzer.forTests(mutant: .sessionNotConsulted)
        var found: FuzzRunResult? = nil
        for seed in 1...20 as ClosedRange<UInt64> where found == nil {
            let result = fuzzer.run(seed: seed)
            if case .safety = result.outcome { found = result }
        }
        let result = try #require(found, "no exactly-once violation in 20 runs")
        guard case .safety(let violation) = result.outcome else { return }
        #expect(violation.invariant == .exactlyOnce)
        // The mutant's runs get clients, and a workload seed that the trace's spec records.
        #expect(result.spec.clients == 2 && result.spec.clientWorkload != nil)
        var shrinker = Shrinker(mutant: .sessionNotConsulted, target: violation.invariant)
        let actions = try #require(result.actions)
        let small = shrinker.shrink(actions, in: result.spec)
        let shrunk = try #require(small)
        #expect(shrunk.violation.invariant == .exactlyOnce)
        #expect(shrunk.actions.count < actions.count)
    }

    @Test("A workload seed picks each operation from the spec alone, so a replay offers what the run invoked")
    func workloadIsAFunctionOfTheSpec() {
        var spec = clientFuzzSpec
        spec.clientWorkload = 0b1_0100  // appends only (bit 2), over two keys (bit 4)
        let rules = WorldRules(spec: spec)
        var kinds: Set<SessionOperationKind> = []
        var keys: Set<UInt8> = []
        var world = rules.initialWorld
        for _ in 1...20 {
            guard let command = rules.defaultSessionCommand(for: 0, in: world) else { break }
            #expect(rules.enabledActions(in: world).contains(.client(.invoke(command))))
            kinds.insert(command.kind)
            keys.insert(command.key)
            world = rules.successor(of: world, taking: .client(.invoke(command)))
            world = rules.successor(of: world, taking: .client(.timeout(client: 0)))
            while world.clients!.sessions[0].pending != nil {
                world = rules.successor(of: world, taking: .client(.timeout(client: 0)))
            }
        }
        #expect(kinds == [.append])
        #expect(keys == [0, 1])
    }

    @Test("With clients the protocol switches are still swarmed per run, the leader's no-op always on")
    func switchesSwarmedWithClients() {
        let specs = (1...60 as ClosedRange<UInt64>).map {
            FaultProfile(seed: $0).spec(swarming: clientFuzzSpec, mutant: nil)
        }
        #expect(specs.allSatisfy { $0.options.leaderNoOp && $0.clients == 2 && $0.clientWorkload != nil })
        #expect(specs.contains { $0.options.preVote })
        #expect(specs.contains { $0.options.pipelineWindow > 0 })
        #expect(specs.contains { !$0.options.checkQuorum })
    }
}
