import Testing

@testable import RaftCore
@testable import RaftFuzzing
@testable import RaftSimulation

@Suite("The client workload: request arrivals and the liveness reserve")
struct ClientWorkloadTests {
    @Test("Without client load no request arrives")
    func off() {
        #expect(ClientWorkload(profile: RunFixtures.profile(), prng: PRNG(seed: 1)).nextRequestTick == .max)
    }

    @Test("The workload never spends the requests reserved for the liveness phase's probes")
    func reserve() {
        var spec = WorldSpec.fuzzDefault
        spec.maxClientRequests = ClientWorkload.requestsReservedForLiveness + 2
        let rules = WorldRules(spec: spec)
        var workload = ClientWorkload(
            profile: RunFixtures.profile { $0.clientRequestsPerTick = Ratio(1, 10) }, prng: PRNG(seed: 2))
        var world = RunFixtures.worldWithLeader(rules)
        for tick in 0..<100 {
            guard
                let action = workload.requestArrives(now: tick, in: world, rules: rules, networkHasRoom: true)
            else { continue }
            rules.apply(action, to: &world)
            RunFixtures.settle(&world, rules)
        }
        #expect(world.spent.clientRequests == 2)
        #expect(workload.nextRequestTick == .max)
    }

    @Test("Most requests go to the leader; a full network loses the request")
    func targets() {
        let rules = RunFixtures.rules
        var workload = ClientWorkload(
            profile: RunFixtures.profile { $0.clientRequestsPerTick = Ratio(1, 10) }, prng: PRNG(seed: 3))
        let world = RunFixtures.worldWithLeader()
        var toLeader = 0
        for tick in 0..<100 {
            guard
                case .clientRequest(let target, _) = workload.requestArrives(
                    now: tick, in: world, rules: rules, networkHasRoom: true)
            else {
                Issue.record("no request at tick \(tick)")
                continue
            }
            if target == NodeID(0) { toLeader += 1 }
        }
        #expect(toLeader > 75 && toLeader < 100)
        #expect(workload.requestArrives(now: 100, in: world, rules: rules, networkHasRoom: false) == nil)
        #expect(workload.nextRequestTick > 100 && workload.nextRequestTick < .max)
    }
}
