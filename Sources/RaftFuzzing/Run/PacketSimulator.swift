import RaftCore
import RaftSimulation

/// The messages of a fuzz run in flight, as the virtual clock sees them: when each is due and
/// what happens to it then.
///
/// The world holds the same messages (`World.network`) as an unordered multiset, since an
/// explorer may deliver any of them next; the packet simulator gives each one the delivery tick
/// and the fate a real network would, drawn from the run's network stream alone when the message
/// is sent:
/// - a fate: delivered, lost, or delivered twice (the profile's per-message rates);
/// - a delay: an ordinary one, or a long one that makes it stale when it lands;
/// - first-in first-out order per link, unless the message was picked to overtake;
/// - a one-way cut, which loses what the blocked senders send to the other side;
/// - a clog, which holds what one server's links carry until it lifts, then lets it through.
/// Kept apart from the clock and the fault schedule as TigerBeetle's VOPR keeps its
/// `PacketSimulator`, so that each can be read and tested on its own.
struct PacketSimulator {
    /// A message in flight.
    struct Packet {
        enum Fate { case deliver, drop, duplicate }
        var envelope: Envelope
        /// The tick it arrives (or meets its fate).
        var dueTick: Int
        var fate: Fate
    }

    /// The messages in flight, in send order (which breaks ties between equal ticks).
    private(set) var inFlight: [Packet]
    /// The one-way partition in force, if any.
    private(set) var oneWayCut: OneWayCut? = nil
    /// The clog in force, if any.
    private(set) var clog: Clog? = nil
    /// Whether newly sent messages may be lost, duplicated, held back or reordered; off once the
    /// liveness phase has healed the network.
    private(set) var injectsFaults = true
    /// Per link (`from * servers + to`), the delivery tick of the last first-in first-out message.
    private var lastDueTickOnLink: [Int]
    private var prng: PRNG
    private let profile: FaultProfile
    private let serverCount: Int

    /// An empty network; `storage` lends its capacity (it is left empty), so that a fuzzer's
    /// runs one after another allocate no new buffer once one run has filled it.
    init(profile: FaultProfile, serverCount: Int, prng: PRNG, reusing storage: inout [Packet]) {
        self.profile = profile
        self.serverCount = serverCount
        self.prng = prng
        inFlight = []
        swap(&inFlight, &storage)
        inFlight.removeAll(keepingCapacity: true)
        lastDueTickOnLink = Array(repeating: 0, count: serverCount * serverCount)
    }

    /// Hands the network's buffer back for the next run.
    mutating func lendStorage(to storage: inout [Packet]) {
        swap(&inFlight, &storage)
    }

    /// Gives a newly sent message its delivery tick and fate.
    mutating func send(_ envelope: Envelope, now: Int) {
        var fate = Packet.Fate.deliver
        var delayed = false
        var mayOvertake = false
        if injectsFaults {
            if let loss = profile.lossPerMessage, prng.chance(loss) { fate = .drop }
            if let duplication = profile.duplicationPerMessage, prng.chance(duplication), fate == .deliver {
                fate = .duplicate
            }
            if let delay = profile.delayPerMessage { delayed = prng.chance(delay) }
            if let reordering = profile.reorderingPerMessage { mayOvertake = prng.chance(reordering) }
        }
        var due = now + prng.uniform(in: delayed ? profile.longDelayTicks : profile.messageDelayTicks)
        let link = envelope.from.index * serverCount + envelope.to.index
        if !mayOvertake {
            due = max(due, lastDueTickOnLink[link])
            lastDueTickOnLink[link] = due
        }
        inFlight.append(Packet(envelope: envelope, dueTick: due, fate: fate))
    }

    /// The earliest message due and its tick; ties go to the one sent first.
    ///
    /// Always inlined, as are the other components' calls made at every step: called, it would
    /// be handed a copy of the packet simulator.
    @inline(__always)
    func earliestMessage() -> (position: Int, due: Int)? {
        var earliest = -1
        var due = Int.max
        for position in inFlight.indices where inFlight[position].dueTick < due {
            earliest = position
            due = inFlight[position].dueTick
        }
        return earliest < 0 ? nil : (earliest, due)
    }

