import RaftCore

extension SessionResult: StablyHashable {
    public func stableHash(into hasher: inout StableHasher) {
        switch self {
        case .done: hasher.combine(1)
        case .swapped(let swapped): hasher.combine(swapped ? 3 : 2)
        case .values(let values):
            hasher.combine(4 + values.count)
            for value in values { hasher.combine(Int(value)) }
        }
    }
}

extension ClientMessage: StablyHashable {
    public func stableHash(into hasher: inout StableHasher) {
        for word in sortKey { hasher.combine(word) }
        if case .reply(_, let result) = body { result.stableHash(into: &hasher) }
    }
}

extension ClientAction: StablyHashable {
    public func stableHash(into hasher: inout StableHasher) {
        switch self {
        case .invoke(let command):
            hasher.combine(1)
            hasher.combine(command.packed)
        case .deliver(let message), .drop(let message), .duplicate(let message):
            hasher.combine(self.isDeliver ? 2 : isDrop ? 3 : 4)
            message.stableHash(into: &hasher)
        case .timeout(let client):
            hasher.combine(5)
            hasher.combine(client)
        }
    }

    private var isDeliver: Bool {
        if case .deliver = self { return true }
        return false
    }

    private var isDrop: Bool {
        if case .drop = self { return true }
        return false
    }

    /// The server the action involves: a message's server; none for a client's own step.
    public var server: NodeID? {
        switch self {
        case .deliver(let message), .drop(let message), .duplicate(let message): message.server
        case .invoke, .timeout: nil
        }
    }
}

extension Clients: StablyHashable {
    /// Every part that decides what happens next or what the properties read.
    public func stableHash(into hasher: inout StableHasher) {
        hasher.combine(0xC11E_0715 as UInt64)
        for session in sessions {
            hasher.combine(session.issued)
            hasher.combine(session.pending.map { $0.packed + 1 } ?? 0)
            hasher.combine(session.target.index)
            hasher.combine(session.targetIsFresh ? 1 : 0)
            hasher.combine(session.retries)
        }
        hasher.combine(inFlight.count)
        for message in inFlight { message.stableHash(into: &hasher) }
        for machine in machines {
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
        }
        hasher.combine(history.count)
        for record in history { record.stableHash(into: &hasher) }
        hasher.combine(clock)
        hasher.combine(consultsSessions ? 1 : 0)
    }
}

extension ClientHistoryRecord {
    /// Feeds the record to `hasher`: the world's fingerprint and symmetry's identity-free hash
    /// both hash the history this way, so the two can never disagree on what makes records differ.
    public func stableHash(into hasher: inout StableHasher) {
        hasher.combine(command.packed)
        hasher.combine(invokedAt)
        switch outcome {
        case .pending: hasher.combine(0)
        case .ok(let result, let at):
            hasher.combine(1)
            hasher.combine(at)
            result.stableHash(into: &hasher)
        case .gaveUp(let at):
            hasher.combine(2)
            hasher.combine(at)
        }
        if let contradiction = contradictingResult { contradiction.stableHash(into: &hasher) }
    }
}
