import Testing

@testable import RaftCore
@testable import RaftFuzzing
@testable import RaftSimulation

@Suite("The packet simulator: each message's delay and fate")
struct PacketSimulatorTests {
    private func packets(_ profile: FaultProfile, seed: UInt64 = 1) -> PacketSimulator {
        var storage: [PacketSimulator.Packet] = []
        return PacketSimulator(profile: profile, serverCount: 3, prng: PRNG(seed: seed), reusing: &storage)
    }

    @Test("With reordering off every link is first-in first-out; with it on, messages overtake")
    func firstInFirstOut() {
        var fifo = packets(RunFixtures.profile())
        var reordering = packets(RunFixtures.profile { $0.reorderingPerMessage = Ratio(1, 1) })
        for tick in 0..<50 {
            fifo.send(RunFixtures.envelope(0, 1), now: tick / 5)
            reordering.send(RunFixtures.envelope(0, 1), now: tick / 5)
        }
        let fifoDue = fifo.inFlight.map(\.dueTick)
        let reorderedDue = reordering.inFlight.map(\.dueTick)
        #expect(fifoDue == fifoDue.sorted())
        #expect(reorderedDue != reorderedDue.sorted())
    }

    @Test("Each message is due within its delay: an ordinary one, or a long one for a held-back message")
    func delays() {
        // Reordering on for every message, so that no delay is stretched to keep a link in order.
        let profile = RunFixtures.profile {
            $0.delayPerMessage = Ratio(1, 2)
            $0.reorderingPerMessage = Ratio(1, 1)
        }
        var network = packets(profile)
        for _ in 0..<100 { network.send(RunFixtures.envelope(1, 2), now: 100) }
        var long = 0
        for packet in network.inFlight {
            let delay = packet.dueTick - 100
            if profile.longDelayTicks.contains(delay) { long += 1 }
            #expect(profile.messageDelayTicks.contains(delay) || profile.longDelayTicks.contains(delay))
        }
        #expect(long > 20 && long < 80)
    }

    @Test("A lost message is dropped, a duplicated one sent again and still delivered, any other delivered")
    func fates() {
        let world = RunFixtures.rules.initialWorld
        let spec = WorldSpec.fuzzDefault
        let message = RunFixtures.envelope(0, 2)

        var lossy = packets(RunFixtures.profile { $0.lossPerMessage = Ratio(1, 1) })
        lossy.send(message, now: 0)
        #expect(lossy.dispatch(at: 0, now: 30, in: world, spec: spec) == .drop(message))
        #expect(lossy.inFlight.isEmpty)

        var duplicating = packets(RunFixtures.profile { $0.duplicationPerMessage = Ratio(1, 1) })
        duplicating.send(message, now: 0)
        #expect(duplicating.dispatch(at: 0, now: 30, in: world, spec: spec) == .duplicate(message))
        #expect(duplicating.inFlight.count == 2 && duplicating.inFlight.allSatisfy { $0.fate == .deliver })
        #expect(duplicating.dispatch(at: 0, now: 30, in: world, spec: spec) == .deliver(message))

        var noBudget = spec
        noBudget.maxDrops = 0
        lossy.send(message, now: 0)
        #expect(lossy.dispatch(at: 0, now: 30, in: world, spec: noBudget) == .deliver(message))
    }

    @Test("A message to a crashed server is lost, or held until it is back when the spec allows no drops")
    func receiverDown() {
        var world = RunFixtures.rules.initialWorld
        RunFixtures.rules.apply(.crash(NodeID(2)), to: &world)
        let profile = RunFixtures.profile()
        var network = packets(profile)
        let message = RunFixtures.envelope(0, 2)
        network.send(message, now: 0)
        var noDrops = WorldSpec.fuzzDefault
        noDrops.maxDrops = 0
        #expect(network.dispatch(at: 0, now: 30, in: world, spec: noDrops) == nil)
        #expect(network.inFlight[0].dueTick == 30 + profile.messageDelayTicks.upperBound)
        #expect(network.dispatch(at: 0, now: 60, in: world, spec: .fuzzDefault) == .drop(message))
    }

