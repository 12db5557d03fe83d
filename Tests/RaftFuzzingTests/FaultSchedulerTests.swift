import Testing

@testable import RaftCore
@testable import RaftFuzzing
@testable import RaftSimulation

@Suite("The fault scheduler: when crashes and partitions strike, and whom")
struct FaultSchedulerTests {
    @Test("A fault kind the profile switches off never arrives")
    func offMeansNever() {
        let faults = FaultScheduler(profile: RunFixtures.profile(), prng: PRNG(seed: 1))
        #expect(faults.earliestFault() == nil)
        let crashes = FaultScheduler(
            profile: RunFixtures.profile { $0.crashesPerTick = Ratio(1, 100) }, prng: PRNG(seed: 1))
        let first = crashes.earliestFault()
        #expect(first?.fault == .crash)
        #expect((1...199).contains(first?.due ?? 0))
    }

    @Test(
        "A crash strikes a running server and brings it back after its downtime; none once the spec's budget is spent")
    func crashes() throws {
        let profile = RunFixtures.profile { $0.crashesPerTick = Ratio(1, 100) }
        var faults = FaultScheduler(profile: profile, prng: PRNG(seed: 2))
        var world = RunFixtures.rules.initialWorld
        RunFixtures.rules.apply(.crash(NodeID(0)), to: &world)
        for _ in 0..<50 {
            let arrived = faults.crashArrives(now: 500, in: world, spec: .fuzzDefault)
            let crash = try #require(arrived)
            #expect(crash.victim != NodeID(0))
            #expect(profile.downtimeTicks.contains(crash.restartTick - 500))
            #expect(faults.earliestFault()!.due > 500)
        }
        var spent = WorldSpec.fuzzDefault
        spent.maxCrashes = 1
        #expect(faults.crashArrives(now: 600, in: world, spec: spent) == nil)
        #expect(faults.earliestFault() == nil)
    }

    @Test("A partition cuts off a nonempty group without s1, one at a time; its end schedules the next")
    func partitions() throws {
        let profile = RunFixtures.profile { $0.partitionsPerTick = Ratio(1, 100) }
        var faults = FaultScheduler(profile: profile, prng: PRNG(seed: 3))
        var world = RunFixtures.rules.initialWorld
        var sides = Set<UInt16>()
        for _ in 0..<40 {
            let arrived = faults.partitionStarts(now: 100, in: world, spec: .fuzzDefault)
            let side = try #require(arrived)
            #expect(!side.isEmpty && !side.contains(NodeID(0)))
            sides.insert(side.bits)
            let end = try #require(faults.earliestFault())
            #expect(end.fault == .partitionEnds && profile.partitionDurationTicks.contains(end.due - 100))
            faults.partitionEnds(now: end.due)
            #expect(faults.earliestFault()?.fault == .partitionStarts)
        }
        #expect(sides.count == 3)  // {s2}, {s3}, {s2, s3}

        RunFixtures.rules.apply(.partition(NodeSet([NodeID(1)])), to: &world)
        #expect(faults.partitionStarts(now: 100, in: world, spec: .fuzzDefault) == nil)
    }

    @Test("A one-way cut blocks a nonempty proper group of senders")
    func oneWay() throws {
        var faults = FaultScheduler(
            profile: RunFixtures.profile { $0.oneWayPartitionsPerTick = Ratio(1, 100) }, prng: PRNG(seed: 4))
        for _ in 0..<40 {
            let arrived = faults.oneWayStarts(now: 0, spec: .fuzzDefault)
            let cut = try #require(arrived)
            #expect(!cut.blockedSenders.isEmpty && cut.blockedSenders.bits != 0b111)
            #expect(faults.earliestFault()?.fault == .oneWayEnds)
            faults.oneWayEnds(now: 10)
            #expect(faults.earliestFault()?.fault == .oneWayStarts)
        }
        var single = WorldSpec.fuzzDefault
        single.servers = 1
        #expect(faults.oneWayStarts(now: 0, spec: single) == nil)
    }

    @Test(
        "A clog holds a running server's links, the leader's half the time, one at a time; its end schedules the next")
    func clogs() throws {
        let profile = RunFixtures.profile { $0.clogsPerTick = Ratio(1, 100) }
        var faults = FaultScheduler(profile: profile, prng: PRNG(seed: 5), clogs: PRNG(seed: 5))
        #expect(faults.earliestFault()?.fault == .clogStarts)
        let world = RunFixtures.worldWithLeader()
        var servers: [Int] = Array(repeating: 0, count: 3)
        for _ in 0..<100 {
            let arrived = faults.clogStarts(now: 100, in: world)
            let clog = try #require(arrived)
            servers[clog.server.index] += 1
            let end = try #require(faults.earliestFault())
            #expect(end.fault == .clogEnds && end.due == clog.endTick)
            #expect(profile.clogDurationTicks.contains(clog.endTick - 100))
            faults.clogEnds(now: end.due)
            #expect(faults.earliestFault()?.fault == .clogStarts)
        }
        // s1 leads: half the clogs strike it, the rest any running server.
        #expect(servers[0] > 50 && servers[1] > 0 && servers[2] > 0)
    }

    @Test("Stopped, the scheduler schedules nothing")
    func stop() {
        var profile = FaultProfile(seed: 7)  // a profile with faults on
        profile.clogsPerTick = Ratio(1, 100)
        var faults = FaultScheduler(profile: profile, prng: PRNG(seed: 7), clogs: PRNG(seed: 7))
        faults.stop()
        #expect(faults.earliestFault() == nil)
    }
}