    /// Carries out the fate of the message at `position`, now due: the action it becomes, or nil
    /// when it is held for later.
    ///
    /// A duplicate is sent again (with a fresh delay) and the original still arrives; a lost
    /// message, or one across the one-way cut, is dropped; a message whose receiver is down is
    /// lost too, or, when the spec allows no more drops, held until the receiver is back. Drops
    /// and duplicates the spec has no budget left for become deliveries.
    ///
    /// Always inlined, so that the action it returns goes to the step without being boxed in an
    /// optional on the way.
    @inline(__always)
    mutating func dispatch(at position: Int, now: Int, in world: World, spec: WorldSpec) -> Action? {
        let message = inFlight[position]
        let envelope = message.envelope
        if let clog, clog.holds(envelope) {
            // Queued behind what the link queued before it, so the clog lets its messages
            // through in the order they reached it; their fates wait with them.
            let link = envelope.from.index * serverCount + envelope.to.index
            let due = max(clog.endTick + prng.uniform(in: profile.messageDelayTicks), lastDueTickOnLink[link])
            lastDueTickOnLink[link] = due
            inFlight[position].dueTick = due
            return nil
        }
        let canDrop = world.spent.drops < spec.maxDrops
        if message.fate == .duplicate && world.spent.duplicates < spec.maxDuplicates {
            inFlight[position].fate = .deliver
            let due = now + prng.uniform(in: profile.messageDelayTicks)
            inFlight.append(Packet(envelope: envelope, dueTick: due, fate: .deliver))
            return .duplicate(envelope)
        }
        if canDrop && (message.fate == .drop || (oneWayCut?.blocks(envelope) ?? false)) {
            inFlight.remove(at: position)
            return .drop(envelope)
        }
        if !world.servers[envelope.to.index].isUp {
            if canDrop {
                inFlight.remove(at: position)
                return .drop(envelope)
            }
            inFlight[position].dueTick = now + profile.messageDelayTicks.upperBound
            return nil
        }
        inFlight.remove(at: position)
        return .deliver(envelope)
    }

    /// A partition with `side` on one side has begun: the world loses the messages in flight
    /// across it, and so does the packet simulator.
    mutating func partitioned(side: NodeSet) {
        inFlight.removeAll { side.contains($0.envelope.from) != side.contains($0.envelope.to) }
    }

    /// Puts a one-way cut in force, or lifts it (nil).
    mutating func cut(_ cut: OneWayCut?) {
        oneWayCut = cut
    }

    /// Puts a clog in force, or lifts it (nil); what it held is already due after its end.
    mutating func clog(_ clog: Clog?) {
        self.clog = clog
    }

    /// Stops every network fault: the one-way cut and the clog are lifted, every message in
    /// flight will be delivered (late or not), and messages sent from now on are neither lost,
    /// duplicated, held back nor reordered.
    mutating func heal() {
        oneWayCut = nil
        clog = nil
        injectsFaults = false
        for position in inFlight.indices { inFlight[position].fate = .deliver }
    }

    /// Whether the messages in flight are exactly the world's; for validation.
    func mirrors(_ world: World) -> Bool {
        inFlight.map(\.envelope.fingerprint).sorted() == world.network.map(\.fingerprint).sorted()
    }
}

/// A one-way partition: messages sent by `blockedSenders` to the other servers are lost; the
/// other direction still flows.
struct OneWayCut: Equatable {
    var blockedSenders: NodeSet

    func blocks(_ envelope: Envelope) -> Bool {
        blockedSenders.contains(envelope.from) && !blockedSenders.contains(envelope.to)
    }
}

/// A clog: every message to or from `server` (server to server; its clients still reach it) that
/// comes due before `endTick` waits until then, and the link lets it through after.
struct Clog: Equatable {
    var server: NodeID
    /// The tick the clog lifts.
    var endTick: Int

    func holds(_ envelope: Envelope) -> Bool {
        envelope.from == server || envelope.to == server
    }
}
