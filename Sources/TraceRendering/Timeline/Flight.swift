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
struct FlightTracker {
    private(set) var flights: [Flight] = []
    /// Positions in `flights` of the messages in flight, oldest first.
    private var pending: [Int] = []

    /// Records one step and returns the flight the action acted on, if it acted on a message.
    mutating func record(_ action: Action, from before: World, to after: World, step: Int) -> Int? {
        var actedOn: Int? = nil
        switch action {
        case .deliver(let envelope), .drop(let envelope):
            if let position = pending.firstIndex(where: { flights[$0].envelope == envelope }) {
                actedOn = pending.remove(at: position)
                flights[actedOn!].endedAt = step
                flights[actedOn!].fate = action.kind == .deliver ? .delivered : .dropped
            }
        case .duplicate(let envelope):
            if let original = pending.first(where: { flights[$0].envelope == envelope }) {
                actedOn = original
                flights.append(
                    Flight(envelope: envelope, sentAt: step, endedAt: nil, fate: .inFlight, copyOf: original))
                pending.append(flights.count - 1)
            }
        case .partition:
            pending.removeAll { position in
                guard after.isCut(flights[position].envelope.from, flights[position].envelope.to) else { return false }
                flights[position].endedAt = step
                flights[position].fate = .cut
                return true
            }
        default:
            break
        }
        recordSends(in: after, step: step)
        return actedOn
    }

    /// Adds a flight for every message in `world`'s network that no pending flight accounts for.
    private mutating func recordSends(in world: World, step: Int) {
        var accounted = Array(repeating: false, count: pending.count)
        var sent: [Envelope] = []
        for envelope in world.network {
            if let match = pending.indices.first(where: { !accounted[$0] && flights[pending[$0]].envelope == envelope })
            {
                accounted[match] = true
            } else {
                sent.append(envelope)
            }
        }
        // The network keeps messages in fingerprint order; receivers in server order read better.
        for envelope in sent.sorted(by: { $0.to < $1.to }) {
            flights.append(Flight(envelope: envelope, sentAt: step, endedAt: nil, fate: .inFlight, copyOf: nil))
            pending.append(flights.count - 1)
        }
    }
}
