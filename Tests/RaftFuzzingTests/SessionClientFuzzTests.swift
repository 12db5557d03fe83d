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
}
