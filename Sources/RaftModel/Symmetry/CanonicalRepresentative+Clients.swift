import RaftCore
import RaftSimulation

/// The session clients in symmetry reduction: clients point at servers (each client's target,
/// each message's server, a redirect's leader) and each server has its own session state
/// machine, so they take part in the servers' signatures and in the renamed world's key, and
/// the rest of them (sequence numbers, retries, the history) names no server.
enum ClientSymmetry {
    /// Adds to each server's own signature its session state machine, the client messages to or
    /// from it, and the clients aiming at it, with every pointer reduced to "itself" or "another".
    static func addLocal(_ clients: Clients, to local: inout ServerWords, count: Int) {
        for index in 0..<min(count, clients.machines.count) {
            local[index] = SymmetryHash.mix(local[index], machineHash(clients.machines[index]))
        }
        for message in clients.inFlight {
            let leader = ServerSignatures.relative(message.redirectLeader, to: message.server)
            local[message.server.index] &+= SymmetryHash.mix(messageHash(message), 0xC1 << 8 | leader)
        }
        for (client, session) in clients.sessions.enumerated() {
            local[session.target.index] &+= SymmetryHash.mix(sessionHash(session, client: client), 0xC2)
        }
    }

    /// The clients' pointers under the new names (`newIndex[old]`), as an order-free sum over
    /// messages and sessions.
    static func key(of clients: Clients, newIndex: (Int) -> Int) -> UInt64 {
        var messages: UInt64 = 0
        for message in clients.inFlight {
            let leader = message.redirectLeader.map { UInt64(newIndex($0.index) + 1) } ?? 0
            messages &+= SymmetryHash.mix(messageHash(message), UInt64(newIndex(message.server.index)) | leader << 8)
        }
        var hash = SymmetryHash.mix(0xC11E, messages)
        for (client, session) in clients.sessions.enumerated() {
            hash = SymmetryHash.mix(hash, UInt64(client) << 8 | UInt64(newIndex(session.target.index)))
        }
        return hash
    }

    /// Everything of the clients that names no server: the sessions but for their targets, the
    /// history, the clock, how many messages are in flight, and the session switch.
    static func identityFreeHash(_ clients: Clients) -> UInt64 {
        var hash = SymmetryHash.mix(0xC11E_0715, UInt64(clients.inFlight.count))
        for (client, session) in clients.sessions.enumerated() {
            hash = SymmetryHash.mix(hash, sessionHash(session, client: client))
        }
        var history = StableHasher()
        for record in clients.history { record.stableHash(into: &history) }
        history.combine(clients.clock)
        history.combine(clients.consultsSessions ? 1 : 0)
        return SymmetryHash.mix(hash, history.finalize())
    }

    private static func sessionHash(_ session: ClientSession, client: Int) -> UInt64 {
        UInt64(client) | UInt64(session.issued) << 4 | (session.pending.map { $0.packed + 1 } ?? 0) << 20
            ^ UInt64(session.retries) << 56 | (session.targetIsFresh ? 1 << 62 : 0)
    }

    private static func machineHash(_ machine: SessionStore) -> UInt64 {
        var hasher = StableHasher()
        for values in machine.values {
            hasher.combine(values.count)
            for value in values { hasher.combine(Int(value)) }
        }
        for record in machine.sessions {
            hasher.combine(record.lastSequence)
            if let result = record.result { result.stableHash(into: &hasher) } else { hasher.combine(0) }
        }
        hasher.combine(machine.executed.count)
        for operation in machine.executed { hasher.combine(UInt64(operation)) }
        return hasher.finalize()
    }

    /// A client message without its server or a redirect's leader.
    private static func messageHash(_ message: ClientMessage) -> UInt64 {
        var hasher = StableHasher()
        hasher.combine(message.command.packed)
        switch message.body {
        case .request: hasher.combine(1)
        case .reply(_, let result):
            hasher.combine(2)
            result.stableHash(into: &hasher)
        case .redirect(_, let leader):
            hasher.combine(leader == nil ? 3 : 4)
        }
        return hasher.finalize()
    }
}

extension ClientMessage {
    /// The leader a redirect names, if any.
    fileprivate var redirectLeader: NodeID? {
        if case .redirect(_, let leader) = body { return leader }
        return nil
    }
}
