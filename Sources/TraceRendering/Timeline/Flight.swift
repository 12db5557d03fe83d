import RaftCore
import RaftSimulation

/// One message's path through the network: the step that sent it and the step that ended it.
///
/// A space-time diagram draws a message as an arrow from its sender's lane at the sending step to
/// its receiver's lane at the delivering step; traces record only the delivery, so the sending
/// step is recovered from how the network changed.
public struct Flight: Hashable, Sendable {
    public var envelope: Envelope
    /// The step whose action sent the message (or, for a copy, the step that duplicated it).
    public var sentAt: Int
    /// The step that delivered, dropped or cut the message; nil while still in flight at the end.
    public var endedAt: Int?
    public var fate: Fate
    /// For a copy made by a duplicate action: the position of the flight it copies.
    public var copyOf: Int?

    public enum Fate: String, Hashable, Sendable {
        /// Handed to its receiver.
        case delivered
        /// Lost by the network (a drop action).
        case dropped
        /// Lost because a partition cut its route while it was in flight.
        case cut
        /// Still in flight when the run ended.
        case inFlight = "in-flight"
    }
}

/// Follows messages step by step, matching each delivery with the send it came from.
///
/// Equal messages are indistinguishable to the world (its network is a multiset), so a delivery
/// is matched with the earliest equal message still in flight: the oldest copy arrives first.
///
/// Every flight gets a serial number, its position among all the flights of the run. A long run
/// sends messages without end, so the tracker can forget flights that ended in steps a windowed
/// timeline will not show (`forget(endedBefore:sentAfter:)`); the flights it keeps stay in serial
/// order, and `position(of:)` finds one by its serial number.
struct FlightTracker {
    /// The flights kept, in the order they were sent; `serials[i]` is the serial of `flights[i]`.
    private(set) var flights: [Flight] = []
    private var serials: [Int] = []
    private var nextSerial = 0
    /// The messages in flight, oldest first, with their serials.
    private var pending: [(serial: Int, envelope: Envelope)] = []

    /// Records one step and returns the serial of the flight the action acted on, if it acted on a
    /// message.
    mutating func record(_ action: Action, from before: World, to after: World, step: Int) -> Int? {
        var actedOn: Int? = nil
        switch action {
        case .deliver(let envelope), .drop(let envelope):
            if let match = pending.firstIndex(where: { $0.envelope == envelope }) {
                let serial = pending.remove(at: match).serial
                actedOn = serial
                let position = position(of: serial)!
                flights[position].endedAt = step
                flights[position].fate = action.kind == .deliver ? .delivered : .dropped
            }
        case .duplicate(let envelope):
            if let original = pending.first(where: { $0.envelope == envelope }) {
                actedOn = original.serial
                add(Flight(envelope: envelope, sentAt: step, endedAt: nil, fate: .inFlight, copyOf: original.serial))
            }
        case .partition:
            let cut = pending.filter { after.isCut($0.envelope.from, $0.envelope.to) }
            pending.removeAll { after.isCut($0.envelope.from, $0.envelope.to) }
            for flight in cut {
                let position = position(of: flight.serial)!
                flights[position].endedAt = step
                flights[position].fate = .cut
            }
        default:
            break
        }
        recordSends(in: after, step: step)
        return actedOn
    }

    /// The position in `flights` of the flight with this serial, if it is kept.
    func position(of serial: Int) -> Int? {
        var low = 0
        var high = serials.count
        while low < high {
            let middle = (low + high) / 2
            if serials[middle] < serial { low = middle + 1 } else { high = middle }
        }
        return low < serials.count && serials[low] == serial ? low : nil
    }

    /// Forgets the flights that were sent after step `sentAfter` and ended before step
    /// `endedBefore`: no step a windowed timeline shows sent, acted on or ended them.
    ///
    /// A flight that a kept copy was duplicated from is kept too, so every `copyOf` still points
    /// at a kept flight.
    mutating func forget(endedBefore first: Int, sentAfter last: Int) {
        var originals = Set<Int>()
        var keep = Array(repeating: true, count: flights.count)
        for position in flights.indices.reversed() {
            let flight = flights[position]
            let ended = flight.endedAt.map { $0 < first } ?? false
            if ended && flight.sentAt > last && !originals.contains(serials[position]) {
                keep[position] = false
            } else if let original = flight.copyOf {
                originals.insert(original)
            }
        }
        var kept = 0
        for position in flights.indices where keep[position] {
            flights[kept] = flights[position]
            serials[kept] = serials[position]
            kept += 1
        }
        flights.removeLast(flights.count - kept)
        serials.removeLast(serials.count - kept)
    }

    private mutating func add(_ flight: Flight) {
        flights.append(flight)
        serials.append(nextSerial)
        pending.append((nextSerial, flight.envelope))
        nextSerial += 1
    }

    /// Adds a flight for every message in `world`'s network that no pending flight accounts for.
    private mutating func recordSends(in world: World, step: Int) {
        var accounted = Array(repeating: false, count: pending.count)
        var sent: [Envelope] = []
        for envelope in world.network {
            if let match = pending.indices.first(where: { !accounted[$0] && pending[$0].envelope == envelope }) {
                accounted[match] = true
            } else {
                sent.append(envelope)
            }
        }
        // The network keeps messages in fingerprint order; receivers in server order read better.
        for envelope in sent.sorted(by: { $0.to < $1.to }) {
            add(Flight(envelope: envelope, sentAt: step, endedAt: nil, fate: .inFlight, copyOf: nil))
        }
    }
}