    @Test("A one-way cut loses what its blocked senders send across it, and nothing else")
    func oneWayCut() {
        let world = RunFixtures.rules.initialWorld
        var network = packets(RunFixtures.profile())
        network.cut(OneWayCut(blockedSenders: NodeSet([NodeID(0)])))
        let blocked = RunFixtures.envelope(0, 1)
        let reply = RunFixtures.envelope(1, 0)
        let elsewhere = RunFixtures.envelope(1, 2)
        for message in [blocked, reply, elsewhere] {
            network.send(message, now: 0)
            let expected: Action = message == blocked ? .drop(message) : .deliver(message)
            #expect(network.dispatch(at: 0, now: 30, in: world, spec: .fuzzDefault) == expected)
        }
        network.cut(nil)
        network.send(blocked, now: 0)
        #expect(network.dispatch(at: 0, now: 30, in: world, spec: .fuzzDefault) == .deliver(blocked))
    }

    @Test(
        "A clog holds what its server's links carry until it lifts, then lets it through in the order it was queued")
    func clog() {
        let world = RunFixtures.rules.initialWorld
        var network = packets(RunFixtures.profile())
        let clog = Clog(server: NodeID(0), endTick: 500)
        network.clog(clog)
        // Two acknowledgements into the clogged server, then a later message on the same link, one
        // out of it, and one between the other two servers.
        let first = RunFixtures.envelope(1, 0, term: 1)
        let second = RunFixtures.envelope(2, 0, term: 1)
        let later = RunFixtures.envelope(1, 0, term: 2)
        let out = RunFixtures.envelope(0, 2)
        let elsewhere = RunFixtures.envelope(1, 2)
        for (tick, message) in [(0, first), (0, second), (5, later), (5, out), (5, elsewhere)] {
            network.send(message, now: tick)
        }
        var delivered: [Envelope] = []
        while let (position, due) = network.earliestMessage(), due < clog.endTick {
            if let action = network.dispatch(at: position, now: due, in: world, spec: .fuzzDefault) {
                #expect(action == .deliver(elsewhere))
                delivered.append(elsewhere)
            }
        }
        #expect(delivered == [elsewhere])
        #expect(network.inFlight.count == 4)
        #expect(network.inFlight.allSatisfy { $0.dueTick > clog.endTick })
        network.clog(nil)
        while let (position, due) = network.earliestMessage() {
            if case .deliver(let message) = network.dispatch(at: position, now: due, in: world, spec: .fuzzDefault) {
                delivered.append(message)
            }
        }
        // Nothing held was lost, and the link from s2 kept its order: what was queued first lands first.
        #expect(delivered.count == 5 && Set(delivered) == Set([elsewhere, first, second, later, out]))
        #expect(delivered.firstIndex(of: first)! < delivered.firstIndex(of: later)!)
    }

    @Test("A partition takes the messages across it, as the world does")
    func partition() {
        var network = packets(RunFixtures.profile())
        for (from, to) in [(0, 1), (1, 0), (1, 2), (2, 1), (0, 2)] {
            network.send(RunFixtures.envelope(from, to), now: 0)
        }
        network.partitioned(side: NodeSet([NodeID(2)]))
        #expect(network.inFlight.map { [$0.envelope.from.index, $0.envelope.to.index] } == [[0, 1], [1, 0]])
    }

    @Test("Once healed, no message is lost, duplicated, held back or reordered, including those already in flight")
    func heal() {
        let profile = RunFixtures.profile {
            $0.lossPerMessage = Ratio(1, 1)
            $0.delayPerMessage = Ratio(1, 1)
            $0.reorderingPerMessage = Ratio(1, 1)
        }
        var network = packets(profile)
        network.cut(OneWayCut(blockedSenders: NodeSet([NodeID(0)])))
        network.clog(Clog(server: NodeID(1), endTick: 1_000))
        network.send(RunFixtures.envelope(0, 1), now: 0)
        network.heal()
        #expect(network.oneWayCut == nil)
        #expect(network.clog == nil)
        for _ in 0..<20 { network.send(RunFixtures.envelope(0, 1), now: 10) }
        #expect(network.inFlight.allSatisfy { $0.fate == .deliver })
        let due = network.inFlight.dropFirst().map(\.dueTick)
        #expect(due == due.sorted())
        #expect(due.allSatisfy { $0 - 10 <= profile.messageDelayTicks.upperBound })
    }

    @Test("The earliest message goes first; ties go to the one sent first")
    func earliest() {
        var network = packets(RunFixtures.profile { $0.reorderingPerMessage = Ratio(1, 1) })
        #expect(network.earliestMessage() == nil)
        for _ in 0..<30 { network.send(RunFixtures.envelope(2, 0), now: 0) }
        let earliest = network.earliestMessage()!
        let minimum = network.inFlight.map(\.dueTick).min()!
        #expect(earliest.due == minimum)
        #expect(earliest.position == network.inFlight.firstIndex { $0.dueTick == minimum })
    }
}
