import Testing

@testable import RaftCore
@testable import RaftFuzzing
@testable import RaftSimulation

@Suite("The virtual clock: time and the servers' timers")
struct VirtualClockTests {
    @Test("Each server's first election deadline is drawn from its own range (section 5.2); nothing else is armed")
    func firstDeadlines() {
        for seed in 1...100 as ClosedRange<UInt64> {
            let profile = FaultProfile(seed: seed)
            let clock = VirtualClock(profile: profile, serverCount: 3, prng: RunStreams(seed: seed).timers)
            for index in 0..<3 {
                #expect(profile.electionTimeoutTicks(of: index, servers: 3).contains(clock.electionDeadlines[index]))
            }
            #expect(clock.heartbeatDeadlines == [.max, .max, .max])
            #expect(clock.restartTicks == [.max, .max, .max])
        }
    }

    @Test(
        "The timer that can fire follows the role: election for a follower, heartbeat for a leader, restart for a crashed server"
    )
    func timerFollowsRole() throws {
        let rules = RunFixtures.rules
        var clock = VirtualClock(profile: RunFixtures.profile(), serverCount: 3, prng: PRNG(seed: 1))
        var world = rules.initialWorld
        let first = try #require(clock.earliestTimer(in: world))
        let earliestIndex = clock.electionDeadlines.firstIndex(of: clock.electionDeadlines.min()!)!
        #expect(first.timer == .election(earliestIndex))
        #expect(first.due == clock.electionDeadlines[earliestIndex])

        // s1 leads: its election timer no longer counts, its heartbeat does.
        world = RunFixtures.worldWithLeader()
        clock.rearm(electionResets: 0, heartbeatResets: 1)
        let leaderTimer = try #require(clock.earliestTimer(in: world))
        #expect(leaderTimer.timer == .heartbeat(0))

        // s2 crashes and comes back at tick 1: its restart is the earliest timer.
        rules.apply(.crash(NodeID(1)), to: &world)
        clock.serverCrashed(1, restartsAt: 1)
        #expect(clock.electionDeadlines[1] == .max && clock.heartbeatDeadlines[1] == .max)
        let restart = try #require(clock.earliestTimer(in: world))
        #expect(restart.timer == .restart(1) && restart.due == 1)
    }

    @Test("A timer that fires is disarmed until the core asks again; re-armed from the current tick")
    func fireAndRearm() {
        let profile = RunFixtures.profile()
        var clock = VirtualClock(profile: profile, serverCount: 3, prng: PRNG(seed: 2))
        let world = RunFixtures.rules.initialWorld
        let spec = WorldSpec.fuzzDefault
        #expect(clock.fire(.election(2), in: world, spec: spec, networkHasRoom: true) == .electionTimeout(NodeID(2)))
        #expect(clock.electionDeadlines[2] == .max)

        clock.advance(to: 1_000)
        clock.rearm(electionResets: 1 << 2, heartbeatResets: 1 << 1)
        #expect(profile.electionTimeoutTicks.contains(clock.electionDeadlines[2] - 1_000))
        #expect(clock.heartbeatDeadlines[1] == 1_000 + profile.heartbeatIntervalTicks)

        #expect(clock.fire(.heartbeat(1), in: world, spec: spec, networkHasRoom: true) == .heartbeatTimeout(NodeID(1)))
        #expect(clock.heartbeatDeadlines[1] == .max)
        #expect(clock.fire(.restart(0), in: world, spec: spec, networkHasRoom: true) == .restart(NodeID(0)))
        #expect(clock.restartTicks[0] == .max)
    }

    @Test("A full network holds a timeout back one tick; an election past maxTerm is disarmed")
    func timeoutsTheWorldCannotTake() {
        var clock = VirtualClock(profile: RunFixtures.profile(), serverCount: 3, prng: PRNG(seed: 3))
        let world = RunFixtures.rules.initialWorld
        clock.advance(to: 40)
        #expect(clock.fire(.election(0), in: world, spec: .fuzzDefault, networkHasRoom: false) == nil)
        #expect(clock.electionDeadlines[0] == 41)
        #expect(clock.fire(.heartbeat(1), in: world, spec: .fuzzDefault, networkHasRoom: false) == nil)
        #expect(clock.heartbeatDeadlines[1] == 41)

        var noElections = WorldSpec.fuzzDefault
        noElections.maxTerm = 0
        #expect(clock.fire(.election(0), in: world, spec: noElections, networkHasRoom: true) == nil)
        #expect(clock.electionDeadlines[0] == .max)
    }

    @Test("Time never moves back")
    func monotonic() {
        var clock = VirtualClock(profile: RunFixtures.profile(), serverCount: 1, prng: PRNG(seed: 4))
        clock.advance(to: 30)
        clock.advance(to: 10)
        #expect(clock.now == 30)
    }
}
